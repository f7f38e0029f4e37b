"""Search the index by title, outlet or phrase (for the Index page; small indexes).

Titles and outlets are matched by the index (:meth:`IndexReader.search`); a phrase is
looked for in the stored bodies, which are compressed, so that search reads articles one
by one up to a bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from unspun.index.store import IndexReader, iter_all_articles

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


def _by_column(
    db: Path, column: Literal["title", "outlet"], query: str, limit: int
) -> SearchResult:
    with IndexReader(db) as reader:
        found = reader.search(column, query, limit=limit + 1)
    hits = tuple(Hit(a.id, a.title, a.outlet, a.published, a.url) for a in found[:limit])
    return SearchResult(hits, truncated=len(found) > limit)


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
