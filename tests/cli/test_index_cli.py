"""`unspun index`: counts, idempotence, and every bad-input case named in the issue."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.fiction import FICTION
from unspun.cli import main
from unspun.index.store import IndexReader


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _count(db: Path) -> int:
    with IndexReader(db) as reader:
        return reader.stats().articles


def test_index_counts_and_is_idempotent(
    tmp_path: Path, fiction_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    code, out, _ = _run(capsys, "index", str(fiction_jsonl), "--db", str(db), "--workers", "1")
    assert code == 0
    assert out.strip() == "added 3, duplicates 0, rejected 0"
    code, out, _ = _run(capsys, "index", str(fiction_jsonl), "--db", str(db), "--workers", "1")
    assert code == 0
    assert out.strip() == "added 0, duplicates 3, rejected 0"
    assert _count(db) == 3


def test_db_defaults_to_env(
    tmp_path: Path,
    fiction_jsonl: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNSPUN_DB", str(tmp_path / "env.db"))
    assert _run(capsys, "index", str(fiction_jsonl), "--workers", "1")[0] == 0
    assert _count(tmp_path / "env.db") == 3


def _good_line(n: int) -> str:
    art = dict(FICTION[2])
    art["id"] = f"extra-{n}"
    return json.dumps(art)


def _write_warc(path: Path, *, truncate: bool) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for n in range(3):
        html = (
            f"<html><head><title>Lantern festival {n}</title></head><body><article>"
            f"<h1>Lantern festival {n}</h1><p>The town of Merrow lit {n + 200} lanterns on the "
            "harbour wall on Saturday night, organisers said, drawing a crowd of several "
            "thousand people to the seafront.</p><p>The festival began in 1950 as a small "
            "gathering of fishing families and now runs for three nights.</p>"
            "</article></body></html>"
        ).encode()
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        rec = writer.create_warc_record(
            f"https://merrow.example/festival-{n}",
            "response",
            payload=io.BytesIO(html),
            http_headers=headers,
        )
        writer.write_record(rec)
    data = buf.getvalue()
    # Cut inside the last record (a cut between gzip members leaves a valid archive).
    path.write_bytes(data[: len(data) - 120] if truncate else data)


BAD_CASES = {
    "invalid-json": ("bad.jsonl", lambda p: p.write_text('{"title": "x", "text": \n'), "JSON"),
    "missing-text": ("bad.jsonl", lambda p: p.write_text('{"title": "no body"}\n'), "text"),
    "undecodable": (
        "bad.txt",
        lambda p: p.write_bytes(b"Title\n\nBody with a bad byte \xff\xfe here.\n"),
        "UTF-8",
    ),
    "empty-html": (
        "bad.html",
        lambda p: p.write_text("<html><head></head><body></body></html>"),
        "text",
    ),
    "truncated-warc": ("bad.warc.gz", lambda p: _write_warc(p, truncate=True), "WARC"),
}


@pytest.mark.parametrize("case", list(BAD_CASES), ids=list(BAD_CASES))
def test_bad_input_is_rejected_and_nothing_is_lost(
    case: str, tmp_path: Path, fiction_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    assert _run(capsys, "index", str(fiction_jsonl), "--db", str(db), "--workers", "1")[0] == 0
    name, write, word = BAD_CASES[case]
    bad = tmp_path / name
    write(bad)
    code, out, err = _run(capsys, "index", str(bad), "--db", str(db), "--workers", "1")
    assert "Traceback" not in err
    assert str(bad) in err
    assert word.lower() in err.lower()
    rejects = (db / "rejects.tsv").read_text(encoding="utf-8")
    assert str(bad) in rejects
    assert "rejected" in out
    if case == "truncated-warc":
        # The records before the cut are still indexed.
        assert code == 0
        assert _count(db) > 3
    else:
        assert code == 2
        assert "nothing indexed" in err
        assert _count(db) == 3


def test_bad_lines_among_good_ones_exit_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(_good_line(1) + "\n{not json}\n" + '{"text": ""}\n' + _good_line(2) + "\n")
    db = tmp_path / "db"
    code, out, err = _run(capsys, "index", str(path), "--db", str(db), "--workers", "1")
    assert code == 0
    assert out.startswith("added 2, duplicates 0, rejected 2")
    assert f"{path}:2" in err and f"{path}:3" in err
    assert len((db / "rejects.tsv").read_text().splitlines()) == 2


def test_a_50mb_line_is_rejected_and_the_next_line_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"id": "huge", "title": "t", "text": "')
        chunk = "word " * 200_000
        for _ in range(50):
            fh.write(chunk)
        fh.write('"}\n')
        fh.write(_good_line(3) + "\n")
    db = tmp_path / "db"
    code, out, err = _run(capsys, "index", str(path), "--db", str(db), "--workers", "1")
    assert code == 0
    assert out.startswith("added 1, duplicates 0, rejected 1")
    assert f"{path}:1" in err and "MB" in err


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "index", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "d"))
    assert code == 2
    assert err.strip() == f"unspun: error: {tmp_path / 'nope.jsonl'}: no such file or directory"


def test_folder_with_nothing_usable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.pdf").write_bytes(b"%PDF")
    code, _, err = _run(capsys, "index", str(tmp_path / "in"), "--db", str(tmp_path / "d"))
    assert code == 2
    assert "no .txt, .json" in err


def test_other_fingerprint_parameters_are_refused(
    tmp_path: Path, fiction_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    args = ["index", str(fiction_jsonl), "--db", str(db), "--workers", "1"]
    assert _run(capsys, *args, "--keys-per-sentence", "6")[0] == 0
    # Same parameters, given again or taken from the stamp: fine.
    assert _run(capsys, *args, "--keys-per-sentence", "6")[0] == 0
    assert _run(capsys, *args)[0] == 0
    code, out, err = _run(capsys, *args, "--keys-per-sentence", "8")
    assert code == 2
    assert out == ""
    assert "keys_per_sentence=6" in err and "a new --db" in err
    code, _, err = _run(capsys, *args, "--shingle-sizes", "two")
    assert code == 2
    assert "--shingle-sizes" in err
    assert _count(db) == 3
