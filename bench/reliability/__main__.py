"""``python -m bench.reliability``: run the reliability suite and write its report.

Reproduce with::

    .venv/bin/python -m bench.reliability            # the full run (about 30 minutes)
    .venv/bin/python -m bench.reliability --quick    # the short run CI does (minutes)

Every part runs in a temporary folder; the disk part mounts tmpfs filesystems (root
only; reported as not run elsewhere); the server parts listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.reliability.common import Budget, Outcome
from bench.reliability.report import render

ROOT = Path(__file__).resolve().parents[2]
#: The parts, in the order they run (each a module of this package).
PARTS = ("kills", "racers", "disk", "poison", "server", "fuzz")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the short, bounded version (CI)")
    parser.add_argument("--parts", default=",".join(PARTS), help="parts to run, by name")
    parser.add_argument("--kills", type=int, help="SIGKILLs of the indexer (default 100)")
    parser.add_argument("--load-seconds", type=float, help="server load test (default 600)")
    parser.add_argument("--fuzz-examples", type=int, help="examples per property test")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="Markdown report (default docs/reliability.md)")
    parser.add_argument("--json", type=Path, help="figures as JSON")
    args = parser.parse_args(argv)
    unknown = set(args.parts.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"--parts: no part named {', '.join(sorted(unknown))} ({', '.join(PARTS)})")
    return args


def _budget(args: argparse.Namespace) -> Budget:
    budget = Budget.short() if args.quick else Budget()
    changes: dict[str, object] = {"seed": args.seed}
    if args.kills is not None:
        changes["kills"] = args.kills
    if args.load_seconds is not None:
        changes["load_seconds"] = args.load_seconds
    if args.fuzz_examples is not None:
        changes["fuzz_examples"] = args.fuzz_examples
    return dataclasses.replace(budget, **changes)  # type: ignore[arg-type]


def run_parts(parts: Sequence[str], budget: Budget) -> tuple[list[Outcome], dict[str, float]]:
    """Run the named parts in order; every outcome, and the seconds each part took."""
    outcomes: list[Outcome] = []
    seconds: dict[str, float] = {}
    for name in parts:
        module = importlib.import_module(f"bench.reliability.{name}")
        started = time.monotonic()
        print(f"reliability: {name} ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix=f"unspun-reliability-{name}-") as work:
            found = module.run(Path(work), budget)
        seconds[name] = time.monotonic() - started
        failed = sum(1 for o in found if o.held is False)
        print(
            f"reliability: {name}: {len(found)} cases, {failed} failed ({seconds[name]:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        outcomes += found
    return outcomes, seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite, write the report; exit 1 when any promise did not hold."""
    args = _parse(argv)
    budget = _budget(args)
    parts = [p for p in PARTS if p in args.parts.split(",")]
    started = datetime.now(UTC)
    outcomes, seconds = run_parts(parts, budget)
    meta = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.reliability " + " ".join(argv or sys.argv[1:]),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "budget": dataclasses.asdict(budget),
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    out = args.out or (None if args.quick else ROOT / "docs" / "reliability.md")
    if out is not None:
        out.write_text(render(outcomes, meta), encoding="utf-8")
        print(f"reliability: report in {out}", file=sys.stderr)
    if args.json is not None:
        rows = [dataclasses.asdict(o) for o in outcomes]
        args.json.write_text(json.dumps({**meta, "outcomes": rows}, indent=1) + "\n")
    failed = [o for o in outcomes if o.held is False]
    for o in failed:
        print(f"reliability: FAILED {o.part}: {o.case}: {o.detail}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
