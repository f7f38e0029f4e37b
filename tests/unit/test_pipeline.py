"""Tests of unspun.pipeline: how the indexer commits what it queues."""

from __future__ import annotations

import json
from pathlib import Path

from unspun.index.store import IndexReader
from unspun.pipeline import FLUSH_SENTENCES, index_paths


def test_sentence_dense_articles_are_committed_a_bounded_number_of_sentences_at_a_time(
    tmp_path: Path,
) -> None:
    # A queued sentence costs memory however short it is: six records of 8 MB of
    # one-word sentences, queued together, took the indexer to 1.5 GiB.
    per_article = FLUSH_SENTENCES // 2 + 1
    path = tmp_path / "dense.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(3):
            text = " ".join(["Dock."] * per_article)
            fh.write(json.dumps({"id": f"dense-{i}", "title": "Docks", "text": text}) + "\n")
    db = tmp_path / "db"
    counts = index_paths([path], db, workers=1, batch_size=1)
    assert counts.added == 3
    with IndexReader(db) as reader:
        stats = reader.stats()
    # Two articles reach FLUSH_SENTENCES: committed together, then the third on its own.
    assert stats.segments == 2
    assert stats.articles == 3
