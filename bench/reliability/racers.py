"""Writers racing for one new index: one adds, the others are told plainly to wait.

Each round starts ``budget.racers`` indexers at once on a folder that does not exist
yet (the moment the index is created is the racy one). Every writer must exit 0 (it
added, or found everything already there) or 2 with the one-line lock message; the
index ends with exactly the corpus, and opens.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.faults import child_env, index_args, one_clear_line, synthetic_corpus, unspun_command
from bench.reliability.common import Budget, Outcome
from unspun.index.store import IndexReader

PART = "racers"
LOCKED = "another 'unspun index' is adding to this index"


def _round(corpus: Path, db: Path, writers: int, total: int) -> Outcome:
    procs = [
        subprocess.Popen(
            unspun_command(*index_args(corpus, db, "--workers", "1")),
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(writers)
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    problems = []
    added = 0
    for code, out, err in results:
        if code == 0:
            added += int(out.split()[1].rstrip(","))
        elif code != 2 or LOCKED not in err or one_clear_line(err) is not None:
            problems.append(f"exit {code}: {err.strip()[-200:]}")
    with IndexReader(db) as reader:
        stored = reader.stats().articles
    if stored != total or added != total:
        problems.append(f"{added} added and {stored} stored of {total}")
    refused = sum(1 for code, _, _ in results if code == 2)
    detail = "; ".join(problems) or (
        f"{writers - refused} ran, {refused} refused with the lock message; "
        f"{stored} articles, each once"
    )
    figures: dict[str, float | int | str] = {"refused": refused, "articles": stored}
    return Outcome(PART, f"{writers} writers at once on a new index", not problems, detail, figures)


def run(work: Path, budget: Budget) -> list[Outcome]:
    """One round (quick) or three."""
    total = 1_000 if budget.quick else 3_000
    corpus = synthetic_corpus(work / "racers.jsonl", total, seed=budget.seed)
    return [
        _round(corpus, work / f"race-{i}.db", budget.racers, total)
        for i in range(1 if budget.quick else 3)
    ]
