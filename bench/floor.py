"""How fast could a trace be? The cost of only *reading* an article, beside the baseline.

The target asks unspun to trace 5x faster than the in-memory MinHash-LSH baseline. This
measures, on the same generated articles and in one process, one after the other:

* ``baseline``: the tuned baseline's whole trace (segment, words, sketches, LSH query,
  Jaccard scoring; everything in RAM);
* ``read floor``: what any trace must do before it looks anything up -- split the
  article into sentences, tokenise and normalise their words, hash their n-grams (the
  same text pipeline the baseline uses for its first two steps);
* ``unspun``: unspun's whole trace against its on-disk index.

If the read floor alone takes more than a fifth of the baseline's time, no trace built
on this text pipeline can be 5x faster than the baseline, whatever its index.

    .venv/bin/python -m bench.floor [--queries 200] [--level heavy] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.run import ROOT, _baseline_configs, _write_jsonl, index_with_unspun, whole_command


def _median_ms(fn: Callable[[object], object], items: Sequence[object], rounds: int) -> float:
    """Median over ``rounds`` passes of the per-item median time, in ms."""
    medians = []
    for _ in range(rounds):
        times = []
        for item in items:
            started = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - started)
        medians.append(statistics.median(times))
    return round(statistics.median(medians) * 1e3, 3)


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    """Measure and print the three figures as JSON (also written to bench/results)."""
    from bench.baseline import MinHashTracer
    from bench.corpora import load_all
    from bench.generate import build_benchmark
    from bench.spin import Thesaurus
    from unspun.align.trace import Tracer
    from unspun.config import IndexParams
    from unspun.index.fingerprint import query_keys
    from unspun.index.store import IndexReader
    from unspun.records import Article
    from unspun.text import split_sentences, words

    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--level", default="heavy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)

    bench = build_benchmark(
        load_all(), n_queries=args.queries, level=args.level, seed=args.seed,
        thesaurus=Thesaurus.load(),
    )  # fmt: skip
    queries = [Article(id=q.id, title=q.title, text=q.text) for q in bench.queries]
    tuning = ROOT / "bench" / "results" / "baseline_tuning.json"
    name, configs = _baseline_configs(tuning, [args.level])
    baseline = MinHashTracer(configs[args.level])
    baseline.index(bench.indexed)
    params = IndexParams()

    def read_floor(item: object) -> object:
        assert isinstance(item, Article)
        text = item.text
        return [query_keys(words(text[s.start : s.end]), params) for s in split_sentences(text)]

    with tempfile.TemporaryDirectory(prefix="unspun-floor-") as tmp:
        jsonl = Path(tmp) / "indexed.jsonl"
        raw = _write_jsonl(bench.indexed, jsonl)
        # The same indexed split as bench.run's: the index figures are a second measure.
        index = index_with_unspun(jsonl, Path(tmp) / "db", raw, len(bench.indexed))
        with IndexReader(Path(tmp) / "db") as reader:
            tracer = Tracer(reader)
            figures = {
                "level": args.level,
                "queries": len(queries),
                "baseline": name,
                "baseline_p50_ms": _median_ms(
                    lambda a: baseline.trace(a),  # type: ignore[arg-type]
                    queries,
                    args.rounds,
                ),
                "read_floor_p50_ms": _median_ms(read_floor, queries, args.rounds),
                "index": index,
                "whole_command": whole_command(Path(tmp) / "db", bench.queries, 20),
                "unspun_p50_ms": _median_ms(
                    lambda a: tracer.trace(a),  # type: ignore[arg-type]
                    queries,
                    args.rounds,
                ),
            }
    figures["floor_over_baseline"] = round(
        float(str(figures["read_floor_p50_ms"])) / float(str(figures["baseline_p50_ms"])), 3
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "floor.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures), file=sys.stdout)
    return figures


if __name__ == "__main__":
    main()
