"""The on-disk index: the only module that reads or writes it.

Layout of an index folder (``unspun.db/`` by default)::

    unspun.db/
      meta.sqlite          SQLite in WAL mode: stamp, articles, segment manifest
      seg-<uuid>.npy       sorted uint64 postings (``key << 32 | sentence_id``)
      write.lock           held (flock) by the one process adding articles

*Articles* hold the metadata, the body compressed with zlib, and the sentence spans.
Each article owns a run of sentence ids: ``sid0`` is its title, ``sid0 + 1 ...`` its
body sentences in order.

*Segments* are immutable sorted arrays of postings, written whole to a temporary
file, fsynced, renamed, and only then registered in the same SQLite transaction that
inserts their articles. So a kill at any moment leaves either both or neither: an
unregistered segment file is an orphan that the next writer deletes, and a rerun adds
what is missing (articles are keyed by id). Small segments are merged into larger
ones (tiered, like an LSM tree); readers keep the files they have mapped, and retry
when a merge removes a file they were about to open.

The :class:`~unspun.config.IndexParams` that built the index are stamped in ``meta``;
opening it with other parameters raises :class:`~unspun.errors.ParamsMismatchError`.
"""

from __future__ import annotations

import array
import fcntl
import itertools
import logging
import os
import sqlite3
import sys
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Literal

import numpy as np
import numpy.typing as npt
import orjson

from unspun.config import IndexParams
from unspun.errors import IndexLockedError, ParamsMismatchError, StoreError
from unspun.records import Article

logger = logging.getLogger(__name__)

LAYOUT_VERSION = "2"
META_NAME = "meta.sqlite"
LOCK_NAME = "write.lock"
U64 = npt.NDArray[np.uint64]
_SHIFT = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    published TEXT,
    sid0 INTEGER NOT NULL,
    n_sent INTEGER NOT NULL,
    spans BLOB NOT NULL,
    body BLOB NOT NULL,
    raw_chars INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS articles_sid0 ON articles (sid0);
CREATE TABLE IF NOT EXISTS segments (
    name TEXT PRIMARY KEY,
    postings INTEGER NOT NULL,
    level INTEGER NOT NULL
);
"""


_SELECT = "SELECT rowid, id, title, url, outlet, published, sid0, body, spans FROM articles"


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article ready to store: its sentence spans and postings numbered from 0.

    Local sentence id 0 is the title; body sentence ``i`` is ``i + 1``. The body is
    compressed here (in the worker that prepares it), not by the single writer.
    """

    article: Article
    spans: tuple[tuple[int, int], ...]
    postings: U64
    body: bytes = b""

    @classmethod
    def build(
        cls, article: Article, spans: Sequence[tuple[int, int]], postings: U64
    ) -> PreparedArticle:
        """Bundle and compress an article with its spans and postings."""
        body = zlib.compress(article.text.encode("utf-8"), 6)
        return cls(article, tuple(spans), postings, body)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling small numpy arrays one by one is slow; raw bytes are not.
        return (_rebuild_prepared, (self.article, self.spans, self.postings.tobytes(), self.body))


def _rebuild_prepared(
    article: Article, spans: tuple[tuple[int, int], ...], postings: bytes, body: bytes
) -> PreparedArticle:
    return PreparedArticle(article, spans, np.frombuffer(postings, dtype=np.uint64), body)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article read back from the index."""

    rowid: int
    id: str
    title: str
    url: str | None
    outlet: str | None
    published: str | None
    sid0: int
    text: str
    spans: tuple[tuple[int, int], ...]

    def sentence(self, local: int) -> str:
        """Text of local sentence ``local`` (0 is the title)."""
        if local == 0:
            return self.title
        start, end = self.spans[local - 1]
        return self.text[start:end]


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article's metadata, without its text (search results)."""

    id: str
    title: str
    url: str | None
    outlet: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Figures about an index, for ``unspun stats`` and the web page."""

    articles: int
    sentences: int
    outlets: int
    first_published: str | None
    last_published: str | None
    segments: int
    postings: int
    raw_chars: int
    bytes_on_disk: int


def pack_spans(spans: Sequence[tuple[int, int]]) -> bytes:
    """Sentence spans as bytes: a 1-byte width tag, then (gap, length) pairs.

    Each pair is the distance from the previous span's end to this start, and this
    span's length, as little-endian uint16 (tag ``2``) or, when any value exceeds
    65,535, uint32 (tag ``4``). Spans must be sorted and must not overlap.

    >>> unpack_spans(pack_spans([(0, 5), (6, 20), (22, 22)]))
    ((0, 5), (6, 20), (22, 22))
    """
    flat = np.asarray(spans, dtype=np.int64).reshape(-1)
    if not len(flat):
        return b"\x02"
    prev_end = np.concatenate([[0], flat[1::2][:-1]])
    pairs = np.empty_like(flat)
    pairs[0::2] = flat[0::2] - prev_end
    pairs[1::2] = flat[1::2] - flat[0::2]
    if pairs.min() < 0:
        raise ValueError("spans must be sorted and must not overlap")
    width = 2 if pairs.max() <= 0xFFFF else 4
    return bytes([width]) + pairs.astype(f"<u{width}").tobytes()


def unpack_spans(blob: bytes) -> tuple[tuple[int, int], ...]:
    """Inverse of :func:`pack_spans` (no numpy: articles have few sentences, and
    numpy's per-call overhead dominated trace time)."""
    values = array.array("H" if blob[0] == 2 else "I", blob[1:])
    if sys.byteorder == "big":
        values.byteswap()
    # Gap, length, gap, length...: their running sum is start, end, start, end...
    bounds = list(itertools.accumulate(values))
    return tuple(zip(bounds[0::2], bounds[1::2], strict=True))


def _connect(db_file: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _check_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not an unspun index folder; choose another --db")
    if path.is_dir() and any(path.iterdir()) and not (path / META_NAME).exists():
        raise StoreError(
            f"{path}: folder exists but is not an unspun index (no {META_NAME}); "
            "choose another --db"
        )


class IndexReader:
    """Read access to an index; safe while a writer adds to it.

    Args:
        path: The index folder.
    """

    def __init__(self, path: Path) -> None:
        _check_folder(path)
        if not (path / META_NAME).exists():
            raise StoreError(
                f"{path}: no index here yet; build one with 'unspun index FILES --db {path}'"
            )
        self.path = path
        self._conn = _connect(path / META_NAME)
        try:
            self.params = _read_stamp(self._conn, path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: index database cannot be read ({exc})") from exc
        self._segments: dict[str, U64] = {}
        self._version = -1

    def close(self) -> None:
        """Close the database connection and drop mapped segments."""
        self._segments.clear()
        self._conn.close()

    def __enter__(self) -> IndexReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refresh(self) -> list[U64]:
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        names = [r[0] for r in self._conn.execute("SELECT name FROM segments ORDER BY name")]
        if version == self._version and set(names) == set(self._segments):
            return list(self._segments.values())
        fresh: dict[str, U64] = {}
        for name in names:
            if name in self._segments:
                fresh[name] = self._segments[name]
                continue
            try:
                # A plain view of the map: slicing a np.memmap costs a Python call each time.
                fresh[name] = np.asarray(np.load(self.path / name, mmap_mode="r"))
            except FileNotFoundError:
                # A merge replaced it after we read the manifest: read it again.
                return self._refresh()
        self._segments = fresh
        self._version = version
        return list(fresh.values())

    def lookup(self, keys: U64, *, max_postings: int) -> dict[int, U64]:
        """Sentence ids holding each key, across all segments.

        Keys found more than ``max_postings`` times are left out (too common to be
        evidence of copying). Gathered with array operations per segment, not per key:
        a trace looks up hundreds of keys.
        """
        keys = np.unique(np.asarray(keys, dtype=np.uint64))
        if not len(keys):
            return {}
        lows, highs = keys << _SHIFT, (keys + np.uint64(1)) << _SHIFT
        runs: list[tuple[U64, npt.NDArray[np.int64], npt.NDArray[np.int64]]] = []
        totals = np.zeros(len(keys), dtype=np.int64)
        for seg in self._refresh():
            lo = np.searchsorted(seg, lows, side="left")
            hi = np.searchsorted(seg, highs, side="left")
            totals += hi - lo
            runs.append((seg, lo, hi))
        found = (totals > 0) & (totals <= max_postings)
        if not found.any():
            return {}
        counts = totals[found]
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        sids = np.empty(int(offsets[-1]), dtype=np.uint64)
        filled = offsets[:-1].copy()
        for seg, lo, hi in runs:
            starts, sizes = lo[found], (hi - lo)[found]
            total = int(sizes.sum())
            if not total:
                continue
            # Position j of the run of key i: seg[starts[i] + j] goes to sids[filled[i] + j].
            before = np.repeat(np.cumsum(sizes) - sizes, sizes)
            step = np.arange(total, dtype=np.int64) - before
            sids[np.repeat(filled, sizes) + step] = seg[np.repeat(starts, sizes) + step] & _LOW32
            filled += sizes
        return dict(zip(keys[found].tolist(), np.split(sids, offsets[1:-1]), strict=True))

    def articles_for_sids(self, sids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """Map sentence ids to ``(article rowid, local sentence id)``.

        One query for all ids: the article of a sentence id is the one with the
        greatest ``sid0`` not above it (a covering-index search per id, in SQLite).
        """
        wanted = sorted({int(s) for s in sids})
        if not wanted:
            return {}
        rows = self._conn.execute(
            "SELECT j.value, a.rowid, a.sid0, a.n_sent FROM json_each(?) j "
            "JOIN articles a ON a.sid0 = "
            "(SELECT MAX(sid0) FROM articles WHERE sid0 <= j.value)",
            (orjson.dumps(wanted),),
        )
        return {sid: (rowid, sid - sid0) for sid, rowid, sid0, n in rows if sid < sid0 + n}

    def article(self, rowid: int) -> StoredArticle | None:
        """Read one article by rowid."""
        return self._one("rowid", rowid)

    def article_by_id(self, article_id: str) -> StoredArticle | None:
        """Read one article by its id."""
        return self._one("id", article_id)

    def _one(self, column: str, value: object) -> StoredArticle | None:
        row = self._conn.execute(f"{_SELECT} WHERE {column} = ?", (value,)).fetchone()
        return None if row is None else _stored(row)

    def articles(self, rowids: Sequence[int]) -> dict[int, StoredArticle]:
        """Read several articles by rowid (one query)."""
        wanted = sorted({int(r) for r in rowids})
        if not wanted:
            return {}
        rows = self._conn.execute(
            f"{_SELECT} WHERE rowid IN (SELECT value FROM json_each(?))",
            (orjson.dumps(wanted),),
        )
        return {int(row[0]): _stored(row) for row in rows}

    def search(
        self, column: Literal["title", "outlet"], text: str, *, limit: int
    ) -> list[ArticleInfo]:
        """Articles whose title or outlet contains ``text`` (ASCII case-insensitive),
        earliest published first, at most ``limit``."""
        if column not in ("title", "outlet"):
            raise ValueError(f"cannot search articles by {column!r}")
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._conn.execute(
            f"SELECT id, title, url, outlet, published FROM articles "
            f"WHERE {column} LIKE ? ESCAPE '\\' ORDER BY published, id LIMIT ?",
            (f"%{escaped}%", limit),
        )
        return [ArticleInfo(*row) for row in rows]

    def stats(self) -> IndexStats:
        """Counts and sizes of the index."""
        row = self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(n_sent), 0), COUNT(DISTINCT outlet), "
            "MIN(published), MAX(published), COALESCE(SUM(raw_chars), 0) FROM articles"
        ).fetchone()
        seg = self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(postings), 0) FROM segments"
        ).fetchone()
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return IndexStats(
            articles=row[0],
            sentences=row[1] - row[0],
            outlets=row[2],
            first_published=row[3],
            last_published=row[4],
            segments=seg[0],
            postings=seg[1],
            raw_chars=row[5],
            bytes_on_disk=size,
        )


def _stored(row: tuple[object, ...]) -> StoredArticle:
    body = row[7]
    spans = row[8]
    assert isinstance(body, bytes) and isinstance(spans, bytes)
    return StoredArticle(
        rowid=int(str(row[0])),
        id=str(row[1]),
        title=str(row[2]),
        url=None if row[3] is None else str(row[3]),
        outlet=None if row[4] is None else str(row[4]),
        published=None if row[5] is None else str(row[5]),
        sid0=int(str(row[6])),
        text=zlib.decompress(body).decode("utf-8"),
        spans=unpack_spans(spans),
    )


def _read_stamp(conn: sqlite3.Connection, path: Path) -> IndexParams:
    rows = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if rows.get("layout") != LAYOUT_VERSION or "params" not in rows:
        raise StoreError(
            f"{path}: index layout {rows.get('layout')!r} is not the one this unspun "
            f"reads ({LAYOUT_VERSION!r}); rebuild it with 'unspun index'"
        )
    return IndexParams.from_json(rows["params"])


def stamped_params(path: Path) -> IndexParams | None:
    """The parameters stamped in the index at ``path``, or None when there is none yet."""
    if not (path / META_NAME).exists():
        return None
    with IndexReader(path) as reader:
        return reader.params


class IndexWriter:
    """Adds articles to an index; one writer at a time (others get IndexLockedError).

    Args:
        path: The index folder (created if missing).
        params: Fingerprint parameters; must equal the stamp of an existing index.
        max_segments: Merge segments when there are more than this.
        max_merge_postings: Never build a merged segment larger than this (bounds memory).
    """

    def __init__(
        self,
        path: Path,
        params: IndexParams,
        *,
        max_segments: int = 8,
        max_merge_postings: int = 64_000_000,
    ) -> None:
        _check_folder(path)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create index folder ({exc.strerror})") from exc
        self.path = path
        self.params = params
        self.max_segments = max_segments
        self.max_merge_postings = max_merge_postings
        self._lock: IO[bytes] = open(path / LOCK_NAME, "ab")  # noqa: SIM115 - held until close
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock.close()
            raise IndexLockedError(
                f"{path}: another 'unspun index' is adding to this index; "
                "wait for it to finish (readers are not affected)"
            ) from exc
        self._conn = _connect(path / META_NAME)
        self._conn.executescript(_SCHEMA)
        self._stamp()
        self._remove_orphans()
        row = self._conn.execute("SELECT COALESCE(MAX(sid0 + n_sent), 0) FROM articles").fetchone()
        self._next_sid: int = row[0]
        self._pending: list[PreparedArticle] = []
        self._pending_ids: set[str] = set()

    def _stamp(self) -> None:
        rows = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        if not rows:
            self._conn.execute("BEGIN")
            self._conn.execute("INSERT INTO meta VALUES ('layout', ?)", (LAYOUT_VERSION,))
            self._conn.execute("INSERT INTO meta VALUES ('params', ?)", (self.params.to_json(),))
            self._conn.execute("COMMIT")
            return
        stamped = _read_stamp(self._conn, self.path)
        if stamped != self.params:
            diffs = ", ".join(
                f"{f.name}={getattr(stamped, f.name)!r} (asked {getattr(self.params, f.name)!r})"
                for f in fields(IndexParams)
                if getattr(stamped, f.name) != getattr(self.params, f.name)
            )
            raise ParamsMismatchError(
                f"{self.path}: index was built with {diffs}; use the same parameters or a new --db"
            )

    def _remove_orphans(self) -> None:
        known = {r[0] for r in self._conn.execute("SELECT name FROM segments")}
        for file in self.path.glob("seg-*"):
            if file.name not in known:
                logger.info("removing unregistered segment %s left by an interrupted run", file)
                file.unlink(missing_ok=True)

    def contains(self, article_id: str) -> bool:
        """True when an article with this id is stored or waiting to be flushed."""
        if article_id in self._pending_ids:
            return True
        row = self._conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def add(self, prepared: PreparedArticle) -> bool:
        """Queue one article; False (nothing queued) when its id is already stored."""
        if self.contains(prepared.article.id):
            return False
        self._pending.append(prepared)
        self._pending_ids.add(prepared.article.id)
        return True

    @property
    def pending(self) -> int:
        """Articles queued but not yet flushed."""
        return len(self._pending)

    def flush(self) -> int:
        """Write queued articles and their segment atomically; returns how many."""
        if not self._pending:
            return 0
        rows = []
        parts: list[U64] = []
        sid = self._next_sid
        for prep in self._pending:
            art = prep.article
            n_sent = len(prep.spans) + 1
            rows.append(
                (
                    art.id,
                    art.title,
                    art.url,
                    art.outlet,
                    art.published,
                    sid,
                    n_sent,
                    pack_spans(prep.spans),
                    prep.body or zlib.compress(art.text.encode("utf-8"), 6),
                    len(art.text) + len(art.title),
                )
            )
            parts.append(prep.postings + np.uint64(sid))
            sid += n_sent
        if sid >= 2**32:
            raise StoreError(f"{self.path}: index is full (2^32 sentences); start a new --db")
        postings = np.sort(np.concatenate(parts)) if parts else np.empty(0, np.uint64)
        name = self._write_segment(postings)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT INTO articles (id, title, url, outlet, published, sid0, n_sent, "
                "spans, body, raw_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._conn.execute("INSERT INTO segments VALUES (?, ?, 0)", (name, len(postings)))
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            (self.path / name).unlink(missing_ok=True)
            raise
        count = len(self._pending)
        self._next_sid = sid
        self._pending.clear()
        self._pending_ids.clear()
        self._maybe_merge()
        return count

    def _write_segment(self, postings: U64) -> str:
        name = f"seg-{uuid.uuid4().hex}.npy"
        tmp = self.path / f".tmp-{name}"
        with open(tmp, "wb") as fh:
            np.save(fh, np.ascontiguousarray(postings, dtype=np.uint64))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path / name)
        return name

    def _maybe_merge(self) -> None:
        segs = self._conn.execute(
            "SELECT name, postings FROM segments ORDER BY postings"
        ).fetchall()
        if len(segs) <= self.max_segments:
            return
        chosen: list[tuple[str, int]] = []
        total = 0
        for name, count in segs:
            if total + count > self.max_merge_postings and len(chosen) >= 2:
                break
            chosen.append((name, count))
            total += count
        if len(chosen) < 2 or total > self.max_merge_postings:
            return
        merged = np.sort(np.concatenate([np.load(self.path / n) for n, _ in chosen]))
        name = self._write_segment(merged)
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.executemany("DELETE FROM segments WHERE name = ?", [(n,) for n, _ in chosen])
        self._conn.execute("INSERT INTO segments VALUES (?, ?, 1)", (name, len(merged)))
        self._conn.execute("COMMIT")
        for old, _ in chosen:
            (self.path / old).unlink(missing_ok=True)
        logger.info("merged %d segments into %s (%d postings)", len(chosen), name, len(merged))

    def close(self) -> None:
        """Flush what is queued and release the lock."""
        try:
            self.flush()
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._conn.close()
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    def abort(self) -> None:
        """Drop what is queued and release the lock (the index stays as last flushed)."""
        self._pending.clear()
        self._pending_ids.clear()
        self._conn.close()
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def iter_all_articles(reader: IndexReader) -> Iterator[StoredArticle]:
    """Every stored article, in insertion order (for exports and tests)."""
    rows = reader._conn.execute(f"{_SELECT} ORDER BY rowid")
    for row in rows:
        yield _stored(row)
