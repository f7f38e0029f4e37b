"""Score the stance model on the FNC-1 competition test set, beside two baselines.

Baselines computed in the same run:

* ``majority``: every pair ``unrelated`` (the commonest training class).
* ``tfidf-cosine``: ``unrelated`` when the TF-IDF cosine of headline and body (the
  model's ``cos_body`` feature, with the model's idf) is under a threshold, otherwise
  ``discuss`` (the commonest related class). The threshold is the one that best splits
  related from unrelated on a fixed sample of 5,000 *training* pairs, never on test.

The competition test files are read only here, to report; nothing is tuned on them.
Reproduce with::

    .venv/bin/python -m bench.stance_eval [--model PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unspun.stance.features import FEATURE_NAMES
from unspun.stance.fnc import LABELS, FncPair, FncScore, read_fnc, score
from unspun.stance.model import StanceModel, load_model

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1"
RESULTS = Path(__file__).resolve().parent / "results" / "stance.json"
COSINE = FEATURE_NAMES.index("cos_body")
THRESHOLD_SAMPLE = 5000


def _cosines(model: StanceModel, pairs: Sequence[FncPair]) -> np.ndarray:
    return model.features([(p.headline, p.body) for p in pairs])[:, COSINE]


def _cosine_threshold(model: StanceModel, train: Sequence[FncPair]) -> float:
    """The cosine cut that best separates related from unrelated training pairs."""
    sample = random.Random(0).sample(list(train), min(THRESHOLD_SAMPLE, len(train)))
    cos = _cosines(model, sample)
    related = np.asarray([p.stance != "unrelated" for p in sample])
    cuts = np.round(np.arange(0.0, 0.5, 0.005), 3)
    accuracy = [float(np.mean((cos >= c) == related)) for c in cuts]
    return float(cuts[int(np.argmax(accuracy))])


def score_summary(result: FncScore) -> dict[str, object]:
    return {
        "fnc": round(result.fnc, 3),
        "macro_f1": round(result.macro_f1, 4),
        "f1": {k: round(v, 4) for k, v in result.f1.items()},
        "confusion": result.confusion,
    }


def print_score(name: str, result: FncScore) -> None:
    per_class = "  ".join(f"{k} {v:.3f}" for k, v in result.f1.items())
    print(f"{name:<14} FNC {result.fnc:6.2f}%  macro-F1 {result.macro_f1:.4f}  {per_class}")


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate, print, and write ``bench/results/stance.json``."""
    parser = argparse.ArgumentParser(prog="python -m bench.stance_eval", description=__doc__)
    parser.add_argument("--model", type=Path, help="a model file (default: the shipped one)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA} is not present (FNC-1 lives in ../shared/data/fnc1)")
        return 0
    model = StanceModel.load(args.model) if args.model else load_model()
    train = read_fnc(DATA / "train_bodies.csv.gz", DATA / "train_stances.csv.gz")
    test = read_fnc(
        DATA / "competition_test_bodies.csv.gz", DATA / "competition_test_stances.csv.gz"
    )
    gold = [p.stance or "" for p in test]
    start = time.perf_counter()
    predicted = [s.label for s in model.predict_many([(p.headline, p.body) for p in test])]
    per_pair_ms = 1000 * (time.perf_counter() - start) / len(test)
    cut = _cosine_threshold(model, train)
    cosine = ["discuss" if c >= cut else "unrelated" for c in _cosines(model, test)]
    results = {
        "model": score(gold, predicted),
        "majority": score(gold, ["unrelated"] * len(test)),
        "tfidf-cosine": score(gold, cosine),
    }
    print(f"FNC-1 competition test: {len(test)} pairs; model {per_pair_ms:.2f} ms per pair")
    for name, result in results.items():
        print_score(name, result)
    print("confusion of the model (rows gold, columns predicted):")
    print(" " * 10 + "".join(f"{label:>10}" for label in LABELS))
    for g in LABELS:
        print(f"{g:<10}" + "".join(f"{results['model'].confusion[g][p]:>10}" for p in LABELS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "pairs": len(test),
        "ms_per_pair": round(per_pair_ms, 3),
        "tfidf_cosine_threshold": cut,
        **{name: score_summary(result) for name, result in results.items()},
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
