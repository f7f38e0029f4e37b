"""bench.load_web against a real `unspun serve` over the demo index: a short run's figures
have the shape another script reads, and requests were made (no timing is asserted)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.load_server import descendants, memory_kib, rss_kib
from bench.load_web import MIX, LoadResult, main, run_load

ENDPOINT_KEYS = {
    "requests",
    "errors",
    "first_errors",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "per_second",
}


@pytest.fixture(scope="module")
def short_run() -> LoadResult:
    """Two clients for three seconds."""
    return run_load(clients=2, duration=3.0)


def test_a_short_run_reports_every_endpoint(short_run: LoadResult) -> None:
    figures = short_run.to_dict()
    assert json.loads(json.dumps(figures)) == figures  # plain JSON
    assert figures["clients"] == 2 and figures["duration_s"] == 3.0
    assert set(figures["endpoints"]) == {name for name, *_ in MIX}
    for endpoint in figures["endpoints"].values():
        assert set(endpoint) == ENDPOINT_KEYS
    made = {name: e["requests"] for name, e in figures["endpoints"].items()}
    assert made["trace"] > 0 and made["check"] > 0
    assert figures["errors"] == sum(e["errors"] for e in figures["endpoints"].values())


def test_a_short_run_reads_the_servers_memory(short_run: LoadResult) -> None:
    memory = short_run.to_dict()["memory"]
    assert 0 < memory["before_kib"] <= memory["max_kib"]
    assert 0 < memory["after_warmup_kib"] <= memory["max_kib"]
    assert 0 < memory["end_kib"] <= memory["max_kib"]
    assert memory["samples"] and memory["samples"][-1][1] == memory["end_kib"]
    assert isinstance(memory["growth_percent"], float)


def test_the_command_writes_json_for_a_request_count(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    assert main(["--clients", "2", "--requests", "12", "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["requests_asked"] == 12 and figures["duration_s"] is None
    assert sum(e["requests"] for e in figures["endpoints"].values()) == 12


def test_memory_counts_child_processes() -> None:
    sleeper = "import time; time.sleep(60)"
    spawner = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {sleeper!r}])"
    parent = subprocess.Popen([sys.executable, "-c", spawner])
    try:
        deadline = time.monotonic() + 30
        while not descendants(parent.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        (child,) = descendants(parent.pid)
        assert memory_kib(parent.pid) > rss_kib(parent.pid)
        assert memory_kib(parent.pid) > rss_kib(child) > 0
    finally:
        for pid in descendants(parent.pid):
            os.kill(pid, signal.SIGKILL)
        parent.kill()
        parent.wait()
