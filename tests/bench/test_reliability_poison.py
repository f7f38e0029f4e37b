"""The poison part of the reliability suite, short: hostile files given to the real CLI
are each answered as the promise says (exit code, one clear line per problem, no
traceback, bounded memory and time)."""

from __future__ import annotations

from pathlib import Path

from bench.reliability.common import Budget
from bench.reliability.poison import PART, run


def test_every_poisoned_input_is_answered_as_promised(tmp_path: Path) -> None:
    outcomes = run(tmp_path / "work", Budget.short())
    assert len(outcomes) >= 8
    assert {o.part for o in outcomes} == {PART}
    broken = [f"{o.case}: {o.detail}" for o in outcomes if o.held is False]
    assert broken == []
    ran = [o for o in outcomes if "peak_mib" in o.figures]
    assert len(ran) >= 8
    assert all(o.figures["traceback"] == "no" for o in ran)
    # The work folder keeps only what is shared by the cases (each case's is removed).
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == [
        "corpus.jsonl",
        "good.jsonl",
        "trace.db",
    ]
