"""Attribution metrics: sentence-level P/R/F1, false attribution of originals, PlagDet.

Pure functions over plain values so that unspun and the baseline are scored by the
same code.

A *prediction* for a sentence is the id of its first source (its origin), or None.
A *truth* is the set of indexed articles that hold the sentence (empty: original).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Attribution:
    """Counts and scores of sentence-level attribution."""

    tp: int
    fp: int
    fn: int
    originals: int
    originals_attributed: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was to be found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_attribution(self) -> float:
        """Share of original sentences that were given a source."""
        return self.originals_attributed / self.originals if self.originals else 0.0


def attribution(pairs: Iterable[tuple[str | None, frozenset[str]]]) -> Attribution:
    """Score (prediction, truth) pairs.

    A copied sentence predicted correctly is a TP; predicted as nothing, a FN;
    predicted as a wrong article, both a FP and a FN. An original sentence given a
    source is a FP.

    >>> a = attribution([("a", frozenset({"a", "b"})), (None, frozenset({"c"})),
    ...                  ("x", frozenset({"c"})), ("y", frozenset()), (None, frozenset())])
    >>> (a.tp, a.fp, a.fn, a.originals, a.originals_attributed)
    (1, 2, 2, 2, 1)
    """
    tp = fp = fn = originals = attributed = 0
    for predicted, truth in pairs:
        if not truth:
            originals += 1
            if predicted is not None:
                fp += 1
                attributed += 1
        elif predicted is None:
            fn += 1
        elif predicted in truth:
            tp += 1
        else:
            fp += 1
            fn += 1
    return Attribution(tp, fp, fn, originals, attributed)


@dataclass(frozen=True)
class Case:
    """A span of a generated article and the source articles that truly hold it."""

    doc: str
    start: int
    end: int
    sources: frozenset[str]


@dataclass(frozen=True)
class Detection:
    """A span of a generated article attributed to one source article."""

    doc: str
    start: int
    end: int
    source: str


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _detects(d: Detection, c: Case) -> bool:
    return d.doc == c.doc and d.source in c.sources and _overlap(d.start, d.end, c.start, c.end) > 0


def _covered(start: int, end: int, spans: Sequence[tuple[int, int]]) -> int:
    """Characters of [start, end) covered by the union of spans."""
    pieces = sorted((max(start, s), min(end, e)) for s, e in spans if min(end, e) > max(start, s))
    total, reach = 0, start
    for s, e in pieces:
        if e > reach:
            total += e - max(s, reach)
            reach = e
    return total


@dataclass(frozen=True)
class PlagDet:
    """PAN's character-level precision, recall, granularity and PlagDet score."""

    precision: float
    recall: float
    granularity: float

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def plagdet(self) -> float:
        """F1 / log2(1 + granularity) (Potthast et al., 2010)."""
        return self.f1 / math.log2(1 + self.granularity) if self.granularity else 0.0


def plagdet(cases: Sequence[Case], detections: Sequence[Detection]) -> PlagDet:
    """PlagDet of detections against cases (spans on the generated articles' text).

    A detection counts for a case when it is on the same document, names one of the
    articles that hold the case's text, and overlaps it.

    >>> c = [Case("q", 0, 10, frozenset({"a"}))]
    >>> round(plagdet(c, [Detection("q", 0, 5, "a"), Detection("q", 5, 10, "a")]).plagdet, 3)
    0.631
    >>> plagdet(c, [Detection("q", 0, 10, "a")]).plagdet
    1.0
    """
    by_doc_cases: dict[str, list[Case]] = {}
    for c in cases:
        by_doc_cases.setdefault(c.doc, []).append(c)
    by_doc_dets: dict[str, list[Detection]] = {}
    for d in detections:
        by_doc_dets.setdefault(d.doc, []).append(d)
    recall_sum = 0.0
    detected_cases = 0
    detections_per_case = 0
    for c in cases:
        hits = [d for d in by_doc_dets.get(c.doc, []) if _detects(d, c)]
        recall_sum += _covered(c.start, c.end, [(d.start, d.end) for d in hits]) / (c.end - c.start)
        if hits:
            detected_cases += 1
            detections_per_case += len(hits)
    precision_sum = 0.0
    for d in detections:
        hits_c = [c for c in by_doc_cases.get(d.doc, []) if _detects(d, c)]
        precision_sum += _covered(d.start, d.end, [(c.start, c.end) for c in hits_c]) / max(
            1, d.end - d.start
        )
    return PlagDet(
        precision=precision_sum / len(detections) if detections else 1.0,
        recall=recall_sum / len(cases) if cases else 1.0,
        granularity=detections_per_case / detected_cases if detected_cases else 1.0,
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """ROC AUC by the Mann-Whitney U statistic (ties count one half); NaN when a side is
    empty.

    >>> roc_auc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    if not positives or not negatives:
        return float("nan")
    ranked = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2.0  # 1-based average rank of the tie group
        rank_sum += mid * sum(label for _, label in ranked[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
