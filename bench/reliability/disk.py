"""Disks that fill up and disks that cannot be written, on real tmpfs mounts.

* **Full**: ``unspun index`` on a tmpfs too small for the corpus (sizes chosen to fail
  while creating the index, at the first flush, at later flushes and merges; with one
  and two workers; the corpus holds bad records, so the rejects file is written too).
  It must exit 2 with one line saying the disk is full, leave an index that opens and
  answers (or none, said plainly), and, once the tmpfs is grown, a rerun completes it.
* **Creation on a full disk** leaves nothing to repair.
* **Read-only storage**: an index on a tmpfs remounted read-only is read (``stats``,
  ``trace``) without writing anything; ``index`` on it is refused in one line.

Mounting needs root; where it is refused every case is reported as not run, with why.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.faults import (
    Tmpfs,
    index_args,
    mount_refusal,
    one_clear_line,
    run_unspun,
    synthetic_corpus,
)
from bench.reliability.common import Budget, Outcome
from unspun.index.store import IndexReader

PART = "disk"
KB = 1024
ARTICLES = 3_000


def _corpus(work: Path, seed: int) -> Path:
    """Generated articles with a bad record every 500 lines."""
    good = synthetic_corpus(work / "disk-good.jsonl", ARTICLES, seed=seed)
    lines = good.read_text(encoding="utf-8").splitlines()
    for at in range(500, len(lines), 500):
        lines.insert(at, "{not json")
    path = work / "disk.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(db: Path) -> int:
    with IndexReader(db) as reader:
        return reader.stats().articles


def _full(disk: Tmpfs, corpus: Path, size_kb: int, workers: int) -> Outcome:
    disk.resize(size_kb * KB)
    db = disk.path / f"full-{size_kb}-{workers}"
    args = index_args(corpus, db, "--commit-every", "200", "--workers", str(workers))
    case = f"index onto a {size_kb} KB disk, {workers} worker(s)"
    problems = []
    first = run_unspun(*args)
    if first.returncode == 0:
        problems.append("the disk did not fill up (size too large for the test)")
    elif (
        first.returncode != 2 or one_clear_line(first.stderr) or "disk is full" not in first.stderr
    ):
        problems.append(f"exit {first.returncode}: {first.stderr.strip()[-300:]}")
    stats = run_unspun("stats", "--db", str(db))
    if stats.returncode != 0 and not (stats.returncode == 2 and not one_clear_line(stats.stderr)):
        problems.append(f"stats after it: exit {stats.returncode}: {stats.stderr[-200:]}")
    committed = _count(db) if stats.returncode == 0 else 0
    disk.resize(256 * KB * KB)
    again = run_unspun(*args)
    if again.returncode != 0:
        problems.append(f"rerun exit {again.returncode}: {again.stderr.strip()[-200:]}")
    elif (stored := _count(db)) != ARTICLES:
        problems.append(f"rerun left {stored} of {ARTICLES} articles")
    shutil.rmtree(db, ignore_errors=True)  # the next case shrinks the disk again
    message = first.stderr.strip().splitlines()[-1] if first.stderr.strip() else ""
    detail = "; ".join(problems) or (
        f"exit 2, one line ({message[:90]}...); {committed} committed kept; rerun completed"
    )
    return Outcome(PART, case, not problems, detail, {"committed_before": committed})


def _creation(disk: Tmpfs) -> Outcome:
    disk.resize(256 * KB)
    filler = disk.path / "filler"
    filler.write_bytes(b"\0" * max(disk.free() - 4 * KB, 0))
    db = disk.path / "created"
    corpus = synthetic_corpus(disk.path.parent / f"{disk.path.name}-tiny.jsonl", 5)
    first = run_unspun(*index_args(corpus, db))
    problems = []
    if first.returncode != 2 or one_clear_line(first.stderr) or "disk is full" not in first.stderr:
        problems.append(f"exit {first.returncode}: {first.stderr.strip()[-300:]}")
    if (db / "meta.sqlite").exists():
        problems.append("a meta.sqlite was left behind")
    stats = run_unspun("stats", "--db", str(db))
    if stats.returncode != 2 or "no index here yet" not in stats.stderr:
        problems.append(f"stats after it: exit {stats.returncode}: {stats.stderr[-200:]}")
    filler.unlink()
    corpus.unlink()
    shutil.rmtree(db, ignore_errors=True)
    detail = "; ".join(problems) or "exit 2, one line; nothing left to repair; stats: no index yet"
    return Outcome(PART, "create an index on a full disk", not problems, detail)


def _read_only(disk: Tmpfs, work: Path) -> Outcome:
    disk.resize(64 * KB * KB)
    db = disk.path / "archive"
    corpus = synthetic_corpus(work / "ro.jsonl", 300)
    problems = []
    if (made := run_unspun(*index_args(corpus, db))).returncode != 0:
        return Outcome(PART, "read-only storage", False, f"setup failed: {made.stderr}")
    first = json.loads(corpus.read_text(encoding="utf-8").splitlines()[0])
    query = work / "ro-query.json"
    query.write_text(json.dumps({"title": "", "text": first["text"]}), encoding="utf-8")
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in db.iterdir())
    disk.read_only()
    try:
        stats = run_unspun("stats", "--db", str(db))
        if stats.returncode != 0:
            problems.append(f"stats: exit {stats.returncode}: {stats.stderr[-200:]}")
        traced = run_unspun("trace", str(query), "--db", str(db), "--json")
        if traced.returncode != 0 or '"syn-0"' not in traced.stdout:
            problems.append(f"trace: exit {traced.returncode}: {traced.stderr[-200:]}")
        refused = run_unspun(*index_args(corpus, db))
        if refused.returncode != 2 or one_clear_line(refused.stderr):
            problems.append(f"index: exit {refused.returncode}: {refused.stderr[-200:]}")
        if sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in db.iterdir()) != files:
            problems.append("files changed")
    finally:
        disk.read_only(False)
    detail = "; ".join(problems) or (
        "stats and trace answer (immutable read), index refused in one line, no file touched"
    )
    return Outcome(PART, "an index on read-only storage", not problems, detail)


def run(work: Path, budget: Budget) -> list[Outcome]:
    """Every disk case (fewer sizes with ``budget.quick``)."""
    refusal = mount_refusal()
    if refusal is not None:
        return [Outcome(PART, "full and read-only disks", None, f"not run: {refusal}")]
    corpus = _corpus(work, budget.seed)
    sizes = [8, 160, 900] if budget.quick else [8, 40, 160, 400, 900, 1_400]
    outcomes = []
    with Tmpfs(64 * KB) as disk:
        for size in sizes:
            for workers in (1,) if budget.quick else (1, 2):
                outcomes.append(_full(disk, corpus, size, workers))
        outcomes.append(_creation(disk))
        outcomes.append(_read_only(disk, work))
    return outcomes
