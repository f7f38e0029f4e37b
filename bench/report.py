"""Write docs/benchmarks.md from the JSON files the benchmark runs leave in bench/results.

.venv/bin/python -m bench.report
"""

from __future__ import annotations

import json
from typing import Any

from bench.run import ROOT

RESULTS = ROOT / "bench" / "results"
TARGET_F1 = {"verbatim": 0.99, "light": 0.97, "heavy": 0.90, "paraphrase": None}


def _load(name: str) -> Any:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def _whole_command(wc: dict[str, Any]) -> str:
    """The whole-command timing, against its target."""
    return (
        f"`unspun trace FILE --json`, whole command with start-up, {wc['runs']} runs: "
        f"median **{wc['median_s']} s** (target <= 0.5){_mark(wc['median_s'] <= 0.5)}, "
        f"p90 {wc['p90_s']} s."
    )


def accuracy_section(run: dict[str, Any]) -> list[str]:
    """The per-level table, unspun and baseline side by side."""
    rows = {(r["level"], r["name"]): r for r in run["levels"]}
    levels = list(dict.fromkeys(r["level"] for r in run["levels"]))
    out = [
        "| spin level | system | precision | recall | F1 (target) | originals wrongly "
        "attributed (target <= 0.5%) | headline source | PlagDet | trace p50 / p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = list(dict.fromkeys(r["name"] for r in run["levels"]))
    for level in levels:
        for name in names:
            r = rows.get((level, name))
            if r is None:
                continue
            ours = name.startswith("unspun")
            target = TARGET_F1.get(level)
            f1 = f"**{r['f1']:.3f}**"
            if target is not None and ours:
                f1 += f" (>= {target}){_mark(r['f1'] >= target)}"
            fa_ok = r["false_attribution"] <= 0.005 if ours else None
            head = "-" if r["headline_accuracy"] is None else f"{r['headline_accuracy']:.3f}"
            if not ours:
                head = "- (bodies only)"
            out.append(
                f"| {level} | {name} | {r['precision']:.3f} | {r['recall']:.3f} | {f1} | "
                f"{r['false_attribution']:.2%} of {r['originals']}{_mark(fa_ok)} | {head} | "
                f"{r['plagdet']:.3f} | {r['trace_p50_ms']:.1f} / {r['trace_p99_ms']:.1f} |"
            )
    return out


def speed_section(run: dict[str, Any]) -> list[str]:
    """Index and trace speed, unspun beside the baseline."""
    idx = run["index"]
    out = [
        f"- `unspun index` (whole command, 2 worker processes) on {idx['articles']:,} real "
        f"articles: {idx['seconds']} s, **{idx['articles_per_s']:,.0f} articles/s** (target "
        f">= 2,000){_mark(idx['articles_per_s'] >= 2000)}; index **{idx['size_over_raw']:.2f}x** "
        f"the raw text (target <= 1.5){_mark(idx['size_over_raw'] <= 1.5)}; peak memory "
        f"**{idx['peak_rss_mib']:.0f} MiB** (target <= 2,048){_mark(idx['peak_rss_mib'] <= 2048)}.",
    ]
    base = run.get("baseline_index") or {}
    for name, fig in base.items():
        if name.startswith("per_level"):
            out.append(
                f"- {name.removeprefix('per_level').strip() or 'baseline'} configuration per "
                "level: " + "; ".join(f"{k}: {v}" for k, v in fig.items()) + "."
            )
            continue
        memory = f", {fig['memory_mib']:,.0f} MiB of RAM" if "memory_mib" in fig else ""
        out.append(
            f"- baseline index ({name}), in process: {fig['seconds']} s, "
            f"{fig['articles_per_s']:,.0f} articles/s{memory}."
        )
    rows = {(r["level"], r["name"]): r for r in run["levels"]}
    baselines = [n for n in dict.fromkeys(r["name"] for r in run["levels"]) if n[:6] != "unspun"]
    for baseline in baselines:
        ratios = []
        for (level, name), r in rows.items():
            b = rows.get((level, baseline))
            if name == "unspun" and b is not None and r["trace_p50_ms"]:
                ratios.append(f"{level} {b['trace_p50_ms'] / r['trace_p50_ms']:.2f}x")
        if ratios:
            out.append(
                f"- trace speed, {baseline} p50 / unspun p50 (target: unspun >= 5x faster, "
                "a ratio of 5 or more; below 1, unspun is the slower): " + ", ".join(ratios) + "."
            )
    if run.get("whole_command"):
        out.append(f"- {_whole_command(run['whole_command'])}")
    return out


def scale_section(scale: dict[str, Any]) -> list[str]:
    """The growth table."""
    out = [
        "| indexed articles (real) | index articles/s | size / raw | peak MiB | trace p50 / "
        f"p99 ms | first traces p50 ms | F1 ({scale['level']}) | originals wrongly attributed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in scale["rows"]:
        first = r.get("warm_up_p50_ms")
        out.append(
            f"| {r['articles']:,} ({r['real_articles']:,}) | {r['articles_per_s']:,.0f} | "
            f"{r['size_over_raw']:.2f} | {r['peak_rss_mib']:.0f} | {r['trace_p50_ms']:.1f} / "
            f"{r['trace_p99_ms']:.1f} | {'-' if first is None else f'{first:.1f}'} | "
            f"{r['f1']:.3f} | {r['false_attribution']:.2%} |"
        )
    return out


def tuning_section(tuning: dict[str, Any]) -> list[str]:
    """Best baseline configurations found."""
    out = [
        "| level | best shingle | best threshold | P | R | F1 | runner-up |",
        "|---|---|---|---|---|---|---|",
    ]
    for level, rows in tuning["grid"].items():
        best, second = rows[0], rows[1] if len(rows) > 1 else None
        runner = (
            f"shingle {second['shingle']}, t {second['threshold']}: F1 {second['f1']:.3f}"
            if second
            else "-"
        )
        out.append(
            f"| {level} | {best['shingle']} | {best['threshold']} | {best['precision']:.3f} | "
            f"{best['recall']:.3f} | {best['f1']:.3f} | {runner} |"
        )
    return out


def floor_section(floor: dict[str, Any]) -> list[str]:
    """The read floor against the baseline (bench.floor)."""
    ratio = floor["baseline_p50_ms"] / floor["unspun_p50_ms"]
    out = [
        f"On {floor['queries']} generated articles at the {floor['level']} level, one "
        "after the other in one process (`python -m bench.floor`), medians per article:",
        "",
        f"- the baseline's whole trace ({floor['baseline']}, in RAM): "
        f"**{floor['baseline_p50_ms']:.2f} ms**;",
        "- only reading the article (sentences, words, n-gram hashes; no lookup): "
        f"**{floor['read_floor_p50_ms']:.2f} ms**, {floor['floor_over_baseline']:.0%} of "
        "the baseline's whole trace;",
        f"- unspun's whole trace: **{floor['unspun_p50_ms']:.2f} ms** (the baseline is "
        f"{1 / ratio:.1f}x faster).",
    ]
    idx = floor.get("index")
    if idx:
        out += [
            "",
            f"The same run indexed the same {idx['articles']:,} articles again: "
            f"{idx['seconds']} s, {idx['articles_per_s']:,.0f} articles/s, "
            f"{idx['size_over_raw']:.2f}x the raw text, peak memory "
            f"{idx['peak_rss_mib']:.0f} MiB (the `wait4` figure of the command alone).",
        ]
    if floor.get("whole_command"):
        out.append(f"In the same run, {_whole_command(floor['whole_command'])}")
    return out


def main() -> None:
    """Print the generated sections (docs/benchmarks.md embeds them)."""
    run, scale, tuning = _load("results.json"), _load("scale.json"), _load("baseline_tuning.json")
    floor = _load("floor.json")
    parts: list[str] = []
    if run:
        parts += ["### Accuracy", "", *accuracy_section(run), "", "### Speed and size", ""]
        parts += speed_section(run)
    if floor:
        parts += ["", "### How fast could a trace be?", "", *floor_section(floor)]
    if scale:
        parts += ["", "### Growth with the corpus", "", *scale_section(scale)]
    if tuning:
        parts += ["", "### Baseline tuning", "", *tuning_section(tuning)]
    print("\n".join(parts))


if __name__ == "__main__":
    main()
