"""The combined verdict: probabilities, labels, and explanations that replay."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from unspun.errors import InputError
from unspun.forensics.verdict import (
    NO_SIGNS,
    PRIOR,
    Logistic,
    VerdictModel,
    combine,
    load_verdict_model,
    probability,
)
from unspun.records import Signal, Stance

MODEL = VerdictModel(
    stitched=Logistic(-2.0, {"dangling_opener": 3.0, "topic_jumps": 2.0}),
    spun=Logistic(-1.5, {"synonym_swaps": 4.0}),
)


def _stance(label: str, **probs: float) -> Stance:
    return Stance(label, probs)


def test_probability_is_the_sigmoid_of_prior_plus_weighted_scores() -> None:
    signals = [Signal("dangling_opener", 0.9), Signal("topic_jumps", 0.5)]
    verdict = combine(signals, None, MODEL)
    expected = 1 / (1 + math.exp(-(-2.0 + 3.0 * 0.9 + 2.0 * 0.5)))
    assert verdict.probabilities["stitched"] == pytest.approx(expected, abs=1e-4)
    assert verdict.label == "likely stitched"


@pytest.mark.parametrize(
    ("signals", "stance"),
    [
        ([Signal("dangling_opener", 0.9), Signal("topic_jumps", 0.5)], None),
        ([Signal("synonym_swaps", 0.8)], _stance("discuss", discuss=0.9, unrelated=0.1)),
        ([], _stance("unrelated", unrelated=0.7, disagree=0.2, discuss=0.1)),
        ([Signal("synonym_swaps", 0.1)], None),
    ],
)
def test_the_explanation_replays_to_the_probability_behind_the_label(
    signals: list[Signal], stance: Stance | None
) -> None:
    verdict = combine(signals, stance, MODEL)
    kind = max(verdict.probabilities, key=lambda k: verdict.probabilities[k])
    assert probability(verdict.explanation, kind) == pytest.approx(
        verdict.probabilities[kind], abs=1e-4
    )


def test_headline_mismatch_reads_the_unrelated_and_disagree_stances() -> None:
    verdict = combine([], _stance("unrelated", unrelated=0.7, disagree=0.2, discuss=0.1), MODEL)
    assert verdict.label == "headline mismatch"
    assert verdict.probabilities["headline_mismatch"] == pytest.approx(0.9)
    assert {c.signal for c in verdict.explanation} == {"unrelated", "disagree"}


def test_weak_signals_give_no_strong_signs_with_the_prior_explained() -> None:
    verdict = combine([Signal("synonym_swaps", 0.1)], None, MODEL)
    assert verdict.label == NO_SIGNS
    assert verdict.explanation[0].signal == PRIOR
    assert all(p < 0.5 for p in verdict.probabilities.values())


def test_unknown_signals_do_not_count() -> None:
    base = combine([], None, MODEL).probabilities
    assert combine([Signal("not_a_signal", 1.0)], None, MODEL).probabilities == base


def test_model_round_trips_through_json(tmp_path: Path) -> None:
    path = tmp_path / "verdict.json"
    path.write_text(MODEL.to_json())
    assert VerdictModel.load(path) == MODEL


@pytest.mark.parametrize("raw", ["", "[]", '{"stitched": {}}', '{"stitched": {"prior": 1}}'])
def test_a_broken_model_file_is_a_clear_input_error(tmp_path: Path, raw: str) -> None:
    path = tmp_path / "verdict.json"
    path.write_text(raw)
    with pytest.raises(InputError, match=r"verdict\.json: not a verdict model"):
        VerdictModel.load(path)


def test_a_missing_model_file_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read verdict model"):
        VerdictModel.load(tmp_path / "absent.json")


def test_the_shipped_model_weighs_stitching_and_spin_signals() -> None:
    model = load_verdict_model()
    assert model.fitted_on.startswith("python -m bench.check_eval --fit")
    assert model.stitched.weights and model.spun.weights


def test_semantic_signals_use_the_semantic_weights_when_there_are_some() -> None:
    semantic = (Logistic(-2.0, {"topic_jumps": 6.0}), Logistic(-3.0, {}))
    model = VerdictModel(MODEL.stitched, MODEL.spun, semantic=semantic)
    signals = [Signal("topic_jumps", 0.9)]
    lexical = combine(signals, None, model).probabilities["stitched"]
    meaning = combine(signals, None, model, semantic=True).probabilities["stitched"]
    assert lexical == pytest.approx(1 / (1 + math.exp(-(-2.0 + 2.0 * 0.9))), abs=1e-4)
    assert meaning == pytest.approx(1 / (1 + math.exp(-(-2.0 + 6.0 * 0.9))), abs=1e-4)
    # Without semantic weights, semantic signals fall back to the lexical model.
    assert combine(signals, None, MODEL, semantic=True).probabilities["stitched"] == lexical


def test_semantic_weights_round_trip(tmp_path: Path) -> None:
    model = VerdictModel(MODEL.stitched, MODEL.spun, "x", (MODEL.spun, MODEL.stitched))
    path = tmp_path / "verdict.json"
    path.write_text(model.to_json())
    assert VerdictModel.load(path) == model


def test_ordinary_levels_round_trip_and_fall_back_to_the_lexical_ones(tmp_path: Path) -> None:
    lexical = {"topic_jumps": 0.57, "synonym_swaps": 0.58}
    model = VerdictModel(MODEL.stitched, MODEL.spun, "x", (MODEL.spun, MODEL.stitched), lexical)
    path = tmp_path / "verdict.json"
    path.write_text(model.to_json())
    assert VerdictModel.load(path) == model
    assert model.ordinary_levels(semantic=True) == lexical  # no semantic levels fitted
    semantic = {"topic_jumps": 0.42, "synonym_swaps": 0.58}
    both = VerdictModel(
        MODEL.stitched, MODEL.spun, "x", (MODEL.spun, MODEL.stitched), lexical, semantic
    )
    path.write_text(both.to_json())
    assert VerdictModel.load(path).ordinary_levels(semantic=True) == semantic
    assert VerdictModel.load(path).ordinary_levels() == lexical


def test_the_shipped_model_knows_what_real_articles_score() -> None:
    """Spin signals find a few rare words in most real prose: the yardstick says so."""
    ordinary = load_verdict_model().ordinary_levels()
    assert set(ordinary) >= {"synonym_swaps", "topic_jumps", "dangling_opener"}
    assert all(0.0 <= v <= 1.0 for v in ordinary.values())
    assert ordinary["synonym_swaps"] > 0.0  # 9 in 10 real articles is not all of them
