"""The on-disk index: the only module that reads or writes it.

Layout of an index folder (``unspun.db/`` by default)::

    unspun.db/
      meta.sqlite          SQLite in WAL mode: stamp, articles, manifests, dictionary
      seg-<uuid>.npy       sorted uint64 postings (``key << 32 | sentence_id``)
      sen-<uuid>.npy       sentence sketches of a run of sentence ids (uint8 rows)
      write.lock           held (flock) by the one process adding articles

*Articles* hold the metadata, the body compressed with zstd, and the sentence spans.
Each article owns a run of sentence ids: ``sid0`` is its title, ``sid0 + 1 ...`` its
body sentences in order. Bodies are compressed with a dictionary trained on the first
flush of at least :data:`DICT_MIN_ARTICLES` articles (news bodies are short: a shared
dictionary compresses them to about 0.4 of their size, against 0.5 for zlib alone,
and decompresses 3x faster); the frames name their dictionary, so bodies written before
it exists still read.

*Segments* are immutable sorted arrays of postings, written whole to a temporary
file, fsynced, renamed, and only then registered in the same SQLite transaction that
inserts their articles. So a kill at any moment leaves either both or neither: an
unregistered segment file is an orphan that the next writer deletes, and a rerun adds
what is missing (articles are keyed by id). Small segments are merged into larger
ones (tiered, like an LSM tree); readers keep the files they have mapped, and retry
when a merge removes a file they were about to open.

*Blocks* cover the sentence ids of one flush (or of merged neighbouring flushes): a
``sen-*.npy`` file with each sentence's sketch
(:func:`unspun.index.fingerprint.sketches`), and in the manifest the ``sid0`` of each
of its articles, whose rowids are consecutive from ``first_rowid``. They map a
sentence id to its article without a query, and let a tracer rule out candidates
before reading any text. Written and registered like segments.

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import orjson
import zstandard

from unspun.config import IndexParams
from unspun.errors import IndexLockedError, ParamsMismatchError, StoreError
from unspun.index.disk import (
    connect_reader,
    connect_writer,
    create_database,
    disk_errors,
    write_array_file,
)
from unspun.index.fingerprint import SKETCH_BYTES, SKETCH_MAX_WORDS, distinct
from unspun.records import Article

logger = logging.getLogger(__name__)

LAYOUT_VERSION = "3"
META_NAME = "meta.sqlite"
LOCK_NAME = "write.lock"
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]
_T = TypeVar("_T", bound=np.generic)
I64 = npt.NDArray[np.int64]
#: Articles a flush needs before a compression dictionary is trained from it.
DICT_MIN_ARTICLES = 500
DICT_BYTES = 65_536
_DICT_SAMPLES = 4_000
_ZSTD_LEVEL = 3
#: Largest block a merge builds, in sentences.
MAX_BLOCK_SIDS = 8_000_000
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
CREATE TABLE IF NOT EXISTS segments (
    name TEXT PRIMARY KEY,
    postings INTEGER NOT NULL,
    level INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS blocks (
    name TEXT PRIMARY KEY,
    first_sid INTEGER NOT NULL,
    n_sids INTEGER NOT NULL,
    first_rowid INTEGER NOT NULL,
    sid0s BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""


_SELECT = "SELECT rowid, id, title, url, outlet, published, sid0, body, spans FROM articles"


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article ready to store: its sentence spans, postings and sketches.

    Local sentence id 0 is the title; body sentence ``i`` is ``i + 1``. Postings carry
    local ids; ``sketches`` has one row per local id (title first).
    """

    article: Article
    spans: tuple[tuple[int, int], ...]
    postings: U64
    sketches: U8

    def __post_init__(self) -> None:
        if self.sketches.shape != (len(self.spans) + 1, SKETCH_BYTES):
            raise ValueError(
                f"{self.article.id}: {len(self.spans) + 1} sentences need sketches of shape "
                f"({len(self.spans) + 1}, {SKETCH_BYTES}), got {self.sketches.shape}"
            )

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling small numpy arrays one by one is slow; raw bytes are not.
        return (
            _rebuild_prepared,
            (self.article, self.spans, self.postings.tobytes(), self.sketches.tobytes()),
        )


def _rebuild_prepared(
    article: Article, spans: tuple[tuple[int, int], ...], postings: bytes, sketches: bytes
) -> PreparedArticle:
    rows = np.frombuffer(sketches, dtype=np.uint8).reshape(-1, SKETCH_BYTES)
    return PreparedArticle(article, spans, np.frombuffer(postings, dtype=np.uint64), rows)


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


@dataclass(frozen=True, slots=True)
class _Block:
    """A run of sentence ids: their sketches and the articles that own them."""

    first_sid: int
    first_rowid: int
    sid0s: I64
    sketches: U8


def _decode_sid0s(blob: bytes) -> I64:
    values = np.frombuffer(blob, dtype="<u4")
    return values.astype(np.int64)


def _check_folder(path: Path) -> None:
    """Refuse a path that is not an index folder (nor an empty one, nor one whose
    creation was interrupted before ``meta.sqlite`` was in place: it holds the lock)."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not an unspun index folder; choose another --db")
    if (
        path.is_dir()
        and not (path / META_NAME).exists()
        and not (path / LOCK_NAME).exists()
        and any(path.iterdir())
    ):
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
        opened = connect_reader(path, path / META_NAME)
        self._conn = opened.conn
        self.read_only = opened.read_only or not os.access(path, os.W_OK)
        """True when the index lies on storage this process cannot write to (a read-only
        mount, an archive): it can be read and traced against, never added to."""
        try:
            self.params = _read_stamp(self._conn, path)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{path}: index database cannot be read ({exc})") from exc
        except StoreError:
            self._conn.close()
            raise
        self._segments: dict[str, U64] = {}
        self._blocks: dict[str, _Block] = {}
        self._block_starts: I64 = np.empty(0, dtype=np.int64)
        self._block_list: list[_Block] = []
        self._version = -1
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}

    def close(self) -> None:
        """Close the database connection and drop mapped segments."""
        self._segments.clear()
        self._blocks.clear()
        self._block_list = []
        self._conn.close()

    def __enter__(self) -> IndexReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refresh(self) -> list[U64]:
        """The current segments (and blocks), re-read when a writer has committed."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._version:
            return list(self._segments.values())
        # One read transaction: segments and blocks from the same snapshot.
        self._conn.execute("BEGIN")
        try:
            names = [r[0] for r in self._conn.execute("SELECT name FROM segments ORDER BY name")]
            blocks = self._conn.execute(
                "SELECT name, first_sid, first_rowid, sid0s FROM blocks ORDER BY first_sid"
            ).fetchall()
        finally:
            self._conn.execute("COMMIT")
        try:
            fresh: dict[str, U64] = {}
            for name in names:
                known = self._segments.get(name)
                fresh[name] = known if known is not None else _map(self.path / name, np.uint64)
            fresh_blocks: dict[str, _Block] = {}
            for name, first_sid, first_rowid, sid0s in blocks:
                block = self._blocks.get(name)
                if block is None:
                    rows = _map(self.path / name, np.uint8)
                    block = _Block(first_sid, first_rowid, _decode_sid0s(sid0s), rows)
                fresh_blocks[name] = block
        except FileNotFoundError:
            # A merge replaced a file after we read the manifest: read it again.
            self._version = -1
            return self._refresh()
        self._segments = fresh
        self._blocks = fresh_blocks
        self._block_list = list(fresh_blocks.values())
        self._block_starts = np.array([b.first_sid for b in self._block_list], dtype=np.int64)
        self._version = version
        return list(fresh.values())

    def lookup(self, keys: U64, *, max_postings: int) -> dict[int, U64]:
        """Sentence ids holding each key, across all segments.

        Keys found more than ``max_postings`` times are left out (too common to be
        evidence of copying). Gathered with array operations per segment, not per key:
        a trace looks up hundreds of keys.
        """
        keys = distinct(np.asarray(keys, dtype=np.uint64))
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

    def _locate(self, sids: Sequence[int] | I64) -> tuple[I64, I64, I64]:
        """Each sentence id's block index (-1: in no block) and row within its block."""
        self._refresh()
        ids = np.asarray(sids, dtype=np.int64)
        which = np.searchsorted(self._block_starts, ids, side="right") - 1
        row = np.full(len(ids), -1, dtype=np.int64)
        for b in np.unique(which[which >= 0]).tolist():
            block = self._block_list[b]
            here = which == b
            local = ids[here] - block.first_sid
            inside = local < len(block.sketches)
            row[np.flatnonzero(here)[inside]] = local[inside]
        which[row < 0] = -1
        return ids, which, row

    def articles_for_sids(self, sids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """Map sentence ids to ``(article rowid, local sentence id)``.

        Read from the blocks' ``sid0`` arrays (a binary search per id), no query.
        """
        ids, which, _ = self._locate(sorted({int(s) for s in sids}))
        out: dict[int, tuple[int, int]] = {}
        for b in np.unique(which[which >= 0]).tolist():
            block = self._block_list[b]
            sel = ids[which == b]
            art = np.searchsorted(block.sid0s, sel, side="right") - 1
            rowids = (art + block.first_rowid).tolist()
            locals_ = (sel - block.sid0s[art]).tolist()
            out.update(zip(sel.tolist(), zip(rowids, locals_, strict=True), strict=True))
        return out

    def sketches(self, sids: Sequence[int] | I64) -> U8:
        """The stored sketch of each sentence id, one row each, in order.

        A sentence id in no block (none is, in an index this module wrote) gets a row
        that rules nothing out (its word count reads as "long").
        """
        ids, which, row = self._locate(sids)
        out = np.zeros((len(ids), SKETCH_BYTES), dtype=np.uint8)
        out[:, -1] = SKETCH_MAX_WORDS
        for b in np.unique(which[which >= 0]).tolist():
            here = which == b
            out[here] = self._block_list[b].sketches[row[here]]
        return out

    def article(self, rowid: int) -> StoredArticle | None:
        """Read one article by rowid."""
        return self._one("rowid", rowid)

    def article_by_id(self, article_id: str) -> StoredArticle | None:
        """Read one article by its id."""
        return self._one("id", article_id)

    def _one(self, column: str, value: object) -> StoredArticle | None:
        row = self._conn.execute(f"{_SELECT} WHERE {column} = ?", (value,)).fetchone()
        return None if row is None else self._stored(row)

    def articles(self, rowids: Sequence[int]) -> dict[int, StoredArticle]:
        """Read several articles by rowid (one query)."""
        wanted = sorted({int(r) for r in rowids})
        if not wanted:
            return {}
        rows = self._conn.execute(
            f"{_SELECT} WHERE rowid IN (SELECT value FROM json_each(?))",
            (orjson.dumps(wanted),),
        )
        return {int(row[0]): self._stored(row) for row in rows}

    def _stored(self, row: tuple[object, ...]) -> StoredArticle:
        body, spans = row[7], row[8]
        assert isinstance(body, bytes) and isinstance(spans, bytes)
        return StoredArticle(
            rowid=int(str(row[0])),
            id=str(row[1]),
            title=str(row[2]),
            url=None if row[3] is None else str(row[3]),
            outlet=None if row[4] is None else str(row[4]),
            published=None if row[5] is None else str(row[5]),
            sid0=int(str(row[6])),
            text=self._decompress(body).decode("utf-8"),
            spans=unpack_spans(spans),
        )

    def _decompress(self, body: bytes) -> bytes:
        dict_id = zstandard.get_frame_parameters(body).dict_id
        decompressor = self._decompressors.get(dict_id)
        if decompressor is None:
            decompressor = self._decompressors[dict_id] = _decompressor(self._conn, dict_id)
        return decompressor.decompress(body)

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


def _map(file: Path, dtype: type[_T]) -> npt.NDArray[_T]:
    # A plain view of the map: slicing a np.memmap costs a Python call each time.
    return np.asarray(np.load(file, mmap_mode="r"), dtype=dtype)


def _decompressor(conn: sqlite3.Connection, dict_id: int) -> zstandard.ZstdDecompressor:
    if dict_id == 0:
        return zstandard.ZstdDecompressor()
    row = conn.execute("SELECT data FROM dictionaries WHERE id = ?", (dict_id,)).fetchone()
    if row is None:
        raise StoreError(f"compression dictionary {dict_id} is missing from the index")
    return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(row[0]))


def _stamp_rows(conn: sqlite3.Connection) -> dict[str, str]:
    """The ``meta`` table's rows; empty when it holds none or does not exist."""
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return {}
        raise


def _read_stamp(conn: sqlite3.Connection, path: Path) -> IndexParams:
    rows = _stamp_rows(conn)
    if not rows:
        raise StoreError(
            f"{path}: the index was never completely created (an interrupted "
            f"'unspun index'?); run 'unspun index FILES --db {path}' to build it"
        )
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
    _check_folder(path)
    opened = connect_reader(path, path / META_NAME)
    try:
        if not _stamp_rows(opened.conn):
            return None  # creation was interrupted: the next writer stamps it
        return _read_stamp(opened.conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: index database cannot be read ({exc})") from exc
    finally:
        opened.conn.close()


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
        self.path = path
        self.params = params
        self.max_segments = max_segments
        self.max_merge_postings = max_merge_postings
        self._pending: list[PreparedArticle] = []
        self._pending_ids: set[str] = set()
        with disk_errors(path, "opening the index to add articles"):
            path.mkdir(parents=True, exist_ok=True)
            # Opened close-on-exec (Python's default) and never shared with workers, so
            # the lock dies with this process, however it dies.
            self._lock: IO[bytes] = open(path / LOCK_NAME, "ab")  # noqa: SIM115 - held until close
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock.close()
            raise IndexLockedError(
                f"{path}: another 'unspun index' is adding to this index; "
                "wait for it to finish (readers are not affected)"
            ) from exc
        try:
            with disk_errors(path, "opening the index to add articles"):
                self._conn = self._open()
                try:
                    self._stamp()
                    self._remove_orphans()
                    row = self._conn.execute(
                        "SELECT COALESCE(MAX(sid0 + n_sent), 0), COALESCE(MAX(rowid), 0) + 1 "
                        "FROM articles"
                    ).fetchone()
                    self._compressor = self._load_compressor()
                except BaseException:
                    self._conn.close()
                    raise
        except BaseException:
            self._unlock()
            raise
        self._next_sid: int = row[0]
        self._next_rowid: int = row[1]

    def _open(self) -> sqlite3.Connection:
        """The writer's connection; a new index's database is created whole first."""
        db_file = self.path / META_NAME
        if not db_file.exists():

            def build(conn: sqlite3.Connection) -> None:
                conn.executescript(_SCHEMA)
                conn.execute("BEGIN")
                self._insert_stamp(conn)
                conn.execute("COMMIT")

            create_database(db_file, build)
        conn = connect_writer(db_file)
        # An index whose creation an older unspun left half done has tables missing.
        conn.executescript(_SCHEMA)
        return conn

    def _insert_stamp(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta VALUES ('layout', ?)", (LAYOUT_VERSION,))
        conn.execute("INSERT INTO meta VALUES ('params', ?)", (self.params.to_json(),))

    def _unlock(self) -> None:
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()

    def _stamp(self) -> None:
        rows = _stamp_rows(self._conn)
        if not rows:
            has_articles = self._conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone()
            if has_articles:
                raise StoreError(
                    f"{self.path}: the index holds articles but no parameter stamp "
                    "(damaged); rebuild it in a new --db"
                )
            self._conn.execute("BEGIN")
            self._insert_stamp(self._conn)
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
        known |= {r[0] for r in self._conn.execute("SELECT name FROM blocks")}
        for pattern in ("seg-*", "sen-*", ".tmp-*"):
            for file in self.path.glob(pattern):
                if file.name not in known:
                    logger.info("removing unregistered file %s left by an interrupted run", file)
                    file.unlink(missing_ok=True)

    def _load_compressor(self) -> zstandard.ZstdCompressor:
        row = self._conn.execute("SELECT data FROM dictionaries ORDER BY id LIMIT 1").fetchone()
        if row is None:
            return zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
        data = zstandard.ZstdCompressionDict(row[0])
        return zstandard.ZstdCompressor(level=_ZSTD_LEVEL, dict_data=data)

    def _train_dictionary(self) -> bytes | None:
        """A compression dictionary from the queued bodies, when there are enough."""
        if len(self._pending) < DICT_MIN_ARTICLES:
            return None
        samples: list[bytes | bytearray | memoryview] = [
            p.article.text.encode("utf-8") for p in self._pending[:_DICT_SAMPLES]
        ]
        try:
            trained = zstandard.train_dictionary(DICT_BYTES, samples, dict_id=1)
        except zstandard.ZstdError as exc:
            logger.info("no compression dictionary trained (%s); bodies stay plain zstd", exc)
            return None
        self._compressor = zstandard.ZstdCompressor(level=_ZSTD_LEVEL, dict_data=trained)
        return trained.as_bytes()

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
        """Write queued articles, their segment and block atomically; returns how many.

        Raises:
            StoreError: The disk failed or filled up (:class:`DiskFullError`); what was
                committed before is kept, and the queued articles are still queued.
        """
        if not self._pending:
            return 0
        with disk_errors(self.path, "adding articles"):
            return self._flush()

    def _flush(self) -> int:
        dictionary = None if self._has_dictionary() else self._train_dictionary()
        compress = self._compressor.compress
        rows = []
        parts: list[U64] = []
        sid0s: list[int] = []
        sid = first_sid = self._next_sid
        rowid = self._next_rowid
        for prep in self._pending:
            art = prep.article
            n_sent = len(prep.spans) + 1
            rows.append(
                (
                    rowid,
                    art.id,
                    art.title,
                    art.url,
                    art.outlet,
                    art.published,
                    sid,
                    n_sent,
                    pack_spans(prep.spans),
                    compress(art.text.encode("utf-8")),
                    len(art.text) + len(art.title),
                )
            )
            parts.append(prep.postings + np.uint64(sid))
            sid0s.append(sid)
            sid += n_sent
            rowid += 1
        if sid >= 2**32:
            raise StoreError(f"{self.path}: index is full (2^32 sentences); start a new --db")
        postings = np.sort(np.concatenate(parts)) if parts else np.empty(0, np.uint64)
        sketches = np.concatenate([p.sketches for p in self._pending])
        written = [self._write_array("seg", postings), self._write_array("sen", sketches)]
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            if dictionary is not None:
                self._conn.execute("INSERT INTO dictionaries VALUES (1, ?)", (dictionary,))
            self._conn.executemany(
                "INSERT INTO articles (rowid, id, title, url, outlet, published, sid0, n_sent, "
                "spans, body, raw_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._conn.execute("INSERT INTO segments VALUES (?, ?, 0)", (written[0], len(postings)))
            self._conn.execute(
                "INSERT INTO blocks VALUES (?, ?, ?, ?, ?)",
                (
                    written[1],
                    first_sid,
                    sid - first_sid,
                    self._next_rowid,
                    np.asarray(sid0s, dtype="<u4").tobytes(),
                ),
            )
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error:
                    logger.debug("rollback failed after a failed flush", exc_info=True)
            for name in written:
                (self.path / name).unlink(missing_ok=True)
            if dictionary is not None:
                self._compressor = self._load_compressor()
            raise
        count = len(self._pending)
        self._next_sid = sid
        self._next_rowid = rowid
        self._pending.clear()
        self._pending_ids.clear()
        # Merging only tidies: the articles above are committed whatever happens here.
        self._maybe_merge()
        self._maybe_merge_blocks()
        return count

    def _has_dictionary(self) -> bool:
        return self._conn.execute("SELECT 1 FROM dictionaries").fetchone() is not None

    def _write_array(self, prefix: str, values: npt.NDArray[np.generic]) -> str:
        name = f"{prefix}-{uuid.uuid4().hex}.npy"
        tmp = self.path / f".tmp-{name}"
        write_array_file(tmp, values)
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
        name = self._write_array("seg", merged)
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.executemany("DELETE FROM segments WHERE name = ?", [(n,) for n, _ in chosen])
        self._conn.execute("INSERT INTO segments VALUES (?, ?, 1)", (name, len(merged)))
        self._conn.execute("COMMIT")
        for old, _ in chosen:
            (self.path / old).unlink(missing_ok=True)
        logger.info("merged %d segments into %s (%d postings)", len(chosen), name, len(merged))

    def _maybe_merge_blocks(self) -> None:
        """Merge neighbouring blocks while there are more than ``max_segments`` of them,
        the two smallest neighbours first, into blocks of at most :data:`MAX_BLOCK_SIDS`
        sentences (136 MB: bounds the memory a merge takes)."""
        blocks = self._conn.execute(
            "SELECT name, first_sid, n_sids, first_rowid, sid0s FROM blocks ORDER BY first_sid"
        ).fetchall()
        while len(blocks) > self.max_segments:
            sizes = [a[2] + b[2] for a, b in itertools.pairwise(blocks)]
            at = min(range(len(sizes)), key=sizes.__getitem__)
            if sizes[at] > MAX_BLOCK_SIDS:
                return
            left, right = blocks[at], blocks[at + 1]
            rows = np.concatenate([np.load(self.path / left[0]), np.load(self.path / right[0])])
            name = self._write_array("sen", rows)
            merged = (name, left[1], sizes[at], left[3], left[4] + right[4])
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("DELETE FROM blocks WHERE name = ?", [(left[0],), (right[0],)])
            self._conn.execute("INSERT INTO blocks VALUES (?, ?, ?, ?, ?)", merged)
            self._conn.execute("COMMIT")
            for old in (left[0], right[0]):
                (self.path / old).unlink(missing_ok=True)
            blocks[at : at + 2] = [merged]

    def close(self) -> None:
        """Flush what is queued and release the lock."""
        try:
            self.flush()
            with disk_errors(self.path, "finishing the index"):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._conn.close()
            self._unlock()

    def abort(self) -> None:
        """Drop what is queued and release the lock (the index stays as last flushed)."""
        self._pending.clear()
        self._pending_ids.clear()
        self._conn.close()
        self._unlock()

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
        yield reader._stored(row)
