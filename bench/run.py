"""The benchmark: attribution accuracy and speed of unspun beside a MinHash-LSH baseline.

    .venv/bin/python -m bench.run [--queries 200] [--levels verbatim,light,heavy,paraphrase]
                                  [--seed 1] [--out bench/results] [--no-baseline]
                                  [--semantic heavy,paraphrase]

Steps (all on real news text from ../shared/data, nothing invented but the spinning):

1. load Reuters-21578, BuzzFeed-Webis 2016 and FakeNewsNet 2017; generate stitched, spun
   articles with ground truth at each spin level (``bench.generate``), from a fixed
   split into indexed and held-out articles;
2. index the indexed articles with ``unspun index`` (a subprocess: whole command, worker
   processes included; peak memory read from the OS) and with the baseline;
3. trace every generated article with both, in this process, one after the other
   (latency per article), and score both with the same metrics (``bench.metrics``);
   at the ``--semantic`` levels, unspun again with its optional semantic stage
   (``unspun+semantic``; needs the ``embed`` extra);
4. time the whole ``unspun trace`` command on a few articles;
5. write ``results.json`` and print a Markdown table (copied into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.baseline import BaselineParams
from bench.metrics import Case, Detection, attribution, percentile, plagdet
from unspun.align.trace import Tracer
from unspun.records import TraceReport

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class SystemResult:
    """One system's figures at one spin level."""

    name: str
    level: str
    precision: float
    recall: float
    f1: float
    false_attribution: float
    originals: int
    headline_accuracy: float | None
    plagdet: float
    plagdet_precision: float
    plagdet_recall: float
    granularity: float
    trace_p50_ms: float
    trace_p99_ms: float
    sentences: int


@dataclass
class RunResult:
    """Everything one benchmark run measured."""

    date: str
    machine: dict[str, object]
    command: str
    corpus: dict[str, object]
    index: dict[str, object] = field(default_factory=dict)
    baseline_index: dict[str, object] = field(default_factory=dict)
    levels: list[SystemResult] = field(default_factory=list)
    whole_command: dict[str, object] = field(default_factory=dict)


def _machine() -> dict[str, object]:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _rss_mib() -> float:
    """This process's resident memory now, in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _write_jsonl(articles: Sequence[object], path: Path) -> int:
    from bench.generate import article_record
    from unspun.records import Article

    raw = 0
    with open(path, "w", encoding="utf-8") as fh:
        for art in articles:
            assert isinstance(art, Article)
            raw += len(art.text) + len(art.title)
            fh.write(json.dumps(article_record(art)) + "\n")
    return raw


# Runs a command and writes its peak memory (KiB) to a file. A small process of its own:
# a child forked from the big benchmark process would report the benchmark's memory
# (Linux keeps a process's high-water mark across exec).
_MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def index_with_unspun(jsonl: Path, db: Path, raw_chars: int, n: int) -> dict[str, object]:
    """Run ``unspun index`` as a user would; time, size and peak memory.

    Peak memory is that of the command alone (its largest process, workers included).
    """
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        command = [sys.executable, "-m", "unspun", "index", str(jsonl), "--db", str(db)]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(peak_file), *command, "--quiet"],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"unspun index failed: {done.stderr[-2000:]}")
        peak_kib = int(peak_file.read_text())
    size = sum(f.stat().st_size for f in db.iterdir() if f.is_file())
    return {
        "articles": n,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(n / elapsed, 1),
        "bytes": size,
        "raw_chars": raw_chars,
        "size_over_raw": round(size / raw_chars, 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "output": done.stdout.strip(),
    }


def origins(report: TraceReport) -> dict[int, str | None]:
    """Each traced sentence's start offset -> the id of its origin (None: original)."""
    return {s.start: s.sources[0].article_id if s.sources else None for s in report.sentences}


def _score(
    name: str,
    level: str,
    queries: Sequence[object],
    predict: Callable[[object], tuple[list[tuple[int, int, str | None]], str | None]],
) -> SystemResult:
    """Run one system over the queries and score it."""
    from bench.generate import GeneratedArticle

    pairs: list[tuple[str | None, frozenset[str]]] = []
    cases: list[Case] = []
    detections: list[Detection] = []
    latencies: list[float] = []
    headline_hits = headline_total = 0
    for q in queries:
        assert isinstance(q, GeneratedArticle)
        started = time.perf_counter()
        spans, headline = predict(q)
        latencies.append(time.perf_counter() - started)
        by_start = {start: (end, source) for start, end, source in spans}
        for truth in q.sentences:
            end, source = by_start.get(truth.start, (truth.end, None))
            pairs.append((source, truth.sources))
            if truth.sources:
                cases.append(Case(q.id, truth.start, truth.end, truth.sources))
        for start, end, source in spans:
            if source is not None:
                detections.append(Detection(q.id, start, end, source))
        if q.headline_source:
            headline_total += 1
            headline_hits += headline in q.headline_source
    att = attribution(pairs)
    pd = plagdet(cases, detections)
    return SystemResult(
        name=name,
        level=level,
        precision=round(att.precision, 4),
        recall=round(att.recall, 4),
        f1=round(att.f1, 4),
        false_attribution=round(att.false_attribution, 4),
        originals=att.originals,
        headline_accuracy=round(headline_hits / headline_total, 4) if headline_total else None,
        plagdet=round(pd.plagdet, 4),
        plagdet_precision=round(pd.precision, 4),
        plagdet_recall=round(pd.recall, 4),
        granularity=round(pd.granularity, 3),
        trace_p50_ms=round(percentile(latencies, 50) * 1e3, 2),
        trace_p99_ms=round(percentile(latencies, 99) * 1e3, 2),
        sentences=len(pairs),
    )


def whole_command(db: Path, queries: Sequence[object], n: int) -> dict[str, object]:
    """Median wall time of ``unspun trace FILE --json`` (start-up included)."""
    from bench.generate import GeneratedArticle

    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, q in enumerate(queries[:n]):
            assert isinstance(q, GeneratedArticle)
            path = Path(tmp) / f"q{i}.txt"
            path.write_text(f"{q.title}\n\n{q.text}\n", encoding="utf-8")
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "unspun", "trace", str(path), "--db", str(db), "--json"],
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter() - started)
    return {
        "runs": len(times),
        "median_s": round(statistics.median(times), 3),
        "p90_s": round(percentile(times, 90), 3),
    }


Predict = Callable[[object], tuple[list[tuple[int, int, str | None]], str | None]]


def _unspun_predict(tracer: Tracer) -> Predict:
    from unspun.records import Article

    def predict(q: object) -> tuple[list[tuple[int, int, str | None]], str | None]:
        report = tracer.trace(
            Article(id=q.id, title=q.title, text=q.text)  # type: ignore[attr-defined]
        )
        origin = origins(report)
        spans = [(s.start, s.end, origin[s.start]) for s in report.sentences]
        head = report.headline_source.article_id if report.headline_source else None
        return spans, head

    return predict


def _baseline_predict(baseline: object) -> Predict:
    """The baseline as a predictor; it indexes bodies only, so it names no headline."""
    from bench.baseline import MinHashTracer
    from unspun.records import Article

    assert isinstance(baseline, MinHashTracer)

    def predict(q: object) -> tuple[list[tuple[int, int, str | None]], str | None]:
        art = Article(id=q.id, title=q.title, text=q.text)  # type: ignore[attr-defined]
        return [(s, e, src) for s, e, src, _ in baseline.trace(art)], None

    return predict


def _config_name(params: object) -> str:
    fields = asdict(params)  # type: ignore[call-overload]
    names = ("shingle", "threshold", "min_jaccard", "num_perm")
    return " ".join(f"{k}={fields[k]}" for k in names if k in fields)


def _baseline_configs(path: Path, levels: Sequence[str]) -> tuple[str, dict[str, BaselineParams]]:
    """A baseline's name and per-level configurations from its tuning file (defaults
    when absent)."""
    chosen: dict[str, dict[str, float]] = {}
    name = "minhash-lsh"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        chosen = data["chosen"]
        name = str(data.get("name", name))
    else:
        print(
            f"no {path}: baseline runs with its defaults (run bench.tune_baseline)", file=sys.stderr
        )
    return name, {
        level: BaselineParams(
            num_perm=int(chosen[level]["num_perm"]),
            shingle=int(chosen[level]["shingle"]),
            threshold=float(chosen[level]["threshold"]),
            min_words=int(chosen[level]["min_words"]),
            min_jaccard=float(chosen[level].get("min_jaccard", 0.0)),
        )
        if level in chosen
        else BaselineParams()
        for level in levels
    }


def main(argv: Sequence[str] | None = None) -> RunResult:
    """Run the benchmark; returns (and writes) the results."""
    from bench.baseline import MinHashTracer
    from bench.corpora import load_all
    from bench.generate import build_benchmark
    from bench.spin import Thesaurus
    from unspun.index.store import IndexReader

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--levels", default="verbatim,light,heavy,paraphrase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="articles per corpus")
    parser.add_argument("--commands", type=int, default=20, help="whole-command runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--semantic",
        default="heavy,paraphrase",
        help="levels also traced with the semantic stage ('' for none; needs unspun[embed])",
    )
    parser.add_argument(
        "--tuning",
        default=",".join(
            str(ROOT / "bench" / "results" / name)
            for name in ("baseline_tuning.json", "wordset_baseline_config.json")
        ),
        help="baseline configurations per level, one file per baseline, comma-separated "
        "(written by bench.tune_baseline; a file's optional 'name' names its system)",
    )
    args = parser.parse_args(argv)
    levels = args.levels.split(",")
    semantic_levels = [lv for lv in args.semantic.split(",") if lv in levels]
    embedder = None
    if semantic_levels:
        from unspun.align.semantic import SentenceEmbedder

        embedder = SentenceEmbedder.load()  # a clear MissingExtraError without the extra

    articles = load_all(limit=args.limit)
    thesaurus = Thesaurus.load()
    benches = {
        level: build_benchmark(
            articles, n_queries=args.queries, level=level, seed=args.seed, thesaurus=thesaurus
        )
        for level in levels
    }
    indexed = benches[levels[0]].indexed
    result = RunResult(
        date=time.strftime("%Y-%m-%d"),
        machine=_machine(),
        command="python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        corpus={
            "articles": len(articles),
            "indexed": len(indexed),
            "queries_per_level": args.queries,
            "seed": args.seed,
        },
    )
    with tempfile.TemporaryDirectory(prefix="unspun-bench-") as tmp:
        jsonl = Path(tmp) / "indexed.jsonl"
        raw = _write_jsonl(indexed, jsonl)
        db = Path(tmp) / "db"
        result.index = index_with_unspun(jsonl, db, raw, len(indexed))
        print(f"unspun index: {result.index}", file=sys.stderr)

        # baselines[name][level]: one MinHash-LSH system per tuning file.
        baselines: dict[str, dict[str, MinHashTracer]] = {}
        if not args.no_baseline:
            built: dict[BaselineParams, MinHashTracer] = {}
            for tuning in [Path(p) for p in args.tuning.split(",") if p]:
                system, configs = _baseline_configs(tuning, levels)
                baselines[system] = {}
                for level in levels:
                    params = configs[level]
                    if params not in built:
                        tracer_b = MinHashTracer(params)
                        rss_before = _rss_mib()
                        started = time.perf_counter()
                        tracer_b.index(indexed)
                        secs = time.perf_counter() - started
                        built[params] = tracer_b
                        result.baseline_index[_config_name(params)] = {
                            "seconds": round(secs, 2),
                            "articles_per_s": round(len(indexed) / secs, 1),
                            # The baseline lives in this process's memory: what it added.
                            "memory_mib": round(_rss_mib() - rss_before, 1),
                        }
                        print(f"baseline index {params}: {secs:.1f} s", file=sys.stderr)
                    baselines[system][level] = built[params]
                result.baseline_index[f"per_level {system}"] = {
                    level: _config_name(configs[level]) for level in levels
                }

        with IndexReader(db) as reader:
            lexical = Tracer(reader)
            semantic = Tracer(reader, embedder=embedder) if embedder is not None else None

            for level in levels:
                queries = benches[level].queries
                systems: list[tuple[str, Predict]] = [("unspun", _unspun_predict(lexical))]
                if semantic is not None and level in semantic_levels:
                    systems.append(("unspun+semantic", _unspun_predict(semantic)))
                for system, per_level in baselines.items():
                    systems.append((system, _baseline_predict(per_level[level])))
                for name, predict in systems:
                    res = _score(name, level, queries, predict)
                    result.levels.append(res)
                    print(json.dumps(asdict(res)), file=sys.stderr)
        result.whole_command = whole_command(db, benches[levels[0]].queries, args.commands)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(asdict(result), indent=2) + "\n")
    print(markdown(result))
    return result


def markdown(result: RunResult) -> str:
    """The results as the Markdown table of docs/benchmarks.md."""
    lines = [
        "| spin level | system | P | R | F1 | originals wrongly attributed | headline "
        "source | PlagDet | trace p50 / p99 (ms) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result.levels:
        head = "-" if r.headline_accuracy is None else f"{r.headline_accuracy:.3f}"
        lines.append(
            f"| {r.level} | {r.name} | {r.precision:.3f} | {r.recall:.3f} | **{r.f1:.3f}** | "
            f"{r.false_attribution:.2%} ({r.originals}) | {head} | {r.plagdet:.3f} | "
            f"{r.trace_p50_ms:.1f} / {r.trace_p99_ms:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
