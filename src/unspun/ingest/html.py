"""Extract articles from HTML pages with trafilatura.

trafilatura finds the main text and the page's metadata (title, canonical URL,
date, site name). This module turns its result into an
:class:`~unspun.records.Article`: paragraphs are separated by blank lines, a
leading headline line repeated from the title is dropped, the id is the page's
canonical URL (or a content hash) and a site name trafilatura only guessed from
the URL is replaced by the same host-derived outlet the other readers use.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import trafilatura

from unspun.ingest._files import DEFAULT_MAX_RECORD_BYTES, check_limit, read_limited
from unspun.ingest.records import content_id, normalise_published, outlet_from_url
from unspun.records import Article, Rejected

logger = logging.getLogger(__name__)

NO_TEXT_REASON = "no article text found in HTML"
#: Most tags (``<`` then a letter) in a page handed to trafilatura, whose work grows with
#: the square of the elements: 40,000 inline elements took it 24 s, a page of a million
#: paragraphs hours (and 2.8 GB). Real pages hold a few thousand.
MAX_HTML_TAGS = 50_000
_TAG = re.compile(r"<[A-Za-z]")

#: How far into a page to look for a ``<meta charset>`` declaration.
_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
#: Labels that HTML treats as windows-1252, which is a superset of them.
_WINDOWS_1252_ALIASES = frozenset({"latin-1", "iso8859-1", "ascii"})
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode an HTML document.

    The encoding is taken from, in order: a byte-order mark, ``charset`` (e.g.
    from an HTTP ``Content-Type`` header), a ``<meta charset>`` near the top of
    the page; otherwise UTF-8 (also when the label names a Python codec that cannot
    decode a page, such as ``hex`` or ``idna``). Undecodable bytes become U+FFFD.

    Args:
        data: The raw page.
        charset: An encoding label declared outside the page, if any.

    Returns:
        The page as text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    codec = _codec_name(charset)
    if codec is None:
        match = _META_CHARSET.search(data[:_SNIFF_BYTES])
        codec = _codec_name(match.group(1).decode("ascii")) if match else None
    try:
        return data.decode(codec or "utf-8", errors="replace")
    except (LookupError, UnicodeError):
        # Not a text encoding ("hex", "rot13": LookupError), or one that cannot replace
        # bad bytes ("idna", "punycode"): a page cannot be in it.
        return data.decode("utf-8", errors="replace")


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _absolute_url(candidate: object, base: str | None) -> str | None:
    if not isinstance(candidate, str) or not candidate.strip():
        return None
    url = urljoin(base, candidate.strip()) if base else candidate.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def _site_name(sitename: object, page_url: str | None) -> str | None:
    if not isinstance(sitename, str) or not sitename.strip():
        return None
    name = sitename.strip()
    # Without a site name in the page, trafilatura falls back to the canonical
    # URL's host; use our own host-derived outlet instead so all readers agree.
    if page_url and outlet_from_url("https://" + name.lower()) == outlet_from_url(page_url):
        return None
    return name


def article_from_html(html: str, *, url: str | None, origin: str) -> Article | Rejected:
    """Extract the article from one HTML page.

    Args:
        html: The page, already decoded (see :func:`decode_html`).
        url: Where the page was fetched from, if known; used when the page has
            no canonical URL and to resolve a relative one.
        origin: Where it came from, for messages.

    Returns:
        The article, or ``Rejected("no article text found in HTML")`` when
        trafilatura finds no main text; a page of more than :data:`MAX_HTML_TAGS`
        tags is rejected unread.
    """
    if not html.strip():
        return Rejected(origin, NO_TEXT_REASON)
    tags = _TAG.subn("", html)[1]
    if tags > MAX_HTML_TAGS:
        return Rejected(
            origin, f"{tags:,} HTML tags; unspun reads pages of at most {MAX_HTML_TAGS:,}"
        )
    try:
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as err:  # a third-party parser: any failure is one bad page
        logger.debug("%s: trafilatura failed", origin, exc_info=True)
        return Rejected(origin, f"HTML extraction failed: {type(err).__name__}: {err}")
    if result is None:
        return Rejected(origin, NO_TEXT_REASON)
    # trafilatura 2.x returns a Document; older versions returned a dict.
    doc: dict[str, object] = result if isinstance(result, dict) else result.as_dict()

    raw_title = doc.get("title")
    title = " ".join(raw_title.split()) if isinstance(raw_title, str) else ""
    raw_text = doc.get("text")
    paragraphs = _paragraphs(raw_text) if isinstance(raw_text, str) else []
    if title and paragraphs and _same_words(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return Rejected(origin, NO_TEXT_REASON)
    text = "\n\n".join(paragraphs)

    canonical = _absolute_url(doc.get("url"), url)
    page_url = canonical or _absolute_url(url, None)
    return Article(
        id=canonical or content_id(title, text),
        title=title,
        text=text,
        url=page_url,
        outlet=_site_name(doc.get("sitename"), canonical) or outlet_from_url(page_url),
        published=normalise_published(doc.get("date")),
        origin=origin,
    )


def read_html(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read one ``.html`` / ``.htm`` page.

    Args:
        path: The file.
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
    yield article_from_html(decode_html(data), url=None, origin=str(path))
