"""FNC-1 files and score: reading, every error case, the scorer on hand-made lists."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from unspun.errors import InputError
from unspun.stance.fnc import FncPair, read_fnc, score, write_predictions

BODY_ONE = 'The mayor of Dunmore said "no comment, yet".\nA second line, with a comma.'
BODY_TWO = "Officials of the Lantern Bay ferry denied that a whale had boarded the boat."


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8")))
    else:
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def _bodies(path: Path) -> Path:
    return _write(path, [["Body ID", "articleBody"], ["7", BODY_ONE], ["9", BODY_TWO]])


def _stances(
    path: Path, header: list[str] | None = None, rows: list[list[str]] | None = None
) -> Path:
    header = header or ["Headline", "Body ID", "Stance"]
    rows = rows or [
        ['Dunmore mayor silent on bridge, "for now"', "7", "discuss"],
        ["Whale boards ferry", "9", "disagree"],
    ]
    return _write(path, [header, *rows])


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_reads_quotes_and_newlines_plain_and_gzipped(tmp_path: Path, suffix: str) -> None:
    pairs = read_fnc(_bodies(tmp_path / f"b{suffix}"), _stances(tmp_path / f"s{suffix}"))
    assert pairs == [
        FncPair('Dunmore mayor silent on bridge, "for now"', 7, BODY_ONE, "discuss"),
        FncPair("Whale boards ferry", 9, BODY_TWO, "disagree"),
    ]


def test_stance_column_is_optional(tmp_path: Path) -> None:
    stances = _stances(tmp_path / "s.csv", ["Headline", "Body ID"], [["Whale boards ferry", "9"]])
    pairs = read_fnc(_bodies(tmp_path / "b.csv"), stances)
    assert pairs == [FncPair("Whale boards ferry", 9, BODY_TWO, None)]


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: no such file"):
        read_fnc(tmp_path / "nope.csv", _stances(tmp_path / "s.csv"))


def test_missing_column_is_named(tmp_path: Path) -> None:
    stances = _stances(tmp_path / "s.csv", ["Headline", "Body", "Stance"], [["A", "7", "agree"]])
    with pytest.raises(InputError, match=r"s\.csv: missing column 'Body ID'"):
        read_fnc(_bodies(tmp_path / "b.csv"), stances)


def test_body_id_without_body(tmp_path: Path) -> None:
    stances = _stances(tmp_path / "s.csv", rows=[["A headline", "8", "agree"]])
    with pytest.raises(InputError, match=r"s\.csv: line 2: Body ID 8 has no body"):
        read_fnc(_bodies(tmp_path / "b.csv"), stances)


def test_unknown_stance(tmp_path: Path) -> None:
    stances = _stances(tmp_path / "s.csv", rows=[["A headline", "7", "maybe"]])
    with pytest.raises(InputError, match=r"s\.csv: line 2: unknown Stance 'maybe'"):
        read_fnc(_bodies(tmp_path / "b.csv"), stances)


def test_non_integer_body_id(tmp_path: Path) -> None:
    bodies = _write(tmp_path / "b.csv", [["Body ID", "articleBody"], ["seven", "text"]])
    with pytest.raises(InputError, match=r"b\.csv: line 2: Body ID 'seven'"):
        read_fnc(bodies, _stances(tmp_path / "s.csv"))


def test_corrupt_gzip(tmp_path: Path) -> None:
    bodies = tmp_path / "b.csv.gz"
    bodies.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match=r"b\.csv\.gz: cannot be read"):
        read_fnc(bodies, _stances(tmp_path / "s.csv"))


def test_score_by_hand() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
    predicted = ["agree", "discuss", "unrelated", "unrelated", "agree"]
    result = score(gold, predicted)
    # Earned 1 + 0.25 + 0 + 0.25 + 0 = 1.5 of a best 1 + 1 + 1 + 0.25 + 0.25 = 3.5.
    assert result.fnc == pytest.approx(100 * 1.5 / 3.5)
    # F1: agree 2/3, disagree 0, discuss 0, unrelated 2*1/(2+2) = 0.5.
    assert result.f1 == pytest.approx(
        {"agree": 2 / 3, "disagree": 0.0, "discuss": 0.0, "unrelated": 0.5}
    )
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.5) / 4)
    assert result.confusion["disagree"]["discuss"] == 1
    assert result.confusion["unrelated"]["agree"] == 1
    assert result.n == 5


def test_perfect_and_all_unrelated_scores() -> None:
    gold = ["agree", "unrelated", "unrelated", "discuss"]
    assert score(gold, gold).fnc == pytest.approx(100.0)
    assert score(gold, gold).macro_f1 == pytest.approx(0.75)  # disagree absent: F1 0
    # All unrelated: 0.25 for each of the two unrelated pairs out of 2 + 0.5.
    assert score(gold, ["unrelated"] * 4).fnc == pytest.approx(100 * 0.5 / 2.5)


def test_score_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        score(["agree", "agree"], ["agree"])
    with pytest.raises(ValueError, match="unknown label"):
        score(["agree"], ["maybe"])


def test_write_predictions_round_trips(tmp_path: Path) -> None:
    pairs = read_fnc(_bodies(tmp_path / "b.csv"), _stances(tmp_path / "s.csv"))
    out = io.StringIO()
    write_predictions(pairs, ["agree", "unrelated"], out)
    path = tmp_path / "pred.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    again = read_fnc(tmp_path / "b.csv", path)
    assert [p.stance for p in again] == ["agree", "unrelated"]
    assert [p.headline for p in again] == [p.headline for p in pairs]
