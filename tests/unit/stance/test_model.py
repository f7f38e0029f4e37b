"""The stance model: numpy tree evaluator, save/load, and the shipped model's behaviour."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from unspun.errors import InputError
from unspun.stance.fnc import LABELS
from unspun.stance.model import StanceModel, TreeEnsemble, load_model, prose_sentences

HEADLINE = "Giant tortoise escapes Millbrook zoo and walks to the bakery"
RELATED = (
    "A giant tortoise escaped from Millbrook zoo on Tuesday, keepers said. Staff found the "
    "tortoise outside the Millbrook bakery, two streets from the zoo, eating lettuce. "
    "The zoo said the tortoise, which is 90 years old, walked out through a broken gate."
)
UNRELATED = (
    "The regional orchestra announced its winter season on Monday. Tickets for the six "
    "violin concerts go on sale next month, and students get a discount."
)

DUMP: dict[str, Any] = {
    "num_class": 1,
    "tree_info": [
        {
            "tree_structure": {
                "split_feature": 0,
                "threshold": 1.5,
                "decision_type": "<=",
                "left_child": {"leaf_value": -1.0},
                "right_child": {
                    "split_feature": 1,
                    "threshold": 0.0,
                    "decision_type": "<=",
                    "left_child": {"leaf_value": 0.5},
                    "right_child": {"leaf_value": 2.0},
                },
            }
        },
        {"tree_structure": {"leaf_value": 0.25}},
    ],
}


def test_tree_evaluator_by_hand() -> None:
    trees = TreeEnsemble.from_lightgbm(DUMP)
    x = np.array([[1.0, 9.0], [2.0, -1.0], [2.0, 0.0], [2.0, 1.0]])
    assert trees.raw(x)[:, 0].tolist() == [-0.75, 0.75, 0.75, 2.25]
    assert trees.probabilities(x)[0] == pytest.approx(1 / (1 + math.exp(0.75)))


def test_tree_evaluator_rejects_other_splits() -> None:
    dump = {
        "num_class": 1,
        "tree_info": [
            {"tree_structure": {**DUMP["tree_info"][0]["tree_structure"], "decision_type": "=="}}
        ],
    }
    with pytest.raises(ValueError, match="unsupported split"):
        TreeEnsemble.from_lightgbm(dump)


@pytest.mark.parametrize("objective", ["binary", "multiclass"])
def test_tree_evaluator_matches_lightgbm(objective: str) -> None:
    lgb = pytest.importorskip("lightgbm", reason="lightgbm (the train extra) is not installed")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 5))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(int) + (x[:, 3] > 1)
    params = {"objective": objective, "verbose": -1, "num_threads": 1, "seed": 1}
    if objective == "multiclass":
        params["num_class"] = 3
    else:
        y = (y > 0).astype(int)
    booster = lgb.train(params, lgb.Dataset(x, label=y), 30)
    trees = TreeEnsemble.from_lightgbm(booster.dump_model())
    probs = trees.probabilities(x)
    assert np.allclose(probs, booster.predict(x), atol=1e-12)


def test_trees_fitted_on_a_column_subset_index_the_full_row() -> None:
    pytest.importorskip("lightgbm", reason="lightgbm (the train extra) is not installed")
    from unspun.stance.features import FEATURE_NAMES
    from unspun.stance.train import _fit_trees

    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, len(FEATURE_NAMES)))
    columns = ("bm25", "cos_max")
    y = (x[:, FEATURE_NAMES.index("bm25")] > 0).astype(np.int32)
    params = {"objective": "binary", "verbose": -1, "num_threads": 1, "min_data_in_leaf": 5}
    trees = _fit_trees(x, y, params, 10, seed=1, columns=columns)
    used = {FEATURE_NAMES[i] for i in trees.feature.tolist()}
    assert used and used <= set(columns)
    assert np.mean((trees.probabilities(x) > 0.5) == y) > 0.9


def test_shipped_model_separates_related_from_unrelated() -> None:
    model = load_model()
    assert model.predict(HEADLINE, UNRELATED).label == "unrelated"
    assert model.predict(HEADLINE, RELATED).label != "unrelated"


def test_probabilities_cover_the_labels_and_sum_to_one() -> None:
    for stance in load_model().predict_many([(HEADLINE, RELATED), (HEADLINE, UNRELATED), ("", "")]):
        assert tuple(stance.probabilities) == LABELS
        assert sum(stance.probabilities.values()) == pytest.approx(1.0)
        assert all(0.0 <= p <= 1.0 for p in stance.probabilities.values())
    assert load_model().predict_many([]) == []


def test_save_load_round_trip(tmp_path: Path) -> None:
    model = load_model()
    path = tmp_path / "copy.npz"
    model.save(path)
    again = StanceModel.load(path)
    pairs = [(HEADLINE, RELATED), (HEADLINE, UNRELATED)]
    assert again.predict_many(pairs) == model.predict_many(pairs)
    assert again.weights == model.weights
    assert again.related_threshold == model.related_threshold


def test_load_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "junk.npz"
    path.write_bytes(b"not a model")
    with pytest.raises(InputError, match=r"junk\.npz: not a stance model file"):
        StanceModel.load(path)
    with pytest.raises(InputError, match=r"absent\.npz"):
        StanceModel.load(tmp_path / "absent.npz")


def test_prose_sentences_counts_running_prose_only() -> None:
    prose = (
        "The harbour board approved the new ferry pier on Tuesday. "
        '"We have waited two years for this pier," said the harbour master. '
        "Will the pier be ready before the summer season starts? "
        "Work begins in May."  # five words: too short to count
    )
    assert prose_sentences(prose) == 3
    table = "Shr profit 12 cts vs loss four cts\n\nNet profit 1,204,000 vs loss 388,000\n"
    assert prose_sentences(table) == 0
    assert prose_sentences("") == 0
