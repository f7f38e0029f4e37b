"""A disk that fills up, an index created on a full disk, an index on read-only storage.

Each runs the real CLI on a real tmpfs mounted for the test (root only; skipped with the
reason where mounting is refused).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.faults import (
    Tmpfs,
    index_args,
    mount_refusal,
    one_clear_line,
    run_unspun,
    synthetic_corpus,
)
from tests.web.conftest import served
from unspun.config import IndexParams
from unspun.errors import StoreError
from unspun.index.store import IndexReader, IndexWriter

KB = 1024
ARTICLES = 3_000


@pytest.fixture(scope="module")
def can_mount() -> None:
    reason = mount_refusal()
    if reason is not None:
        pytest.skip(f"no tmpfs to fill: {reason}")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return synthetic_corpus(tmp_path / "corpus.jsonl", ARTICLES)


@pytest.fixture
def small_disk(can_mount: None) -> Iterator[Tmpfs]:
    with Tmpfs(64 * KB) as disk:
        yield disk


def _count(db: Path) -> int:
    with IndexReader(db) as reader:
        return reader.stats().articles


# Sizes chosen to fail at different moments: creating meta.sqlite, the first flush, a
# later flush, a merge.
@pytest.mark.parametrize("size_kb", [8, 40, 160, 400, 900, 1_400])
def test_a_full_disk_is_one_clear_line_and_a_rerun_completes(
    small_disk: Tmpfs, corpus: Path, size_kb: int
) -> None:
    small_disk.resize(size_kb * KB)
    db = small_disk.path / "db"
    first = run_unspun(*index_args(corpus, db, "--commit-every", "200", "--workers", "1"))
    assert first.returncode == 2, first.stderr
    assert one_clear_line(first.stderr) is None, first.stderr
    assert "disk is full" in first.stderr, first.stderr
    # Whatever was committed opens and answers; an index whose creation failed is
    # reported plainly, as no index yet.
    stats = run_unspun("stats", "--db", str(db))
    if stats.returncode == 0:
        assert "articles" in stats.stdout
    else:
        assert stats.returncode == 2 and one_clear_line(stats.stderr) is None, stats.stderr
    small_disk.resize(64 * KB * KB)
    again = run_unspun(*index_args(corpus, db, "--commit-every", "200", "--workers", "1"))
    assert again.returncode == 0, again.stderr
    assert _count(db) == ARTICLES


def test_a_full_disk_while_workers_prepare(small_disk: Tmpfs, corpus: Path) -> None:
    small_disk.resize(300 * KB)
    db = small_disk.path / "db"
    first = run_unspun(*index_args(corpus, db, "--commit-every", "200", "--workers", "2"))
    assert first.returncode == 2 and one_clear_line(first.stderr) is None, first.stderr
    small_disk.resize(64 * KB * KB)
    again = run_unspun(*index_args(corpus, db, "--commit-every", "200", "--workers", "2"))
    assert again.returncode == 0, again.stderr
    assert _count(db) == ARTICLES


def test_creation_on_a_full_disk_leaves_nothing_to_repair(small_disk: Tmpfs) -> None:
    # Fill the disk to the last few KB, then try to create an index on it.
    filler = small_disk.path / "filler"
    filler.write_bytes(b"\0" * (small_disk.free() - 4 * KB))
    db = small_disk.path / "db"
    with pytest.raises(StoreError, match="disk is full"):
        IndexWriter(db, IndexParams())
    assert not (db / "meta.sqlite").exists()
    assert [p.name for p in db.iterdir()] == ["write.lock"]
    with pytest.raises(StoreError, match="no index here yet"):
        IndexReader(db)
    filler.unlink()
    small_disk.resize(16 * KB * KB)
    with IndexWriter(db, IndexParams()):
        pass
    assert _count(db) == 0


def test_an_index_on_read_only_storage_is_read_and_never_written(
    small_disk: Tmpfs, tmp_path: Path
) -> None:
    small_disk.resize(16 * KB * KB)
    db = small_disk.path / "db"
    corpus = synthetic_corpus(tmp_path / "c.jsonl", 300)
    assert run_unspun(*index_args(corpus, db)).returncode == 0
    query = tmp_path / "q.json"
    first = json.loads(corpus.read_text(encoding="utf-8").splitlines()[0])
    query.write_text(json.dumps({"title": "", "text": first["text"]}), encoding="utf-8")
    files = sorted(p.name for p in db.iterdir())
    assert not any(name.endswith(("-wal", "-shm")) for name in files)

    # Read-only before any reader made SQLite's WAL index: only an immutable open works.
    small_disk.read_only()
    stats = run_unspun("stats", "--db", str(db))
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout.startswith("300 articles")
    traced = run_unspun("trace", str(query), "--db", str(db), "--json")
    assert traced.returncode == 0, traced.stderr
    assert json.loads(traced.stdout)["sentences"][0]["sources"][0]["id"] == "syn-0"
    with IndexReader(db) as reader:
        assert reader.read_only
    refused = run_unspun(*index_args(corpus, db))
    assert refused.returncode == 2 and one_clear_line(refused.stderr) is None, refused.stderr
    assert "cannot write to this storage" in refused.stderr
    with served(db) as base:
        health = httpx.get(base + "api/v1/health").json()
        assert health["index"] is True and health["read_only"] is True
        answer = httpx.post(base + "api/v1/trace", json={"text": first["text"]}, timeout=60)
        assert answer.status_code == 200, answer.text
        assert answer.json() == json.loads(traced.stdout)
    assert sorted(p.name for p in db.iterdir()) == files

    small_disk.read_only(False)
    writable = run_unspun("trace", str(query), "--db", str(db), "--json")
    assert writable.returncode == 0, writable.stderr
    assert writable.stdout == traced.stdout
    with IndexReader(db) as reader:
        assert not reader.read_only
