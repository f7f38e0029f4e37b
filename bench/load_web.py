"""Bounded load test of ``unspun serve``: POST /api/v1/trace from concurrent clients.

Indexes the bundled demo corpus in a temporary folder, starts ``unspun serve`` on a
free loopback port, sends ``--requests`` traces of the demo's stitched article from
``--clients`` threads (each with its own connection), then stops the server and prints
errors, latency percentiles and throughput. Only 127.0.0.1 is ever contacted.

Reproduce with::

    .venv/bin/python -m bench.load_web [--requests 2000] [--clients 16]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from unspun.demo import CORPUS, STITCHED
from unspun.pipeline import index_paths

START_TIMEOUT_S = 30.0


@dataclass
class Tally:
    """Latencies of successful requests and error descriptions, shared by the clients."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_server(db: Path) -> tuple[subprocess.Popen[str], str]:
    """``unspun serve`` on a free loopback port; the process and its base URL."""
    command = [sys.executable, "-m", "unspun", "serve", "--db", str(db), "--port", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    match = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline())
    if match is None:
        proc.terminate()
        raise SystemExit("unspun serve did not start")
    base = match.group(0)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "api/v1/health").status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"unspun serve did not answer within {START_TIMEOUT_S:.0f} s")


def client(url: str, body: dict[str, str], count: int, tally: Tally) -> None:
    """Send ``count`` traces one after the other on one connection."""
    with httpx.Client(timeout=60.0) as http:
        for _ in range(count):
            started = time.perf_counter()
            try:
                answer = http.post(url, json=body)
                ok = answer.status_code == 200
                problem = f"status {answer.status_code}"
            except httpx.HTTPError as exc:
                ok, problem = False, type(exc).__name__
            elapsed = time.perf_counter() - started
            with tally.lock:
                if ok:
                    tally.latencies.append(elapsed)
                else:
                    tally.errors.append(problem)


def run(requests: int, clients: int) -> None:
    """Index, serve, load, report."""
    title, text = STITCHED.read_text(encoding="utf-8").split("\n", 1)
    body = {"title": title.strip(), "text": text.strip()}
    with tempfile.TemporaryDirectory(prefix="unspun-load-") as tmp:
        db = Path(tmp) / "demo.db"
        index_paths([CORPUS], db, workers=1)
        proc, base = start_server(db)
        try:
            tally = Tally()
            shares = [requests // clients + (i < requests % clients) for i in range(clients)]
            threads = [
                threading.Thread(target=client, args=(base + "api/v1/trace", body, n, tally))
                for n in shares
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    report(tally, requests, clients, wall)


def report(tally: Tally, requests: int, clients: int, wall: float) -> None:
    """Print the figures."""
    ms = np.asarray(tally.latencies) * 1000
    print(f"{requests} POST /api/v1/trace from {clients} clients in {wall:.1f} s")
    print(
        f"errors: {len(tally.errors)}" + (f" ({sorted(set(tally.errors))})" if tally.errors else "")
    )
    if len(ms):
        p50, p99 = np.percentile(ms, [50, 99])
        print(f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms.max():.1f} ms")
    print(f"throughput {len(ms) / wall:.1f} requests/s")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=2000, help="total requests (max 20000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (max 64)")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 20_000 or not 1 <= args.clients <= 64:
        parser.error("--requests must be 1-20000 and --clients 1-64")
    run(args.requests, args.clients)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
