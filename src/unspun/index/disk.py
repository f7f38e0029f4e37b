"""The index's files on disk: SQLite connections, atomic creation, failures explained.

Three promises rest here:

* **An index folder is created whole or not at all.** ``meta.sqlite`` is built under a
  temporary name (schema, layout and parameter stamp, WAL mode), fsynced and renamed
  into place, so no reader or second writer ever opens a database without its tables or
  its stamp, and a disk that fills up during creation leaves nothing to repair.
* **Readers never write.** A reader opens the database with ``mode=ro``; on storage it
  cannot write to (a read-only mount, an immutable file, an archive owned by someone
  else), where SQLite cannot create the WAL index, it falls back to ``immutable=1``
  and says so (:attr:`Connection.read_only`).
* **A failure of the disk is a** :class:`~unspun.errors.StoreError` **that says what
  happened and what to do**, never a traceback: a full disk
  (:class:`~unspun.errors.DiskFullError`), storage that cannot be written, a database
  that is damaged.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from unspun.errors import DiskFullError, StoreError

logger = logging.getLogger(__name__)

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_DENIED_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL = 8, 10, 11, 13
_SQLITE_CANTOPEN, _SQLITE_NOTADB = 14, 26
#: Free space under which a failed write is put down to a full disk.
NEARLY_FULL_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Connection:
    """A reader's connection and how it was opened."""

    conn: sqlite3.Connection
    read_only: bool
    """True when the storage cannot be written and the database was opened immutable."""


def _sqlite_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _nearly_full(path: Path) -> bool:
    """Whether the filesystem holding ``path`` has (almost) no room left.

    SQLite reports some writes that fail for want of space as a plain I/O error (a
    WAL index it cannot grow), and a short write may come without an errno: the free
    space tells those apart from a failing disk.
    """
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def explain(exc: BaseException, path: Path, doing: str) -> StoreError | None:
    """The :class:`StoreError` that tells a user what ``exc`` means, or None when it is
    not a failure of the disk or the database (a bug, to be reported as such).

    Args:
        exc: What was raised.
        path: The index folder.
        doing: What was being done, for the message ("adding articles").
    """
    if isinstance(exc, StoreError):
        return exc
    again = "everything committed before is kept: rerun the same command to finish"
    full = "everything committed before is kept: free some space and rerun the same command"
    if isinstance(exc, sqlite3.Error):
        code = _sqlite_code(exc)
        if code == _SQLITE_FULL or (code == _SQLITE_IOERR and _nearly_full(path)):
            return DiskFullError(f"{path}: the disk is full ({doing}); {full}")
        if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN):
            return StoreError(f"{path}: cannot write to this storage ({doing}: {exc})")
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return StoreError(
                f"{path}: the index database is damaged ({exc}); rebuild it with 'unspun index'"
            )
        if code == _SQLITE_IOERR:
            return StoreError(f"{path}: the disk failed ({doing}: {exc}); {again}")
        # Not its subclasses ProgrammingError, IntegrityError...: those are bugs.
        if isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError:
            return StoreError(f"{path}: index database error ({doing}: {exc})")
        return None
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS or (exc.errno is None and _nearly_full(path)):
            return DiskFullError(f"{path}: the disk is full ({doing}); {full}")
        reason = exc.strerror or str(exc) or type(exc).__name__
        if exc.errno in _DENIED_ERRNOS:
            return StoreError(f"{path}: cannot write to this storage ({doing}: {reason})")
        return StoreError(f"{path}: the disk failed ({doing}: {reason}); {again}")
    return None


@contextmanager
def disk_errors(path: Path, doing: str) -> Iterator[None]:
    """Turn disk and database failures raised inside the block into a
    :class:`StoreError` (see :func:`explain`); other exceptions pass unchanged."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        explained = explain(exc, path, doing)
        if explained is None:
            raise
        raise explained from exc


def connect_writer(db_file: Path) -> sqlite3.Connection:
    """The writer's connection (WAL, autocommit; transactions are explicit)."""
    conn = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def _open_ro(db_file: Path, *, immutable: bool) -> sqlite3.Connection:
    uri = f"file:{quote(str(db_file.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
    try:
        # Opening is lazy: the first read is where a missing WAL index shows.
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def connect_reader(folder: Path, db_file: Path) -> Connection:
    """A read-only connection, which never writes (not even to switch journal modes).

    On storage SQLite cannot write to, a WAL database can be read only as immutable
    (no -shm file can be made); that is safe because nothing can be writing to it
    either. A -wal file left there with committed changes in it cannot be read that way:
    that case is refused with what to do.

    Raises:
        StoreError: The database cannot be opened even read-only.
    """
    try:
        return Connection(_open_ro(db_file, immutable=False), read_only=False)
    except sqlite3.DatabaseError as first:
        if _sqlite_code(first) not in (_SQLITE_CANTOPEN, _SQLITE_READONLY, _SQLITE_IOERR):
            raise StoreError(f"{folder}: index database cannot be read ({first})") from first
        wal = db_file.with_name(db_file.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"{folder}: the index is on storage that cannot be written, and its "
                f"{wal.name} holds changes not yet merged into {db_file.name}; open it once "
                "where it can be written (or copy the folder there) to read it"
            ) from first
        try:
            conn = _open_ro(db_file, immutable=True)
        except sqlite3.Error as exc:
            raise StoreError(f"{folder}: index database cannot be read ({exc})") from exc
        logger.info("%s: storage is not writable; reading the index as immutable", folder)
        return Connection(conn, read_only=True)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some filesystems do not open folders; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def create_database(db_file: Path, build: Callable[[sqlite3.Connection], None]) -> None:
    """Create ``db_file`` whole: ``build`` fills a temporary database, which is made
    durable and renamed into place. On any failure nothing is left behind.

    The caller holds the write lock, so no other process creates it meanwhile.
    """
    tmp = db_file.with_name(f".tmp-{uuid.uuid4().hex}-{db_file.name}")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file header
            build(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, db_file)
        _fsync_folder(db_file.parent)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                logger.debug("could not remove %s", leftover)


class _Sink:
    """A file seen by numpy as a plain writable object.

    Given a real file, ``numpy.save`` writes through C ``fwrite`` and reports a full
    disk as "N requested and M written", without an errno; through ``write`` the
    error is a proper ``OSError(ENOSPC)``.
    """

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self.write = write


def write_array_file(file: Path, values: object) -> None:
    """Save an array as ``.npy`` at ``file`` (flushed and fsynced); on failure the
    partial file is removed."""
    import numpy as np

    try:
        with open(file, "wb") as fh:
            np.lib.format.write_array(_Sink(fh.write), np.ascontiguousarray(values))
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        file.unlink(missing_ok=True)
        raise
