"""Tests of unspun.ingest: suffix dispatch and folder walking."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from unspun.errors import InputError
from unspun.ingest import SUPPORTED_SUFFIXES, read_path, read_paths, supported_suffix
from unspun.records import Article, Rejected

HEADLINE = "Allotment gardens to stay"
STORY = "The council agreed on Wednesday to keep the Brookside allotments for ten more years."
PAGE = (
    f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
    f"<p>{STORY}</p><p>Gardeners cheered in the public gallery when the vote was read out."
    "</p></article></body></html>"
)


def _write_txt(path: Path, title: str = HEADLINE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n{STORY}\n", encoding="utf-8")
    return path


def _write_warc(path: Path, gz: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://brookside.test/allotments",
                "response",
                payload=io.BytesIO(PAGE.encode()),
                http_headers=http,
            )
        )


def _make(path: Path, suffix: str) -> None:
    record = {"title": HEADLINE, "text": STORY}
    if suffix == ".txt":
        _write_txt(path)
    elif suffix == ".json":
        path.write_text(json.dumps(record), encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    elif suffix == ".jsonl.gz":
        path.write_bytes(gzip.compress(json.dumps(record).encode() + b"\n"))
    elif suffix in (".html", ".htm"):
        path.write_text(PAGE, encoding="utf-8")
    else:
        _write_warc(path, gz=suffix.endswith(".gz"))


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES, ids=SUPPORTED_SUFFIXES)
def test_read_path_dispatches_by_suffix(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"story{suffix}"
    _make(path, suffix)
    (article,) = list(read_path(path))
    assert isinstance(article, Article), article
    assert article.title == HEADLINE
    assert article.text.startswith(STORY)
    assert article.origin.startswith(str(path))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", ".txt"),
        ("A.TXT", ".txt"),
        ("feed.jsonl.gz", ".jsonl.gz"),
        ("crawl.WARC.GZ", ".warc.gz"),
        ("notes.json", ".json"),
        ("page.htm", ".htm"),
        ("data.json.gz", None),
        ("report.pdf", None),
        ("README", None),
    ],
    ids=["txt", "upper", "jsonl-gz", "warc-gz-upper", "json", "htm", "json-gz", "pdf", "none"],
)
def test_supported_suffix(name: str, expected: str | None) -> None:
    assert supported_suffix(Path(name)) == expected


def test_same_text_same_id_across_formats(tmp_path: Path) -> None:
    ids = set()
    for suffix in (".txt", ".json", ".jsonl", ".jsonl.gz"):
        path = tmp_path / f"story{suffix}"
        _make(path, suffix)
        (article,) = list(read_path(path))
        assert isinstance(article, Article)
        ids.add(article.id)
    assert len(ids) == 1


def test_explicit_unsupported_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    (result,) = list(read_paths([path]))
    assert result == Rejected(
        str(path),
        "unsupported file type '.pdf' "
        "(expected .txt, .json, .jsonl, .jsonl.gz, .html, .htm, .warc, .warc.gz)",
    )


def test_explicit_file_without_suffix_rejected(tmp_path: Path) -> None:
    path = tmp_path / "NOTES"
    path.write_text("x", encoding="utf-8")
    (result,) = list(read_path(path))
    assert isinstance(result, Rejected)
    assert result.reason.startswith("unsupported file type without a suffix (expected .txt")


def test_folder_walk_sorted_recursive_skips_hidden_and_unknown(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in ("b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt", "a2/e.txt", "z.txt"):
        _write_txt(root / name, title=f"Story {name}")
    _write_txt(root / ".hidden.txt")
    _write_txt(root / ".git" / "inside.txt")
    (root / "notes.pdf").write_bytes(b"%PDF")
    (root / "README").write_text("read me", encoding="utf-8")

    titles = [r.title for r in read_paths([root]) if isinstance(r, Article)]
    assert titles == [
        "Story a.txt",
        "Story a2/e.txt",
        "Story b.txt",
        "Story sub/c.txt",
        "Story sub/deeper/d.txt",
        "Story z.txt",
    ]
    assert all(isinstance(r, Article) for r in read_paths([root]))


def test_paths_read_in_given_order(tmp_path: Path) -> None:
    second = _write_txt(tmp_path / "b" / "second.txt", title="Second")
    first = _write_txt(tmp_path / "a" / "first.txt", title="First")
    folder = tmp_path / "c"
    _write_txt(folder / "third.txt", title="Third")
    titles = [r.title for r in read_paths([second, first, folder]) if isinstance(r, Article)]
    assert titles == ["Second", "First", "Third"]


def test_explicit_hidden_file_is_read(tmp_path: Path) -> None:
    path = _write_txt(tmp_path / ".draft.txt")
    (article,) = list(read_paths([path]))
    assert isinstance(article, Article)


def test_missing_path_raises_before_anything_is_read(tmp_path: Path) -> None:
    good = _write_txt(tmp_path / "good.txt")
    missing = tmp_path / "nowhere.txt"
    results = read_paths([good, missing])
    with pytest.raises(InputError, match=r"nowhere\.txt: no such file or directory"):
        next(results)


def test_read_path_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        list(read_path(tmp_path / "gone.jsonl"))


def test_bad_limit_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_record_bytes"):
        list(read_paths([tmp_path], max_record_bytes=0))


def test_limit_passed_to_readers(tmp_path: Path) -> None:
    path = _write_txt(tmp_path / "story.txt")
    (result,) = list(read_paths([path], max_record_bytes=10))
    assert result == Rejected(str(path), "file larger than 10 bytes (limit), skipped")


def test_limit_applies_to_whole_json_file(tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    path.write_text('{"title": "Ferry", "text": "The ferry leaves early."}', encoding="utf-8")
    (result,) = list(read_paths([path], max_record_bytes=20))
    assert isinstance(result, Rejected)
    assert result.reason.endswith("write large collections as JSON Lines (.jsonl)")


def test_unreadable_file_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_txt(tmp_path / "locked.txt")
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", guarded)
    assert list(read_paths([tmp_path])) == [
        Rejected(str(path), "cannot read file: Permission denied")
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file modes")
def test_unreadable_file_by_mode(tmp_path: Path) -> None:
    path = _write_txt(tmp_path / "locked.jsonl")
    path.chmod(0)
    try:
        (result,) = list(read_path(path))
    finally:
        path.chmod(0o644)
    assert result == Rejected(str(path), "cannot read file: Permission denied")


def test_folder_symlink_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write_txt(root / "a.txt")
    try:
        (root / "loop").symlink_to(root, target_is_directory=True)
    except OSError:
        pytest.skip("symlinks not supported here")
    assert len(list(read_paths([root]))) == 1


def test_folders_nested_deeper_than_the_recursion_limit_are_walked(tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    for _ in range(1_500):  # past Python's recursion limit of 1,000
        folder.mkdir()
        folder = folder / "d"
    _write_txt(folder / "bottom.txt", title="Bottom")
    _write_txt(tmp_path / "deep" / "top.txt", title="Top")
    try:
        titles = [r.title for r in read_paths([tmp_path / "deep"]) if isinstance(r, Article)]
    finally:
        # Bottom up: shutil.rmtree (pytest's clean-up) recurses once per level too.
        (folder / "bottom.txt").unlink()
        while folder != tmp_path / "deep":
            folder.rmdir()
            folder = folder.parent
    assert titles == ["Bottom", "Top"]
