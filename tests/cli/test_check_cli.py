"""`unspun check`: the JSON contract, the terminal report, verdicts that replay, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspun.cli import main
from unspun.forensics.verdict import probability

# Fictional stories written for these tests.
STITCHED = """Storm closes Port Alder ferry crossings

He said the crossings would stay closed until the engineers had checked every ramp.

Harbour officials in Port Alder counted 41 cancelled sailings on Tuesday, March 3, 2026, as \
gusts reached 110 km/h along the coast.

"We have never seen the quay flooded like this," Varga said.

Apple growers in the Verrin valley said a late frost had destroyed up to a third of this \
year's blossom.

Related stories

The council will vote on a new budget for the town's libraries next month.
"""

ORIGINAL = """Port Alder ferries resume after storm

Ferries between Port Alder and Skerry Island sailed again on Thursday after a two-day \
storm closed the harbour.

Harbour master Ilona Varga said engineers had checked every ramp overnight and found only \
minor damage to the northern berth.

"The crews worked through the night so that commuters could get home," Varga said.

About 3,000 people use the crossing each weekday. The operator said timetables would be \
back to normal by the weekend.
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _check(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, object]:
    code, out, err = _run(capsys, "check", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert isinstance(report, dict)
    return report


def test_json_follows_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = _check(capsys, _write(tmp_path, "story.txt", STITCHED))
    assert {"title", "verdict", "signals", "stance", "quotes"} <= set(report)
    assert report["title"] == "Storm closes Port Alder ferry crossings"
    verdict = report["verdict"]
    assert isinstance(verdict, dict)
    assert verdict["label"] in {
        "likely stitched",
        "likely spun",
        "headline mismatch",
        "no strong signs",
    }
    assert set(verdict["probabilities"]) == {"stitched", "spun", "headline_mismatch"}
    signals = report["signals"]
    assert isinstance(signals, list) and signals
    scores = [s["score"] for s in signals]
    assert scores == sorted(scores, reverse=True), "signals come strongest first"
    text = STITCHED.split("\n", 1)[1].lstrip("\n")
    for signal in signals:
        assert {"name", "score", "evidence", "explanation", "ordinary_up_to"} <= set(signal)
        assert 0.0 <= signal["score"] <= 1.0
        assert 0.0 <= signal["ordinary_up_to"] <= 1.0
        for e in signal["evidence"]:
            if e["sentence"] >= 0:
                assert text[e["start"] : e["end"]] == e["text"]
    stance = report["stance"]
    assert isinstance(stance, dict)
    assert set(stance) == {"label", "probabilities", "model"}
    assert stance["label"] in {"agree", "disagree", "discuss", "unrelated"}
    assert sum(stance["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert stance["model"] == "trees"
    quotes = report["quotes"]
    assert isinstance(quotes, list)
    assert [q["speaker"] for q in quotes] == ["Varga"]
    assert quotes[0]["speaker_introduced"] is False


def test_the_verdict_replays_from_its_explanation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from unspun.records import Contribution

    for name, text in (("a.txt", STITCHED), ("b.txt", ORIGINAL)):
        verdict = _check(capsys, _write(tmp_path, name, text))["verdict"]
        assert isinstance(verdict, dict)
        probs = verdict["probabilities"]
        kind = max(probs, key=lambda k: probs[k])
        parts = [Contribution(c["signal"], c["contribution"]) for c in verdict["explanation"]]
        assert probability(parts, kind) == pytest.approx(probs[kind], abs=1e-3)


def test_stitched_story_is_flagged_and_the_original_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stitched = _check(capsys, _write(tmp_path, "a.txt", STITCHED))
    original = _check(capsys, _write(tmp_path, "b.txt", ORIGINAL))
    assert stitched["verdict"]["label"] == "likely stitched"  # type: ignore[index]
    assert original["verdict"]["label"] == "no strong signs"  # type: ignore[index]
    fired = {s["name"] for s in stitched["signals"] if s["score"] > 0}  # type: ignore[union-attr]
    assert {"dangling_opener", "unintroduced_speaker", "leftover_headline"} <= fired


def test_terminal_report_marks_evidence_and_lists_signals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "check", str(_write(tmp_path, "a.txt", STITCHED)))
    assert code == 0
    assert "Signals, strongest first" in out
    assert "dangling_opener" in out
    assert "[[He said]]" in out  # plain marks when the output is not a terminal
    assert "Verdict: likely stitched" in out
    assert "Headline-body stance:" in out and "; trees)" in out
    assert "9 in 10 real articles score <=" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("absent.txt", None, "no such file or directory"),
        ("bad.json", "{not json", "bad.json"),
        ("empty.txt", "", "empty.txt"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "check", str(path))
    assert code == 2
    assert out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "check", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_semantic_check_reads_topic_jumps_and_stance_by_meaning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_cross: Path
) -> None:
    from tests.conftest import require_cross, require_embeddings
    from unspun.records import Contribution

    require_embeddings()
    require_cross()
    path = _write(tmp_path, "a.txt", STITCHED)
    code, out, err = _run(
        capsys, "check", str(path), "--json", "--semantic", "--cross", str(tiny_cross)
    )
    assert code == 0, err
    report = json.loads(out)
    jumps = next(s for s in report["signals"] if s["name"] == "topic_jumps")
    assert "embedding" in jumps["explanation"]
    assert report["verdict"]["label"] == "likely stitched"
    stance = report["stance"]
    assert stance["model"] == "trees+cross-encoder"
    assert sum(stance["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    lexical = _check(capsys, path)["stance"]
    assert isinstance(lexical, dict)
    # The trees alone decide related or not; the cross-encoder only the related stance.
    assert stance["probabilities"]["unrelated"] == lexical["probabilities"]["unrelated"]
    assert stance["probabilities"] != lexical["probabilities"]
    mismatch = [Contribution(k, stance["probabilities"][k]) for k in ("unrelated", "disagree")]
    assert probability(mismatch, "headline_mismatch") == pytest.approx(
        report["verdict"]["probabilities"]["headline_mismatch"], abs=1e-3
    )


def test_semantic_check_reads_the_shipped_cross_encoder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import require_embeddings, shipped_cross

    shipped_cross()
    require_embeddings()
    code, out, err = _run(
        capsys, "check", str(_write(tmp_path, "b.txt", ORIGINAL)), "--json", "--semantic"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["stance"]["model"] == "trees+cross-encoder"
    assert report["verdict"]["label"] == "no strong signs"


def test_semantic_check_without_shipped_weights_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspun.stance.cross as cross
    from tests.conftest import require_cross, require_embeddings

    require_embeddings()
    require_cross()
    monkeypatch.setattr(cross, "shipped_weights", lambda: tmp_path / "absent" / "cross.npz")
    cross._load_shipped.cache_clear()
    try:
        code, out, err = _run(
            capsys, "check", str(_write(tmp_path, "b.txt", ORIGINAL)), "--semantic"
        )
    finally:
        cross._load_shipped.cache_clear()
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "cross-encoder's weights are not installed" in err and "--cross PATH" in err


def test_cross_without_semantic_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", str(_write(tmp_path, "a.txt", ORIGINAL)), "--cross", "tiny.npz"])
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and out == ""
    assert err.splitlines()[-1] == (
        "unspun: error: --cross needs --semantic (it names the cross-encoder's weights)"
    )


def test_an_absent_cross_file_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = _write(tmp_path, "a.txt", ORIGINAL)
    code, out, err = _run(capsys, "check", str(story), "--semantic", "--cross", "absent.npz")
    assert code == 2 and out == ""
    assert err == "unspun: error: absent.npz: no such file (--cross takes a cross-encoder .npz)\n"


# A fictional quarterly results table: figures and labels, no prose.
RESULTS_TABLE = """ALDER FERRY LINES <ALF> 3RD QTR NET

Shr profit 12 cts vs loss four cts

Net profit 1,204,000 vs loss 388,000

Revs 14.2 mln vs 11.9 mln

Nine mths

Shr profit 31 cts vs 9 cts
"""


def test_a_results_table_gets_no_stance_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stance model reads prose: a table shares no words with its own headline."""
    report = _check(capsys, _write(tmp_path, "table.txt", RESULTS_TABLE))
    assert report["stance"] is None
    note = report["stance_note"]
    assert isinstance(note, str) and "prose" in note
    verdict = report["verdict"]
    assert isinstance(verdict, dict) and verdict["label"] != "headline mismatch"
    code, out, _ = _run(capsys, "check", str(_write(tmp_path, "t.txt", RESULTS_TABLE)))
    assert code == 0
    assert "Headline-body stance: not read" in out


def test_an_article_without_a_headline_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = ORIGINAL.split("\n", 2)[2]  # the story without its headline line
    record = json.dumps({"id": "ferries", "title": "", "text": body})
    report = _check(capsys, _write(tmp_path, "body.json", record))
    assert report["stance"] is None
    assert "headline" in str(report["stance_note"])


def test_an_article_too_long_to_check_is_refused_before_any_model_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "The ferry sailed on time again today. " * 27_000)
    code, out, err = _run(capsys, "check", str(path), "--semantic")
    assert code == 2 and out == ""
    assert err.startswith(f"unspun: error: {path}: the article is 1,026,004 characters long")
    assert len(err.splitlines()) == 1
