"""Compare two posting-store designs on real news text (docs/design.md quotes this).

Design A: SQLite table ``postings(key, sid)`` (WITHOUT ROWID, primary key on both).
Design B: unspun's store -- immutable sorted uint64 segments (numpy, memory-mapped)
beside a SQLite article table.

Both get the same prepared articles (segmentation and fingerprints are done once,
outside the timings) and answer the same key lookups.

    .venv/bin/python -m bench.store_designs [--limit N] [--queries N] [--repeat R]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

from unspun.config import IndexParams
from unspun.index.fingerprint import query_keys
from unspun.index.store import IndexReader, IndexWriter, PreparedArticle
from unspun.pipeline import prepare
from unspun.records import Article
from unspun.text import words

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load(limit: int) -> list[Article]:
    """The first ``limit`` Reuters-21578 articles."""
    from bench.corpora import load_corpus

    return load_corpus("reuters", limit=limit)


def size_of(path: Path) -> int:
    """Bytes of a folder's files, or of a file and its SQLite companions (-wal, -shm)."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return sum(f.stat().st_size for f in path.parent.glob(path.name + "*"))


def design_a(prepared: list[PreparedArticle], root: Path) -> tuple[float, sqlite3.Connection]:
    db = root / "a.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE postings (key INTEGER, sid INTEGER, PRIMARY KEY (key, sid)) WITHOUT ROWID"
    )
    conn.execute("CREATE TABLE articles (id TEXT UNIQUE, sid0 INTEGER, body BLOB)")
    t0 = time.perf_counter()
    sid = 0
    conn.execute("BEGIN")
    for prep in prepared:
        vals = prep.postings + np.uint64(sid)
        conn.executemany(
            "INSERT OR IGNORE INTO postings VALUES (?, ?)",
            zip(
                (vals >> np.uint64(32)).tolist(),
                (vals & np.uint64(0xFFFFFFFF)).tolist(),
                strict=True,
            ),
        )
        conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?)",
            (prep.article.id, sid, zlib.compress(prep.article.text.encode())),
        )
        sid += len(prep.spans) + 1
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - t0, conn


def design_b(prepared: list[PreparedArticle], root: Path) -> float:
    t0 = time.perf_counter()
    with IndexWriter(root / "b", IndexParams()) as writer:
        for prep in prepared:
            writer.add(prep)
            if writer.pending >= 5000:
                writer.flush()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    articles = load(args.limit)
    params = IndexParams()
    t0 = time.perf_counter()
    prepared = [prepare(a, params) for a in articles]
    prep_s = time.perf_counter() - t0
    raw = sum(len(a.text) + len(a.title) for a in articles)
    n_post = sum(len(p.postings) for p in prepared)
    rng = np.random.default_rng(7)
    picks = rng.choice(len(articles), size=min(args.queries, len(articles)), replace=False)
    queries = []
    for i in picks:
        art = articles[int(i)]
        sents = [words(art.text[s:e]) for s, e in prepared[int(i)].spans]
        queries.append(np.unique(np.concatenate([query_keys(w, params) for w in sents])))
    print(f"{len(articles)} Reuters articles, {raw / 1e6:.1f} MB raw text, {n_post} postings")
    print(f"prepare (segment + fingerprint, 1 core): {len(articles) / prep_s:,.0f} articles/s")
    rows = []
    for rep in range(args.repeat):
        root = Path(tempfile.mkdtemp(prefix="unspun-design-"))
        try:
            ta, conn = design_a(prepared, root)
            tb = design_b(prepared, root)
            size_a, size_b = size_of(root / "a.sqlite"), size_of(root / "b")
            # Design A lookups
            lat_a = []
            for keys in queries:
                t = time.perf_counter()
                for k in keys.tolist():
                    conn.execute("SELECT sid FROM postings WHERE key = ?", (k,)).fetchall()
                lat_a.append(time.perf_counter() - t)
            conn.close()
            lat_b = []
            with IndexReader(root / "b") as reader:
                for keys in queries:
                    t = time.perf_counter()
                    reader.lookup(keys, max_postings=1_000_000)
                    lat_b.append(time.perf_counter() - t)
            rows.append(
                (ta, tb, size_a, size_b, statistics.median(lat_a), statistics.median(lat_b))
            )
            print(
                f"run {rep + 1}: A sqlite postings {len(articles) / ta:,.0f} art/s, "
                f"{size_a / raw:.2f}x raw, lookup p50 {statistics.median(lat_a) * 1e3:.2f} ms | "
                f"B segments {len(articles) / tb:,.0f} art/s, {size_b / raw:.2f}x raw, "
                f"lookup p50 {statistics.median(lat_b) * 1e3:.2f} ms"
            )
        finally:
            shutil.rmtree(root)
    med = [statistics.median(r[i] for r in rows) for i in range(6)]
    print(
        f"median of {args.repeat}: store throughput A {len(articles) / med[0]:,.0f} art/s, "
        f"B {len(articles) / med[1]:,.0f} art/s (B/A {med[0] / med[1]:.1f}x); size A "
        f"{med[2] / raw:.2f}x raw, B {med[3] / raw:.2f}x raw; lookup per article p50 A "
        f"{med[4] * 1e3:.2f} ms, B {med[5] * 1e3:.2f} ms (A/B {med[4] / med[5]:.1f}x)"
    )


if __name__ == "__main__":
    main()
