"""Kill the indexer mid-run: the index still opens and answers, and a rerun completes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bench.faults import (
    child_env,
    kill,
    one_clear_line,
    session_members,
    synthetic_corpus,
    wait_gone,
)
from unspun.index.fingerprint import index_keys
from unspun.index.store import IndexReader, iter_all_articles
from unspun.text import split_sentences, words


def _synthetic_corpus(path: Path, n: int) -> None:
    synthetic_corpus(path, n)


def _index_cmd(corpus: Path, db: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "unspun",
        "index",
        str(corpus),
        "--db",
        str(db),
        "--workers",
        "2",
        "--commit-every",
        "500",
        "--quiet",
    ]


def _check_consistent(db: Path) -> int:
    """Every stored article's sentences are found by their exact keys."""
    with IndexReader(db) as reader:
        count = 0
        for art in iter_all_articles(reader):
            count += 1
            start, end = art.spans[0]
            first = words(art.text[start:end])
            keys = index_keys(first, reader.params).tolist()
            hits = reader.lookup(np.array(keys, dtype=np.uint64), max_postings=10**6)
            for key in keys:
                assert art.sid0 + 1 in hits[key].tolist(), f"{art.id}: postings missing"
            assert len(art.spans) == len(split_sentences(art.text))
        return count


@pytest.mark.parametrize("group", [True, False], ids=["whole-group", "main-process-only"])
def test_kill_mid_run_then_rerun(tmp_path: Path, group: bool) -> None:
    """SIGKILL the indexer (with its workers, or alone: they must not keep the index
    locked) after its first commit; the index opens, and a rerun at once completes it."""
    corpus = tmp_path / "corpus.jsonl"
    total = 12_000
    _synthetic_corpus(corpus, total)
    db = tmp_path / "db"
    env = child_env()
    proc = subprocess.Popen(_index_cmd(corpus, db), env=env, start_new_session=True)
    # Wait for the first committed segment, then kill without warning.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(db.glob("seg-*.npy")):
        time.sleep(0.02)
    time.sleep(0.3)
    kill(proc, group=group)
    assert proc.returncode == -signal.SIGKILL, "the indexer finished before it could be killed"
    partial = _check_consistent(db)
    assert 0 < partial < total
    done = subprocess.run(_index_cmd(corpus, db), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"added {total - partial}, duplicates {partial}, rejected 0"
    assert _check_consistent(db) == total
    assert wait_gone(proc.pid, timeout=10) == [], "workers outlived their killed indexer"


def test_racing_writers_on_a_new_index_get_the_lock_message(tmp_path: Path) -> None:
    """Writers started together on a folder that does not exist yet: one indexes, the
    others are told another 'unspun index' is at work (never a half-made database)."""
    corpus = tmp_path / "corpus.jsonl"
    _synthetic_corpus(corpus, 2_000)
    db = tmp_path / "db"
    procs = [
        subprocess.Popen(
            _index_cmd(corpus, db), env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(8)
    ]
    results = [(p.wait(timeout=300), *(x.decode() for x in p.communicate())) for p in procs]
    refused = [err for code, _, err in results if code == 2]
    assert all("another 'unspun index'" in err and one_clear_line(err) is None for err in refused)
    assert all(code in (0, 2) for code, _, _ in results), results
    assert sum(int(out.split()[1].rstrip(",")) for code, out, _ in results if code == 0) == 2_000
    assert _check_consistent(db) == 2_000


def test_readers_work_while_a_writer_adds(tmp_path: Path) -> None:
    from unspun.align.trace import Tracer
    from unspun.records import Article

    corpus = tmp_path / "corpus.jsonl"
    total = 8_000
    _synthetic_corpus(corpus, total)
    first = json.loads(corpus.read_text(encoding="utf-8").splitlines()[0])
    db = tmp_path / "db"
    env = child_env()
    proc = subprocess.Popen(_index_cmd(corpus, db), env=env)
    counts: list[int] = []
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if not (db / "meta.sqlite").exists() or not list(db.glob("seg-*.npy")):
            time.sleep(0.02)
            continue
        with IndexReader(db) as reader:
            counts.append(reader.stats().articles)
            report = Tracer(reader).trace(Article(id="q", title="", text=first["text"]))
            # A segment file is in place a moment before the transaction that registers
            # it commits: until then the reader rightly sees an empty index.
            if counts[-1] > 0:  # syn-0 is in the first batch
                sources = [s.sources[0].article_id if s.sources else None for s in report.sentences]
                assert sources == ["syn-0"] * len(sources), counts[-1]
        time.sleep(0.05)
    assert proc.wait(timeout=300) == 0
    assert len(counts) >= 2, "the writer finished before readers could overlap it"
    assert counts == sorted(counts)
    assert counts[0] < total
    assert any(0 < c < total for c in counts), "no read saw a partly built index"
    assert _check_consistent(db) == total


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:  # gone meanwhile
        return ""


def test_a_worker_killed_mid_run_is_one_clear_line_and_a_rerun_completes(tmp_path: Path) -> None:
    """A worker dies (the kernel's out-of-memory killer, say): the indexer says so in
    one line, keeps what it committed, and a rerun completes the index."""
    corpus = tmp_path / "corpus.jsonl"
    total = 30_000
    _synthetic_corpus(corpus, total)
    db = tmp_path / "db"
    proc = subprocess.Popen(
        _index_cmd(corpus, db),
        env=child_env(),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while proc.poll() is None and time.monotonic() < deadline:
        if workers and list(db.glob("seg-*.npy")):
            break
        # The resource tracker is a child too; the workers run the spawned preparation.
        workers = [
            pid
            for pid in session_members(proc.pid)
            if pid != proc.pid and "spawn_main" in _cmdline(pid)
        ]
        time.sleep(0.02)
    assert proc.poll() is None and workers, "the indexer ended before a worker could be killed"
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out, err)
    assert one_clear_line(err) is None and "worker process ended abruptly" in err, err
    done = subprocess.run(_index_cmd(corpus, db), env=child_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _check_consistent(db) == total
