"""Plain values the report templates render: text cut into highlighted runs, word diffs,
source lists and the check's signals. Pure functions of a report and its article."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from unspun.align.diff import diff_words
from unspun.records import CheckReport, SourceSummary, TracedSentence, TraceReport
from unspun.report.terminal import PALETTE
from unspun.text import dateline_end, tokenize

VERDICTS = ("copied", "edited", "paraphrased", "original")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a sentence in a diff: ``same``, ``del`` (not in the copy) or ``ins`` (new)."""

    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class SourceView:
    """One source article as listed (``colour`` indexes :data:`PALETTE`)."""

    number: int
    colour: int
    id: str
    title: str
    outlet: str
    published: str | None
    coverage: str
    sentences: str
    url: str | None


@dataclass(frozen=True, slots=True)
class SentenceView:
    """A traced sentence with its origin and the word diff against the origin's sentence."""

    index: int
    text: str
    verdict: str
    source: SourceView | None
    similarity: str
    source_pieces: tuple[Piece, ...]
    copy_pieces: tuple[Piece, ...]
    altered_quotes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """A run of the article body: a traced sentence, or text between sentences."""

    text: str
    sentence: SentenceView | None = None


@dataclass(frozen=True, slots=True)
class TraceView:
    """Everything the trace report page shows."""

    title: str
    runs: tuple[Run, ...]
    details: tuple[SentenceView, ...]
    sources: tuple[SourceView, ...]
    headline: str | None
    summary: tuple[tuple[str, str], ...]
    substitutions: tuple[str, ...]


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address (fit for a link), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _source_view(number: int, src: SourceSummary) -> SourceView:
    return SourceView(
        number=number,
        colour=(number - 1) % len(PALETTE),
        id=src.article_id,
        title=src.title,
        outlet=src.outlet or "unknown outlet",
        published=src.published,
        coverage=f"{src.coverage:.0%}",
        sentences=", ".join(str(i + 1) for i in src.sentences),
        url=safe_url(src.url),
    )


def _pieces(text: str, changed: Sequence[tuple[int, int]], kind: str) -> tuple[Piece, ...]:
    """``text`` cut into runs, the ``changed`` spans (sorted, disjoint) of ``kind``."""
    out: list[Piece] = []
    cursor = 0
    for start, end in changed:
        if start > cursor:
            out.append(Piece(text[cursor:start], "same"))
        out.append(Piece(text[start:end], kind))
        cursor = end
    if cursor < len(text):
        out.append(Piece(text[cursor:], "same"))
    return tuple(out)


def word_diff(source: str, copy: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """The source sentence with words the copy dropped or replaced marked ``del``, and the
    copy with words it added or substituted marked ``ins`` (datelines are not compared)."""
    src_toks = tokenize(source, dateline_end(source))
    dst_toks = tokenize(copy, dateline_end(copy))
    ops = diff_words([t.norm for t in src_toks], [t.norm for t in dst_toks])
    removed = [
        (src_toks[op.src_start].start, src_toks[op.src_end - 1].end)
        for op in ops
        if op.tag != "equal" and op.src_end > op.src_start
    ]
    added = [
        (dst_toks[op.dst_start].start, dst_toks[op.dst_end - 1].end)
        for op in ops
        if op.tag != "equal" and op.dst_end > op.dst_start
    ]
    return _pieces(source, removed, "del"), _pieces(copy, added, "ins")


def _sentence_view(sent: TracedSentence, sources: dict[str, SourceView]) -> SentenceView:
    if not sent.sources:
        return SentenceView(sent.index, sent.text, sent.verdict, None, "", (), (), ())
    origin = sent.sources[0]
    src_pieces, copy_pieces = word_diff(origin.sentence, sent.text)
    quotes = tuple(f"“{q.source_text}” became “{q.text}”" for q in sent.altered_quotes)
    return SentenceView(
        index=sent.index,
        text=sent.text,
        verdict=sent.verdict,
        source=sources.get(origin.article_id),
        similarity=f"{origin.similarity:.2f}",
        source_pieces=src_pieces,
        copy_pieces=copy_pieces,
        altered_quotes=quotes,
    )


def _runs(
    text: str, sentences: Sequence[SentenceView], spans: Sequence[tuple[int, int]]
) -> tuple[Run, ...]:
    out: list[Run] = []
    cursor = 0
    for view, (start, end) in zip(sentences, spans, strict=True):
        if start > cursor:
            out.append(Run(text[cursor:start]))
        out.append(Run(text[start:end], view))
        cursor = max(cursor, end)
    if cursor < len(text):
        out.append(Run(text[cursor:]))
    return tuple(out)


def _summary(report: TraceReport) -> tuple[tuple[str, str], ...]:
    counts = {v: sum(1 for s in report.sentences if s.verdict == v) for v in VERDICTS}
    summ = report.summary
    traced = len(report.sentences) - counts["original"]
    return (
        ("Verdict", "stitched from several sources" if summ.stitched else "not stitched"),
        ("Sources", str(summ.source_count)),
        ("Sentences traced", f"{traced} of {len(report.sentences)} ({summ.copied_fraction:.0%})"),
        *((name.capitalize(), str(counts[name])) for name in VERDICTS),
    )


def _headline(report: TraceReport) -> str | None:
    head = report.headline_source
    if head is None:
        return None
    return (
        f"Headline matches {head.outlet or 'an unknown outlet'}’s “{head.title}” "
        f"({head.published or 'undated'}, similarity {head.similarity:.2f})"
    )


def trace_view(report: TraceReport, text: str) -> TraceView:
    """The trace report page's values; ``text`` is the traced article's body."""
    sources = {s.article_id: _source_view(i + 1, s) for i, s in enumerate(report.sources)}
    details = tuple(_sentence_view(s, sources) for s in report.sentences)
    spans = [(s.start, s.end) for s in report.sentences]
    subs = tuple(f"{s.from_} → {s.to} (×{s.count})" for s in report.summary.substitutions)
    return TraceView(
        title=report.title,
        runs=_runs(text, details, spans),
        details=tuple(d for d in details if d.source is not None),
        sources=tuple(sources.values()),
        headline=_headline(report),
        summary=_summary(report),
        substitutions=subs,
    )


@dataclass(frozen=True, slots=True)
class Marked:
    """A run of text with the numbers of the signals whose evidence covers it."""

    text: str
    signals: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SignalView:
    """One forensic signal as listed (``number`` is 1-based, as in the marks)."""

    number: int
    name: str
    score: str
    explanation: str
    evidence: tuple[tuple[str, str], ...]
    usual: str = ""
    """What real articles score on this signal (from the verdict's fitting set)."""


@dataclass(frozen=True, slots=True)
class CheckView:
    """Everything the check report page shows."""

    title: tuple[Marked, ...]
    body: tuple[Marked, ...]
    signals: tuple[SignalView, ...]
    quiet: tuple[str, ...]
    verdict: str
    probabilities: tuple[tuple[str, str], ...]
    contributions: tuple[tuple[str, str], ...]
    stance: str
    stance_probabilities: tuple[tuple[str, str], ...]
    quotes: tuple[tuple[str, str, str, str], ...]


def marked_runs(text: str, spans: Sequence[tuple[int, int, int]]) -> tuple[Marked, ...]:
    """``text`` cut at every span edge; each run lists the span labels covering it.

    Spans are ``(start, end, label)``, may overlap, and are clipped to the text.
    """
    clipped = [(max(0, s), min(len(text), e), n) for s, e, n in spans]
    clipped = [(s, e, n) for s, e, n in clipped if s < e]
    cuts = sorted({0, len(text)} | {s for s, _, _ in clipped} | {e for _, e, _ in clipped})
    out: list[Marked] = []
    for start, end in itertools.pairwise(cuts):
        labels = tuple(sorted({n for s, e, n in clipped if s <= start and end <= e}))
        out.append(Marked(text[start:end], labels))
    return tuple(out)


def _usual(ordinary: float | None) -> str:
    """The yardstick for a signal's score ('' when unknown)."""
    return "" if ordinary is None else f"9 in 10 real articles score at most {ordinary:.2f}"


def _pct(probabilities: dict[str, float]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.replace("_", " "), f"{p:.0%}")
        for name, p in sorted(probabilities.items(), key=lambda kv: -kv[1])
    )


def check_view(report: CheckReport) -> CheckView:
    """The check report page's values."""
    shown = [s for s in report.signals if s.score > 0]
    title_spans: list[tuple[int, int, int]] = []
    body_spans: list[tuple[int, int, int]] = []
    signals: list[SignalView] = []
    for number, sig in enumerate(shown, start=1):
        for ev in sig.evidence:
            (title_spans if ev.sentence == -1 else body_spans).append((ev.start, ev.end, number))
        signals.append(
            SignalView(
                number=number,
                name=sig.name.replace("_", " "),
                score=f"{sig.score:.2f}",
                usual=_usual(report.ordinary.get(sig.name)),
                explanation=sig.explanation,
                evidence=tuple((ev.text, ev.note) for ev in sig.evidence),
            )
        )
    verdict = report.verdict
    stance = report.stance
    return CheckView(
        title=marked_runs(report.title, title_spans),
        body=marked_runs(report.text, body_spans),
        signals=tuple(signals),
        quiet=tuple(s.name.replace("_", " ") for s in report.signals if s.score <= 0),
        verdict=verdict.label,
        probabilities=_pct(verdict.probabilities),
        contributions=tuple(
            (c.signal.replace("_", " "), f"{c.contribution:+.2f}") for c in verdict.explanation
        ),
        stance=report.stance_note or "not read" if stance is None else stance.label,
        stance_probabilities=() if stance is None else _pct(stance.probabilities),
        quotes=tuple(
            (
                q.text,
                q.speaker or "unknown",
                q.verb or "",
                "yes" if q.speaker_introduced else "no",
            )
            for q in report.quotes
        ),
    )
