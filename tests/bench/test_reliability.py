"""The short, bounded reliability run CI does on every change: every promise holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.reliability.__main__ import PARTS, main


@pytest.mark.slow
def test_the_quick_reliability_run_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, figures = tmp_path / "reliability.md", tmp_path / "reliability.json"
    code = main(["--quick", "--out", str(report), "--json", str(figures)])
    err = capsys.readouterr().err
    assert code == 0, err
    data = json.loads(figures.read_text(encoding="utf-8"))
    parts = {o["part"] for o in data["outcomes"]}
    assert parts >= {"kills", "racers", "load", "http", "fuzz"}, parts
    assert not [o for o in data["outcomes"] if o["held"] is False]
    kills = [o for o in data["outcomes"] if o["part"] == "kills"]
    assert len(kills) == 6 and all(o["held"] for o in kills)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Reliability") and "| part | cases | held |" in text
    assert set(PARTS) >= {"kills", "racers", "disk", "server", "fuzz"}
