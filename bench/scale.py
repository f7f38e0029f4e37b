"""How index time, size, memory and trace latency grow with the corpus: 10k, 100k, 1M.

The real corpora here stop near 20k articles, so bigger indexes are filled with
*synthetic* articles made by recombining real sentences: each synthetic sentence joins
3-5 fragments of 3-6 words cut from different real sentences, so it has news' words
and phrases but is new and shares no long run with any real sentence. (Reusing whole
sentences, or halves, would make every query's source held, whole or nearly, by
hundreds of filler articles at 1M: a test of duplicate handling, not of scale.)
Sentence-ending marks inside a fragment ("Corp.", "said.") are dropped, so that a
synthetic sentence is never cut by the segmenter into a lone fragment -- which would
be a verbatim piece of a real sentence, a true partial copy the truth would not know.
15-35 such sentences make an article (undated, outlet ``synthetic``). The queries
are the benchmark's generated articles (real sources, spun), and their sources are
indexed along with the filler.

    .venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--queries 100]

Trace latency is measured as a running server sees it: before the timed queries,
:data:`WARM_UP` other generated articles (another seed) are traced in the same process,
so that code paths and memory maps are warm but the timed queries' own candidates were
never read by it. The warm-up traces' own p50, the first traces of the process, is
recorded too (``warm_up_p50_ms``).

``--append`` adds the measured sizes to an existing ``scale.json`` (replacing rows of
the same size; each row records when it was measured) instead of starting a new one.

``--keep DIR`` keeps each size's corpus and index in ``DIR/<size>/`` (for
``bench.trace_stages --db DIR/<size>/db``) instead of a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.metrics import attribution, percentile
from bench.run import ROOT, _machine, index_with_unspun, origins

MIN_WORDS = 6
WARM_UP = 30


def _sentence_pool(articles: Sequence[object]) -> list[str]:
    from unspun.records import Article
    from unspun.text import split_sentences

    pool: list[str] = []
    for art in articles:
        assert isinstance(art, Article)
        for span in split_sentences(art.text):
            sent = art.text[span.start : span.end]
            if len(sent.split()) >= MIN_WORDS and "\n" not in sent:
                pool.append(sent)
    return pool


_STOPS = ".!?;:\"'“”‘’()"


def _unstop(word: str) -> str:
    """A word without sentence-ending marks or quotes around it ("Corp." -> "Corp")."""
    return word.strip(_STOPS) or "-"


def write_corpus(
    real: Sequence[object],
    pool: Sequence[str],
    total: int,
    path: Path,
    watch: set[tuple[str, ...]],
    seed: int,
) -> tuple[int, dict[tuple[str, ...], set[str]]]:
    """Write the real articles then synthetic ones up to ``total``.

    Returns the raw character count and, for the watched sentences (those the queries
    took), the synthetic articles that hold them: none, since synthetic sentences are
    recombined (kept in the signature so that truth stays explicit).
    """
    from bench.run import _write_jsonl

    rng = random.Random(seed)
    raw = _write_jsonl(real, path)
    holders: dict[tuple[str, ...], set[str]] = {w: set() for w in watch if not w}
    split = [s.split() for s in pool]
    with open(path, "a", encoding="utf-8") as fh:
        for n in range(total - len(real)):
            sentences = []
            for _ in range(rng.randint(15, 35)):
                fragments: list[str] = []
                for _ in range(rng.randint(3, 5)):
                    source = split[rng.randrange(len(split))]
                    size = min(len(source), rng.randint(3, 6))
                    at = rng.randrange(len(source) - size + 1)
                    fragments.extend(_unstop(w) for w in source[at : at + size])
                sentences.append(" ".join(fragments).rstrip(".,;:") + ".")
            paras = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
            text = "\n\n".join(paras)
            title = " ".join(sentences[0].split()[:10]).rstrip(".")
            art_id = f"synthetic-{n}"
            raw += len(text) + len(title)
            fh.write(
                json.dumps({"id": art_id, "title": title, "text": text, "source": "synthetic"})
                + "\n"
            )
    return raw, holders


def main(argv: Sequence[str] | None = None) -> list[dict[str, object]]:
    """Run the scale benchmark and write bench/results/scale.json and scale.png."""
    from bench.corpora import load_all
    from bench.generate import build_benchmark
    from bench.spin import Thesaurus
    from unspun.align.trace import Tracer
    from unspun.index.store import IndexReader
    from unspun.records import Article
    from unspun.text import words

    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--level", default="heavy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--keep", type=Path, help="keep corpora and indexes in DIR/<size>/")
    parser.add_argument(
        "--append", action="store_true", help="merge these sizes into an existing scale.json"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    articles = load_all()
    bench = build_benchmark(
        articles,
        n_queries=args.queries,
        level=args.level,
        seed=args.seed,
        thesaurus=Thesaurus.load(),
    )
    warm_up = build_benchmark(
        articles,
        n_queries=WARM_UP,
        level=args.level,
        seed=args.seed + 1000,
        thesaurus=Thesaurus.load(),
    ).queries
    pool = _sentence_pool(bench.indexed)
    watch = {tuple(words(t.original_text)) for q in bench.queries for t in q.sentences}
    rows: list[dict[str, object]] = []
    for size in sizes:
        real = bench.indexed[: min(size, len(bench.indexed))]
        real_ids = {a.id for a in real}
        with tempfile.TemporaryDirectory(prefix="unspun-scale-") as scratch:
            tmp = Path(scratch) if args.keep is None else args.keep / str(size)
            tmp.mkdir(parents=True, exist_ok=True)
            if (tmp / "db").exists():
                raise SystemExit(f"{tmp / 'db'}: exists; remove it or choose another --keep")
            jsonl = tmp / "corpus.jsonl"
            started = time.perf_counter()
            raw, holders = write_corpus(real, pool, size, jsonl, watch, args.seed)
            print(
                f"{size}: corpus written in {time.perf_counter() - started:.0f} s", file=sys.stderr
            )
            db = tmp / "db"
            idx = index_with_unspun(jsonl, db, raw, size)
            latencies: list[float] = []
            pairs: list[tuple[str | None, frozenset[str]]] = []
            with IndexReader(db) as reader:
                tracer = Tracer(reader)
                first: list[float] = []
                for q in warm_up:
                    started = time.perf_counter()
                    tracer.trace(Article(id=q.id, title=q.title, text=q.text))
                    first.append(time.perf_counter() - started)
                for q in bench.queries:
                    started = time.perf_counter()
                    report = tracer.trace(Article(id=q.id, title=q.title, text=q.text))
                    latencies.append(time.perf_counter() - started)
                    origin = origins(report)
                    for t in q.sentences:
                        truth = frozenset(t.sources & real_ids) | frozenset(
                            holders.get(tuple(words(t.original_text)), set())
                        )
                        if t.sources and not truth:
                            continue  # its source was not indexed at this size
                        pairs.append((origin.get(t.start), truth))
            att = attribution(pairs)
            row: dict[str, object] = {
                "articles": size,
                "real_articles": len(real),
                **{k: v for k, v in idx.items() if k != "output"},
                "trace_p50_ms": round(percentile(latencies, 50) * 1e3, 2),
                "trace_p99_ms": round(percentile(latencies, 99) * 1e3, 2),
                "warm_up_p50_ms": round(percentile(first, 50) * 1e3, 2),
                "f1": round(att.f1, 4),
                "false_attribution": round(att.false_attribution, 4),
                "sentences": len(pairs),
                "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.append and (args.out / "scale.json").exists():
        earlier = json.loads((args.out / "scale.json").read_text())
        if earlier["level"] != args.level:
            raise SystemExit(f"scale.json holds level {earlier['level']!r}, not {args.level!r}")
        sizes_now = {r["articles"] for r in rows}
        rows = [r for r in earlier["rows"] if r["articles"] not in sizes_now] + rows
        rows.sort(key=lambda r: int(str(r["articles"])))
    (args.out / "scale.json").write_text(
        json.dumps({"machine": _machine(), "level": args.level, "rows": rows}, indent=2) + "\n"
    )
    plot(rows, args.out / "scale.png")
    return rows


def plot(rows: Sequence[dict[str, object]], path: Path) -> None:
    """Index throughput, size and trace latency against corpus size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [float(str(r["articles"])) for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    panels = [
        ("index throughput (articles/s)", ["articles_per_s"], 2000.0),
        ("index size / raw text", ["size_over_raw"], 1.5),
        ("trace latency (ms)", ["trace_p50_ms", "trace_p99_ms"], None),
    ]
    for ax, (title, keys, target) in zip(axes, panels, strict=True):
        for key in keys:
            ax.plot(sizes, [float(str(r[key])) for r in rows], marker="o", label=key)
        if target is not None:
            ax.axhline(target, color="grey", linestyle="--", label="target")
        ax.set_xscale("log")
        ax.set_xlabel("indexed articles")
        ax.set_title(title)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
