"""Rule out candidate sentences from their stored sketches, before reading their text.

A trace verifies many candidates that share a key with a traced sentence by chance
(a common phrase) and fail scoring. Reading each one's article and tokenising its
sentence cost most of a trace at 1M articles. Every stored sentence has a sketch
(:func:`unspun.index.fingerprint.sketches`): a Bloom filter of its words and its word
count. From it, :func:`may_match` bounds from above what :func:`unspun.align.trace._score`
would measure:

* ``P``, the traced sentence's words (with repeats) that the candidate may hold, bounds
  their longest common subsequence, so the word-sequence similarity is at most
  ``2 * min(P, len_b) / (len_a + len_b)``;
* ``C``, the traced sentence's distinct content words that the candidate may hold,
  bounds the content words they share.

A Bloom filter never says "absent" of a word that is there, so these are true upper
bounds and a candidate ruled out here is one ``_score`` would reject: the filter
changes how fast a trace is, never what it finds (a property test checks this on
random sentences). Each test below mirrors one branch of ``_score``.

The same bound on sequence similarity also ranks candidates (:func:`assess`): a
sentence still unmatched after the tracer's deeper look has its ranking read further
as sketches alone, and only the few likeliest are verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from unspun.config import TraceParams
from unspun.index.fingerprint import SKETCH_MAX_WORDS, sketch_bits, word_hashes
from unspun.text import STOPWORDS

# Similarities are compared with a little slack, so that rounding in the bound never
# rules out a candidate that ``_score`` would accept exactly at a threshold.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class QuerySketch:
    """What :func:`may_match` needs of a traced sentence."""

    first: npt.NDArray[np.intp]
    """First Bloom bit of each word, in order (repeats kept)."""
    second: npt.NDArray[np.intp]
    """Second Bloom bit of each word."""
    content: npt.NDArray[np.intp]
    """Position of the first occurrence of each distinct content word."""


def query_sketch(norms: Sequence[str]) -> QuerySketch:
    """Sketch of a traced sentence's normalised words.

    >>> q = query_sketch(["the", "strike", "the", "port", "strike"])
    >>> len(q.first), q.content.tolist()
    (5, [1, 3])
    """
    first, second = sketch_bits(word_hashes(norms))
    seen: set[str] = set()
    content: list[int] = []
    for i, w in enumerate(norms):
        if w not in STOPWORDS and w not in seen:
            seen.add(w)
            content.append(i)
    return QuerySketch(first, second, np.asarray(content, dtype=np.intp))


@dataclass(frozen=True, slots=True)
class Candidates:
    """Stored sketches unpacked for :func:`may_match`: one row per candidate."""

    bits: npt.NDArray[np.uint8]
    """Bloom filter bits, shape ``(m, 128)``, 0 or 1."""
    lengths: npt.NDArray[np.int64]
    """Word counts (capped)."""

    @classmethod
    def unpack(cls, rows: npt.NDArray[np.uint8]) -> Candidates:
        """From stored sketch rows (:func:`unspun.index.fingerprint.sketches`)."""
        bits = np.unpackbits(rows[:, :-1], axis=1, bitorder="little")
        return cls(bits, rows[:, -1].astype(np.int64))

    def take(self, at: npt.NDArray[np.intp]) -> Candidates:
        """The candidates at positions ``at``."""
        return Candidates(self.bits[at], self.lengths[at])


def _bounds(
    query: QuerySketch, candidates: Candidates
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Per candidate: the bound on shared distinct content words and on word-sequence
    similarity (see the module's docstring)."""
    bits, lb = candidates.bits, candidates.lengths
    present = bits[:, query.first] & bits[:, query.second]
    possible = present.sum(axis=1, dtype=np.int64)
    shared = present[:, query.content].sum(axis=1, dtype=np.int64)
    total = len(query.first) + lb
    seq = np.where(total > 0, 2.0 * np.minimum(possible, lb) / np.maximum(total, 1), 1.0)
    return shared, seq


def may_match(
    query: QuerySketch, candidates: Candidates, params: TraceParams
) -> npt.NDArray[np.bool_]:
    """For each candidate, whether it may pass scoring against ``query``.

    False only when ``_score`` would certainly return 0 for that pair.
    """
    return assess(query, candidates, params)[0]


def assess(
    query: QuerySketch, candidates: Candidates, params: TraceParams
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """:func:`may_match` of each candidate, and how alike it may be: its bound on
    word-sequence similarity with ``query``, read from the sketch alone (for ranking
    candidates, not for judging them). A Bloom filter's false "present" only raises
    that bound; for a 25-word sentence about one word in ten of a query reads as
    present by chance.
    """
    lb = candidates.lengths
    if len(lb) == 0:
        return np.zeros(0, dtype=np.bool_), np.zeros(0, dtype=np.float64)
    la = len(query.first)
    shared, seq = _bounds(query, candidates)
    shorter = np.minimum(la, lb)
    long_enough = shorter >= params.min_exact_words
    close = (seq >= params.min_close_similarity - _SLACK) & long_enough
    loose = (
        (seq >= params.loose_similarity - _SLACK)
        & (shared >= params.loose_shared_content)
        & long_enough
    )
    n_content = len(query.content)
    bag = (shared >= params.min_shared_content + 1) & (
        shared >= params.min_bag_overlap * n_content - _SLACK
    )
    if n_content == 0:
        bag[:] = False
    enough_content = (shared >= np.minimum(params.min_shared_content, shorter)) & (
        (seq >= params.min_similarity - _SLACK) | bag
    )
    keep = (seq >= params.min_bag_similarity - _SLACK) & (close | loose | enough_content)
    # A capped word count hides the true length: such a sentence is never ruled out.
    keep |= lb >= SKETCH_MAX_WORDS
    return np.asarray(keep, dtype=np.bool_), seq
