"""Search the index by title, outlet or phrase (for the Index page; small indexes).

Titles and outlets are matched with SQL ``LIKE`` on a read-only connection to the
index's metadata; a phrase is looked for in the stored bodies, which are compressed, so
that search reads articles one by one up to a bound.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from unspun.index.store import META_NAME, IndexReader, iter_all_articles

Field = Literal["title", "outlet", "phrase"]
FIELDS: tuple[Field, ...] = ("title", "outlet", "phrase")


@dataclass(frozen=True, slots=True)
class Hit:
    """One article found."""

    id: str
    title: str
    outlet: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The hits, and whether the search stopped before reading everything."""

    hits: tuple[Hit, ...]
    truncated: bool


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _by_column(
    db: Path, column: Literal["title", "outlet"], query: str, limit: int
) -> SearchResult:
    uri = (db / META_NAME).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        rows = conn.execute(
            f"SELECT id, title, outlet, published, url FROM articles "
            f"WHERE {column} LIKE ? ESCAPE '\\' ORDER BY published, id LIMIT ?",
            (_like_pattern(query), limit + 1),
        ).fetchall()
    finally:
        conn.close()
    hits = tuple(Hit(*row) for row in rows[:limit])
    return SearchResult(hits, truncated=len(rows) > limit)


def _by_phrase(db: Path, query: str, limit: int, scan_limit: int) -> SearchResult:
    needle = " ".join(query.split()).casefold()
    hits: list[Hit] = []
    with IndexReader(db) as reader:
        for scanned, art in enumerate(iter_all_articles(reader)):
            if scanned >= scan_limit or len(hits) > limit:
                return SearchResult(tuple(hits[:limit]), truncated=True)
            if needle in " ".join(art.text.split()).casefold():
                hits.append(Hit(art.id, art.title, art.outlet, art.published, art.url))
    return SearchResult(tuple(hits[:limit]), truncated=len(hits) > limit)


def search(db: Path, field: Field, query: str, *, limit: int, scan_limit: int) -> SearchResult:
    """Articles of the index at ``db`` whose ``field`` contains ``query`` (any case).

    Raises:
        StoreError: There is no usable index at ``db``.
    """
    IndexReader(db).close()  # the same clear error as trace when there is no index
    if field == "phrase":
        return _by_phrase(db, query, limit, scan_limit)
    return _by_column(db, field, query, limit)
