"""Human-readable trace report for a terminal (rich renderables; the CLI prints them)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from unspun.align.diff import diff_words
from unspun.records import TracedSentence, TraceReport
from unspun.text import dateline_end, tokenize

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
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


def render_trace(report: TraceReport, *, plain: bool = False) -> RenderableType:
    """Sentences coloured by origin source, edits inline, then the sources table.

    Args:
        report: The trace to show.
        plain: Mark edits with ``[-old-]{+new+}`` too, for output without colours.
    """
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
    parts.append(Text(""))
    table = Table(title="Sources (origin of each sentence)", title_justify="left")
    for col in ("#", "outlet", "published", "id", "sentences", "coverage"):
        table.add_column(col)
    for src in report.sources:
        table.add_row(
            Text(str(number[src.article_id]), style=f"bold {colour[src.article_id]}"),
            src.outlet or "?",
            src.published or "undated",
            src.article_id,
            ", ".join(str(i) for i in src.sentences),
            f"{src.coverage:.0%}",
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
    return Group(*parts)
