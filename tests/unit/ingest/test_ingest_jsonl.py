"""Tests of unspun.ingest.jsonl: JSON, JSON Lines and gzipped JSON Lines files."""

from __future__ import annotations

import codecs
import gzip
import json
import time
import tracemalloc
from pathlib import Path

import pytest

from unspun.ingest.jsonl import read_json, read_jsonl
from unspun.ingest.records import content_id
from unspun.records import Article, Rejected

STORIES: list[dict[str, object]] = [
    {
        "id": "marsh-1",
        "title": "Marsh reopens to birdwatchers",
        "text": "The Fenby marsh reopened on Tuesday after a winter of flooding.",
        "url": "https://www.fenby-echo.test/marsh",
        "published": "2024-04-02",
    },
    {
        "title": "Bridge repairs finish early",
        "text": "Crews finished the Alder Bridge repairs a week ahead of plan.",
        "source": "Fenby Echo",
        "date": "2024-04-03T17:45:00Z",
    },
    {
        "id": 77,
        "text": "The town council voted to plant two hundred oaks along the river.",
        "url": "https://news.riverside.test/oaks",
        "publish_date": "not a date",
    },
]


def _line(obj: object) -> bytes:
    return json.dumps(obj).encode("utf-8") + b"\n"


def _write_jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def _articles(results: list[Article | Rejected]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def test_jsonl_happy_path(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", [_line(s) for s in STORIES])
    results = list(read_jsonl(path))
    assert all(isinstance(r, Article) for r in results)
    first, second, third = _articles(results)

    assert (first.id, first.outlet, first.published) == ("marsh-1", "fenby-echo.test", "2024-04-02")
    assert first.origin == f"{path}:1"

    assert second.id == content_id("Bridge repairs finish early", str(STORIES[1]["text"]))
    assert second.outlet == "Fenby Echo"
    assert second.published == "2024-04-03T17:45:00+00:00"
    assert second.url is None

    assert (third.id, third.title, third.outlet) == ("77", "", "news.riverside.test")
    assert third.published is None
    assert third.origin == f"{path}:3"


def test_jsonl_gz_happy_path(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        for story in STORIES:
            handle.write(_line(story))
    plain = _write_jsonl(tmp_path / "feed.jsonl", [_line(s) for s in STORIES])
    from_gz = [a.id for a in _articles(list(read_jsonl(path)))]
    assert from_gz == [a.id for a in _articles(list(read_jsonl(plain)))]
    assert len(from_gz) == 3


def test_blank_lines_skipped_silently_and_numbered(tmp_path: Path) -> None:
    lines = [b"\n", _line(STORIES[0]), b"   \n", b"\r\n", _line(STORIES[1])]
    results = list(read_jsonl(_write_jsonl(tmp_path / "feed.jsonl", lines)))
    assert [r.origin.rsplit(":", 1)[1] for r in results] == ["2", "5"]
    assert all(isinstance(r, Article) for r in results)


def test_last_line_without_newline_and_crlf(tmp_path: Path) -> None:
    lines = [_line(STORIES[0]).replace(b"\n", b"\r\n"), json.dumps(STORIES[1]).encode()]
    results = list(read_jsonl(_write_jsonl(tmp_path / "feed.jsonl", lines)))
    assert [type(r) for r in results] == [Article, Article]


def test_bom_on_first_line(tmp_path: Path) -> None:
    lines = [codecs.BOM_UTF8 + _line(STORIES[0]), _line(STORIES[1])]
    results = list(read_jsonl(_write_jsonl(tmp_path / "feed.jsonl", lines)))
    assert [type(r) for r in results] == [Article, Article]


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        (b'{"text": "unterminated\n', "invalid JSON: "),
        (b"{text: 1}\n", "invalid JSON: "),
        (b"[1, 2, 3]\n", "expected a JSON object, got array"),
        (b'"just a string"\n', "expected a JSON object, got string"),
        (b'{"title": "No body here"}\n', "missing or empty 'text' field"),
        (b'{"text": ["para one", "para two"]}\n', "'text' must be a string, got array"),
        (b'{"text": "caf\xe9 opens"}\n', "not valid UTF-8 at byte 13"),
    ],
    ids=[
        "unterminated",
        "unquoted-key",
        "array",
        "string",
        "missing-text",
        "text-list",
        "latin-1-bytes",
    ],
)
def test_bad_line_rejected_and_reading_continues(
    tmp_path: Path, bad_line: bytes, reason: str
) -> None:
    lines = [_line(STORIES[0]), bad_line, _line(STORIES[1])]
    path = _write_jsonl(tmp_path / "feed.jsonl", lines)
    first, bad, last = list(read_jsonl(path))
    assert isinstance(first, Article)
    assert isinstance(last, Article)
    assert isinstance(bad, Rejected)
    assert bad.origin == f"{path}:2"
    assert bad.reason.startswith(reason)


def test_invalid_json_reason_names_the_column(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", [b'{"text": "ok",, "x": 1}\n'])
    (bad,) = list(read_jsonl(path))
    assert isinstance(bad, Rejected)
    assert bad.reason.startswith("invalid JSON: ")
    assert bad.reason.endswith("(column 15)")


def test_fifty_megabyte_line_skipped_then_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(_line(STORIES[0]))
        handle.write(b'{"text": "')
        chunk = b"many words " * 100_000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(b'"}\n')
        handle.write(_line(STORIES[1]))
    results = list(read_jsonl(path))
    assert len(results) == 3
    assert isinstance(results[0], Article)
    assert results[1] == Rejected(f"{path}:2", "record larger than 8 MB (limit), skipped")
    assert isinstance(results[2], Article)
    assert results[2].origin == f"{path}:3"
    assert results[2].title == "Bridge repairs finish early"


@pytest.mark.parametrize(
    ("limit", "kinds"),
    [
        (59, [Rejected, Rejected]),
        (60, [Article, Rejected]),
        (111, [Article, Rejected]),
        (112, [Article, Article]),
    ],
    ids=["one-under-first", "exactly-first", "one-under-second", "exactly-second"],
)
def test_limit_boundary(tmp_path: Path, limit: int, kinds: list[type]) -> None:
    first = b'{"text": "' + b"x" * 48 + b'"}'  # 60 bytes
    second = b'{"text": "' + b"y" * 100 + b'"}'  # 112 bytes, no final newline
    path = _write_jsonl(tmp_path / "edge.jsonl", [first + b"\n", second])
    results = list(read_jsonl(path, max_record_bytes=limit))
    assert [type(r) for r in results] == kinds
    for result in results:
        if isinstance(result, Rejected):
            assert result.reason == f"record larger than {limit} bytes (limit), skipped"


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    payload = b"".join(_line(s) for s in STORIES) * 40
    data = gzip.compress(payload)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    results = list(read_jsonl(path))
    *articles, last = results
    assert articles
    assert all(isinstance(a, Article) for a in articles)
    assert len(articles) < 120
    assert isinstance(last, Rejected)
    assert last.origin == str(path)
    assert last.reason.startswith("truncated gzip stream")


def test_not_gzip_data_rejected(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "plain.jsonl.gz", [_line(STORIES[0])])
    (result,) = list(read_jsonl(path))
    assert isinstance(result, Rejected)
    assert result.origin == str(path)
    assert result.reason.startswith("corrupt gzip stream")


def test_json_single_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(STORIES[0]), encoding="utf-8")
    (article,) = list(read_json(path))
    assert isinstance(article, Article)
    assert article.id == "marsh-1"
    assert article.origin == str(path)


def test_json_array_numbers_records_from_one(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([STORIES[0], 5, {"title": "x"}, STORIES[2]]), encoding="utf-8")
    results = list(read_json(path))
    assert [r.origin for r in results] == [f"{path}#{n}" for n in (1, 2, 3, 4)]
    assert isinstance(results[0], Article)
    assert results[1] == Rejected(f"{path}#2", "expected a JSON object, got integer")
    assert results[2] == Rejected(f"{path}#3", "missing or empty 'text' field")
    assert isinstance(results[3], Article)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b'{"text": "a",\n "title": }', "invalid JSON: "),
        (b'"headline only"', "expected a JSON object or array of objects, got string"),
        (b'{"text": "\xff"}', "not valid UTF-8 at byte 10"),
    ],
    ids=["empty", "invalid", "scalar", "latin-1"],
)
def test_json_bad_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    (result,) = list(read_json(path))
    assert isinstance(result, Rejected)
    assert result.origin == str(path)
    assert result.reason.startswith(reason)


def test_json_invalid_reason_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"text": "a",\n "title": }')
    (result,) = list(read_json(path))
    assert isinstance(result, Rejected)
    assert result.reason.endswith("(line 2, column 11)")


@pytest.mark.parametrize("extra", [1, 10_000_000], ids=["one-byte-over", "far-over"])
def test_json_file_over_the_limit_points_to_json_lines(tmp_path: Path, extra: int) -> None:
    array = json.dumps([STORIES[0]] * 30).encode()
    path = tmp_path / "export.json"
    path.write_bytes(array + b" " * extra)
    limit = len(array) + extra - 1
    (result,) = list(read_json(path, max_record_bytes=limit))
    assert result == Rejected(
        str(path),
        f"file larger than {limit} bytes (limit), skipped: a .json file is parsed whole; "
        "write large collections as JSON Lines (.jsonl)",
    )
    assert len(list(read_json(path, max_record_bytes=limit + 1))) == 30


def test_json_file_over_the_limit_is_not_read_past_it(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(json.dumps([STORIES[0]] * 100_000).encode())  # about 20 MB
    tracemalloc.start()
    try:
        (result,) = list(read_json(path, max_record_bytes=100_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(result, Rejected)
    assert result.reason.startswith("file larger than 100000 bytes (limit), skipped")
    assert peak < 1_000_000


def test_a_gzip_bomb_of_blank_lines_is_read_fast_and_numbered(tmp_path: Path) -> None:
    # 32 MiB of line breaks in 32 KiB: read a line at a time this took about 20 s.
    path = tmp_path / "blank.jsonl.gz"
    blanks = 32 * 1024 * 1024
    with gzip.open(path, "wb") as fh:
        fh.write(b"\n" * blanks + b" \t\r\n" + _line(STORIES[0]) + b"\n  \n{bad")
    started = time.monotonic()
    results = list(read_jsonl(path))
    assert time.monotonic() - started < 5
    assert [r.origin for r in results] == [f"{path}:{blanks + 2}", f"{path}:{blanks + 5}"]
    assert isinstance(results[0], Article) and isinstance(results[1], Rejected)
