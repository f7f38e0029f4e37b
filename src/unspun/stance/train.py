"""Train the stance model on the FNC-1 training files (needs the ``train`` extra).

Steps, all deterministic for a given seed:

1. Group the pairs into topics: connected components of the graph joining each
   headline to the bodies it is *related* to; a headline or body in no related pair is
   a topic of its own. Topics are dealt into :data:`FOLDS` folds of similar size.
2. Grouped cross-validation: for fold ``k``, fit the feature space and both tree
   stages on the pairs touching no topic of ``k``, and predict the pairs whose headline
   and body both lie in ``k``, so no headline or body is on both sides. Unrelated pairs
   are random pairings, so only about one in :data:`FOLDS` of them is held out whole;
   they are weighted up to their share of the training set when scoring.
3. On those out-of-fold predictions, choose the decision rule: the P(related) threshold
   that maximises the weighted related-vs-unrelated accuracy, then the agree / disagree
   multipliers that maximise the weighted four-class macro-F1.
4. Fit the feature space and both stages on every pair and store the rule with them.

Each stage reads its own columns (:data:`RELATED_FEATURES`, :data:`STANCE_FEATURES`),
chosen by this cross-validation: the LSA cosines hurt the related stage out of fold (the
projection is fitted on the very headlines and bodies it then compares, so training rows
look cleaner than unseen ones), and the per-cue-word counts did not help the stance
stage, while the LSA element-wise products did.

Reproduce the shipped model (about 12 minutes on one core) with ``unspun train-stance``
or::

    .venv/bin/python -m unspun.stance.train --bodies ../shared/data/fnc1/train_bodies.csv.gz \\
        --stances ../shared/data/fnc1/train_stances.csv.gz --out src/unspun/stance/data/stance.npz
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspun.errors import MissingExtraError
from unspun.stance.features import (
    CUE_CLASSES,
    FEATURE_NAMES,
    FeatureSpace,
    PreparedBody,
    featurize,
    fit_space,
    prepare_body,
    topics,
)
from unspun.stance.fnc import LABELS, RELATED, FncPair, read_fnc
from unspun.stance.model import FloatArray, StanceModel, TreeEnsemble

__all__ = ["CrossValidation", "choose_rule", "cross_validate", "train", "weighted_scores"]

FOLDS = 5
_COMMON: dict[str, Any] = {
    "learning_rate": 0.05,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "deterministic": True,
    "force_col_wise": True,
    "verbose": -1,
}
RELATED_PARAMS: dict[str, Any] = {
    **_COMMON,
    "objective": "binary",
    "num_leaves": 31,
    "min_data_in_leaf": 40,
}
STANCE_PARAMS: dict[str, Any] = {
    **_COMMON,
    "objective": "multiclass",
    "num_class": 3,
    "num_leaves": 15,
    "min_data_in_leaf": 60,
}
RELATED_ROUNDS = 300
STANCE_ROUNDS = 200
# Columns each stage reads (chosen by grouped cross-validation, see the module docstring).
RELATED_FEATURES: tuple[str, ...] = (
    *FEATURE_NAMES[: FEATURE_NAMES.index("bm25")],
    "bm25",
    "bm25_norm",
    "sent_overlap_max",
    "sent_overlap_idf_max",
    "trigram_overlap",
    "content_bigram_overlap",
    "top_position",
    "head_negations",
    *(f"cue_first_{c}" for c in CUE_CLASSES),
    "body_questions",
    "body_quotes",
)
STANCE_FEATURES: tuple[str, ...] = (
    *FEATURE_NAMES[: FEATURE_NAMES.index("cue_word_agree_0")],
    *(name for name in FEATURE_NAMES if name.startswith("lsa_product_")),
)
THRESHOLDS = tuple(round(0.30 + 0.02 * i, 2) for i in range(21))
AGREE_WEIGHTS = (0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5, 3.0)
DISAGREE_WEIGHTS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def _lightgbm() -> Any:
    try:
        import lightgbm
    except ImportError:
        raise MissingExtraError("lightgbm", "train", "training the stance model") from None
    return lightgbm


def _triples(pairs: Sequence[FncPair]) -> list[tuple[str, int, str]]:
    return [(p.headline, p.body_id, p.stance or "") for p in pairs]


def _matrix(space: FeatureSpace, pairs: Sequence[FncPair]) -> FloatArray:
    """Feature rows of ``pairs``, each body prepared once."""
    prepared: dict[int, PreparedBody] = {}
    rows = []
    for p in pairs:
        if p.body_id not in prepared:
            prepared[p.body_id] = prepare_body(space, p.body)
        rows.append(featurize(space, p.headline, prepared[p.body_id]))
    return np.vstack(rows)


def _fit_trees(
    x: FloatArray,
    y: np.ndarray,
    params: dict[str, Any],
    rounds: int,
    seed: int,
    columns: Sequence[str],
) -> TreeEnsemble:
    """Train a LightGBM booster on the named columns and flatten it over all features.

    The flattened trees index the full :data:`FEATURE_NAMES` row; they are checked
    against LightGBM's own predictions.
    """
    lgb = _lightgbm()
    index = np.asarray([FEATURE_NAMES.index(name) for name in columns], dtype=np.int32)
    booster = lgb.train(
        {**params, "seed": seed}, lgb.Dataset(x[:, index], label=y, free_raw_data=False), rounds
    )
    subset = TreeEnsemble.from_lightgbm(booster.dump_model())
    trees = TreeEnsemble(
        subset.n_classes,
        index[subset.feature],
        subset.threshold,
        subset.left,
        subset.right,
        subset.leaf_value,
        subset.roots,
    )
    expected = np.asarray(booster.predict(x[:, index]), dtype=np.float64)
    if not np.allclose(trees.probabilities(x), expected, atol=1e-9):
        raise RuntimeError("flattened trees disagree with LightGBM's own predictions")
    return trees


def _fit(pairs: Sequence[FncPair], seed: int) -> StanceModel:
    """Fit the feature space and both stages, with the default decision rule."""
    space = fit_space(_triples(pairs), {p.body_id: p.body for p in pairs})
    x = _matrix(space, pairs)
    gold = np.asarray([LABELS.index(p.stance or "") for p in pairs])
    related = gold < 3
    return StanceModel(
        space=space,
        related=_fit_trees(
            x, related.astype(np.int32), RELATED_PARAMS, RELATED_ROUNDS, seed, RELATED_FEATURES
        ),
        stance=_fit_trees(
            x[related], gold[related], STANCE_PARAMS, STANCE_ROUNDS, seed, STANCE_FEATURES
        ),
        related_threshold=0.5,
        weights=(1.0, 1.0, 1.0),
    )


def _fold_of(pairs: Sequence[FncPair], folds: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Fold of each pair's headline and of its body (see the module docstring)."""
    related = [p for p in pairs if p.stance in RELATED]
    group: dict[tuple[str, object], int] = {}
    for p, t in zip(related, topics(_triples(related)), strict=True):
        group[("h", p.headline)] = t
        group[("b", p.body_id)] = t
    fresh = itertools.count(max(group.values(), default=-1) + 1)
    for p in pairs:
        for node in (("h", p.headline), ("b", p.body_id)):
            if node not in group:
                group[node] = next(fresh)
    sizes: dict[int, int] = {}
    for p in pairs:
        sizes[group[("h", p.headline)]] = sizes.get(group[("h", p.headline)], 0) + 1
    order = sorted(set(group.values()))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda g: -sizes.get(g, 0))
    load = [0] * folds
    fold_of_group: dict[int, int] = {}
    for g in order:
        k = min(range(folds), key=lambda i: (load[i], i))
        fold_of_group[g] = k
        load[k] += sizes.get(g, 0)
    head = np.asarray([fold_of_group[group[("h", p.headline)]] for p in pairs])
    body = np.asarray([fold_of_group[group[("b", p.body_id)]] for p in pairs])
    return head, body


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Out-of-fold probabilities of the held-out pairs of a grouped cross-validation.

    Attributes:
        gold: Gold label index (into :data:`LABELS`) of each held-out pair.
        probabilities: Predicted probabilities over :data:`LABELS`, one row per pair.
        weight: Scoring weight of each pair (unrelated pairs weighted up, see above).
        fold: Fold of each pair.
    """

    gold: np.ndarray
    probabilities: FloatArray
    weight: FloatArray
    fold: np.ndarray


def cross_validate(
    pairs: Sequence[FncPair], *, folds: int = FOLDS, seed: int = 1
) -> CrossValidation:
    """Grouped cross-validation of the two stages (see the module docstring)."""
    head, body = _fold_of(pairs, folds, seed)
    gold_all = np.asarray([LABELS.index(p.stance or "") for p in pairs])
    parts = []
    for k in range(folds):
        train_idx = np.flatnonzero((head != k) & (body != k))
        test_idx = np.flatnonzero((head == k) & (body == k))
        model = _fit([pairs[int(i)] for i in train_idx], seed)
        x = _matrix(model.space, [pairs[int(i)] for i in test_idx])
        parts.append((test_idx, model.probabilities(x), k))
    idx = np.concatenate([p[0] for p in parts])
    gold = gold_all[idx]
    unrelated_share = np.sum(gold_all == 3) / max(int(np.sum(gold == 3)), 1)
    return CrossValidation(
        gold=gold,
        probabilities=np.vstack([p[1] for p in parts]),
        weight=np.where(gold == 3, unrelated_share, 1.0),
        fold=np.concatenate([np.full(len(p[0]), p[2]) for p in parts]),
    )


def weighted_scores(
    gold: np.ndarray, predicted: np.ndarray, weight: FloatArray
) -> tuple[float, float, list[float]]:
    """Weighted FNC score (percent), macro-F1 and per-label F1 of label indices."""
    confusion = np.zeros((4, 4))
    np.add.at(confusion, (gold, predicted), weight)
    related_gold = gold < 3
    earned = 0.25 * ((predicted < 3) == related_gold) + 0.75 * (related_gold & (gold == predicted))
    best = np.where(related_gold, 1.0, 0.25)
    tp = np.diag(confusion)
    denom = confusion.sum(axis=0) + confusion.sum(axis=1)
    f1 = np.divide(2 * tp, denom, out=np.zeros(4), where=denom > 0)
    fnc = 100.0 * float(np.sum(earned * weight) / np.sum(best * weight))
    return fnc, float(f1.mean()), [float(v) for v in f1]


def choose_rule(cv: CrossValidation) -> tuple[float, tuple[float, float, float]]:
    """The related threshold and stance multipliers that score best out of fold."""
    related_gold = cv.gold < 3
    p_related = cv.probabilities[:, :3].sum(axis=1)
    threshold = max(
        THRESHOLDS,
        key=lambda t: (
            float(np.sum(cv.weight * ((p_related >= t) == related_gold))),
            -abs(t - 0.5),
        ),
    )
    best: tuple[float, tuple[float, float, float]] = (-1.0, (1.0, 1.0, 1.0))
    for wa, wd in itertools.product(AGREE_WEIGHTS, DISAGREE_WEIGHTS):
        weights = (wa, wd, 1.0)
        predicted = _decide(cv.probabilities, threshold, weights)
        macro = weighted_scores(cv.gold, predicted, cv.weight)[1]
        if macro > best[0]:
            best = (macro, weights)
    return threshold, best[1]


def _decide(
    probabilities: FloatArray, threshold: float, weights: tuple[float, float, float]
) -> np.ndarray:
    related = probabilities[:, :3].sum(axis=1) >= threshold
    return np.where(related, np.argmax(probabilities[:, :3] * np.asarray(weights), axis=1), 3)


def train(bodies: Path, stances: Path, *, seed: int = 1) -> StanceModel:
    """Train the stance model on FNC-1 training files (deterministic for a seed).

    Raises:
        MissingExtraError: LightGBM (the ``train`` extra) is not installed.
        InputError: A file cannot be read (see :func:`~unspun.stance.fnc.read_fnc`).
    """
    _lightgbm()
    return _train(read_fnc(bodies, stances), seed)[0]


def _train(pairs: Sequence[FncPair], seed: int) -> tuple[StanceModel, CrossValidation]:
    """The final model and the cross-validation that chose its decision rule."""
    cv = cross_validate(pairs, seed=seed)
    threshold, weights = choose_rule(cv)
    model = _fit(pairs, seed)
    return StanceModel(model.space, model.related, model.stance, threshold, weights), cv


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: train, report the grouped cross-validation, write the model."""
    parser = argparse.ArgumentParser(prog="python -m unspun.stance.train", description=__doc__)
    parser.add_argument("--bodies", type=Path, required=True, help="train_bodies.csv[.gz]")
    parser.add_argument("--stances", type=Path, required=True, help="train_stances.csv[.gz]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    _lightgbm()
    model, cv = _train(read_fnc(args.bodies, args.stances), args.seed)
    predicted = _decide(cv.probabilities, model.related_threshold, model.weights)
    fnc, macro, f1 = weighted_scores(cv.gold, predicted, cv.weight)
    per_class = "  ".join(f"{name} {v:.3f}" for name, v in zip(LABELS, f1, strict=True))
    print(f"grouped {FOLDS}-fold CV, {len(cv.gold)} held-out pairs (unrelated weighted up):")
    print(f"  rule: related if P >= {model.related_threshold}, multipliers {model.weights}")
    print(f"  FNC {fnc:.2f}%  macro-F1 {macro:.4f}  {per_class}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {len(FEATURE_NAMES)} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
