"""Kill the indexer at random moments; the index must open and answer, and a rerun
must complete it to the exact count of a clean run, with byte-identical traces.

Each trial indexes the same generated corpus into a new folder (two worker processes,
a commit every 250 articles, so flushes and merges happen all along the run), sends
SIGKILL at a moment drawn uniformly over a clean run's duration, either to the main
process alone (its workers must not keep the index locked, and must exit) or to the
whole process group. Then:

* the index opens and answers: ``unspun stats`` exits 0 (or, when the kill came before
  the index was created, says plainly that there is no index yet), and a trace runs;
* the workers are gone within a few seconds;
* rerunning the same command at once exits 0, and the index holds exactly the clean
  run's articles;
* the JSON reports of a fixed set of traced articles are byte-identical to the clean
  run's.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from pathlib import Path

import orjson

from bench.faults import (
    child_env,
    index_args,
    kill,
    run_unspun,
    synthetic_corpus,
    unspun_command,
    wait_gone,
)
from bench.reliability.common import Budget, Outcome
from unspun.index.store import IndexReader
from unspun.pipeline import trace_article
from unspun.records import Article
from unspun.report.json import trace_to_dict

PART = "kills"
#: Seconds the workers of a killed indexer may take to notice and exit.
ORPHAN_GRACE = 5.0


def _queries(corpus: Path, count: int, seed: int) -> list[Article]:
    """Articles to trace: copies of indexed articles, and stitched ones (sentences of
    three indexed articles each)."""
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    picked = rng.sample(records, count)
    out = [Article(id=f"copy-{i}", title=r["title"], text=r["text"]) for i, r in enumerate(picked)]
    for i in range(count):
        parts = [rng.choice(records)["text"].split(". ")[0] + "." for _ in range(3)]
        out.append(Article(id=f"stitched-{i}", title="", text=" ".join(parts)))
    return out


def _traces(db: Path, queries: list[Article]) -> bytes:
    return b"\n".join(orjson.dumps(trace_to_dict(trace_article(q, db))) for q in queries)


def _count(db: Path) -> int:
    with IndexReader(db) as reader:
        return reader.stats().articles


def _answers(db: Path, query: Article) -> str | None:
    """Why the index at ``db`` does not open and answer after a kill (None: it does)."""
    stats = run_unspun("stats", "--db", str(db))
    if stats.returncode != 0:
        if stats.returncode == 2 and "no index here" in stats.stderr:
            return None  # killed before the index was created: said plainly
        return f"stats exit {stats.returncode}: {stats.stderr.strip()[-200:]}"
    try:
        trace_article(query, db)
    except Exception as exc:  # any failure to answer is the finding
        return f"trace failed: {type(exc).__name__}: {exc}"
    return None


def _trial(
    corpus: Path,
    db: Path,
    delay: float,
    group: bool,
    expected: tuple[int, bytes],
    qs: list[Article],
) -> Outcome:
    args = index_args(corpus, db, "--workers", "2", "--commit-every", "250")
    proc = subprocess.Popen(
        unspun_command(*args),
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        kill(proc, group=group)
    kind = "whole group" if group else "main process"
    case = f"SIGKILL to the {kind} at {delay:.2f} s"
    if finished:
        return Outcome(PART, case, None, "the run finished before the kill (not counted)")
    orphans_started = time.monotonic()
    left = wait_gone(proc.pid, ORPHAN_GRACE)
    orphan_seconds = time.monotonic() - orphans_started
    problems = [f"{len(left)} worker(s) still alive after {ORPHAN_GRACE:.0f} s"] if left else []
    partial = _count(db) if (db / "meta.sqlite").exists() else 0
    if (why := _answers(db, qs[0])) is not None:
        problems.append(why)
    again = run_unspun(*args)
    if again.returncode != 0:
        problems.append(f"rerun exit {again.returncode}: {again.stderr.strip()[-200:]}")
    else:
        total, traces = expected
        if (count := _count(db)) != total:
            problems.append(f"rerun left {count} articles, a clean run {total}")
        elif _traces(db, qs) != traces:
            problems.append("traces differ from the clean run's")
    figures: dict[str, float | int | str] = {
        "committed_before_kill": partial,
        "orphans_exit_seconds": round(orphan_seconds, 2),
    }
    detail = "; ".join(problems) or (
        f"{partial} articles committed before the kill; rerun completed, traces identical"
    )
    return Outcome(PART, case, not problems, detail, figures)


def run(work: Path, budget: Budget) -> list[Outcome]:
    """SIGKILL the indexer ``budget.kills`` times (alternating the kind)."""
    size = 4_000 if budget.quick else 10_000
    corpus = synthetic_corpus(work / "kills.jsonl", size, seed=budget.seed)
    qs = _queries(corpus, 3 if budget.quick else 10, budget.seed)
    clean = work / "clean.db"
    started = time.monotonic()
    done = run_unspun(*index_args(corpus, clean, "--workers", "2", "--commit-every", "250"))
    seconds = time.monotonic() - started
    if done.returncode != 0:
        return [Outcome(PART, "clean run", False, f"exit {done.returncode}: {done.stderr}")]
    expected = (_count(clean), _traces(clean, qs))
    rng = random.Random(budget.seed)
    outcomes: list[Outcome] = []
    killed = 0
    # A run that ends before its kill is not counted: try again, within reason.
    for attempt in range(budget.kills * 2):
        if killed == budget.kills:
            break
        db = work / f"kill-{attempt}.db"
        delay = rng.uniform(0.0, seconds)
        outcome = _trial(corpus, db, delay, killed % 2 == 0, expected, qs)
        shutil.rmtree(db, ignore_errors=True)
        if outcome.held is not None:
            killed += 1
            outcomes.append(outcome)
    shutil.rmtree(clean, ignore_errors=True)
    return outcomes
