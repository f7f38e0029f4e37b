"""Tests of unspun.ingest.txt: plain-text articles."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from unspun.ingest.records import article_from_mapping, content_id
from unspun.ingest.txt import article_from_text, read_txt
from unspun.records import Article, Rejected

TITLE = "Village bakery wins regional bread prize"
BODY = (
    "The Hollin Street bakery took first place at the county fair on Saturday.\n"
    "Its rye loaf beat forty other entries.\n"
    "\n"
    "Owner Piet Varga said the recipe came from his grandmother."
)


def _read_one(path: Path, **kwargs: int) -> Article | Rejected:
    results = list(read_txt(path, **kwargs))
    assert len(results) == 1
    return results[0]


def test_title_is_first_line_rest_is_text(tmp_path: Path) -> None:
    path = tmp_path / "bakery.txt"
    path.write_text(f"{TITLE}\n{BODY}\n", encoding="utf-8")
    article = _read_one(path)
    assert article == Article(
        id=content_id(TITLE, BODY),
        title=TITLE,
        text=BODY,
        url=None,
        outlet=None,
        published=None,
        origin=str(path),
    )


def test_leading_blank_lines_and_padding_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bakery.txt"
    path.write_text(f"\n\n   \n  {TITLE}  \n\n\n{BODY}\n\n\n", encoding="utf-8")
    article = _read_one(path)
    assert isinstance(article, Article)
    assert article.title == TITLE
    assert article.text == BODY


def test_crlf_line_endings_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "bakery.txt"
    content = f"{TITLE}\n{BODY}".replace("\n", "\r\n")
    path.write_bytes(codecs.BOM_UTF8 + content.encode("utf-8"))
    article = _read_one(path)
    assert isinstance(article, Article)
    assert article.title == TITLE
    assert article.text == BODY


def test_same_story_same_id_as_json_without_id(tmp_path: Path) -> None:
    path = tmp_path / "bakery.txt"
    path.write_text(f"{TITLE}\n{BODY}\n", encoding="utf-8")
    from_txt = _read_one(path)
    from_json = article_from_mapping({"title": TITLE, "text": BODY}, origin="x.json")
    assert isinstance(from_txt, Article)
    assert isinstance(from_json, Article)
    assert from_txt.id == from_json.id


def test_non_ascii_text(tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_text("Café reopens\nThe café on Ångström Square reopened.", encoding="utf-8")
    article = _read_one(path)
    assert isinstance(article, Article)
    assert article.text == "The café on Ångström Square reopened."


NUL_HINT = "(UTF-16 without a byte-order mark, or a binary file?)"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\n \n\t\n", "empty file"),
        (TITLE.encode() + b"\n", "no text after the title line"),
        (TITLE.encode() + b"\n\n   \n", "no text after the title line"),
        (b"Title\nCaf\xe9 au lait", "not valid UTF-8 at byte 9"),
        (codecs.BOM_UTF8 + b"Title\n\xff", "not valid UTF-8 at byte 9"),
        ("Title\nText".encode("utf-16-le"), f"not UTF-8 text: NUL at byte 1 {NUL_HINT}"),
        ("Title\nText".encode("utf-16-be"), f"not UTF-8 text: NUL at byte 0 {NUL_HINT}"),
        (b"Title\nSome\x00text", f"not UTF-8 text: NUL at byte 10 {NUL_HINT}"),
    ],
    ids=[
        "empty",
        "blank",
        "title-only",
        "title-then-blank",
        "latin-1",
        "after-bom",
        "utf16-le-without-bom",
        "utf16-be-without-bom",
        "nul-byte",
    ],
)
def test_bad_files_rejected(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert _read_one(path) == Rejected(str(path), reason)


def test_file_over_limit_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(f"{TITLE}\n{BODY}", encoding="utf-8")
    result = _read_one(path, max_record_bytes=20)
    assert result == Rejected(str(path), "file larger than 20 bytes (limit), skipped")


def test_unreadable_file_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(f"{TITLE}\n{BODY}", encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert _read_one(path) == Rejected(str(path), "cannot read file: Permission denied")


def test_article_from_text_keeps_inner_blank_lines() -> None:
    article = article_from_text("Head\n\nOne.\n\n\nTwo.\n", origin="o")
    assert isinstance(article, Article)
    assert article.text == "One.\n\n\nTwo."
