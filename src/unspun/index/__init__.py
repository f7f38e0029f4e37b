"""Fingerprints (pure) and the store that owns the index on disk."""

from __future__ import annotations

from unspun.index.fingerprint import index_keys, postings, query_keys
from unspun.index.store import (
    IndexReader,
    IndexStats,
    IndexWriter,
    PreparedArticle,
    StoredArticle,
)

__all__ = [
    "IndexReader",
    "IndexStats",
    "IndexWriter",
    "PreparedArticle",
    "StoredArticle",
    "index_keys",
    "postings",
    "query_keys",
]
