"""Disk failures explained, atomic creation, and indexes an interrupted run left behind."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from unspun.config import IndexParams
from unspun.errors import DiskFullError, StoreError
from unspun.index.disk import create_database, explain
from unspun.index.store import LOCK_NAME, META_NAME, IndexReader, IndexWriter, stamped_params


@pytest.mark.parametrize(
    ("exc", "kind", "says"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), DiskFullError, "disk is full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), DiskFullError, "disk is full"),
        (OSError(errno.EROFS, "Read-only file system"), StoreError, "cannot write to this"),
        (OSError(errno.EACCES, "Permission denied"), StoreError, "Permission denied"),
        (OSError(errno.EIO, "Input/output error"), StoreError, "the disk failed"),
    ],
    ids=["enospc", "edquot", "erofs", "eacces", "eio"],
)
def test_os_errors_become_store_errors_that_say_what_to_do(
    tmp_path: Path, exc: OSError, kind: type[StoreError], says: str
) -> None:
    explained = explain(exc, tmp_path, "adding articles")
    assert type(explained) is kind
    assert says in str(explained) and str(tmp_path) in str(explained)
    assert "\n" not in str(explained)


def test_sqlite_full_is_a_full_disk_and_a_bug_is_not_explained(tmp_path: Path) -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    assert isinstance(explain(full, tmp_path, "adding articles"), DiskFullError)
    assert explain(ValueError("a bug"), tmp_path, "adding articles") is None
    assert explain(sqlite3.ProgrammingError("misuse"), tmp_path, "adding articles") is None


def test_a_failed_creation_leaves_nothing(tmp_path: Path) -> None:
    def build(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE t (x)")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        create_database(tmp_path / "meta.sqlite", build)
    assert list(tmp_path.iterdir()) == []


def test_an_index_whose_creation_an_older_version_left_half_done_is_completed(
    tmp_path: Path,
) -> None:
    """Tables made but the stamp never written: readers say so plainly, and the next
    writer finishes the job."""
    db = tmp_path / "db"
    db.mkdir()
    conn = sqlite3.connect(db / META_NAME)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.close()
    with pytest.raises(StoreError, match="never completely created"):
        IndexReader(db)
    assert stamped_params(db) is None
    with IndexWriter(db, IndexParams()):
        pass
    with IndexReader(db) as reader:
        assert reader.params == IndexParams()
        assert reader.stats().articles == 0


def test_a_folder_holding_only_the_lock_is_an_index_being_created(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / LOCK_NAME).touch()
    with pytest.raises(StoreError, match="no index here yet"):
        IndexReader(db)
    with IndexWriter(db, IndexParams()):
        pass
    assert (db / META_NAME).exists()


def test_a_writer_refused_for_its_parameters_releases_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with IndexWriter(db, IndexParams()):
        pass
    with pytest.raises(StoreError):
        IndexWriter(db, IndexParams(keys_per_sentence=3))
    with IndexWriter(db, IndexParams()):
        pass


def test_a_database_that_is_not_one_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / META_NAME).write_bytes(b"this is not a database file at all" * 200)
    with pytest.raises(StoreError, match="cannot be read"):
        IndexReader(db)
    with pytest.raises(StoreError, match="damaged"):
        IndexWriter(db, IndexParams())
