"""Tests of unspun.ingest.html: article extraction from HTML pages."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from unspun.ingest.html import (
    MAX_HTML_TAGS,
    NO_TEXT_REASON,
    article_from_html,
    decode_html,
    read_html,
)
from unspun.ingest.records import content_id
from unspun.records import Article, Rejected

PARAGRAPHS = [
    "The night ferry between Gullport and Skerry Island sailed again on Monday after "
    "three months in dry dock for an engine refit.",
    "Harbour master Ines Valdt said the new engine was quieter and burned less fuel, "
    "and that the winter timetable would return within a week.",
    "Islanders had relied on a fishing boat for deliveries of bread and post while the "
    "ferry was out of service.",
]
TEXT = "\n\n".join(PARAGRAPHS)
TITLE = "Night ferry returns"
BODY = "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS)

FULL_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{TITLE} | Gullport Gazette</title>
<meta property="og:site_name" content="Gullport Gazette">
<link rel="canonical" href="https://www.gullport-gazette.test/news/night-ferry-returns">
<meta property="article:published_time" content="2024-03-05T08:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{TITLE}</h1>
{BODY}</article>
<footer>Gullport Gazette, 1 Quay Street</footer>
</body></html>
"""

BARE_PAGE = f"""<html><head><title>{TITLE}</title></head>
<body><article><h1>{TITLE}</h1>
{BODY}</article></body></html>
"""

CANONICAL_ONLY_PAGE = f"""<html><head><title>{TITLE}</title>
<link rel="canonical" href="https://www.skerry-post.test/2024/ferry">
</head><body><article>{BODY}</article></body></html>
"""


def _article(html: str, url: str | None = None) -> Article:
    result = article_from_html(html, url=url, origin="page.html")
    assert isinstance(result, Article), result
    return result


def test_full_page_metadata() -> None:
    article = _article(FULL_PAGE)
    assert article == Article(
        id="https://www.gullport-gazette.test/news/night-ferry-returns",
        title=TITLE,
        text=TEXT,
        url="https://www.gullport-gazette.test/news/night-ferry-returns",
        outlet="Gullport Gazette",
        published="2024-03-05",
        origin="page.html",
    )


def test_paragraphs_separated_by_blank_lines_and_title_not_repeated() -> None:
    article = _article(BARE_PAGE)
    assert article.text.split("\n\n") == PARAGRAPHS
    assert not article.text.startswith(TITLE)


def test_page_without_metadata_gets_content_hash() -> None:
    article = _article(BARE_PAGE)
    assert article.id == content_id(TITLE, TEXT)
    assert (article.url, article.outlet, article.published) == (None, None, None)


def test_fetch_url_used_when_no_canonical() -> None:
    article = _article(BARE_PAGE, url="https://www.skerry-post.test/ferry?ref=home")
    assert article.url == "https://www.skerry-post.test/ferry?ref=home"
    assert article.outlet == "skerry-post.test"
    assert article.id == content_id(TITLE, TEXT)


def test_canonical_beats_fetch_url_and_host_gives_outlet() -> None:
    article = _article(CANONICAL_ONLY_PAGE, url="https://mirror.test/copy")
    assert article.id == "https://www.skerry-post.test/2024/ferry"
    assert article.url == "https://www.skerry-post.test/2024/ferry"
    assert article.outlet == "skerry-post.test"


def test_same_page_same_id() -> None:
    assert _article(BARE_PAGE).id == _article(BARE_PAGE.replace("<h1>", "<h1> ")).id


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n",
        "<html><head><title>Nothing here</title></head><body></body></html>",
        "<html><body><div><span></span></div></body></html>",
        f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1></body></html>",
    ],
    ids=["empty", "blank", "empty-body", "empty-elements", "headline-only"],
)
def test_no_text_rejected(html: str) -> None:
    assert article_from_html(html, url=None, origin="page.html") == Rejected(
        "page.html", NO_TEXT_REASON
    )


def test_read_html_file(tmp_path: Path) -> None:
    path = tmp_path / "ferry.html"
    path.write_text(FULL_PAGE, encoding="utf-8")
    (article,) = list(read_html(path))
    assert isinstance(article, Article)
    assert article.origin == str(path)
    assert article.outlet == "Gullport Gazette"


def test_read_html_windows_1252_meta_charset(tmp_path: Path) -> None:
    page = BARE_PAGE.replace("<head>", '<head><meta charset="windows-1252">')
    page = page.replace("Ines Valdt", "Inés Valdt")
    path = tmp_path / "ferry.htm"
    path.write_bytes(page.encode("cp1252"))
    (article,) = list(read_html(path))
    assert isinstance(article, Article)
    assert "Inés Valdt" in article.text


def test_read_html_empty_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    assert list(read_html(path)) == [Rejected(str(path), NO_TEXT_REASON)]


def test_read_html_over_limit_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(FULL_PAGE, encoding="utf-8")
    (result,) = list(read_html(path, max_record_bytes=100))
    assert result == Rejected(str(path), "file larger than 100 bytes (limit), skipped")


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ("café".encode(), None, "café"),
        ("café".encode("latin-1"), "ISO-8859-1", "café"),
        ("“quoted”".encode("cp1252"), "iso-8859-1", "“quoted”"),
        ("café".encode("latin-1"), '"latin1"', "café"),
        ('<meta charset="iso-8859-15">caf€'.encode("iso-8859-15"), None, "caf€"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
            + "мир".encode("koi8-r"),
            None,
            "мир",
        ),
        (codecs.BOM_UTF8 + "café".encode(), "latin-1", "café"),
        (codecs.BOM_UTF16_LE + "café".encode("utf-16-le"), None, "café"),
        (b"caf\xe9", None, "caf\ufffd"),
        (b"caf\xe9", "no-such-charset", "caf\ufffd"),
    ],
    ids=[
        "utf8-default",
        "header-latin1",
        "latin1-label-is-cp1252",
        "quoted-label",
        "meta-charset",
        "meta-http-equiv",
        "bom-beats-header",
        "utf16-bom",
        "bad-utf8-replaced",
        "unknown-label",
    ],
)
def test_decode_html(data: bytes, charset: str | None, expected: str) -> None:
    assert decode_html(data, charset).endswith(expected)


@pytest.mark.parametrize(
    "label", ["hex", "rot13", "base64", "zlib", "idna", "punycode", "undefined"]
)
def test_decode_html_ignores_a_codec_that_cannot_decode_a_page(label: str) -> None:
    # Python codecs that are not text encodings, or that cannot replace bad bytes: a page
    # naming one is read as UTF-8, as if it named nothing (it used to be an internal error).
    page = f'<meta charset="{label}"><p>caf\u00e9 \u201cquoted\u201d</p>'.encode() + b"\xff"
    assert decode_html(page).endswith("caf\u00e9 \u201cquoted\u201d</p>\ufffd")
    assert decode_html(b"<p>caf\xc3\xa9</p>", label) == "<p>caf\u00e9</p>"


def test_a_page_of_too_many_tags_is_rejected_unread() -> None:
    # trafilatura's work grows with the square of the elements: 60,000 paragraphs took
    # it about 13 s, and an 8 MB page of a million of them hours.
    page = f"<html><body><article>{'<p>a</p>' * (MAX_HTML_TAGS - 2)}</article></body></html>"
    started = time.monotonic()
    result = article_from_html(page.replace("<p>a", "<p>a<b>b</b>", 1), url=None, origin="p")
    assert time.monotonic() - started < 2
    tags = f"{MAX_HTML_TAGS + 2:,}"
    assert result == Rejected("p", f"{tags} HTML tags; unspun reads pages of at most 50,000")
