"""Read articles from web archives (``.warc`` and ``.warc.gz``) with warcio.

Only ``response`` records for HTML pages fetched with HTTP status 200 are read;
every other record is skipped without a word. Each page goes through
:func:`unspun.ingest.html.article_from_html`.

warcio is lenient with damaged files: a record cut short is returned with a
shorter payload, and a record whose headers are cut short simply ends the
iteration. This reader checks both cases itself (declared against read lengths,
and leftover bytes after the last complete record) so a damaged archive always
ends in a ``Rejected`` saying so. ``.warc.gz`` files are decompressed with the
standard library, which reports a truncated or corrupt gzip stream instead of
ignoring it; record offsets in messages are therefore offsets into the
*decompressed* archive.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from unspun.ingest._files import (
    DEFAULT_MAX_RECORD_BYTES,
    check_limit,
    os_error_reason,
    too_large_reason,
)
from unspun.ingest.html import article_from_html, decode_html
from unspun.ingest.records import normalise_published
from unspun.records import Article, Rejected

logger = logging.getLogger(__name__)

HTML_CONTENT_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})

#: How many of the most recent bytes are kept to inspect what follows the last record.
_TAIL_BYTES = 64 * 1024
_DRAIN_CHUNK = 64 * 1024


class _CountingReader:
    """The byte stream handed to warcio.

    Counts the bytes read and keeps the last few of them. A read error (a
    truncated or corrupt gzip stream, an I/O error) is remembered in ``error``
    and shown to warcio as the end of the data, so the records before it are
    still finished normally; the reader reports ``error`` afterwards.
    """

    def __init__(self, handle: BufferedIOBase) -> None:
        self._handle = handle
        self.position = 0
        self.tail = bytearray()
        self.error: str | None = None

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            # read1: one underlying read, so the bytes decoded before a damaged
            # part of a gzip stream are returned before the error shows.
            data = self._handle.read1(size)
        except EOFError:
            self.error = "truncated WARC: the gzip stream ends in the middle of a member"
            return b""
        except (gzip.BadGzipFile, zlib.error) as err:
            self.error = f"corrupt WARC: bad gzip data ({err})"
            return b""
        except OSError as err:
            self.error = os_error_reason(err)
            return b""
        self.position += len(data)
        self.tail += data
        if len(self.tail) > _TAIL_BYTES:
            del self.tail[: len(self.tail) - _TAIL_BYTES]
        return data


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
            body = record.content_stream().read(max_record_bytes + 1)
            if len(body) > max_record_bytes:
                result = too_large_reason(max_record_bytes)
            else:
                warc_date = _header(record.rec_headers, "WARC-Date")
                result = _Page(uri=uri, warc_date=warc_date, charset=charset, body=body)
    while record.raw_stream.read(_DRAIN_CHUNK):
        pass
    return result


def _incomplete_reason(record: Any, offset: int) -> str | None:
    """Why the record just read is not a whole WARC record, or ``None`` if it is."""
    if record.format != "warc":
        return f"corrupt WARC: no WARC record at offset {offset}"
    declared = (_header(record.rec_headers, "Content-Length") or "").strip()
    if not declared:
        # Usually the file ends inside the record's header block.
        return (
            f"truncated WARC: record at offset {offset} has no Content-Length "
            "(headers cut short or damaged)"
        )
    if record.length is None or not declared.isdigit():
        return f"corrupt WARC: record at offset {offset} has an invalid Content-Length"
    missing = getattr(record.raw_stream, "limit", 0)
    if isinstance(missing, int) and missing > 0:
        return f"truncated WARC: record at offset {offset} ends {missing} bytes early"
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    """One record as read from the archive."""

    offset: int
    end: int
    page: _Page | str | None
    problem: str | None


def _next_entry(iterator: Any, max_record_bytes: int) -> _Entry | None:
    record = next(iterator, None)
    if record is None:
        return None
    page = _take_page(record, max_record_bytes)
    offset = int(iterator.get_record_offset())
    end = offset + int(iterator.get_record_length())
    return _Entry(offset, end, page, _incomplete_reason(record, offset))


def _leftover_reason(stream: _CountingReader, end: int) -> str | None:
    """Why the bytes after the last complete record are not a clean end, if they are not."""
    leftover = stream.position - end
    if leftover <= 0:
        return None
    if leftover <= len(stream.tail) and not bytes(stream.tail[-leftover:]).strip():
        return None
    return f"truncated WARC: {leftover} bytes after offset {end} do not form a complete record"


def _page_to_article(page: _Page, origin: str) -> Article | Rejected:
    html = decode_html(page.body, page.charset)
    result = article_from_html(html, url=page.uri, origin=origin)
    if isinstance(result, Rejected):
        return Rejected(origin, f"{result.reason} ({page.uri})") if page.uri else result
    if result.published is None and page.warc_date:
        result = dataclasses.replace(result, published=normalise_published(page.warc_date))
    return result


def _read_records(
    stream: _CountingReader, origin: str, max_record_bytes: int
) -> Iterator[Article | Rejected]:
    iterator = ArchiveIterator(stream)
    end = 0  # where the last complete record ended
    while True:
        try:
            entry = _next_entry(iterator, max_record_bytes)
        except Exception as err:  # warcio raises assorted errors on damaged input
            logger.debug("%s: warcio failed after offset %d", origin, end, exc_info=True)
            reason = stream.error or f"corrupt WARC: {type(err).__name__}: {err}"
            yield Rejected(f"{origin}@{end}", reason)
            return
        if entry is None:
            break
        if entry.problem is not None:
            yield Rejected(f"{origin}@{entry.offset}", stream.error or entry.problem)
            return
        end = entry.end
        if isinstance(entry.page, str):
            yield Rejected(f"{origin}@{entry.offset}", entry.page)
        elif entry.page is not None:
            yield _page_to_article(entry.page, f"{origin}@{entry.offset}")
    final = stream.error or _leftover_reason(stream, end)
    if final is not None:
        yield Rejected(f"{origin}@{end}", final)


def read_warc(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read the HTML pages archived in a ``.warc`` or ``.warc.gz`` file.

    Args:
        path: The archive; names ending in ``.gz`` are decompressed.
        max_record_bytes: A page larger than this is rejected and skipped.

    Yields:
        One :class:`~unspun.records.Article` or :class:`~unspun.records.Rejected`
        per HTML page (origin ``path@offset``), then, if the archive is damaged, a
        last ``Rejected`` whose reason starts ``truncated WARC`` or ``corrupt WARC``.
    """
    check_limit(max_record_bytes)
    origin = str(path)
    try:
        raw = path.open("rb")
    except OSError as err:
        yield Rejected(origin, os_error_reason(err))
        return
    with raw:
        if path.name.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield from _read_records(_CountingReader(unzipped), origin, max_record_bytes)
        else:
            yield from _read_records(_CountingReader(raw), origin, max_record_bytes)
