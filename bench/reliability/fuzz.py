"""The property tests run as fuzzers, with many more examples than the test suite's.

Runs ``pytest tests/property`` with ``UNSPUN_FUZZ_EXAMPLES`` set (every property test
then tries at least that many examples: readers fed random and mutated files, the text
layer, the fingerprints and sketches, the tracer and the forensic reading fed hostile
text) and reports each test: passed or failed, and how long it ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from bench.reliability.common import Budget, Outcome

PART = "fuzz"
ROOT = Path(__file__).resolve().parents[2]


def run(work: Path, budget: Budget) -> list[Outcome]:
    """Every property test with ``budget.fuzz_examples`` examples at least."""
    report = work / "fuzz.xml"
    env = {**os.environ, "UNSPUN_FUZZ_EXAMPLES": str(budget.fuzz_examples)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            "tests/property",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if not report.exists():
        tail = (done.stdout + done.stderr).strip()[-300:]
        return [Outcome(PART, "tests/property", False, f"pytest did not run: {tail}")]
    outcomes = []
    for case in ElementTree.parse(report).iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped")
        seconds = float(case.get("time", "0"))
        if skipped is not None:
            held, detail = None, f"skipped: {skipped.get('message', '')[:200]}"
        elif failure is not None:
            held, detail = False, (failure.get("message") or "failed")[:300]
        else:
            held, detail = True, f"at least {budget.fuzz_examples:,} examples, no failure"
        outcomes.append(Outcome(PART, name, held, detail, {"seconds": round(seconds, 1)}))
    return outcomes
