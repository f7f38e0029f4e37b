"""Baseline tracer for the benchmark: sentence-level MinHash-LSH built on datasketch.

Every indexed sentence of at least ``min_words`` words becomes one MinHash sketch of
its word n-grams (``shingle`` words; a shorter sentence is one shingle of all its
words), inserted into a :class:`datasketch.MinHashLSH` under ``"<article id>#<index>"``.
A traced sentence is sketched the same way; the LSH returns candidates, each is scored
by the MinHash estimate of the Jaccard similarity (all candidates at once, on the
stacked signatures), those under ``min_jaccard`` are dropped, and the best one wins,
ties going to the earliest ``published`` article (undated last), then the smallest id
-- unspun's "origin = earliest holder" rule. Sentences and words come from
:func:`unspun.text.split_sentences` and :func:`unspun.text.words`, and a dateline is
skipped the way unspun's indexer skips it, so both systems compare the same units.

Tuning: on Reuters-21578 (first 5,000 valid articles; 31,102 sentences indexed), 200
queries per spin level, each of 6 sentences of 4+ words drawn from random indexed
articles, with 0 %, 10 % or a third of every sentence's words replaced at random
positions by random vocabulary words (truth: the indexed articles holding the original
sentence exactly), and again with 2 of the 6 sentences from 2,000 held-out articles
(mostly sourceless, though Reuters near-duplicates count against the tracer), sentence
F1 as :func:`tune` scores it. On :data:`DEFAULT_GRID` (shingle 2/3/5, threshold 0.2-0.7,
no cutoff) shingle 2 at threshold 0.2 was best at every level (F1 1.000 verbatim, 0.992
light, 0.883 heavy) but fell to 0.80-0.85 once sourceless sentences were mixed in, as
any LSH candidate was accepted. :data:`EXTENDED_GRID` (single words, threshold 0.1-0.5,
``min_jaccard`` 0-0.6) found word sets with a 0.4 cutoff best on the mean F1 of the six
runs: 0.964 (0.999 / 0.991 / 0.961 without, 0.953 / 0.947 / 0.932 with sourceless
sentences). Thresholds 0.1-0.3 score the same there, but lower ones return far more
candidates (a tenth of the index at 0.2), so 0.3 is the default; ``num_perm`` 256 moved
word-set F1 by less than 0.01.

Reproduce with::

    .venv/bin/python -m bench.baseline [--limit 5000] [--queries 200] [--seed 7] \\
        [--held-out 2] [--extended] [--json rows.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH  # type: ignore[import-untyped]

from unspun.records import Article, Span
from unspun.text import dateline_end, split_sentences, words

__all__ = [
    "DEFAULT_GRID",
    "EXTENDED_GRID",
    "BaselineParams",
    "MinHashTracer",
    "score",
    "tune",
]

Traced = tuple[int, int, str | None, float]
"""One traced sentence: raw start, raw end, source article id (or None), Jaccard."""

Row = dict[str, float | int]
"""One configuration's scores, as :func:`tune` returns them."""


@dataclass(frozen=True)
class BaselineParams:
    """Settings of the MinHash-LSH baseline.

    Attributes:
        num_perm: MinHash permutations per sketch.
        shingle: Word n-gram size of a sentence's shingles (1: its set of words).
        threshold: Jaccard threshold the LSH banding is optimised for (datasketch
            picks bands and rows minimising equal-weight false-positive and
            false-negative areas).
        min_words: Sentences with fewer words are neither indexed nor traced.
        min_jaccard: Candidates whose estimated Jaccard is below this are dropped
            (0 keeps every LSH candidate).
    """

    num_perm: int = 128
    shingle: int = 1
    threshold: float = 0.3
    min_words: int = 4
    min_jaccard: float = 0.4

    def __post_init__(self) -> None:
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be at least 2, got {self.num_perm}")
        if self.shingle < 1:
            raise ValueError(f"shingle must be at least 1, got {self.shingle}")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.min_words < 1:
            raise ValueError(f"min_words must be at least 1, got {self.min_words}")
        if not 0.0 <= self.min_jaccard <= 1.0:
            raise ValueError(f"min_jaccard must be in [0, 1], got {self.min_jaccard}")


def _units(text: str) -> list[tuple[Span, tuple[str, ...]]]:
    """Sentences of ``text`` with their normalised words (dateline skipped)."""
    spans = split_sentences(text)
    return [(s, tuple(words(text[dateline_end(text, s.start) : s.end]))) for s in spans]


class _Sketcher:
    """Turns a sentence's words into a LeanMinHash of its word n-grams.

    One MinHash is reused (cleared, then updated with the whole batch of shingles),
    so its permutations are drawn once.
    """

    def __init__(self, num_perm: int, shingle: int, *, cache: bool = False) -> None:
        self.shingle = shingle
        self._minhash = MinHash(num_perm=num_perm, hashfunc=xxhash.xxh32_intdigest)
        self._cache: dict[tuple[str, ...], LeanMinHash] | None = {} if cache else None

    def shingles(self, ws: Sequence[str]) -> list[bytes]:
        """The word n-grams of ``ws`` as UTF-8 bytes (all of ``ws`` if it is shorter)."""
        n = self.shingle
        if len(ws) <= n:
            return [" ".join(ws).encode()]
        return [" ".join(ws[i : i + n]).encode() for i in range(len(ws) - n + 1)]

    def __call__(self, ws: tuple[str, ...]) -> LeanMinHash:
        if self._cache is not None and ws in self._cache:
            return self._cache[ws]
        self._minhash.clear()
        self._minhash.update_batch(self.shingles(ws))
        sketch = LeanMinHash(self._minhash)
        if self._cache is not None:
            self._cache[ws] = sketch
        return sketch


class MinHashTracer:
    """Sentence-level MinHash-LSH tracer (the benchmark's baseline).

    Example:
        >>> a = Article("a", "", "Crews walked out on Friday after talks broke down.",
        ...             published="2032-05-02")
        >>> tracer = MinHashTracer()
        >>> tracer.index([a])
        >>> tracer.trace(Article("b", "", "Crews walked out on Friday after talks broke down."))
        [(0, 50, 'a', 1.0)]
    """

    def __init__(self, params: BaselineParams = BaselineParams()) -> None:
        self.params = params
        self._sketch = _Sketcher(params.num_perm, params.shingle)
        self._lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
        # Row of each LSH key in the signature matrix, and the article owning each row.
        self._row: dict[str, int] = {}
        self._owner: list[str] = []
        self._signatures: list[npt.NDArray[np.uint32]] = []
        self._matrix: npt.NDArray[np.uint32] | None = None
        # Sort key of each indexed article: undated last, then by date, then by id.
        self._order: dict[str, tuple[bool, str, str]] = {}

    @property
    def sentence_count(self) -> int:
        """How many sentences are indexed."""
        return len(self._owner)

    def index(self, articles: Iterable[Article]) -> None:
        """Add articles' sentences to the index.

        An article whose id is already indexed is skipped (the first one is kept).

        Args:
            articles: The articles to index.
        """
        for article in articles:
            if article.id in self._order:
                continue
            units = _units(article.text)
            sketches = [
                self._sketch(ws) if len(ws) >= self.params.min_words else None for _, ws in units
            ]
            self._add(article, sketches)

    def trace(self, article: Article) -> list[Traced]:
        """Attribute each sentence of ``article.text`` to an indexed article.

        Args:
            article: The article to trace (it need not be indexed).

        Returns:
            One ``(start, end, source id or None, estimated Jaccard)`` per sentence,
            in order; ``(start, end, None, 0.0)`` for a sentence shorter than
            ``min_words`` or with no LSH candidate at ``min_jaccard`` or above.
        """
        out: list[Traced] = []
        for span, ws in _units(article.text):
            if len(ws) < self.params.min_words:
                out.append((span.start, span.end, None, 0.0))
                continue
            source, jaccard = self._best(self._sketch(ws))
            if jaccard < self.params.min_jaccard:
                source, jaccard = None, 0.0
            out.append((span.start, span.end, source, jaccard))
        return out

    def _add(self, article: Article, sketches: Sequence[LeanMinHash | None]) -> None:
        """Insert one article's precomputed sketches (None for unindexed sentences)."""
        self._order[article.id] = (article.published is None, article.published or "", article.id)
        for i, sketch in enumerate(sketches):
            if sketch is None:
                continue
            key = f"{article.id}#{i}"
            self._lsh.insert(key, sketch, check_duplication=False)
            self._row[key] = len(self._owner)
            self._owner.append(article.id)
            self._signatures.append(sketch.hashvalues)
        self._matrix = None

    def _best(self, sketch: LeanMinHash) -> tuple[str | None, float]:
        """The best candidate's article id and Jaccard estimate, or ``(None, 0.0)``.

        ``min_jaccard`` is applied by the caller: dropping the candidates below it
        and then taking the best is the same as taking the best and then dropping it.
        """
        keys = self._lsh.query(sketch)
        if not keys:
            return None, 0.0
        if self._matrix is None:
            self._matrix = np.stack(self._signatures)
        rows = np.fromiter((self._row[k] for k in keys), dtype=np.intp, count=len(keys))
        # The MinHash estimate (share of equal slots, as MinHash.jaccard computes it) for
        # all candidates at once: with word-set sketches a query can have thousands.
        equal = np.count_nonzero(self._matrix[rows] == sketch.hashvalues, axis=1)
        top = int(equal.max())
        holders = {self._owner[r] for r in rows[equal == top].tolist()}
        return min(holders, key=self._order.__getitem__), top / self.params.num_perm


DEFAULT_GRID: tuple[BaselineParams, ...] = tuple(
    BaselineParams(shingle=n, threshold=t, min_jaccard=0.0)
    for n, t in itertools.product((2, 3, 5), (0.2, 0.3, 0.4, 0.5, 0.6, 0.7))
)
"""The tuning grid: shingle in {2, 3, 5} by threshold in {0.2, ..., 0.7}, no Jaccard cutoff."""

EXTENDED_GRID: tuple[BaselineParams, ...] = tuple(
    BaselineParams(shingle=n, threshold=t, min_jaccard=c)
    for n, t, c in itertools.product(
        (1, 2, 3), (0.1, 0.2, 0.3, 0.4, 0.5), (0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
    )
)
"""Beyond the brief's grid: single words, lower thresholds and a Jaccard cutoff."""


def score(
    predicted: Sequence[str | None], truth: Sequence[set[str] | None]
) -> tuple[int, int, int]:
    """Count sentence-level true positives, false positives and false negatives.

    A sentence whose truth set is non-empty is a TP when the prediction is in it, an
    FN when there is no prediction, and both an FP and an FN when the prediction is
    outside it. A sentence with no truth (None or empty) and a prediction is an FP.

    Args:
        predicted: The predicted source id per sentence.
        truth: The set of correct source ids per sentence.

    Returns:
        ``(tp, fp, fn)``.

    >>> score(["a", None, "b", "c", None], [{"a"}, {"a"}, {"a"}, None, set()])
    (1, 2, 2)
    """
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predictions for {len(truth)} truth sets")
    tp = fp = fn = 0
    for pred, correct in zip(predicted, truth, strict=True):
        if correct:
            if pred is None:
                fn += 1
            elif pred in correct:
                tp += 1
            else:
                fp += 1
                fn += 1
        elif pred is not None:
            fp += 1
    return tp, fp, fn


def _row(params: BaselineParams, tp: int, fp: int, fn: int) -> Row:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "num_perm": params.num_perm,
        "shingle": params.shingle,
        "threshold": params.threshold,
        "min_words": params.min_words,
        "min_jaccard": params.min_jaccard,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def tune(
    indexed: list[Article],
    queries: list[tuple[Article, list[set[str] | None]]],
    grid: Iterable[BaselineParams] = DEFAULT_GRID,
) -> list[Row]:
    """Score every configuration of ``grid`` on the same index and queries.

    Sketches depend only on ``num_perm`` and ``shingle``, so they are computed once
    per such pair and shared by the thresholds (and ``min_words``) that use them;
    each configuration still gets its own LSH and runs the same code as
    :meth:`MinHashTracer.trace`.

    Args:
        indexed: The articles to index.
        queries: Each query article with the truth per sentence of its text (as
            :func:`unspun.text.split_sentences` cuts it): the set of correct source
            ids, or None / an empty set when the sentence must be attributed to
            nothing.
        grid: The configurations to try.

    Returns:
        One row per configuration (``num_perm``, ``shingle``, ``threshold``,
        ``min_words``, ``min_jaccard``, ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1``),
        best F1 first (ties: higher precision, then smaller shingle and threshold).

    Raises:
        ValueError: When a query's truth list does not have one entry per sentence.
    """
    index_units = [[ws for _, ws in _units(a.text)] for a in indexed]
    query_units: list[list[tuple[str, ...]]] = []
    truth: list[set[str] | None] = []
    for article, sentence_truth in queries:
        units = [ws for _, ws in _units(article.text)]
        if len(units) != len(sentence_truth):
            raise ValueError(
                f"query {article.id!r} has {len(units)} sentences "
                f"but {len(sentence_truth)} truth sets"
            )
        query_units.append(units)
        truth.extend(sentence_truth)

    groups: dict[tuple[int, int], list[BaselineParams]] = defaultdict(list)
    for params in grid:
        groups[params.num_perm, params.shingle].append(params)

    rows: list[Row] = []
    for (num_perm, shingle), members in groups.items():
        # Repeated sentences (boilerplate) are sketched once.
        sketch = _Sketcher(num_perm, shingle, cache=True)
        # One index and one pass over the queries per (threshold, min_words); the
        # min_jaccard cutoffs are then applied to the best candidates found.
        found: dict[tuple[float, int], list[tuple[str | None, float]]] = {}
        for params in members:
            key = (params.threshold, params.min_words)
            if key not in found:
                tracer = MinHashTracer(params)
                for article, units in zip(indexed, index_units, strict=True):
                    if article.id not in tracer._order:
                        tracer._add(
                            article,
                            [sketch(ws) if len(ws) >= params.min_words else None for ws in units],
                        )
                found[key] = [
                    tracer._best(sketch(ws)) if len(ws) >= params.min_words else (None, 0.0)
                    for units in query_units
                    for ws in units
                ]
            predicted = [
                source if jaccard >= params.min_jaccard else None for source, jaccard in found[key]
            ]
            rows.append(_row(params, *score(predicted, truth)))
    rows.sort(
        key=lambda r: (-r["f1"], -r["precision"], r["shingle"], r["threshold"], r["min_jaccard"])
    )
    return rows


# --- The synthetic tuning run (python -m bench.baseline) -----------------------------


def _load(limit: int) -> list[Article]:
    """The first ``limit`` valid articles of the Reuters-21578 corpus."""
    from bench.corpora import load_corpus

    return load_corpus("reuters", limit=limit)


def _spin(ws: Sequence[str], share: float, vocab: Sequence[str], rng: random.Random) -> list[str]:
    """Replace ``round(share * len(ws))`` words at random positions by other words."""
    out = list(ws)
    for i in rng.sample(range(len(out)), round(share * len(out))):
        word = out[i]
        while word == out[i]:
            word = rng.choice(vocab)
        out[i] = word
    return out


def synthetic_queries(
    indexed: Sequence[Article],
    count: int,
    share: float,
    seed: int,
    *,
    per_query: int = 6,
    min_words: int = 4,
    held_out: Sequence[Article] = (),
    held_out_per_query: int = 0,
) -> list[tuple[Article, list[set[str] | None]]]:
    """Query articles stitched from indexed sentences, each with a share of words spun.

    Each query has ``per_query`` sentences (of at least ``min_words`` words) drawn
    from random indexed articles, ``held_out_per_query`` of them from ``held_out``
    articles instead; ``share`` of every sentence's words, at random positions, are
    replaced by random words of the indexed vocabulary. A sentence's truth is the set
    of indexed articles holding its original words exactly (empty for most held-out
    sentences). Sentences are written one per line, so they split back unchanged.

    Args:
        indexed: The indexed articles.
        count: How many queries.
        share: Share of each sentence's words replaced (0 for verbatim copies).
        seed: Random seed (the same seed draws the same sentences at every share).
        per_query: Sentences per query.
        min_words: Shortest sentence drawn.
        held_out: Articles that are not indexed, for sentences without a source.
        held_out_per_query: How many of a query's sentences come from ``held_out``.

    Returns:
        ``(query article, truth per sentence)`` pairs, as :func:`tune` takes them.
    """
    rng = random.Random(seed)
    holders: dict[tuple[str, ...], set[str]] = defaultdict(set)
    vocab_set: set[str] = set()
    pools: list[list[tuple[str, ...]]] = [[], []]
    for pool, articles in ((0, indexed), (1, held_out)):
        for article in articles:
            for _, ws in _units(article.text):
                if pool == 0:
                    holders[ws].add(article.id)
                    vocab_set.update(ws)
                if len(ws) >= min_words:
                    pools[pool].append(ws)
    vocab = sorted(vocab_set)
    out: list[tuple[Article, list[set[str] | None]]] = []
    for q in range(count):
        picked = [rng.choice(pools[0]) for _ in range(per_query - held_out_per_query)]
        picked += [rng.choice(pools[1]) for _ in range(held_out_per_query)]
        rng.shuffle(picked)
        lines = [_spin(ws, share, vocab, rng) for ws in picked]
        text = "\n".join(" ".join(line) for line in lines)
        check = [list(ws) for _, ws in _units(text)]
        if check != lines:
            raise AssertionError(f"query {q} does not split back into its sentences")
        truth: list[set[str] | None] = [set(holders.get(ws, ())) for ws in picked]
        out.append((Article(id=f"query-{q}", title="", text=text), truth))
    return out


def _speed(
    params: BaselineParams,
    indexed: Sequence[Article],
    queries: Sequence[tuple[Article, list[set[str] | None]]],
) -> tuple[float, float]:
    """Sentences per second of :meth:`MinHashTracer.index` and of ``trace``."""
    tracer = MinHashTracer(params)
    start = time.perf_counter()
    tracer.index(indexed)
    index_rate = tracer.sentence_count / (time.perf_counter() - start)
    start = time.perf_counter()
    traced = sum(len(tracer.trace(article)) for article, _ in queries)
    return index_rate, traced / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the synthetic tuning and print the grid per spin level."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=5000, help="articles indexed")
    parser.add_argument("--queries", type=int, default=200, help="query articles per level")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--held-out", type=int, default=0, help="unsourced sentences per query")
    parser.add_argument("--top", type=int, default=18, help="rows printed per level")
    parser.add_argument("--extended", action="store_true", help="use EXTENDED_GRID")
    parser.add_argument("--json", type=Path, help="also write every row here (JSON lines)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed runs")
    args = parser.parse_args(argv)

    articles = _load(args.limit + (2000 if args.held_out else 0))
    indexed, held_out = articles[: args.limit], articles[args.limit :]
    dump: list[dict[str, object]] = []
    for name, share in (("verbatim", 0.0), ("light", 0.1), ("heavy", 1 / 3)):
        queries = synthetic_queries(
            indexed,
            args.queries,
            share,
            args.seed,
            held_out=held_out,
            held_out_per_query=args.held_out,
        )
        start = time.perf_counter()
        rows = tune(indexed, queries, EXTENDED_GRID if args.extended else DEFAULT_GRID)
        took = time.perf_counter() - start
        dump += [{"level": name, "held_out": args.held_out, **r} for r in rows]
        print(f"\n== {name} spin ({share:.0%} of words replaced), tuned in {took:.0f}s")
        print("shingle  threshold  min_jaccard    P      R      F1    (tp/fp/fn)")
        for r in rows[: args.top]:
            print(
                f"{r['shingle']:>7}  {r['threshold']:>9}  {r['min_jaccard']:>11}  "
                f"{r['precision']:.3f}  {r['recall']:.3f}  {r['f1']:.3f}  "
                f"({r['tp']}/{r['fp']}/{r['fn']})"
            )
        if args.no_speed:
            continue
        best = BaselineParams(
            shingle=int(rows[0]["shingle"]),
            threshold=rows[0]["threshold"],
            min_jaccard=rows[0]["min_jaccard"],
        )
        for params in dict.fromkeys((best, BaselineParams())):
            index_rate, query_rate = _speed(params, indexed, queries)
            print(
                f"speed shingle={params.shingle} threshold={params.threshold} "
                f"min_jaccard={params.min_jaccard}: index {index_rate:,.0f} sentences/s, "
                f"trace {query_rate:,.0f} sentences/s"
            )
    if args.json:
        args.json.write_text("".join(json.dumps(d) + "\n" for d in dump), encoding="utf-8")


if __name__ == "__main__":
    main()
