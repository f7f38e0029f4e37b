"""Tests of unspun.pipeline: how the indexer commits what it queues."""

from __future__ import annotations

import json
from pathlib import Path

from unspun.index.store import IndexReader
from unspun.pipeline import (
    BATCH_CHARS,
    FLUSH_SENTENCES,
    MAX_INDEX_SENTENCES,
    SENTENCE_CHARS,
    index_paths,
)
from unspun.records import Rejected
from unspun.text import sentence_bound


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


def _lines_record(number: int, lines: int) -> str:
    return json.dumps({"id": f"lines-{number}", "title": "Lines", "text": "a\n" * lines}) + "\n"


def test_an_article_of_too_many_sentences_is_rejected_and_the_next_indexed(
    tmp_path: Path,
) -> None:
    # Segmenting alone 4 million one-letter lines (an 8 MB file) took a gigabyte.
    path = tmp_path / "lines.jsonl"
    path.write_text(_lines_record(1, MAX_INDEX_SENTENCES) + _lines_record(2, 10), encoding="utf-8")
    counts = index_paths([path], tmp_path / "db", workers=1)
    assert (counts.added, counts.rejected) == (1, 1)
    bound = sentence_bound("a\n" * MAX_INDEX_SENTENCES)
    assert bound > MAX_INDEX_SENTENCES
    assert counts.rejects == [
        Rejected(
            f"{path}:1",
            f"up to {bound:,} sentences (line breaks and sentence ends); "
            f"unspun indexes articles of at most {MAX_INDEX_SENTENCES:,}",
        )
    ]


def test_sentence_dense_articles_are_prepared_in_smaller_batches(tmp_path: Path) -> None:
    # Eight articles of 100,000 characters are one batch of ordinary text; as one-letter
    # lines they are 400,000 sentences, which cost as much as 4.8 MB of ordinary text.
    per_article = 50_000
    path = tmp_path / "lines.jsonl"
    path.write_text("".join(_lines_record(i, per_article) for i in range(8)), encoding="utf-8")
    batches: list[int] = []
    counts = index_paths(
        [path], tmp_path / "db", workers=1, progress=lambda c, _: batches.append(c.added)
    )
    assert counts.added == 8
    articles_per_batch = BATCH_CHARS // (SENTENCE_CHARS * (per_article + 1)) + 1
    assert batches == [articles_per_batch, 8]
