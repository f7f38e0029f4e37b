"""Where a trace spends its wall-clock time, stage by stage, against an existing index.

Timers wrap each stage of :class:`unspun.align.trace.Tracer` (a profiler inflates
Python-heavy stages); the queries are the benchmark's generated articles, traced once
to warm the page cache, then again under the timers. Stages nest: ``rescue`` holds
some of ``words`` and ``score``.

    .venv/bin/python -m bench.trace_stages --db INDEX [--queries 100] [--level heavy]
        [--sketch-verify N]

``--sketch-verify 0`` turns the tracer's sketch look off (its cost: run with and without).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def _timed(owner: Any, name: str, label: str, spent: dict[str, float]) -> None:
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Print milliseconds per trace for each stage; return the totals (seconds)."""
    from bench.corpora import load_all
    from bench.generate import build_benchmark
    from bench.spin import Thesaurus
    from unspun.align import trace
    from unspun.config import TraceParams
    from unspun.index import store
    from unspun.records import Article

    parser = argparse.ArgumentParser(prog="python -m bench.trace_stages", description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="an index built by unspun")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--level", default="heavy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sketch-verify",
        type=int,
        default=TraceParams().sketch_verify,
        help="candidates the sketch look verifies (0: no sketch look)",
    )
    args = parser.parse_args(argv)

    bench = build_benchmark(
        load_all(),
        n_queries=args.queries,
        level=args.level,
        seed=args.seed,
        thesaurus=Thesaurus.load(),
    )
    articles = [Article(id=q.id, title=q.title, text=q.text) for q in bench.queries]
    spent: dict[str, float] = defaultdict(float)
    for owner, name, label in (
        (store.IndexReader, "lookup", "key lookups"),
        (store.IndexReader, "articles_for_sids", "sentence id -> article"),
        (store.IndexReader, "articles", "reading articles"),
        (store.IndexReader, "sketches", "reading sketches"),
        (trace, "may_match", "sketch filter"),
        (trace, "_rank", "ranking"),
        (trace, "_score", "scoring"),
        (trace._ArticleCache, "words", "stored sentence words"),
        (trace.Tracer, "_rescue", "rescue"),
        (trace.Tracer, "_likeliest", "sketch look (choosing)"),
    ):
        _timed(owner, name, label, spent)
    latencies: list[float] = []
    with store.IndexReader(args.db) as reader:
        tracer = trace.Tracer(reader, TraceParams(sketch_verify=args.sketch_verify))
        for art in articles:
            tracer.trace(art)
        spent.clear()
        for art in articles:
            started = time.perf_counter()
            tracer.trace(art)
            latencies.append(time.perf_counter() - started)
    n = len(articles)
    latencies.sort()
    print(
        f"{n} traces: mean {sum(latencies) / n * 1e3:.1f} ms, p50 {latencies[n // 2] * 1e3:.1f} ms"
    )
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<24} {seconds / n * 1e3:6.1f} ms")
    return spent


if __name__ == "__main__":
    main()
