"""Trace on real news text from ../shared/data (skipped when absent, never in CI).

The expected answers come from a plain reference computed here, independently of the
index: a sentence is *held* by every article whose normalised word sequence contains
the sentence's words as a run.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import shared_data
from unspun.align.trace import Tracer
from unspun.config import IndexParams
from unspun.index.store import IndexReader, IndexWriter
from unspun.ingest.records import article_from_mapping
from unspun.pipeline import prepare
from unspun.records import Article
from unspun.text import split_sentences, words

MIN_WORDS = 8


def _articles(path: Path) -> Iterator[Article]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            item = article_from_mapping(json.loads(line), origin=f"{path}:{n + 1}")
            if isinstance(item, Article):
                yield item


def _sentences(art: Article) -> list[tuple[str, ...]]:
    return [tuple(words(art.text[s.start : s.end])) for s in split_sentences(art.text)]


def _build(arts: list[Article], db: Path) -> None:
    params = IndexParams()
    with IndexWriter(db, params) as writer:
        for art in arts:
            writer.add(prepare(art, params))


def _holders(arts: list[Article]) -> dict[tuple[str, ...], set[str]]:
    """Exact sentence (as words) -> ids of the articles that hold it."""
    held: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for art in arts:
        for sent in _sentences(art):
            if len(sent) >= MIN_WORDS:
                held[sent].add(art.id)
    return held


@pytest.fixture(scope="module")
def buzzfeed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Article], list[Article], Path]:
    """BuzzFeed-Webis 2016 with the copies of cross-outlet pairs held out as queries."""
    arts = list(_articles(shared_data("buzzfeed_webis2016") / "articles.jsonl.gz"))
    held = _holders(arts)
    outlet = {a.id: a.outlet for a in arts}
    queries: list[Article] = []
    for art in arts:
        shared = [
            held[s] - {art.id}
            for s in _sentences(art)
            if len(s) >= MIN_WORDS and any(outlet[o] != art.outlet for o in held[s] - {art.id})
        ]
        if len(shared) >= 3:
            queries.append(art)
    queries = queries[::2][:60]
    query_ids = {q.id for q in queries}
    indexed = [a for a in arts if a.id not in query_ids]
    db = tmp_path_factory.mktemp("bf") / "db"
    _build(indexed, db)
    return indexed, queries, db


@pytest.mark.data
def test_buzzfeed_cross_outlet_copies_are_traced(
    buzzfeed: tuple[list[Article], list[Article], Path],
) -> None:
    indexed, queries, db = buzzfeed
    held = _holders(indexed)
    assert len(queries) >= 30
    expected = found = wrong = 0
    with IndexReader(db) as reader:
        tracer = Tracer(reader)
        for query in queries:
            report = tracer.trace(query)
            for sent in report.sentences:
                key = tuple(words(sent.text))
                truth = held.get(key, set())
                if len(key) < MIN_WORDS or not truth:
                    continue
                expected += 1
                if sent.sources and sent.sources[0].article_id in truth:
                    found += 1
                    assert sent.verdict == "copied"
                elif sent.sources:
                    wrong += 1
    assert expected >= 200
    assert found / expected >= 0.97, (found, expected)
    assert wrong / expected <= 0.01, (wrong, expected)


@pytest.mark.data
def test_buzzfeed_lightly_edited_copies_are_traced(
    buzzfeed: tuple[list[Article], list[Article], Path],
) -> None:
    """Swap one word in every other copied sentence: still found, verdict edited."""
    indexed, queries, db = buzzfeed
    held = _holders(indexed)
    expected = found = 0
    with IndexReader(db) as reader:
        tracer = Tracer(reader)
        for query in queries:
            text = query.text
            spans = split_sentences(text)
            swapped: dict[int, str] = {}
            # Edit from the end so the spans of earlier sentences stay valid.
            for i in range(len(spans) - 1, -1, -1):
                sent = text[spans[i].start : spans[i].end]
                long_words = [w for w in re.findall(r"[A-Za-z]{6,}", sent) if w.islower()]
                if i % 2 or tuple(words(sent)) not in held or not long_words:
                    continue
                target = long_words[len(long_words) // 2]
                edited = re.sub(rf"\b{target}\b", "transmogrified", sent, count=1)
                text = text[: spans[i].start] + edited + text[spans[i].end :]
                swapped[i] = target
            report = tracer.trace(replace(query, text=text))
            assert len(report.sentences) == len(spans)
            for i, target in swapped.items():
                truth = held[tuple(words(query.text[spans[i].start : spans[i].end]))]
                sent = report.sentences[i]
                expected += 1
                if sent.sources and sent.sources[0].article_id in truth:
                    found += 1
                    assert sent.verdict == "edited"
                    edits = {(e.from_, e.to) for e in sent.sources[0].edits}
                    assert (target, "transmogrified") in edits
    assert expected >= 50
    assert found / expected >= 0.97, (found, expected)


@pytest.fixture(scope="module")
def reuters(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Article], Path]:
    """All of Reuters-21578, indexed."""
    arts = list(_articles(shared_data("reuters21578") / "articles.jsonl.gz"))
    db = tmp_path_factory.mktemp("reuters") / "db"
    _build(arts, db)
    return arts, db


@pytest.mark.data
def test_reuters_sentences_with_a_third_of_words_swapped_are_found(
    reuters: tuple[list[Article], Path],
) -> None:
    """Single-sentence queries (no neighbours to help): a third of the words, at random
    positions, replaced by words drawn from other Reuters sentences."""
    arts, db = reuters
    held = _holders(arts)
    rng = random.Random(2026)
    vocabulary = sorted({w for a in arts[:2000] for s in _sentences(a) for w in s if w.isalpha()})
    sample = rng.sample([s for s in held if len(s) >= 12], 300)
    found = 0
    with IndexReader(db) as reader:
        tracer = Tracer(reader)
        for sent in sample:
            swap = set(rng.sample(range(len(sent)), len(sent) // 3))
            spun = [rng.choice(vocabulary) if i in swap else w for i, w in enumerate(sent)]
            report = tracer.trace(Article(id="q", title="", text=" ".join(spun) + "."))
            sources = report.sentences[0].sources if report.sentences else ()
            if sources and sources[0].article_id in held[sent]:
                found += 1
    assert found / len(sample) >= 0.95, found


@pytest.mark.data
def test_reuters_updates_are_traced_to_the_earliest_version(
    reuters: tuple[list[Article], Path],
) -> None:
    arts, db = reuters
    held = _holders(arts)
    date = {a.id: a.published or "9999" for a in arts}
    # Later articles that repeat at least three sentences of an earlier one.
    later = [
        a
        for a in arts
        if sum(
            1
            for s in _sentences(a)
            if len(s) >= MIN_WORDS and any(date[o] < date[a.id] for o in held.get(s, ()))
        )
        >= 3
    ]
    assert len(later) >= 100
    checked = correct = 0
    with IndexReader(db) as reader:
        tracer = Tracer(reader)
        for art in later[::5][:120]:
            report = tracer.trace(art)
            for sent in report.sentences:
                holders = held.get(tuple(words(sent.text)), set())
                if len(holders) < 2:
                    continue
                earliest = min(date[h] for h in holders)
                origins = {h for h in holders if date[h] == earliest}
                checked += 1
                if sent.sources and sent.sources[0].article_id in origins:
                    correct += 1
    assert checked >= 300
    assert correct / checked >= 0.97, (correct, checked)
