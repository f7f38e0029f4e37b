"""Read plain-text articles: the first non-empty line is the title, the rest the text."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from unspun.ingest._files import (
    DEFAULT_MAX_RECORD_BYTES,
    check_limit,
    read_limited,
    utf8_error_reason,
)
from unspun.ingest.records import content_id
from unspun.records import Article, Rejected

#: Said of a file holding a NUL byte, which no text file does.
NUL_HINT = "(UTF-16 without a byte-order mark, or a binary file?)"


def article_from_text(raw: str, *, origin: str) -> Article | Rejected:
    """Split a plain-text article into title and body.

    Line endings are normalised to ``\\n``; blank lines around the body are
    dropped, blank lines inside it (paragraph breaks) are kept.

    Args:
        raw: The decoded file content.
        origin: Where it came from, for messages.

    Returns:
        The article (id is a content hash; no url, outlet or date), or a
        :class:`~unspun.records.Rejected` when there is no body under the title.
    """
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            text = "\n".join(lines[index + 1 :]).strip()
            break
    else:
        return Rejected(origin, "empty file")
    if not text:
        return Rejected(origin, "no text after the title line")
    return Article(id=content_id(title, text), title=title, text=text, origin=origin)


def read_txt(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read one ``.txt`` article.

    Args:
        path: The file (UTF-8, optionally with a byte-order mark; a NUL byte
            anywhere rejects it).
        max_record_bytes: Larger files are rejected without being read.

    Yields:
        Exactly one :class:`~unspun.records.Article` or
        :class:`~unspun.records.Rejected`.
    """
    check_limit(max_record_bytes)
    data = read_limited(path, max_record_bytes)
    if isinstance(data, Rejected):
        yield data
        return
    # UTF-16 text without a byte-order mark is valid UTF-8 with a NUL every other byte:
    # refused, rather than indexed as one-letter words.
    nul = data.find(b"\x00")
    if nul >= 0:
        yield Rejected(str(path), f"not UTF-8 text: NUL at byte {nul} {NUL_HINT}")
        return
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        raw = data[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        yield Rejected(str(path), utf8_error_reason(err, skip))
        return
    yield article_from_text(raw, origin=str(path))
