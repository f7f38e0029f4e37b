"""Tests of unspun.report.terminal: evidence marked in the body of a check report."""

from __future__ import annotations

import re
import time

from rich.console import Console
from rich.text import Text

from unspun.records import CheckReport, Evidence, Signal, Verdict
from unspun.report.terminal import BODY_PART_CHARS, render_check


def _report(text: str, signals: tuple[Signal, ...]) -> CheckReport:
    verdict = Verdict(label="no strong signs", probabilities={"stitched": 0.1})
    return CheckReport("Harbour notes", text, signals, (), verdict)


def _evidence(text: str, start: int, end: int) -> Evidence:
    return Evidence(sentence=0, start=start, end=end, text=text[start:end])


def _shown(report: CheckReport) -> str:
    console = Console(width=10_000, no_color=True)
    with console.capture() as capture:
        console.print(render_check(report, plain=True))
    return capture.get()


def test_overlapping_evidence_keeps_the_stronger_signal_then_the_earlier_span() -> None:
    text = "The ferry left late. The crew waited. The dock closed."
    strong = Signal("spin", 0.9, (_evidence(text, 4, 9), _evidence(text, 38, 54)))
    weak = Signal(
        "jump",
        0.5,
        (
            _evidence(text, 0, 20),  # overlaps the stronger "ferry": dropped
            _evidence(text, 21, 37),
            _evidence(text, 25, 29),  # inside the span kept just before: dropped
            _evidence(text, 37, 38),  # touches both neighbours without overlapping
        ),
    )
    assert _shown(_report(text, (strong, weak))).split("\n")[2] == (
        "The [[ferry]]1 left late. [[The crew waited.]]2[[ ]]2[[The dock closed.]]1"
    )


def test_fifty_thousand_pieces_of_evidence_are_marked_in_seconds() -> None:
    # Each new mark used to be compared with every one kept: about 1e9 comparisons here (a minute).
    words = ["Dock."] * 50_000
    text = " ".join(words)
    evidence = tuple(_evidence(text, 6 * i, 6 * i + 5) for i in range(len(words)))
    report = _report(text, (Signal("jump", 0.5, evidence),))
    started = time.monotonic()
    shown = _shown(report)
    assert time.monotonic() - started < 10
    assert shown.count("[[Dock.]]1") == 50_000


def test_a_long_body_is_rendered_in_parts_that_print_as_the_whole_would() -> None:
    # Printed whole, a body of 330,000 marked lines took rich 500 MB to render.
    text = "\n\n".join(f"Dock {i} shut." for i in range(30_000))
    evidence = tuple(_evidence(text, m.start(), m.end()) for m in re.finditer("Dock", text))
    report = _report(text, (Signal("jump", 0.5, evidence),))
    group = render_check(report, plain=True)
    parts = [
        p
        for p in group.renderables
        if isinstance(p, Text) and p.plain.lstrip().startswith("[[Dock")
    ]
    assert len(parts) > 5
    assert all(len(p.plain) <= BODY_PART_CHARS + 20 for p in parts)
    assert "\n".join(p.plain for p in parts) == text.replace("Dock", "[[Dock]]1")
    console = Console(width=200, no_color=True)
    with console.capture() as whole:
        console.print(group)
    with console.capture() as one_by_one:
        for part in group.renderables:
            console.print(part)
    assert one_by_one.get() == whole.get()
