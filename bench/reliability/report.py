"""The reliability report as Markdown (``docs/reliability.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.reliability.common import Outcome

TITLES = {
    "kills": "Kill the indexer (SIGKILL at random moments)",
    "racers": "Writers racing for one new index",
    "disk": "Full and read-only disks (real tmpfs mounts)",
    "poison": "Poisoned inputs (the CLI, each in a subprocess)",
    "load": "The server under load",
    "http": "Hostile HTTP requests",
    "fuzz": "Property tests run as fuzzers",
}
#: A part with more cases than this shows a summary and its failures, then every row
#: folded away.
LONG = 30


def _mark(held: bool | None) -> str:
    return {True: "held", False: "**FAILED**", None: "not run"}[held]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _figures(figures: dict[str, float | int | str]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in figures.items())


def _table(rows: Sequence[Outcome]) -> list[str]:
    lines = ["| case | result | what happened | figures |", "|---|---|---|---|"]
    for o in rows:
        lines.append(
            f"| {_cell(o.case)} | {_mark(o.held)} | {_cell(o.detail)} | "
            f"{_cell(_figures(o.figures))} |"
        )
    return lines


def _numbers(rows: Sequence[Outcome], key: str) -> list[float]:
    return [float(v) for o in rows if isinstance(v := o.figures.get(key), int | float)]


def _summary_of_kills(rows: Sequence[Outcome]) -> list[str]:
    committed = _numbers(rows, "committed_before_kill")
    orphans = _numbers(rows, "orphans_exit_seconds")
    group = sum(1 for o in rows if "whole group" in o.case)
    return [
        f"{len(rows)} kills ({group} of the whole process group, {len(rows) - group} of "
        f"the main process alone); committed before the kill: {min(committed, default=0):.0f}"
        f" to {max(committed, default=0):.0f} articles; the workers of a killed indexer "
        f"were gone within {max(orphans, default=0):.2f} s.",
        "",
    ]


def _part(name: str, rows: Sequence[Outcome]) -> list[str]:
    held = sum(1 for o in rows if o.held is True)
    failed = [o for o in rows if o.held is False]
    lines = [f"## {TITLES.get(name, name)}", ""]
    lines.append(
        f"{len(rows)} cases: {held} held, {len(failed)} failed, "
        f"{len(rows) - held - len(failed)} not run."
    )
    lines.append("")
    if name == "kills" and rows:
        lines += _summary_of_kills(rows)
    if len(rows) <= LONG:
        return [*lines, *_table(rows), ""]
    if failed:
        lines += ["Failures:", "", *_table(failed), ""]
    return [
        *lines,
        "<details><summary>Every case</summary>",
        "",
        *_table(rows),
        "",
        "</details>",
        "",
    ]


def render(outcomes: Sequence[Outcome], meta: dict[str, Any]) -> str:
    """The whole report: how it was run, a summary per part, then each part's cases."""
    parts: dict[str, list[Outcome]] = {}
    for o in outcomes:
        parts.setdefault(o.part, []).append(o)
    lines = [
        "# Reliability",
        "",
        "What the reliability suite tried and what held: kills, racing writers, full and",
        "read-only disks, poisoned inputs, the server under load and under attack, and",
        "the property tests run as fuzzers. Written by `python -m bench.reliability`",
        "(rerun it to check these figures on your machine; `--quick` is the short run",
        "CI does on every change).",
        "",
        f"- Run: {meta['date']}, `{meta['command'].strip()}`, {meta['machine']}, "
        "2 cores and 24 GiB (shared with other work: times are indicative).",
        f"- Budget: {_figures(meta['budget'])}.",
        f"- Seconds per part: {_figures(meta['seconds'])}.",
        "",
        "| part | cases | held | failed | not run |",
        "|---|---|---|---|---|",
    ]
    for name, rows in parts.items():
        held = sum(1 for o in rows if o.held is True)
        failed = sum(1 for o in rows if o.held is False)
        lines.append(
            f"| {TITLES.get(name, name)} | {len(rows)} | {held} | {failed} | "
            f"{len(rows) - held - failed} |"
        )
    lines.append("")
    for name, rows in parts.items():
        lines += _part(name, rows)
    return "\n".join(lines)
