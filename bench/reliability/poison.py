"""Poisoned files: hostile inputs through the real CLI, each judged against the promise.

The promise for bad input: a clear error naming the file, record and reason; the run
goes on with the next record; exit code 2 only when nothing usable was given; one line
on stderr per problem; never a traceback; peak memory under 1 GiB for any input the
CLI accepts. Each case of :func:`bench.reliability.poison_cases.catalogue` is built in
its own folder and given to ``unspun`` in a subprocess:

* ``index``: the input, then (unless the case says ``alone``) a good file holding one
  article, into a new index. The good article must be added (the run went on), the
  count of rejected records must be the case's, and stderr must hold exactly one
  ``unspun: skipped <input>...`` line per reject (at most 20, then one line saying how
  many more), plus one ``unspun: error:`` line when the exit code is 2;
* ``trace`` (against an index built once from a generated corpus) and ``check``: the
  input as the one article. Exit 0 with a report on stdout and nothing on stderr, or
  exit 2 with one ``unspun: error:`` line naming the input.

In every case: the exit code the case calls for, no traceback, every stderr line
starting ``unspun: ``, the peak resident memory of the command and every process it
started below 1 GiB, and an end within :data:`TIMEOUT` seconds.
"""

from __future__ import annotations

import random
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.faults import (
    child_env,
    one_clear_line,
    run_measured,
    run_unspun,
    synthetic_corpus,
    unspun_command,
)
from bench.reliability.common import Budget, Outcome
from bench.reliability.poison_cases import Case, catalogue
from bench.reliability.poison_inputs import FULL, GIB, MIB, QUICK, Sizes, write_good
from unspun.cli import MAX_REJECTS_SHOWN, one_line

PART = "poison"
#: Seconds a case may take before it counts as a hang (and is killed).
TIMEOUT = 120.0
#: Peak resident memory the promise allows, summed over the processes of a command.
PEAK_LIMIT = GIB
_SUMMARY = re.compile(r"^added (\d+), duplicates (\d+), rejected (\d+)")
#: Characters of the first stderr line quoted in an outcome's detail.
_QUOTED = 160


@dataclass(frozen=True, slots=True)
class _Result:
    """What one command did (``code`` None: killed at the timeout)."""

    code: int | None
    stdout: str
    stderr: str
    peak: int
    seconds: float

    @property
    def lines(self) -> list[str]:
        """The stderr lines that are not blank."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def run(work: Path, budget: Budget) -> list[Outcome]:
    """Build every case in ``work``, give it to the CLI and judge the answer.

    Args:
        work: A folder for the inputs and indexes (created if missing; each case's
            own folder is removed once it has run).
        budget: ``quick`` runs about a dozen cheap cases with smaller inputs;
            ``seed`` seeds the generated words.

    Returns:
        One outcome per case, in catalogue order.
    """
    sizes = QUICK if budget.quick else FULL
    cases = [case for case in catalogue() if case.quick or not budget.quick]
    work.mkdir(parents=True, exist_ok=True)
    good = write_good(work / "good.jsonl", budget.seed)
    index = _trace_index(work, budget) if any(c.command == "trace" for c in cases) else None
    outcomes = []
    for number, case in enumerate(cases):
        folder = work / f"case-{number:02d}"
        folder.mkdir()
        try:
            rng = random.Random(budget.seed * 1_000 + number)
            outcomes.append(_run_case(case, folder, sizes, rng, good=good, index=index))
        finally:
            _remove(folder)
    return outcomes


def _trace_index(work: Path, budget: Budget) -> Path:
    """An index of a small generated corpus, for the trace cases."""
    corpus = synthetic_corpus(work / "corpus.jsonl", 60 if budget.quick else 300, seed=budget.seed)
    db = work / "trace.db"
    done = run_unspun("index", str(corpus), "--db", str(db), "--quiet", timeout=TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"cannot build the index to trace against: {done.stderr.strip()}")
    return db


def _remove(folder: Path) -> None:
    # rm, not shutil.rmtree: the deep-folder case nests past Python's recursion limit.
    subprocess.run(["rm", "-rf", "--", str(folder)], check=True)


def _run_case(
    case: Case, folder: Path, sizes: Sizes, rng: random.Random, *, good: Path, index: Path | None
) -> Outcome:
    title = case.title(sizes)
    refusal = case.refusal() if case.refusal is not None else None
    if refusal is not None:
        return Outcome(PART, title, None, f"not run here: {refusal}")
    given = case.build(folder, sizes, rng)
    args: list[str] = [case.command, str(given)]
    if case.command == "index":
        args += [*([] if case.alone else [str(good)]), "--db", str(folder / "db"), "--quiet"]
    elif case.command == "trace" and index is not None:
        args += ["--db", str(index)]
    result = _measure(args)
    problems = _broken_promises(case, sizes, given, result)
    return Outcome(
        PART,
        title,
        not problems,
        "; ".join([_summary(result), *problems]),
        {
            "exit_code": "timeout" if result.code is None else result.code,
            "stderr_lines": len(result.lines),
            "traceback": "yes" if "Traceback" in result.stderr else "no",
            # A command killed at the timeout leaves no peak to report.
            "peak_mib": "n/a" if result.code is None else round(result.peak / MIB, 1),
            "seconds": round(result.seconds, 2),
        },
    )


def _measure(args: list[str]) -> _Result:
    started = time.monotonic()
    try:
        done, peak = run_measured(unspun_command(*args), timeout=TIMEOUT, env=child_env())
    except subprocess.TimeoutExpired:
        return _Result(None, "", "", 0, time.monotonic() - started)
    return _Result(done.returncode, done.stdout, done.stderr, peak, time.monotonic() - started)


def _summary(result: _Result) -> str:
    if result.code is None:
        return f"killed after {TIMEOUT:.0f} s"
    lines = result.lines
    said = f": {lines[0][:_QUOTED]}" if lines else ""
    return f"exit {result.code}, {len(lines)} stderr line{'s' if len(lines) != 1 else ''}{said}"


def _broken_promises(case: Case, sizes: Sizes, given: Path, result: _Result) -> list[str]:
    """What the answer got wrong (empty: every promise held)."""
    if result.code is None:
        return [f"did not finish within {TIMEOUT:.0f} s"]
    problems = []
    if result.code != case.exit_code:
        problems.append(f"exit {result.code}, expected {case.exit_code}")
    if "Traceback" in result.stderr:
        problems.append("a traceback")
    if any(not line.startswith("unspun: ") for line in result.lines):
        problems.append("a stderr line not starting 'unspun: '")
    if result.peak >= PEAK_LIMIT:
        problems.append(f"peak {result.peak / MIB:,.0f} MiB")
    if case.command == "index":
        problems += _index_problems(case, sizes, given, result)
    else:
        problems += _article_problems(given, result)
    return problems


def _index_problems(case: Case, sizes: Sizes, given: Path, result: _Result) -> list[str]:
    out = result.stdout.splitlines()
    found = _SUMMARY.match(out[0]) if len(out) == 1 else None
    if found is None:
        return [f"stdout is not one summary line: {result.stdout[:_QUOTED]!r}"]
    added, rejected = int(found[1]), int(found[3])
    problems = []
    low, high = case.reject_range(sizes)
    if not low <= rejected <= high:
        problems.append(f"{rejected} rejected, expected {low} to {high}")
    if not case.alone and added < 1:
        problems.append("the good file after the input was not indexed")
    shown = min(rejected, MAX_REJECTS_SHOWN)
    expected = shown + (rejected > MAX_REJECTS_SHOWN) + (result.code == 2)
    if len(result.lines) != expected:
        problems.append(f"{len(result.lines)} stderr lines for {rejected} rejects")
    skipped = [line for line in result.lines if line.startswith("unspun: skipped ")]
    name = one_line(str(given))
    if len(skipped) != shown or any(name not in line for line in skipped):
        problems.append("not one 'unspun: skipped <input>...' line per reject shown")
    return problems


def _article_problems(given: Path, result: _Result) -> list[str]:
    if result.code == 0:
        problems = [] if result.stdout.strip() else ["no report on stdout"]
        return problems + (["stderr not empty"] if result.lines else [])
    unclear = one_clear_line(result.stderr)
    if unclear is not None:
        return [f"not one clear line: {unclear}"]
    if len(result.lines) != 1 or one_line(str(given)) not in result.lines[0]:
        return ["the error line does not name the input"]
    return []
