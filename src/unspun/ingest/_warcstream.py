"""The byte stream under the WARC reader: decompressed, counted, able to step back.

warcio is handed an :class:`ArchiveStream`. It serves the archive's bytes,
decompressed when the file is gzip (judged by its first bytes, not its name), and
counts them, so record offsets are offsets into the *decompressed* archive. When
a record turns out to be damaged, the reader steps back to just after the
record's start with :meth:`ArchiveStream.move_to` and looks for the next record
header with :meth:`ArchiveStream.skip_to_header`.

Memory stays bounded whatever the file size: the stream keeps only the last
:data:`TAIL_BYTES` bytes it served. Stepping back within them costs nothing; a
longer step (after a record whose ``Content-Length`` ran to the end of the file)
opens the file again and, for gzip, decompresses up to the offset again.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections import deque
from io import BufferedIOBase, BufferedReader
from pathlib import Path
from types import TracebackType

from unspun.ingest._files import os_error_reason

GZIP_MAGIC = b"\x1f\x8b"
#: How many of the last bytes served are kept (to step back, and to inspect the end):
#: enough for most records, so stepping back to a record's start after stray bytes
#: rarely needs the file opened again.
TAIL_BYTES = 1024 * 1024
#: Read size while searching for a record header; well under TAIL_BYTES, so a
#: header found in a chunk can always be stepped back to.
_SEARCH_CHUNK = 16 * 1024
#: The line that starts every WARC record. Searched for anywhere, not only after a
#: blank line: it is looked for only once the archive is known to be damaged at
#: that point, so a looser match loses fewer records, and a false match inside
#: damaged bytes only costs one more search further on.
_HEADER = re.compile(rb"WARC/1\.[01]\r?\n")
_HEADER_MAX = len(b"WARC/1.0\r\n")


def find_header(data: bytes, start: int = 0) -> int | None:
    """Where the first record header line in ``data`` at or after ``start`` begins.

    >>> find_header(b"junk WARC/1.1\\r\\nWARC-Type: response")
    5
    >>> find_header(b"WARC/1.0 is how it starts", 0) is None
    True
    """
    match = _HEADER.search(data, start)
    return match.start() if match is not None else None


class _Tail:
    """The last bytes served, kept as the chunks they were served in.

    Whole chunks are dropped from the front, so keeping the tail costs each read
    only its own size (trimming one buffer would copy the whole tail every time).
    """

    def __init__(self) -> None:
        self._chunks: deque[bytes] = deque()
        self.size = 0

    def add(self, data: bytes) -> None:
        if not data:
            return
        self._chunks.append(data)
        self.size += len(data)
        while self.size - len(self._chunks[0]) >= TAIL_BYTES:
            self.size -= len(self._chunks.popleft())

    def last(self, count: int) -> bytes:
        """The last ``count`` bytes (``count`` at most ``size``)."""
        parts: list[bytes] = []
        have = 0
        for chunk in reversed(self._chunks):
            if have >= count:
                break
            parts.append(chunk)
            have += len(chunk)
        joined = b"".join(reversed(parts))
        return joined[len(joined) - count :]

    def take_last(self, count: int) -> bytes:
        """Remove and return the last ``count`` bytes (``count`` at most ``size``)."""
        data = self.last(count)
        left = count
        while left:
            chunk = self._chunks.pop()
            if len(chunk) > left:
                self._chunks.append(chunk[: len(chunk) - left])
                left = 0
            else:
                left -= len(chunk)
        self.size -= count
        return data


class ArchiveStream:
    """A WARC file's (decompressed) bytes, counted, for warcio to read.

    A read error (a truncated or corrupt gzip stream, an I/O error) is remembered
    in ``error`` and shown to warcio as the end of the data, so the records before
    it are still finished normally; the reader reports ``error`` afterwards.

    Attributes:
        position: Offset in the decompressed archive of the next byte served.
        error: Why reading stopped early, or ``None``.
    """

    def __init__(self, path: Path) -> None:
        """Open ``path`` at offset 0.

        Raises:
            OSError: The file cannot be opened.
        """
        self._path = path
        self._raw: BufferedReader | None = None
        self._handle: BufferedIOBase | None = None
        self.position = 0
        self.error: str | None = None
        self._pending = b""  # bytes from ``position`` on, served before the handle's
        self._tail = _Tail()  # the last bytes served, ending at ``position``
        self._open()

    def _open(self) -> None:
        raw = self._path.open("rb")
        self._raw = raw
        # peek does not consume, and works on a pipe too.
        if raw.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] == GZIP_MAGIC:
            self._handle = gzip.GzipFile(fileobj=raw, mode="rb")
        else:
            self._handle = raw

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None and self._handle is not self._raw:
            self._handle.close()
        if self._raw is not None:
            self._raw.close()
        self._handle = self._raw = None

    def __enter__(self) -> ArchiveStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def tell(self) -> int:
        """The offset of the next byte served (warcio computes record offsets from it)."""
        return self.position

    def _read_handle(self, size: int) -> bytes:
        if self.error is not None or self._handle is None:
            return b""
        try:
            # read1: one underlying read, so the bytes decoded before a damaged
            # part of a gzip stream are returned before the error shows.
            return self._handle.read1(size)
        except EOFError:
            self.error = "truncated WARC: the gzip stream ends in the middle of a member"
        except (gzip.BadGzipFile, zlib.error) as err:
            self.error = f"corrupt WARC: bad gzip data ({err})"
        except OSError as err:
            self.error = os_error_reason(err)
        return b""

    def read(self, size: int = -1) -> bytes:
        """Serve up to ``size`` bytes (all that is buffered or one read's worth if -1)."""
        if self._pending:
            cut = len(self._pending) if size < 0 else size
            data, self._pending = self._pending[:cut], self._pending[cut:]
        else:
            data = self._read_handle(size if size >= 0 else _SEARCH_CHUNK)
        self.position += len(data)
        self._tail.add(data)
        return data

    def served_since(self, offset: int) -> bytes | None:
        """The bytes served from ``offset`` on, or ``None`` if no longer kept."""
        back = self.position - offset
        if back < 0 or back > self._tail.size:
            return None
        return self._tail.last(back)

    def move_to(self, offset: int) -> None:
        """Serve the bytes from ``offset`` next, whether behind or ahead.

        Back within the kept tail the bytes are served again from memory;
        further back the file is opened again and read (for gzip, decompressed)
        up to ``offset``; ahead, the bytes in between are read and dropped.
        """
        back = self.position - offset
        if 0 <= back <= self._tail.size:
            self._pending = self._tail.take_last(back) + self._pending
            self.position = offset
            return
        if back > 0:
            self._reopen()
            if self._handle is self._raw and self._raw is not None and self._raw.seekable():
                self.position = self._raw.seek(offset)
                return
        while self.position < offset and self.read(min(offset - self.position, _SEARCH_CHUNK)):
            pass

    def _reopen(self) -> None:
        self.close()
        self.position, self.error, self._pending, self._tail = 0, None, b"", _Tail()
        try:
            self._open()
        except OSError as err:
            self.error = os_error_reason(err)

    def skip_to_header(self) -> int | None:
        """Skip to the next line ``WARC/1.0`` or ``WARC/1.1``.

        A header split between two reads is still found.

        Returns:
            The header's offset (the next byte served is its first), or ``None``
            when the data ends first.
        """
        window = b""
        while chunk := self.read(_SEARCH_CHUNK):
            window = window[-(_HEADER_MAX - 1) :] + chunk
            match = _HEADER.search(window)
            if match is not None:
                self.move_to(self.position - (len(window) - match.start()))
                return self.position
        return None
