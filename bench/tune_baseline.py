"""Tune the MinHash-LSH baseline on its own queries, apart from the evaluation queries.

For each spin level, a separate benchmark (another seed than ``bench.run`` uses) is
generated from the same corpora and split, and every configuration of the grid
(word shingles of 2, 3 or 5; LSH thresholds 0.2 to 0.7; 128 permutations) is scored.
The best configuration per level is written to ``bench/results/baseline_tuning.json``;
``bench.run`` then gives the baseline its best configuration *at each level*, which is
more than a user could do (they do not know the spin level of an article).

    .venv/bin/python -m bench.tune_baseline [--queries 100] [--seed 101]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.run import ROOT


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    """Run the tuning and write the chosen configurations."""
    from bench.baseline import DEFAULT_GRID, BaselineParams, tune
    from bench.corpora import load_all
    from bench.generate import build_benchmark
    from bench.spin import Thesaurus
    from unspun.records import Article
    from unspun.text import split_sentences

    parser = argparse.ArgumentParser(prog="python -m bench.tune_baseline", description=__doc__)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument("--levels", default="verbatim,light,heavy,paraphrase")
    parser.add_argument("--shingles", default="2,3,5", help="word shingle sizes to try")
    parser.add_argument("--thresholds", default="0.2,0.3,0.4,0.5,0.6,0.7")
    parser.add_argument(
        "--min-jaccards", default="0.0", help="cut-offs on the estimated Jaccard of the best"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)

    articles = load_all()
    thesaurus = Thesaurus.load()
    chosen: dict[str, object] = {}
    tables: dict[str, object] = {}
    for level in args.levels.split(","):
        bench = build_benchmark(
            articles, n_queries=args.queries, level=level, seed=args.seed, thesaurus=thesaurus
        )
        queries: list[tuple[Article, list[set[str] | None]]] = []
        for q in bench.queries:
            by_start = {t.start: t for t in q.sentences}
            truth: list[set[str] | None] = []
            for span in split_sentences(q.text):
                t = by_start.get(span.start)
                truth.append(set(t.sources) if t is not None else None)
            queries.append((Article(id=q.id, title=q.title, text=q.text), truth))
        started = time.perf_counter()
        grid = [
            BaselineParams(shingle=int(n), threshold=float(t), min_jaccard=float(c))
            for n in args.shingles.split(",")
            for t in args.thresholds.split(",")
            for c in args.min_jaccards.split(",")
        ] or list(DEFAULT_GRID)
        rows = tune(bench.indexed, queries, grid)
        print(
            f"{level}: {len(rows)} configurations in {time.perf_counter() - started:.0f} s; "
            f"best {rows[0]}",
            file=sys.stderr,
        )
        keys = ("num_perm", "shingle", "threshold", "min_words", "min_jaccard")
        chosen[level] = {k: rows[0][k] for k in keys if k in rows[0]}
        tables[level] = rows
    result = {"seed": args.seed, "queries": args.queries, "chosen": chosen, "grid": tables}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "baseline_tuning.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
