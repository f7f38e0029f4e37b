"""Read articles from ``.json``, ``.jsonl`` and ``.jsonl.gz`` files.

JSON Lines files are streamed one line at a time, and a line longer than the
record limit is skipped in chunks, so memory use stays bounded by the limit
however large the file or its lines are. Runs of blank lines are skipped a buffer
at a time, so a gzip bomb of newlines costs its decompression, not a read per line.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import logging
import zlib
from collections.abc import Callable, Iterator
from io import BufferedReader
from pathlib import Path

import orjson

from unspun.ingest._files import (
    DEFAULT_MAX_RECORD_BYTES,
    MB,
    check_limit,
    os_error_reason,
    read_limited,
    too_large_reason,
    utf8_error_reason,
)
from unspun.ingest.records import article_from_mapping, type_name
from unspun.records import Article, Rejected

logger = logging.getLogger(__name__)

#: Said when a ``.json`` file is over the limit (it is parsed whole).
JSON_TOO_LARGE_HINT = "a .json file is parsed whole; write large collections as JSON Lines (.jsonl)"
#: Chunk size used to skip past the rest of an over-long line.
_SKIP_CHUNK = MB


class _StreamError(Exception):
    """Reading the file itself failed (not one record); ``reason`` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_Handle = BufferedReader | gzip.GzipFile
#: Whitespace a blank line may hold.
_BLANK = b" \t\r\n\f\v"


def _guarded(step: Callable[[], bytes]) -> bytes:
    """``step()``, with a failure of the file itself raised as :class:`_StreamError`."""
    try:
        return step()
    except EOFError as err:  # gzip: the stream ends inside a compressed member
        raise _StreamError("truncated gzip stream") from err
    except (gzip.BadGzipFile, zlib.error) as err:
        raise _StreamError(f"corrupt gzip stream: {err}") from err
    except OSError as err:
        raise _StreamError(os_error_reason(err)) from err


def _readline(handle: _Handle, size: int) -> bytes:
    return _guarded(functools.partial(handle.readline, size))


def _skip_blank_lines(handle: _Handle) -> int:
    """Skip the whole blank lines at the handle's position, a buffer at a time.

    Returns:
        How many were skipped (for line numbers). Whitespace that does not end in a
        line break within the buffer is left for ``readline``.
    """
    skipped = 0
    while True:
        ahead = _guarded(functools.partial(handle.peek, 1))
        blank = len(ahead) - len(ahead.lstrip(_BLANK))
        end = ahead.rfind(b"\n", 0, blank) + 1
        if end == 0:
            return skipped
        skipped += ahead.count(b"\n", 0, end)
        _guarded(functools.partial(handle.read, end))


def _json_error_reason(data: bytes, err: orjson.JSONDecodeError, *, single_line: bool) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as utf_err:
        return utf8_error_reason(utf_err)
    where = f"column {err.colno}" if single_line else f"line {err.lineno}, column {err.colno}"
    return f"invalid JSON: {err.msg} ({where})"


def _strip_bom(data: bytes) -> bytes:
    return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data


def _record_from_object(obj: object, origin: str) -> Article | Rejected:
    if not isinstance(obj, dict):
        return Rejected(origin, f"expected a JSON object, got {type_name(obj)}")
    return article_from_mapping(obj, origin=origin)


def parse_json_line(data: bytes, *, origin: str) -> Article | Rejected:
    """Parse one JSON Lines record.

    Args:
        data: The line's bytes (a trailing newline is fine).
        origin: ``path:line``, for messages.

    Returns:
        The article, or a :class:`~unspun.records.Rejected` for bytes that are not
        UTF-8, invalid JSON, a value that is not an object, or a bad field.
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        return Rejected(origin, _json_error_reason(data, err, single_line=True))
    return _record_from_object(obj, origin)


def _open_jsonl(path: Path) -> _Handle:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def read_jsonl(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Stream the records of a ``.jsonl`` or ``.jsonl.gz`` file.

    Blank lines are skipped. Each bad line is a :class:`~unspun.records.Rejected`
    with origin ``path:line`` and reading carries on with the next line. When the
    file itself breaks off (a truncated or corrupt gzip stream, a read error) the
    records read so far are kept and one last ``Rejected`` with origin ``path``
    says why reading stopped.

    Args:
        path: The file; names ending in ``.gz`` are decompressed.
        max_record_bytes: A line longer than this is rejected and skipped without
            ever being held in memory whole.

    Yields:
        One :class:`~unspun.records.Article` or :class:`~unspun.records.Rejected`
        per non-blank line, then possibly a ``Rejected`` for the file.
    """
    check_limit(max_record_bytes)
    origin = str(path)
    try:
        handle = _open_jsonl(path)
    except OSError as err:
        yield Rejected(origin, os_error_reason(err))
        return
    lineno = 0
    with handle:
        try:
            while line := _readline(handle, max_record_bytes + 1):
                lineno += 1
                if len(line) > max_record_bytes and not line.endswith(b"\n"):
                    while (rest := _readline(handle, _SKIP_CHUNK)) and not rest.endswith(b"\n"):
                        pass
                    yield Rejected(f"{origin}:{lineno}", too_large_reason(max_record_bytes))
                    continue
                if lineno == 1:
                    line = _strip_bom(line)
                if line.isspace() or not line:
                    lineno += _skip_blank_lines(handle)
                    continue
                yield parse_json_line(line, origin=f"{origin}:{lineno}")
        except _StreamError as err:
            logger.debug("%s: stopped after line %d: %s", origin, lineno, err.reason)
            yield Rejected(origin, f"{err.reason} (after line {lineno})")


def read_json(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read a ``.json`` file holding one record or an array of records.

    The file is parsed whole, so the record limit applies to the whole file:
    a larger one is rejected, without being read past the limit, with a reason
    that points to JSON Lines, which is streamed a record at a time.

    Args:
        path: The file.
        max_record_bytes: Largest file read.

    Yields:
        One result for a single object; one per element, with origin
        ``path#n`` (n counted from 1), for an array.
    """
    check_limit(max_record_bytes)
    origin = str(path)
    raw = read_limited(path, max_record_bytes, too_large_hint=JSON_TOO_LARGE_HINT)
    if isinstance(raw, Rejected):
        yield raw
        return
    data = _strip_bom(raw)
    if not data.strip():
        yield Rejected(origin, "empty file")
        return
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        yield Rejected(origin, _json_error_reason(data, err, single_line=False))
        return
    if isinstance(doc, list):
        for number, element in enumerate(doc, start=1):
            yield _record_from_object(element, f"{origin}#{number}")
    elif isinstance(doc, dict):
        yield article_from_mapping(doc, origin=origin)
    else:
        yield Rejected(origin, f"expected a JSON object or array of objects, got {type_name(doc)}")
