"""Tests of unspun.report.terminal: evidence marked in the body of a check report."""

from __future__ import annotations

import time

from rich.console import Console

from unspun.records import CheckReport, Evidence, Signal, Verdict
from unspun.report.terminal import render_check


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
