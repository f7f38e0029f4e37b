"""Trace an article's sentences to indexed sentences.

Stages, each small and testable:

1. *candidates*: every key of every traced sentence is looked up; indexed sentences
   are ranked by how many keys they share;
2. *verify*: candidates that cannot pass scoring are ruled out from their stored
   sketches (:mod:`unspun.align.sketch`: no text read, results unchanged); each one left
   is aligned word by word and scored (sequence similarity, and content-word overlap
   for reordered clauses); a sentence none of whose first candidates passes gets a
   deeper look down its ranking (``deep_candidates``), and then a look further still
   (``sketch_depth``) that reads only sketches and verifies the few likeliest by them:
   in a big index a heavily spun sentence may share a single sampled key with its
   source, which then ties with thousands of chance matches;
3. *rescue*: sentences with no verified match are compared with every sentence of the
   articles that supplied the other matches (a heavily spun sentence may share no key,
   but its neighbours give its source away);
4. *paraphrase* (optional, with an embedder from the ``embed`` extra): sentences still
   without a source are compared by meaning with their closest candidates (their own
   lexical candidates and the sentences of the rescue articles, the closest in content
   words first); a close enough one is a ``paraphrased`` source;
5. *order*: sources that hold the sentence as well as the best one are listed earliest
   published first; the first is the origin.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from unspun.align.diff import content_words, diff_words, edits_of, sequence_similarity
from unspun.align.sketch import Candidates, QuerySketch, assess, may_match, query_sketch
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
from unspun.text import Token, dateline_end, segment, tokenize, words

if TYPE_CHECKING:
    from unspun.align.semantic import SentenceEmbedder


#: Words of the sentences whose candidates are looked up and verified together.
TRACE_BATCH_WORDS = 8_000
#: Articles a trace keeps read between batches before it lets go of unmatched ones.
CACHE_KEPT = 2_000
#: Stored sentences whose words a trace keeps between batches.
WORDS_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class _Query:
    index: int
    start: int
    end: int
    text: str
    plain: str  # the text without a leading dateline
    norms: tuple[str, ...]
    content: frozenset[str]
    facts: frozenset[str]
    sketch: QuerySketch

    def display(self) -> list[str]:
        """The words as printed (made when a match is reported, not kept: a long
        article has hundreds of thousands)."""
        return [self.plain[t.start : t.end] for t in tokenize(self.plain)]


@dataclass(frozen=True, slots=True)
class _Words:
    """What scoring needs of a stored sentence, computed once per trace."""

    norms: list[str]
    content: frozenset[str]
    facts: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Scored:
    rowid: int
    local: int
    similarity: float
    semantic: bool = False


def _words(raw: str, start: int, end: int) -> list[Token]:
    """Tokens of a sentence, without a leading dateline (copies often drop it)."""
    return tokenize(raw, dateline_end(raw, start), end)


def _query(index: int, raw: str, start: int, end: int) -> _Query:
    # Interned: news repeats its words, and a long article holds many.
    norms = tuple(sys.intern(t.norm) for t in _words(raw, start, end))
    return _Query(
        index,
        start,
        end,
        raw[start:end],
        raw[dateline_end(raw, start) : end],
        norms,
        content_words(norms),
        _facts(norms),
        query_sketch(norms),
    )


def _batches(queries: Sequence[_Query]) -> Iterable[Sequence[_Query]]:
    """Consecutive runs of queries holding about :data:`TRACE_BATCH_WORDS` words (an
    article of ordinary length is one batch)."""
    start, count = 0, 0
    for i, q in enumerate(queries):
        count += len(q.norms)
        if count >= TRACE_BATCH_WORDS:
            yield queries[start : i + 1]
            start, count = i + 1, 0
    if start < len(queries):
        yield queries[start:]


class _ArticleCache:
    """Stored articles and their sentences' words, read once per trace."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.articles: dict[int, StoredArticle] = {}
        self.where: dict[int, tuple[int, int]] = {}
        self._words: dict[tuple[int, int], _Words] = {}

    def load(self, rowids: Sequence[int]) -> None:
        missing = [r for r in rowids if r not in self.articles]
        self.articles.update(self.reader.articles(missing))

    def keep(self, rowids: set[int]) -> None:
        """Let go of what a long trace no longer needs: the articles not in ``rowids``
        when more than :data:`CACHE_KEPT` are held, and the sentences' words when more
        than :data:`WORDS_KEPT` are (a later stage makes again those it needs)."""
        if len(self._words) > WORDS_KEPT:
            self._words = {}
        if len(self.articles) <= CACHE_KEPT:
            return
        self.articles = {r: a for r, a in self.articles.items() if r in rowids}
        self._words = {k: w for k, w in self._words.items() if k[0] in rowids}
        self.where = {sid: w for sid, w in self.where.items() if w[0] in rowids}

    def _bounds(self, rowid: int, local: int) -> tuple[str, int, int]:
        art = self.articles[rowid]
        if local == 0:
            return art.title, 0, len(art.title)
        start, end = art.spans[local - 1]
        return art.text, dateline_end(art.text, start), end

    def words(self, rowid: int, local: int) -> _Words:
        """Normalised words (dateline left out), content words and facts of a stored
        sentence."""
        key = (rowid, local)
        cached = self._words.get(key)
        if cached is None:
            text, start, end = self._bounds(rowid, local)
            norms = words(text[start:end])
            content = content_words(norms)
            cached = self._words[key] = _Words(norms, content, _facts(content))
        return cached

    def plain(self, rowid: int, local: int) -> str:
        """Text of a stored sentence without its leading dateline."""
        text, start, end = self._bounds(rowid, local)
        return text[start:end]

    def display(self, rowid: int, local: int) -> tuple[list[str], list[str]]:
        """(normalised words, words as printed) of a stored sentence."""
        text, start, end = self._bounds(rowid, local)
        toks = tokenize(text, start, end)
        return [t.norm for t in toks], [text[t.start : t.end] for t in toks]


# Calendar words are facts like numbers: "from October 31" is not "from December 31".
# ("may" is left out: it is more often a verb than the month.)
_CALENDAR = frozenset(
    """january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def _facts(words: Iterable[str]) -> frozenset[str]:
    """Numbers, months and weekdays among normalised words: facts a copy keeps.

    A spinner reformats numbers ("1,200" to "1200") but the normaliser reads both
    alike, so their values survive.

    >>> sorted(_facts(["sales", "rose", "3.5", "percent", "in", "march"]))
    ['3.5', 'march']
    """
    return frozenset(w for w in words if w[:1].isdigit() or w in _CALENDAR)


def _contradicts(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether each side holds a fact (number, month, weekday) the other lacks."""
    return bool(a - b) and bool(b - a)


def _score(query: _Query, stored: _Words, params: TraceParams) -> float:
    """Similarity of a candidate in (0, 1], or 0 when it is not a source.

    Word-sequence similarity decides; content-word overlap rescues reordered clauses
    (scored at most ``min_similarity``, so true sequence matches rank first). Two
    sentences that each hold a number, month or weekday the other lacks report
    different facts ("rose 3 pct" is not "rose 5 pct"), however alike their words.
    """
    source, content = stored.norms, stored.content
    seq = sequence_similarity(query.norms, source)
    if seq < params.min_bag_similarity:
        return 0.0
    if _contradicts(query.facts, stored.facts):
        return 0.0
    shorter = min(len(query.norms), len(source))
    if seq >= params.min_close_similarity and shorter >= params.min_exact_words:
        # A (near-)verbatim copy counts even when it is mostly function words.
        return seq
    shared = len(query.content & content)
    if (
        seq >= params.loose_similarity
        and shared >= params.loose_shared_content
        and shorter >= params.min_exact_words
    ):
        # Spinners swap content words and keep the sentence's skeleton: a close word
        # sequence with some shared content is a copy.
        return seq
    if shared < min(params.min_shared_content, shorter):
        return 0.0
    if seq >= params.min_similarity:
        return seq
    # Reordered clauses: the source must cover most of the traced sentence's content
    # and be of comparable length (a short headline covers little of a long sentence).
    covered = shared / len(query.content) if query.content else 0.0
    if (
        shared >= params.min_shared_content + 1
        and covered >= params.min_bag_overlap
        and shared >= params.min_bag_overlap * len(content)
    ):
        return max(seq, covered * params.min_similarity)
    return 0.0


def _strongest(ranked: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    """The head of a ranking: at most ``limit``, none under a quarter of the best weight.

    When a sentence has clear sources, weak chance matches are not worth verifying.
    """
    if not ranked:
        return []
    floor = ranked[0][1] / 4
    return [c for c in ranked[:limit] if c[1] >= floor]


def _rank(
    keys: Sequence[int], hits: dict[int, npt.NDArray[np.uint64]], limit: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Candidate sentence ids and their weights, best first (at most ``limit``).

    Each shared key is a vote weighted by how rare the key is (``1 / (1 + log2 df)``),
    so a rare name or number counts for more than a common phrase.
    """
    runs = [hits[k] for k in keys if k in hits]
    if not runs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    sids = np.concatenate(runs)
    weights = np.repeat(
        np.array([1.0 / (1.0 + math.log2(len(r))) for r in runs]), [len(r) for r in runs]
    )
    unique, inverse = np.unique(sids, return_inverse=True)
    totals = np.bincount(inverse, weights=weights)
    # Highest weight first; ties go to the lower sentence id, so results are stable.
    order = np.lexsort((unique, -totals))[:limit]
    return unique[order].astype(np.int64), np.asarray(totals[order], dtype=np.float64)


def _head(
    ranking: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]], limit: int
) -> list[tuple[int, float]]:
    """The first ``limit`` of a ranking as (sentence id, weight) pairs."""
    sids, weights = ranking
    return list(zip(sids[:limit].tolist(), weights[:limit].tolist(), strict=True))


def _drop_outliers(scored: list[list[_Scored]], params: TraceParams) -> None:
    """Drop the matches of sentences far less alike than the article's other matches.

    A copy is spun as a whole: its traced sentences are about equally close to their
    sources (all verbatim, or all heavily reworded). A sentence whose best match is much
    weaker than the article's median (by more than ``article_margin``) is more likely an
    original sentence that happens to resemble a templated one ("No other fees were
    immediately available." against "No other details ...") than a copy. Needs at least
    ``article_min_matches`` matched sentences to judge.
    """
    best = [max(s.similarity for s in found) for found in scored if found]
    if params.article_margin is None or len(best) < params.article_min_matches:
        return
    floor = float(np.median(best)) - params.article_margin
    for found in scored:
        if found and max(s.similarity for s in found) < floor:
            found.clear()


class Tracer:
    """Traces articles against one open index.

    Args:
        reader: An open index.
        params: Trace thresholds.
        embedder: Sentence embeddings for the optional semantic stage
            (:meth:`unspun.align.semantic.SentenceEmbedder.load`); None for lexical
            matching only.
    """

    def __init__(
        self,
        reader: IndexReader,
        params: TraceParams | None = None,
        embedder: SentenceEmbedder | None = None,
    ) -> None:
        self.reader = reader
        self.params = params or TraceParams()
        self.embedder = embedder

    def trace(self, article: Article) -> TraceReport:
        """Attribute every sentence of ``article`` to indexed sentences."""
        params = self.params
        raw = article.text
        seg = segment(raw)
        queries = [_query(i, raw, s.start, s.end) for i, s in enumerate(seg.spans)]
        title_q = _query(-1, article.title, 0, len(article.title)) if article.title else None
        all_q = queries + ([title_q] if title_q is not None else [])
        cache = _ArticleCache(self.reader)
        scored: list[list[_Scored]] = []
        ranked: list[list[tuple[int, float]]] = []
        # Sentences find their candidates independently: a long article is taken a batch
        # at a time, so the postings looked up (and articles read) for one batch are let
        # go before the next. Memory stays bounded whatever the article's length.
        for batch in _batches(all_q):
            found, heads = self._candidates(batch, cache)
            scored += found
            # Only the semantic stage reads the rankings again (a long article's are big).
            ranked += heads if self.embedder is not None else [[] for _ in heads]
            cache.keep({s.rowid for matches in scored for s in matches})

        rescued_from = self._rescue(queries, scored, cache)
        if self.embedder is not None:
            self._paraphrases(queries, scored, ranked, rescued_from, cache)
        _drop_outliers(scored[: len(queries)], params)
        traced = [self._sentence(q, s, cache) for q, s in zip(queries, scored, strict=False)]
        headline = None
        if title_q is not None:
            headline = self._headline(title_q, scored[-1], cache)
        report = _report(article.title, traced, headline, cache, params)
        return replace(report, notes=seg.notes()) if seg.cut else report

    def _candidates(
        self, all_q: Sequence[_Query], cache: _ArticleCache
    ) -> tuple[list[list[_Scored]], list[list[tuple[int, float]]]]:
        """Verified matches of each query from its key lookups (stages 1 and 2), and the
        head of each one's candidate ranking."""
        params = self.params
        keys_of = [query_keys(q.norms, self.reader.params) for q in all_q]
        hits = self.reader.lookup(
            np.concatenate(keys_of) if keys_of else np.empty(0, np.uint64),
            max_postings=params.max_postings,
        )
        # First the strongest candidates of every sentence; then, for sentences that
        # found nothing (heavily spun, or original), a deeper look down their ranking.
        depth = max(params.deep_candidates, params.sketch_depth if params.sketch_verify else 0)
        long_ranked = [_rank(keys.tolist(), hits, depth) for keys in keys_of]
        del hits
        ranked = [_head(r, params.deep_candidates) for r in long_ranked]
        first = [_strongest(r, params.candidates) for r in ranked]
        scored = self._verify(all_q, [[sid for sid, _ in f] for f in first], cache)
        deeper = [
            [sid for sid, w in r[len(f) :] if w >= params.deep_min_weight]
            if not found and len(q.norms) >= params.min_exact_words
            else []
            for q, r, f, found in zip(all_q, ranked, first, scored, strict=True)
        ]
        for found, more in zip(scored, self._verify(all_q, deeper, cache), strict=True):
            found.extend(more)
        further = [
            r[0][params.deep_candidates :]
            if not found and len(q.norms) >= max(params.min_exact_words, params.sketch_min_words)
            else np.empty(0, dtype=np.int64)
            for q, r, found in zip(all_q, long_ranked, scored, strict=True)
        ]
        if any(len(f) for f in further):
            # Chosen among the candidates their sketches allow: scored directly.
            likeliest = self._likeliest(all_q, further)
            for found, more in zip(scored, self._score_all(all_q, likeliest, cache), strict=True):
                found.extend(more)
        return scored, ranked

    def _plausible(
        self, queries: Sequence[_Query], candidates: Sequence[Sequence[int]]
    ) -> list[list[int]]:
        """Each query's candidates less those its sketch rules out (ranking order kept)."""
        wanted = sorted({sid for c in candidates for sid in c})
        if not wanted:
            return [[] for _ in candidates]
        row_of = {sid: i for i, sid in enumerate(wanted)}
        sketches = Candidates.unpack(self.reader.sketches(wanted))
        kept: list[list[int]] = []
        for q, cands in zip(queries, candidates, strict=True):
            if not cands:
                kept.append([])
                continue
            at = np.fromiter((row_of[sid] for sid in cands), dtype=np.intp, count=len(cands))
            mask = may_match(q.sketch, sketches.take(at), self.params)
            kept.append([sid for sid, ok in zip(cands, mask.tolist(), strict=True) if ok])
        return kept

    def _likeliest(
        self, queries: Sequence[_Query], candidates: Sequence[npt.NDArray[np.int64]]
    ) -> list[list[int]]:
        """Of each query's candidates, the ``sketch_verify`` that its sketch may match
        and finds the most alike (:func:`~unspun.align.sketch.assess`), likeliest
        first; ties keep the ranking order."""
        picked: list[list[int]] = []
        for q, cands in zip(queries, candidates, strict=True):
            if not len(cands):
                picked.append([])
                continue
            rows = Candidates.unpack(self.reader.sketches(cands))
            possible, alike = assess(q.sketch, rows, self.params)
            ok = np.flatnonzero(possible)
            best = ok[np.argsort(-alike[ok], kind="stable")[: self.params.sketch_verify]]
            picked.append(cands[best].tolist())
        return picked

    def _verify(
        self, queries: Sequence[_Query], candidates: Sequence[Sequence[int]], cache: _ArticleCache
    ) -> list[list[_Scored]]:
        """Score each query's candidate sentence ids that their sketches do not rule
        out; keep those that pass."""
        return self._score_all(queries, self._plausible(queries, candidates), cache)

    def _score_all(
        self, queries: Sequence[_Query], candidates: Sequence[Sequence[int]], cache: _ArticleCache
    ) -> list[list[_Scored]]:
        """Score each query's candidate sentence ids (read from the index); keep those
        that pass."""
        where = self.reader.articles_for_sids([sid for c in candidates for sid in c])
        cache.where.update(where)
        cache.load([rowid for rowid, _ in where.values()])
        scored: list[list[_Scored]] = []
        for q, cands in zip(queries, candidates, strict=True):
            found: list[_Scored] = []
            for sid in cands:
                if sid not in where:
                    continue
                rowid, local = where[sid]
                sim = _score(q, cache.words(rowid, local), self.params)
                if sim > 0:
                    found.append(_Scored(rowid, local, sim))
            scored.append(found)
        return scored

    def _rescue(
        self, queries: Sequence[_Query], scored: list[list[_Scored]], cache: _ArticleCache
    ) -> list[int]:
        """Compare unmatched sentences with every sentence of the articles that supplied
        the most matches; returns those articles' rowids."""
        weight: Counter[int] = Counter()
        for found in scored[: len(queries)]:
            for s in found:
                weight[s.rowid] += 1
        rowids = [r for r, _ in weight.most_common(self.params.rescue_articles)]
        todo = [
            (q, found)
            for q, found in zip(queries, scored, strict=False)
            if not found and len(q.norms) >= self.params.min_exact_words
        ]
        if not rowids or not todo:
            return rowids
        # Every body sentence of the rescue articles, as (rowid, local) and sentence id.
        pairs = [
            (rowid, local)
            for rowid in rowids
            for local in range(1, len(cache.articles[rowid].spans) + 1)
        ]
        sids = [cache.articles[rowid].sid0 + local for rowid, local in pairs]
        sketches = Candidates.unpack(self.reader.sketches(sids))
        for q, found in todo:
            for i in np.flatnonzero(may_match(q.sketch, sketches, self.params)).tolist():
                rowid, local = pairs[i]
                sim = _score(q, cache.words(rowid, local), self.params)
                if sim > 0:
                    found.append(_Scored(rowid, local, sim))
        return rowids

    def _paraphrases(
        self,
        queries: Sequence[_Query],
        scored: list[list[_Scored]],
        ranked: Sequence[Sequence[tuple[int, float]]],
        rescued_from: Sequence[int],
        cache: _ArticleCache,
    ) -> None:
        """Semantic stage: embed each unmatched sentence and its closest candidates."""
        assert self.embedder is not None
        params = self.params
        todo: list[tuple[_Query, list[tuple[int, int]]]] = []
        waiting = [
            (q, ranking)
            for q, found, ranking in zip(queries, scored, ranked, strict=False)
            if not found and len(q.norms) >= params.min_exact_words
        ]
        # Candidates ruled out by their sketches were never read: read them now (their
        # meaning may still be close).
        unread = [sid for _, ranking in waiting for sid, _ in ranking if sid not in cache.where]
        where = self.reader.articles_for_sids(unread)
        cache.where.update(where)
        cache.load([rowid for rowid, _ in where.values()])
        for q, ranking in waiting:
            pool = {cache.where[sid] for sid, _ in ranking if sid in cache.where}
            for rowid in rescued_from:
                pool.update(
                    (rowid, local) for local in range(1, len(cache.articles[rowid].spans) + 1)
                )
            shared: list[tuple[int, int, int]] = []
            for rowid, local in pool:
                stored = cache.words(rowid, local)
                if not _contradicts(q.facts, stored.facts):
                    shared.append((-len(q.content & stored.content), rowid, local))
            closest = sorted(shared)[: params.semantic_candidates]
            if closest:
                todo.append((q, [(rowid, local) for _, rowid, local in closest]))
        if not todo:
            return
        # Datelines ("VERRIN, May 4 (Wire) -") say nothing of the sentence's meaning.
        texts = [q.plain for q, _ in todo]
        texts += [cache.plain(rowid, local) for _, pairs in todo for rowid, local in pairs]
        vectors = self.embedder.encode(texts)
        at = len(todo)
        for i, (q, pairs) in enumerate(todo):
            cosines = vectors[at : at + len(pairs)] @ vectors[i]
            at += len(pairs)
            for (rowid, local), cos in zip(pairs, cosines.tolist(), strict=True):
                if cos >= params.semantic_min_similarity:
                    scored[q.index].append(_Scored(rowid, local, min(cos, 1.0), semantic=True))

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
        if ordered[0].semantic:
            verdict = "paraphrased"
        else:
            verdict = "edited" if sources[0].edits else "copied"
        return TracedSentence(q.index, q.start, q.end, q.text, verdict, sources)

    def _match(self, q: _Query, s: _Scored, cache: _ArticleCache) -> SourceMatch:
        art = cache.articles[s.rowid]
        norms, display = cache.display(s.rowid, s.local)
        # Diff the normalised words, show the words as printed.
        edits = edits_of(diff_words(norms, q.norms), display, q.display())
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
