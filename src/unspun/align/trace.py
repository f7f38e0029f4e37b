"""Trace an article's sentences to indexed sentences.

Stages, each small and testable:

1. *candidates*: every key of every traced sentence is looked up; indexed sentences
   are ranked by how many keys they share;
2. *verify*: each candidate is aligned word by word and scored (sequence similarity,
   and content-word overlap for reordered clauses);
3. *rescue*: sentences with no verified match are compared with every sentence of the
   articles that supplied the other matches (a heavily spun sentence may share no key,
   but its neighbours give its source away);
4. *order*: sources that hold the sentence as well as the best one are listed earliest
   published first; the first is the origin.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from unspun.align.diff import (
    content_overlap,
    diff_words,
    edits_of,
    sequence_similarity,
)
from unspun.config import TraceParams
from unspun.index.fingerprint import query_keys
from unspun.index.store import IndexReader, StoredArticle
from unspun.records import (
    Article,
    HeadlineSource,
    SourceMatch,
    SourceSummary,
    Substitution,
    TracedSentence,
    TraceReport,
    TraceSummary,
)
from unspun.text import Token, dateline_end, split_sentences, tokenize

_CANDIDATES_PER_SENTENCE = 12


@dataclass(frozen=True, slots=True)
class _Query:
    index: int
    start: int
    end: int
    text: str
    norms: tuple[str, ...]
    display: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Scored:
    rowid: int
    local: int
    similarity: float
    sequence: float
    paraphrase: bool


def _words(raw: str, start: int, end: int) -> list[Token]:
    """Tokens of a sentence, without a leading dateline (copies often drop it)."""
    return tokenize(raw, dateline_end(raw, start), end)


def _query(index: int, raw: str, start: int, end: int) -> _Query:
    toks = _words(raw, start, end)
    return _Query(
        index,
        start,
        end,
        raw[start:end],
        tuple(t.norm for t in toks),
        tuple(raw[t.start : t.end] for t in toks),
    )


class _ArticleCache:
    """Stored articles and their sentences' words, read once per trace."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.articles: dict[int, StoredArticle] = {}
        self._words: dict[tuple[int, int], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def load(self, rowids: Sequence[int]) -> None:
        missing = [r for r in rowids if r not in self.articles]
        self.articles.update(self.reader.articles(missing))

    def words(self, rowid: int, local: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(normalised words, displayed words) of a stored sentence."""
        key = (rowid, local)
        if key not in self._words:
            art = self.articles[rowid]
            if local == 0:
                text, start, end = art.title, 0, len(art.title)
            else:
                text = art.text
                start, end = art.spans[local - 1]
            toks = _words(text, start, end)
            self._words[key] = (
                tuple(t.norm for t in toks),
                tuple(text[t.start : t.end] for t in toks),
            )
        return self._words[key]


def _score(query: Sequence[str], source: Sequence[str], params: TraceParams) -> tuple[float, bool]:
    """(similarity, is_paraphrase) of a candidate, or (0, False) when it fails."""
    seq = sequence_similarity(query, source)
    if (
        seq >= params.min_close_similarity
        and min(len(query), len(source)) >= params.min_exact_words
    ):
        # A (near-)verbatim copy counts even when it is mostly function words.
        return seq, False
    overlap, shared = content_overlap(query, source)
    if shared < min(params.min_shared_content, len(query), len(source)):
        return 0.0, False
    if seq >= params.min_similarity:
        return seq, False
    if overlap >= params.min_bag_overlap and shared >= params.min_shared_content + 1:
        return max(seq, overlap * params.min_similarity), True
    return 0.0, False


class Tracer:
    """Traces articles against one open index.

    Args:
        reader: An open index.
        params: Trace thresholds.
    """

    def __init__(self, reader: IndexReader, params: TraceParams | None = None) -> None:
        self.reader = reader
        self.params = params or TraceParams()

    def trace(self, article: Article) -> TraceReport:
        """Attribute every sentence of ``article`` to indexed sentences."""
        params = self.params
        raw = article.text
        queries = [_query(i, raw, s.start, s.end) for i, s in enumerate(split_sentences(raw))]
        title_q = _query(-1, article.title, 0, len(article.title)) if article.title else None
        all_q = queries + ([title_q] if title_q is not None else [])
        keys_of = [query_keys(q.norms, self.reader.params) for q in all_q]
        hits = self.reader.lookup(
            np.concatenate(keys_of) if keys_of else np.empty(0, np.uint64),
            max_postings=params.max_postings,
        )
        votes: list[Counter[int]] = []
        for keys in keys_of:
            counter: Counter[int] = Counter()
            for key in keys.tolist():
                sids = hits.get(key)
                if sids is not None:
                    counter.update(sids.tolist())
            votes.append(counter)
        top = [[sid for sid, _ in c.most_common(_CANDIDATES_PER_SENTENCE)] for c in votes]
        where = self.reader.articles_for_sids([sid for t in top for sid in t])
        cache = _ArticleCache(self.reader)
        cache.load([rowid for rowid, _ in where.values()])

        scored: list[list[_Scored]] = []
        for q, cands in zip(all_q, top, strict=True):
            found: list[_Scored] = []
            for sid in cands:
                if sid not in where:
                    continue
                rowid, local = where[sid]
                norms, _ = cache.words(rowid, local)
                sim, para = _score(q.norms, norms, params)
                if sim > 0:
                    seq = sequence_similarity(q.norms, norms)
                    found.append(_Scored(rowid, local, sim, seq, para))
            scored.append(found)

        self._rescue(queries, scored, cache)
        traced = [self._sentence(q, s, cache) for q, s in zip(queries, scored, strict=False)]
        headline = None
        if title_q is not None:
            headline = self._headline(title_q, scored[-1], cache)
        return _report(article.title, traced, headline, cache, params)

    def _rescue(
        self, queries: Sequence[_Query], scored: list[list[_Scored]], cache: _ArticleCache
    ) -> None:
        weight: Counter[int] = Counter()
        for found in scored[: len(queries)]:
            for s in found:
                weight[s.rowid] += 1
        rowids = [r for r, _ in weight.most_common(self.params.rescue_articles)]
        if not rowids:
            return
        for q, found in zip(queries, scored, strict=False):
            if found or len(q.norms) < self.params.min_shared_content:
                continue
            for rowid in rowids:
                art = cache.articles[rowid]
                for local in range(1, len(art.spans) + 1):
                    norms, _ = cache.words(rowid, local)
                    sim, para = _score(q.norms, norms, self.params)
                    if sim > 0:
                        seq = sequence_similarity(q.norms, norms)
                        found.append(_Scored(rowid, local, sim, seq, para))

    def _ordered(self, found: Sequence[_Scored], cache: _ArticleCache) -> list[_Scored]:
        """Best match per article; holders earliest first, then the rest by similarity."""
        best: dict[int, _Scored] = {}
        for s in found:
            if s.rowid not in best or s.similarity > best[s.rowid].similarity:
                best[s.rowid] = s
        if not best:
            return []
        top = max(s.similarity for s in best.values())

        def published(s: _Scored) -> tuple[bool, str]:
            date = cache.articles[s.rowid].published
            return (date is None, date or "")

        holders = [s for s in best.values() if s.similarity >= top - self.params.holder_margin]
        holders.sort(key=lambda s: (*published(s), -s.similarity, cache.articles[s.rowid].id))
        rest = [s for s in best.values() if s.similarity < top - self.params.holder_margin]
        rest.sort(key=lambda s: (-s.similarity, cache.articles[s.rowid].id))
        return (holders + rest)[: self.params.max_sources]

    def _sentence(
        self, q: _Query, found: Sequence[_Scored], cache: _ArticleCache
    ) -> TracedSentence:
        ordered = self._ordered(found, cache)
        if not ordered:
            return TracedSentence(q.index, q.start, q.end, q.text, "original")
        sources = tuple(self._match(q, s, cache) for s in ordered)
        origin = ordered[0]
        if origin.paraphrase:
            verdict = "paraphrased"
        elif not sources[0].edits:
            verdict = "copied"
        else:
            verdict = "edited"
        return TracedSentence(q.index, q.start, q.end, q.text, verdict, sources)

    def _match(self, q: _Query, s: _Scored, cache: _ArticleCache) -> SourceMatch:
        art = cache.articles[s.rowid]
        norms, display = cache.words(s.rowid, s.local)
        # Diff the normalised words, show the words as printed.
        edits = edits_of(diff_words(norms, q.norms), display, q.display)
        return SourceMatch(
            article_id=art.id,
            url=art.url,
            outlet=art.outlet,
            published=art.published,
            sentence=art.sentence(s.local),
            sentence_index=s.local - 1,
            similarity=round(s.similarity, 4),
            edits=edits,
        )

    def _headline(
        self, q: _Query, found: Sequence[_Scored], cache: _ArticleCache
    ) -> HeadlineSource | None:
        titles = [s for s in found if s.local == 0] or list(found)
        ordered = self._ordered(titles, cache)
        if not ordered:
            return None
        art = cache.articles[ordered[0].rowid]
        return HeadlineSource(
            article_id=art.id,
            similarity=round(ordered[0].similarity, 4),
            title=art.sentence(ordered[0].local),
            outlet=art.outlet,
            published=art.published,
        )


def _report(
    title: str,
    traced: list[TracedSentence],
    headline: HeadlineSource | None,
    cache: _ArticleCache,
    params: TraceParams,
) -> TraceReport:
    by_origin: dict[str, list[int]] = defaultdict(list)
    for t in traced:
        if t.sources:
            by_origin[t.sources[0].article_id].append(t.index)
    arts = {a.id: a for a in cache.articles.values()}
    n = len(traced) or 1
    sources = sorted(
        (
            SourceSummary(
                article_id=aid,
                url=arts[aid].url,
                outlet=arts[aid].outlet,
                published=arts[aid].published,
                title=arts[aid].title,
                sentences=tuple(idx),
                coverage=round(len(idx) / n, 4),
            )
            for aid, idx in by_origin.items()
        ),
        key=lambda s: (-len(s.sentences), s.sentences[0]),
    )
    subs: Counter[tuple[str, str]] = Counter()
    for t in traced:
        if t.sources and t.verdict == "edited":
            for e in t.sources[0].edits:
                if e.kind == "replace":
                    subs[(e.from_.lower(), e.to.lower())] += 1
    copied = sum(1 for t in traced if t.verdict != "original")
    fraction = copied / n if traced else 0.0
    summary = TraceSummary(
        stitched=len(sources) >= params.stitched_min_sources
        and fraction >= params.stitched_min_copied,
        source_count=len(sources),
        copied_fraction=round(fraction, 4),
        edited_sentences=sum(1 for t in traced if t.verdict == "edited"),
        substitutions=tuple(
            Substitution(a, b, c)
            for (a, b), c in sorted(subs.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    )
    return TraceReport(title, tuple(traced), tuple(sources), summary, headline)
