"""Read articles from web archives (``.warc`` and ``.warc.gz``) with warcio.

Only ``response`` records for HTML pages fetched with HTTP status 200 are read;
every other record is skipped without a word. Each page goes through
:func:`unspun.ingest.html.article_from_html`.

warcio trusts each record's ``Content-Length`` and is lenient with damaged
files, so this reader checks every record itself: its payload must be as long as
declared and be followed by the blank line that ends a record. A record that
fails (or bytes that are not a record at all) is rejected with a reason naming
its offset, and reading resumes at the next record header (``WARC/1.0`` or
``WARC/1.1``) after the record's start; so one record claiming 10 GB does not
swallow the good records after it. A payload that merely contains such a header
line but is otherwise whole is read as one record: headers are searched for only
after damage. Two kinds of damage look whole to warcio and are checked apart: a
header block holding another record's first line (a record cut inside its
headers, then the next record), and stray bytes after a record that ended on a
blank line (its Content-Length may have run a little into the next record: the
next header is then looked for from the record's own start, and one found inside
it rejects the record). Each resumption starts past the start of the records
read before it, so damaged input cannot loop.

warcio reads header lines whole and keeps every header, and one ``readline`` per
blank line between records: this reader caps a line at :data:`MAX_HEADER_BYTES`,
rejects a record whose headers (WARC and HTTP together) are longer than that, and
skips runs of blank lines a buffer at a time, so a gzip bomb of header lines or of
blank lines costs neither memory nor a read per line.

Files starting with the gzip magic bytes are decompressed (with the standard
library, which reports a truncated or corrupt gzip stream instead of ignoring
it), whatever their name; record offsets in messages are offsets into the
*decompressed* archive (see :mod:`unspun.ingest._warcstream`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

from unspun.ingest._files import (
    DEFAULT_MAX_RECORD_BYTES,
    check_limit,
    describe_size,
    one_line,
    os_error_reason,
    too_large_reason,
)
from unspun.ingest._warcstream import ArchiveStream, find_header
from unspun.ingest.html import article_from_html, decode_html
from unspun.ingest.records import normalise_published
from unspun.records import Article, Rejected

logger = logging.getLogger(__name__)

HTML_CONTENT_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})

_DRAIN_CHUNK = 64 * 1024
#: Longest header block of a record (WARC and HTTP headers together), and longest line
#: read outside a payload. Real headers take a few kilobytes.
MAX_HEADER_BYTES = 1024 * 1024
_BLANK = b" \t\r\n"
#: Longest piece of a warcio error message quoted in a reason.
_DETAIL_CHARS = 160


class _HeadersTooLongError(Exception):
    """A record's headers run past :data:`MAX_HEADER_BYTES`."""


class _Reader(DecompressingBufferedReader):  # type: ignore[misc]  # warcio is untyped
    """warcio's buffered reader with bounded lines and header blocks.

    Attributes:
        header_budget: Bytes ``readline`` may still return before it raises
            :class:`_HeadersTooLongError` (None: no budget, while payloads are read).
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.header_budget: int | None = None

    def readline(self, length: int | None = None) -> bytes:
        """Up to ``length`` bytes and at most :data:`MAX_HEADER_BYTES`, to the end of the
        line (gathered in a list: warcio adds the pieces of a long line one by one)."""
        limit = MAX_HEADER_BYTES if length is None else min(length, MAX_HEADER_BYTES)
        parts: list[bytes] = []
        size = 0
        while size < limit:
            self._fillbuff()
            if self.empty():
                break
            part: bytes = self.buff.readline(limit - size)
            parts.append(part)
            size += len(part)
            if part.endswith(b"\n"):
                break
        if self.header_budget is not None:
            self.header_budget -= size
            if self.header_budget < 0:
                most = describe_size(MAX_HEADER_BYTES)
                raise _HeadersTooLongError(f"record headers longer than {most}")
        return b"".join(parts)

    def skip_blank_lines(self) -> int:
        """Skip the whole blank lines in the buffer and in the next ones; returns how
        many bytes were skipped. Blank bytes not ending a line are left to ``readline``."""
        skipped = 0
        while True:
            self._fillbuff()
            if self.empty():
                return skipped
            start = self.buff.tell()
            ahead: bytes = self.buff.read()
            blank = len(ahead) - len(ahead.lstrip(_BLANK))
            end = ahead.rfind(b"\n", 0, blank) + 1
            self.buff.seek(start + end)
            skipped += end
            if end < len(ahead):
                return skipped


class _Iterator(ArchiveIterator):  # type: ignore[misc]  # warcio is untyped
    """warcio's iterator over a :class:`_Reader`, without its warning on stderr.

    When a record is not followed by a blank line, warcio writes a warning to
    stderr and skips a line; a library must not print, and this reader rejects
    such a record itself (it counts ``err_count`` as warcio does). The line is
    handed on as the next record's first line instead of being skipped; the
    reader resumes at a record header either way.
    """

    def __init__(self, stream: ArchiveStream) -> None:
        super().__init__(stream)
        self.reader = _Reader(self.fh)

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        blank = 0
        while True:
            blank += self.reader.skip_blank_lines()
            line: bytes = self.reader.readline()
            if not line:
                return None, blank
            if line.strip():
                if blank == 0:
                    self.err_count += 1
                return line, blank
            blank += len(line)


@dataclass(frozen=True, slots=True)
class _Page:
    """An HTML payload taken from a response record."""

    uri: str | None
    warc_date: str | None
    charset: str | None
    body: bytes


def _media_type(content_type: str) -> tuple[str, str | None]:
    """Split ``text/html; charset=UTF-8`` into ``("text/html", "UTF-8")``."""
    mime, *params = content_type.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def _header(headers: Any, name: str) -> str | None:
    value = headers.get_header(name) if headers is not None else None
    return str(value) if value else None


def _html_response(record: Any) -> tuple[str | None, str | None] | None:
    """``(uri, charset)`` when the record is an HTML page fetched with status 200."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if str(record.http_headers.get_statuscode()) != "200":
        return None
    mime, charset = _media_type(_header(record.http_headers, "Content-Type") or "")
    if mime not in HTML_CONTENT_TYPES:
        return None
    return _header(record.rec_headers, "WARC-Target-URI"), charset


def _read_body(record: Any, max_record_bytes: int) -> bytes | str:
    """The record's payload (decoded for transfer and content encoding), or why not."""
    try:
        body: bytes = record.content_stream().read(max_record_bytes + 1)
    except Exception as err:  # warcio decodes chunked and compressed bodies
        logger.debug("payload decoding failed", exc_info=True)
        return one_line(f"cannot decode the page: {type(err).__name__}: {err}", _DETAIL_CHARS)
    if len(body) > max_record_bytes:
        return too_large_reason(max_record_bytes)
    return body


def _take_page(record: Any, max_record_bytes: int) -> _Page | str | None:
    """Read what the reader needs from a record.

    Returns:
        The page, a rejection reason, or ``None`` for a record to skip. In every
        case the record has been read to its end.
    """
    result: _Page | str | None = None
    wanted = _html_response(record)
    if wanted is not None:
        uri, charset = wanted
        declared = record.length
        if isinstance(declared, int) and declared > max_record_bytes:
            result = too_large_reason(max_record_bytes)
        else:
            body = _read_body(record, max_record_bytes)
            if isinstance(body, str):
                result = body
            else:
                warc_date = _header(record.rec_headers, "WARC-Date")
                result = _Page(uri=uri, warc_date=warc_date, charset=charset, body=body)
    while record.raw_stream.read(_DRAIN_CHUNK):
        pass
    return result


@dataclass(frozen=True, slots=True)
class _Damage:
    """Bytes at ``offset`` that are not a whole record.

    Attributes:
        offset: Where the damaged record (or the stray bytes) starts.
        problem: What is wrong, completed by `` at offset N`` naming the next
            record header, e.g. ``Content-Length 5242880 runs past the next record``.
        final: The whole reason when no record header follows.
    """

    offset: int
    problem: str
    final: str

    def reason(self, next_offset: int | None) -> str:
        """The reason given for the damaged bytes, knowing where the next record starts."""
        if next_offset is None:
            return self.final
        return f"corrupt WARC: {self.problem} at offset {next_offset}"


def _overrun(offset: int, declared: str, missing: int) -> _Damage:
    return _Damage(
        offset,
        f"Content-Length {declared} runs past the next record",
        f"truncated WARC: record at offset {offset} ends {missing} bytes early",
    )


def _damage(record: Any, offset: int, *, unended: bool, merged: bool) -> _Damage | None:
    """What is wrong with the record just read, or ``None`` if it is whole.

    Args:
        record: The record, read to its end.
        offset: Where it starts.
        unended: Its declared end is not followed by a blank line.
        merged: Its header block holds another record's first line.
    """
    if record.format != "warc":
        return _Damage(
            offset,
            "not a WARC record; the next record is",
            f"corrupt WARC: no WARC record at offset {offset}",
        )
    if merged:
        # A record cut short inside its headers, then the next record's headers.
        return _Damage(
            offset,
            "record headers cut short; the next record is",
            f"corrupt WARC: record at offset {offset} has damaged headers",
        )
    declared = _declared_length(record)
    if not declared:
        # Usually the file ends inside the record's header block.
        return _Damage(
            offset,
            "record has no Content-Length (headers damaged); the next record is",
            f"truncated WARC: record at offset {offset} has no Content-Length "
            "(headers cut short or damaged)",
        )
    if record.length is None or not declared.isascii() or not declared.isdigit():
        return _Damage(
            offset,
            "record has an invalid Content-Length; the next record is",
            f"corrupt WARC: record at offset {offset} has an invalid Content-Length",
        )
    missing = getattr(record.raw_stream, "limit", 0)
    if isinstance(missing, int) and missing > 0:
        return _overrun(offset, declared, missing)
    if unended:
        return _Damage(
            offset,
            f"Content-Length {declared} does not end the record (no blank line follows); "
            "the next record is",
            f"corrupt WARC: record at offset {offset} is not followed by a blank line "
            f"(its Content-Length {declared} is wrong)",
        )
    return None


def _declared_length(record: Any) -> str:
    return (_header(record.rec_headers, "Content-Length") or "").strip()


def _merged_headers(stream: ArchiveStream, offset: int, record: Any) -> bool:
    """Whether the record's header block holds the first line of another record."""
    size = getattr(record.rec_headers, "total_len", 0)
    block = stream.served_since(offset)
    if not isinstance(size, int) or block is None:
        return False  # a header block too long to be still kept: not checked
    return find_header(block[:size], 1) is not None


def _garbage_after(iterator: Any) -> int | None:
    """Where stray bytes start right after the record just read, if they do."""
    line = iterator.next_line
    if not line or line.startswith(b"WARC/"):
        return None
    return int(iterator.offset)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One record as read from the archive.

    Attributes:
        offset: Where it starts.
        end: Where it ends (its declared end).
        page: Its page, a rejection reason, or ``None`` for a record to skip.
        declared: Its Content-Length, as written.
        damage: What is wrong with it, if anything.
        garbage_at: Where stray bytes start right after it, if they do.
    """

    offset: int
    end: int
    page: _Page | str | None
    declared: str
    damage: _Damage | None
    garbage_at: int | None


def _next_entry(iterator: Any, stream: ArchiveStream, max_record_bytes: int) -> _Entry | None:
    reader = iterator.reader  # warcio drops it at the end of the archive
    reader.header_budget = MAX_HEADER_BYTES
    try:
        record = next(iterator, None)
    finally:
        reader.header_budget = None
    if record is None:
        return None
    merged = _merged_headers(stream, int(iterator.offset), record)
    errors = iterator.err_count
    page = _take_page(record, max_record_bytes)
    offset = int(iterator.get_record_offset())
    end = offset + int(iterator.get_record_length())
    unended = iterator.err_count > errors
    damage = _damage(record, offset, unended=unended, merged=merged)
    garbage_at = None if damage is not None else _garbage_after(iterator)
    return _Entry(offset, end, page, _declared_length(record), damage, garbage_at)


def _unreadable(offset: int, err: Exception) -> _Damage:
    """The damage where warcio could not read a record at all."""
    if isinstance(err, _HeadersTooLongError):
        return _Damage(
            offset,
            f"{err}; the next record is",
            f"corrupt WARC: no end to the headers of the record at offset {offset} ({err})",
        )
    detail = one_line(f"{type(err).__name__}: {err}", _DETAIL_CHARS)
    return _Damage(
        offset,
        f"not a WARC record ({detail}); the next record is",
        f"corrupt WARC: no WARC record at offset {offset} ({detail})",
    )


def _leftover_reason(stream: ArchiveStream, end: int) -> str | None:
    """Why the bytes after the last complete record are not a clean end, if they are not."""
    leftover = stream.position - end
    if leftover <= 0:
        return None
    served = stream.served_since(end)
    if served is not None and not served.strip():
        return None
    return f"truncated WARC: {leftover} bytes after offset {end} do not form a complete record"


def _page_to_article(page: _Page, origin: str) -> Article | Rejected:
    html = decode_html(page.body, page.charset)
    result = article_from_html(html, url=page.uri, origin=origin)
    if isinstance(result, Rejected):
        if not page.uri:
            return result
        return Rejected(origin, one_line(f"{result.reason} ({page.uri})"))
    if result.published is None and page.warc_date:
        result = dataclasses.replace(result, published=normalise_published(page.warc_date))
    return result


def _results(entry: _Entry, origin: str) -> Iterator[Article | Rejected]:
    """What a whole record gives: its article, a rejection, or nothing."""
    where = f"{origin}@{entry.offset}"
    if isinstance(entry.page, str):
        yield Rejected(where, entry.page)
    elif entry.page is not None:
        yield _page_to_article(entry.page, where)


def _read_run(
    stream: ArchiveStream, origin: str, max_record_bytes: int
) -> Generator[Article | Rejected, None, _Damage | _Entry | None]:
    """Read records from the stream's position until the end or the first damage.

    Returns:
        The damage, not yet reported; or a whole record followed by stray bytes,
        not yet reported either (it may have run past a record header); or
        ``None`` when the archive has been read to its end (a truncated or
        unreadable end already reported).
    """
    iterator = _Iterator(stream)
    # The stream is already decompressed: bytes that merely look like gzip must
    # not be decompressed again (warcio would, and its offsets would go wrong).
    iterator.reader.set_decomp(None)
    end = stream.position  # where the last complete record ended
    while True:
        expected = int(iterator.offset)  # where the next record should start
        try:
            entry = _next_entry(iterator, stream, max_record_bytes)
        except Exception as err:  # warcio raises assorted errors on damaged input
            logger.debug("%s: warcio failed at offset %d", origin, expected, exc_info=True)
            if stream.error is not None:
                yield Rejected(f"{origin}@{end}", stream.error)
                return None
            return _unreadable(expected, err)
        if entry is None:
            break
        if entry.damage is not None:
            if stream.error is not None:
                yield Rejected(f"{origin}@{entry.offset}", stream.error)
                return None
            return entry.damage
        if entry.garbage_at is not None:
            return entry
        end = entry.end
        yield from _results(entry, origin)
    final = stream.error or _leftover_reason(stream, end)
    if final is not None:
        yield Rejected(f"{origin}@{end}", final)
    return None


def _skip_past(stream: ArchiveStream, offset: int, floor: int) -> int | None:
    """Skip to the first record header after ``offset`` (and after ``floor``)."""
    stream.move_to(max(offset, floor) + 1)
    return stream.skip_to_header() if stream.error is None else None


def _after_damage(
    stream: ArchiveStream, origin: str, damage: _Damage, floor: int
) -> Generator[Article | Rejected, None, int | None]:
    """Report the damage and skip to the next record header after its start.

    Returns:
        The next record header's offset (the stream is there), or ``None``.
    """
    next_offset = _skip_past(stream, damage.offset, floor)
    yield Rejected(f"{origin}@{damage.offset}", stream.error or damage.reason(next_offset))
    return None if stream.error else next_offset


def _after_garbage(
    stream: ArchiveStream, origin: str, entry: _Entry, floor: int
) -> Generator[Article | Rejected, None, int | None]:
    """Report a record followed by stray bytes, and skip to the next record header.

    A record whose Content-Length runs a little past the next record's first
    line can still end in a blank line; the stray bytes after it are then the
    rest of the swallowed record. So the next header is looked for from the
    record's own start: one found inside the record means the record overran.

    Returns:
        The next record header's offset (the stream is there), or ``None``.
    """
    garbage_at = entry.garbage_at if entry.garbage_at is not None else entry.end
    next_offset = _skip_past(stream, entry.offset, floor)
    if stream.error is not None:
        yield Rejected(f"{origin}@{entry.offset}", stream.error)
        return None
    if next_offset is not None and next_offset < garbage_at:
        reason = f"corrupt WARC: Content-Length {entry.declared} runs past the next record"
        yield Rejected(f"{origin}@{entry.offset}", f"{reason} at offset {next_offset}")
        return next_offset
    yield from _results(entry, origin)
    stray = _Damage(
        garbage_at,
        "not a WARC record; the next record is",
        f"corrupt WARC: no WARC record at offset {garbage_at}",
    )
    yield Rejected(f"{origin}@{garbage_at}", stray.reason(next_offset))
    return next_offset


def _read_records(
    stream: ArchiveStream, origin: str, max_record_bytes: int
) -> Iterator[Article | Rejected]:
    """Read runs of whole records, resuming at the next record header after damage."""
    while True:
        # Each resumption searches from past the start of this run, so damage
        # cannot make the reader loop.
        floor = stream.position
        outcome = yield from _read_run(stream, origin, max_record_bytes)
        if outcome is None:
            return
        if isinstance(outcome, _Damage):
            next_offset = yield from _after_damage(stream, origin, outcome, floor)
        else:
            next_offset = yield from _after_garbage(stream, origin, outcome, floor)
        if next_offset is None:
            return


def read_warc(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read the HTML pages archived in a ``.warc`` or ``.warc.gz`` file.

    Args:
        path: The archive; a gzip file (one member per record, or one for all)
            is decompressed.
        max_record_bytes: A page larger than this is rejected and skipped.

    Yields:
        One :class:`~unspun.records.Article` or :class:`~unspun.records.Rejected`
        per HTML page (origin ``path@offset``), in file order. Damage is a
        ``Rejected`` whose reason starts ``truncated WARC`` or ``corrupt WARC``,
        at the damaged record's offset; reading resumes at the next record header.
    """
    check_limit(max_record_bytes)
    origin = str(path)
    try:
        stream = ArchiveStream(path)
    except OSError as err:
        yield Rejected(origin, os_error_reason(err))
        return
    with stream:
        yield from _read_records(stream, origin, max_record_bytes)
