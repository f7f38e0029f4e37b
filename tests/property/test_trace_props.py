"""Fuzz the tracer and the forensic reading with hostile text.

Articles are made of pieces of the fictional test corpus (so some sentences match),
random words, arbitrary Unicode, control characters, separator lines and runs without
a sentence break. Whatever the text: no exception; every traced sentence slices back
to its text; sources quote the stored sentence they name; the summary adds up; and a
check of the same text gives signals whose evidence slices back to its text.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fiction import FICTION
from tests.property.fuzzing import budget
from unspun.align.trace import Tracer
from unspun.config import IndexParams
from unspun.index.store import IndexReader, IndexWriter
from unspun.ingest.records import article_from_mapping
from unspun.pipeline import check_article, prepare
from unspun.records import Article
from unspun.text import split_sentences

_SENTENCES = [s.slice(str(a["text"])) for a in FICTION for s in split_sentences(str(a["text"]))]
_PIECES = st.one_of(
    st.sampled_from(_SENTENCES),
    st.text(max_size=80),
    st.sampled_from(["***", "—", "{", "\x1b[2J", "\u202e", "\x00", "[/]", "  ", "\n\n", "."]),
    st.lists(
        st.sampled_from(["ferry", "Port", "Alder", "crews", "3,000", "said"]), max_size=40
    ).map(" ".join),
    st.integers(3_000, 7_000).map(lambda n: ("tide mill " * n)[:n]),  # a run without breaks
)
_TEXTS = st.lists(
    st.tuples(_PIECES, st.sampled_from([" ", "\n", "\n\n", ""])), min_size=1, max_size=12
).map(lambda parts: "".join(p + g for p, g in parts))


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexReader]:
    db = tmp_path_factory.mktemp("trace-props") / "db"
    params = IndexParams()
    with IndexWriter(db, params) as writer:
        for obj in FICTION:
            article = article_from_mapping(obj, origin="test")
            assert isinstance(article, Article)
            writer.add(prepare(article, params))
    with IndexReader(db) as opened:
        yield opened


@given(text=_TEXTS, title=st.one_of(st.just(""), _PIECES))
@budget(60)
def test_any_text_traces_to_sentences_that_slice_back(
    reader: IndexReader, text: str, title: str
) -> None:
    if not text.strip():
        return  # an article needs a body (the readers refuse an empty one)
    report = Tracer(reader).trace(Article(id="q", title=title, text=text))
    assert [s.index for s in report.sentences] == list(range(len(report.sentences)))
    for s in report.sentences:
        assert text[s.start : s.end] == s.text
        assert (s.verdict == "original") == (not s.sources)
        for m in s.sources:
            stored = reader.article_by_id(m.article_id)
            assert stored is not None and stored.sentence(m.sentence_index + 1) == m.sentence
            assert 0.0 < m.similarity <= 1.0
    assert report.summary.source_count == len(report.sources)
    assert 0.0 <= report.summary.copied_fraction <= 1.0


@given(text=_TEXTS, title=st.one_of(st.just(""), _PIECES))
@budget(20)
def test_any_text_checks_with_evidence_that_slices_back(text: str, title: str) -> None:
    if not text.strip():
        return
    report = check_article(Article(id="q", title=title, text=text))
    for signal in report.signals:
        assert 0.0 <= signal.score <= 1.0
        for e in signal.evidence:
            source = title if e.sentence == -1 else text
            assert source[e.start : e.end] == e.text
    for q in report.quotes:  # the span holds the quotation marks, the text what is inside
        assert q.text in text[q.start : q.end]
