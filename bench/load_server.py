"""``unspun serve`` as a subprocess for benchmarks, and its memory read from ``/proc``.

Linux only (``/proc``); the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

START_TIMEOUT_S = 30.0
PROC = Path("/proc")


@contextmanager
def served(db: Path, *options: str) -> Iterator[tuple[str, int]]:
    """``unspun serve`` over ``db`` on a free loopback port, with ``options``, answering
    its health check; its base URL and process id. Stopped on leaving."""
    command = [sys.executable, "-m", "unspun", "serve", "--db", str(db), "--port", "0"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", *options], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if match is None:
            raise RuntimeError(f"unspun serve did not start: {line!r}")
        base = match.group(0)
        _await_health(base)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _await_health(base: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(base + "api/v1/health", trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"unspun serve did not answer within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.1)


def memory_kib(pid: int) -> int:
    """Resident memory (VmRSS, KiB) of process ``pid`` and all its descendants; 0 for a
    process that is gone."""
    return sum(rss_kib(p) for p in [pid, *descendants(pid)])


def descendants(pid: int) -> list[int]:
    """Ids of the processes under ``pid`` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while we looked
        # The name, in parentheses, may hold spaces and parentheses: split after the last.
        parent = int(text.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(stat.parent.name))
    found: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children.get(child, [])
    return found


def rss_kib(pid: int) -> int:
    """Resident memory (VmRSS, KiB) of process ``pid`` alone; 0 for one that is gone."""
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0  # a zombie has no VmRSS
