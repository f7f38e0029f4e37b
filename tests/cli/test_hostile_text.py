"""Hostile names and text: one line per message, no markup read, no escape sequence sent.

File names and article text come from outside. A line break in a file name must not
forge an extra message line; rich markup in an article must not be interpreted (or crash
the report); an escape sequence in an article must not reach the terminal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fiction import FICTION
from unspun.cli import main, one_line

# A fictional story with a quote that looks like rich markup, and control characters.
HOSTILE = (
    "Lantern fair opens \x1b[31min red\n\n"
    'The organiser said "[/] the lanterns [/bold] will stay lit all week" on Monday.\n\n'
    "About 400 lanterns line the river walk \x1b]0;retitled\x07 this year.\n\n"
    "Stall holders said trade was brisk \u202eon the first night."
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_line_break_in_a_file_name_cannot_forge_a_message_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "x\nunspun: added 999.jsonl"
    bad.write_text("{not json\n" + json.dumps(FICTION[0]) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "index", str(folder), "--db", str(tmp_path / "db"))
    assert code == 0
    assert out.splitlines() == [
        one_line(f"added 1, duplicates 0, rejected 1 (reasons in {tmp_path / 'db'}/rejects.tsv)")
    ]
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("unspun: skipped ") and "x\\nunspun: added 999.jsonl:1" in lines[0]


def test_an_error_naming_a_hostile_path_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "trace", str(tmp_path / "gone\n\x1b[2J.txt"))
    assert code == 2
    assert err.count("\n") == 1 and "\x1b" not in err
    assert "gone\\n\\x1b[2J.txt" in err


@pytest.mark.parametrize("command", ["check", "trace"])
def test_markup_and_escapes_in_an_article_are_shown_not_obeyed(
    tmp_path: Path, fiction_jsonl: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    db = tmp_path / "db"
    assert _run(capsys, "index", str(fiction_jsonl), "--db", str(db))[0] == 0
    args = [command, str(article)] + (["--db", str(db)] if command == "trace" else [])
    code, out, err = _run(capsys, *args)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "␛[31min red" in out  # shown, as a visible stand-in
    if command == "check":
        assert "[/] the lanterns [/bold]" in " ".join(out.split())
    # The JSON keeps the text exactly as it was given.
    code, out, _ = _run(capsys, *args, "--json")
    assert code == 0
    assert json.loads(out)["title"] == "Lantern fair opens \x1b[31min red"


def test_a_file_name_that_is_not_utf8_is_named_in_the_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff-empty.txt")).write_bytes(b"")
    (folder / "story.jsonl").write_text(json.dumps(FICTION[0]) + "\n", encoding="utf-8")
    db = tmp_path / "db"
    code, _, err = _run(capsys, "index", str(folder), "--db", str(db))
    assert code == 0, err
    assert err.splitlines() == [f"unspun: skipped {folder}/\\udcff-empty.txt: empty file"]
    rejects = (db / "rejects.tsv").read_text(encoding="utf-8")
    assert rejects == f"{folder}/\\udcff-empty.txt\tempty file\n"
