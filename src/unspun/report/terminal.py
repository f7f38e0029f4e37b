"""Human-readable trace and check reports for a terminal (rich renderables; the CLI prints
them)."""

from __future__ import annotations

import bisect
import dataclasses
from typing import TypeVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from unspun.align.diff import diff_words
from unspun.records import CheckReport, TracedSentence, TraceReport
from unspun.text import dateline_end, tokenize

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
_T = TypeVar("_T")

# Article text is untrusted: a control character (an escape sequence can clear the
# screen, retitle the window or hide text) or a bidirectional override (which reorders
# what is shown) is printed as a visible stand-in of one character, so every offset
# into the text still holds. Line breaks and tabs are kept.
_PRINTABLE = str.maketrans(
    {
        **{c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)},
        0x7F: 0x2421,
        **{c: 0xFFFD for c in range(0x80, 0xA0)},
        **{c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    }
)


def printable(text: str) -> str:
    """``text`` with control characters and bidirectional overrides replaced one for
    one by visible stand-ins (so offsets into it stay right).

    >>> printable("a\x1b[2Jb\u202ec")
    'a␛[2Jb�c'
    """
    return text.translate(_PRINTABLE)


def _printable_copy(value: _T) -> _T:
    """A copy of a report (frozen dataclasses and tuples) with :func:`printable` applied
    to every string in it."""
    if isinstance(value, str):
        return printable(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_printable_copy(v) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _printable_copy(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


_VERDICT_STYLE = {
    "copied": "bold",
    "edited": "bold",
    "paraphrased": "italic",
    "original": "dim",
}


def _inline_diff(sentence: TracedSentence, *, plain: bool = False) -> Text:
    """The traced sentence as printed, with source words struck before what replaced them.

    With ``plain``, changes are also marked in text (``[-old-]{+new+}``, as wdiff does),
    for output that loses colours (a pipe, a file, a screen reader).
    """
    old_open, old_close, new_open, new_close = ("[-", "-]", "{+", "+}") if plain else ("",) * 4
    origin = sentence.sources[0]
    src_toks = tokenize(origin.sentence, dateline_end(origin.sentence))
    dst_toks = tokenize(sentence.text, dateline_end(sentence.text))
    ops = diff_words([t.norm for t in src_toks], [t.norm for t in dst_toks])
    out = Text()
    cursor = 0  # position in the traced sentence printed so far
    for op in ops:
        if op.tag == "equal":
            end = dst_toks[op.dst_end - 1].end
            out.append(sentence.text[cursor:end])
            cursor = end
            continue
        if op.dst_end > op.dst_start:
            first = dst_toks[op.dst_start].start
            out.append(sentence.text[cursor:first])
            cursor = first
        elif cursor:
            out.append(" ")
        if op.src_end > op.src_start:
            s_first, s_last = src_toks[op.src_start], src_toks[op.src_end - 1]
            struck = origin.sentence[s_first.start : s_last.end]
            out.append(f"{old_open}{struck}{old_close}", style="strike red")
            out.append(" " if op.dst_end > op.dst_start else "")
        if op.dst_end > op.dst_start:
            end = dst_toks[op.dst_end - 1].end
            out.append(
                f"{new_open}{sentence.text[cursor:end]}{new_close}", style="bold green underline"
            )
            cursor = end
    out.append(sentence.text[cursor:])
    return out


def render_trace(report: TraceReport, *, plain: bool = False) -> Group:
    """Sentences coloured by origin source, edits inline, then the sources table.

    Args:
        report: The trace to show.
        plain: Mark edits with ``[-old-]{+new+}`` too, for output without colours.
    """
    report = _printable_copy(report)
    colour = {s.article_id: PALETTE[i % len(PALETTE)] for i, s in enumerate(report.sources)}
    number = {s.article_id: i + 1 for i, s in enumerate(report.sources)}
    parts: list[RenderableType] = []
    header = Text(report.title or "(untitled)", style="bold underline")
    parts.append(header)
    if report.headline_source is not None:
        head = report.headline_source
        parts.append(
            Text(
                f"headline from {head.outlet or '?'} [{head.article_id}] "
                f"{head.published or 'undated'} (similarity {head.similarity:.2f})",
                style="dim",
            )
        )
    parts.append(Text(""))
    for s in report.sentences:
        line = Text()
        if s.sources:
            aid = s.sources[0].article_id
            line.append(f"[{number[aid]}] ", style=f"bold {colour[aid]}")
            line.append(f"{s.verdict:<11} ", style=_VERDICT_STYLE[s.verdict])
            if s.verdict == "edited":
                line.append_text(_inline_diff(s, plain=plain))
            else:
                line.append(s.text, style=colour[aid])
        else:
            line.append("[ ] ", style="dim")
            line.append(f"{s.verdict:<11} ", style="dim")
            line.append(s.text)
        parts.append(line)
        for q in s.altered_quotes:
            edits = ", ".join(f"{e.from_ or '(none)'} -> {e.to or '(none)'}" for e in q.changes)
            parts.append(Text(f"    ! quote altered from the source: {edits}", style="bold red"))
    parts.append(Text(""))
    table = Table(title="Sources (origin of each sentence)", title_justify="left")
    for col in ("#", "outlet", "published", "id", "sentences", "coverage"):
        table.add_column(col)
    for src in report.sources:
        table.add_row(
            # Cells as Text, never str: a str cell is read as rich markup ("[/]").
            Text(str(number[src.article_id]), style=f"bold {colour[src.article_id]}"),
            Text(src.outlet or "?"),
            Text(src.published or "undated"),
            Text(src.article_id),
            Text(", ".join(str(i) for i in src.sentences)),
            Text(f"{src.coverage:.0%}"),
        )
    parts.append(table)
    summ = report.summary
    verdict = "STITCHED" if summ.stitched else "not stitched"
    counts = {v: sum(1 for s in report.sentences if s.verdict == v) for v in _VERDICT_STYLE}
    parts.append(
        Text(
            f"Verdict: {verdict} - {summ.source_count} sources, "
            f"{counts['copied'] + counts['edited'] + counts['paraphrased']} of "
            f"{len(report.sentences)} sentences traced ({summ.copied_fraction:.0%}), "
            f"{counts['copied']} copied, {summ.edited_sentences} edited, "
            f"{counts['paraphrased']} paraphrased, {counts['original']} original",
            style="bold",
        )
    )
    if summ.substitutions:
        subs = ", ".join(f"{s.from_} -> {s.to} (x{s.count})" for s in summ.substitutions[:12])
        parts.append(Text(f"Substitutions: {subs}"))
    parts += [Text(f"Note: {note}", style="dim") for note in report.notes]
    return Group(*parts)


def _without_overlaps(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The spans ``(start, end, signal number)`` that overlap no span of a lower signal
    number, nor an earlier one of the same number, in text order.

    The spans kept are disjoint, so sorted by start they are sorted by end too, and a
    new span need only be compared with the one kept just before its end (checking all
    of them was quadratic: minutes for an article of 100,000 one-word sentences).
    """
    starts: list[int] = []
    kept: list[tuple[int, int, int]] = []
    for start, end, number in sorted(spans, key=lambda s: (s[2], s[0])):
        at = bisect.bisect_left(starts, end)  # kept[:at] start before this span ends
        if at and kept[at - 1][1] > start:
            continue
        starts.insert(at, start)
        kept.insert(at, (start, end, number))
    return kept


#: Characters of the marked body in one part of a check's rendering (see
#: :func:`render_check`): printed whole, a body of 330,000 marked one-letter lines took
#: 500 MB to render.
BODY_PART_CHARS = 64 * 1024


def _marked_body(report: CheckReport, *, plain: bool) -> Text:
    """The body with every piece of evidence marked in its signal's colour.

    Overlapping evidence keeps the stronger signal's mark (signals come strongest
    first). With ``plain``, marks are also written as ``[[text]]n`` (n = the signal's
    number in the list below), for output without colours.
    """
    shown = [s for s in report.signals if s.score > 0]
    spans: list[tuple[int, int, int]] = []  # start, end, signal number
    for number, signal in enumerate(shown, 1):
        for e in signal.evidence:
            if e.sentence >= 0 and 0 <= e.start < e.end <= len(report.text):
                spans.append((e.start, e.end, number))
    out = Text()
    cursor = 0
    for start, end, number in _without_overlaps(spans):
        out.append(report.text[cursor:start])
        style = f"underline {PALETTE[(number - 1) % len(PALETTE)]}"
        text = report.text[start:end]
        out.append(f"[[{text}]]{number}" if plain else text, style=style)
        cursor = end
    out.append(report.text[cursor:])
    return out


def _in_parts(body: Text) -> list[Text]:
    """``body`` cut at line breaks into parts of about :data:`BODY_PART_CHARS` (the
    breaks at the cuts dropped: each part is printed as lines of its own)."""
    plain = body.plain
    cuts: list[int] = []
    at = BODY_PART_CHARS
    while at < len(plain) and (brk := plain.find("\n", at)) >= 0:
        cuts += [brk, brk + 1]
        at = brk + 1 + BODY_PART_CHARS
    return list(body.divide(cuts))[::2] if cuts else [body]


def render_check(report: CheckReport, *, plain: bool = False) -> Group:
    """The article with flagged spans marked, then the signals strongest first with
    their evidence, the headline stance, the quotes and the verdict with its reasons.

    The marked body is several parts of the group when it is long: print the parts one
    at a time (rich holds the rendering of what it prints until it is written).

    Args:
        report: The check to show.
        plain: Also mark evidence with ``[[text]]n``, for output without colours.
    """
    report = _printable_copy(report)
    verdict = report.verdict
    probs = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in verdict.probabilities.items())
    parts: list[RenderableType] = [
        Text(report.title or "(untitled)", style="bold underline"),
        Text(""),
        *_in_parts(_marked_body(report, plain=plain)),
        Text(""),
    ]
    shown = [s for s in report.signals if s.score > 0]
    if shown:
        parts.append(Text("Signals, strongest first", style="bold"))
    for number, signal in enumerate(shown, 1):
        colour = PALETTE[(number - 1) % len(PALETTE)]
        head = Text(f"{number}. ", style=f"bold {colour}")
        head.append(f"{signal.name} {signal.score:.2f}", style="bold")
        usual = report.ordinary.get(signal.name)
        if usual is not None:
            head.append(f" (9 in 10 real articles score <= {usual:.2f})", style="dim")
        head.append(f" - {signal.explanation}")
        parts.append(head)
        for e in signal.evidence[:5]:
            where = "title" if e.sentence < 0 else f"sentence {e.sentence}"
            line = Text(f"     {where}: ", style="dim")
            line.append(f'"{e.text}"')
            if e.note:
                line.append(f"  ({e.note})", style="dim")
            parts.append(line)
        if len(signal.evidence) > 5:
            parts.append(Text(f"     ... and {len(signal.evidence) - 5} more", style="dim"))
    quiet = [s.name for s in report.signals if s.score == 0]
    if quiet:
        parts.append(Text(f"No sign of: {', '.join(quiet)}", style="dim"))
    parts.append(Text(""))
    if report.stance is not None:
        stance = report.stance
        detail = ", ".join(f"{k} {v:.0%}" for k, v in stance.probabilities.items())
        parts.append(Text(f"Headline-body stance: {stance.label} ({detail}; {stance.model})"))
    elif report.stance_note:
        parts.append(Text(f"Headline-body stance: {report.stance_note}", style="dim"))
    if report.quotes:
        table = Table(title="Quotes", title_justify="left")
        for col in ("speaker", "verb", "introduced", "quote"):
            table.add_column(col)
        for q in report.quotes:
            words = q.text if len(q.text) <= 70 else q.text[:67] + "..."
            table.add_row(
                Text(q.speaker or "?"),
                Text(q.verb or ""),
                Text("yes" if q.speaker_introduced else "NO"),
                Text(words),
            )
        parts.append(table)
    parts.append(Text(f"Verdict: {verdict.label} ({probs})", style="bold"))
    reasons = ", ".join(f"{c.signal} {c.contribution:+.2f}" for c in verdict.explanation)
    if reasons:
        parts.append(Text(f"Because: {reasons}", style="dim"))
    return Group(*parts)
