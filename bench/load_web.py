"""Bounded load test of ``unspun serve``: trace, check and health from concurrent clients.

Indexes the bundled demo corpus in a temporary folder (or takes ``--db``), starts
``unspun serve`` on a free loopback port, and has ``--clients`` threads, each on its own
connection, send a seeded mix of ``POST /api/v1/trace`` and ``POST /api/v1/check`` (the
demo's stitched article and its corpus articles, half of them as they are, half
stitched anew from their paragraphs) with a few ``GET /api/v1/health``, for
``--duration`` seconds or ``--requests`` requests in all. It reports per endpoint the
requests, errors (any status other than 2xx, or a transport error; the first few
described), latency percentiles of the successful ones and their throughput; and the
server's resident memory (its process and any children, from ``/proc``): before the
load, after the warm-up (the first tenth of the duration or of the requests), sampled
every second, its maximum, its end, and the change from after the warm-up to the end.
Only 127.0.0.1 is ever contacted.

Reproduce with::

    .venv/bin/python -m bench.load_web --clients 16 --duration 120 [--json PATH] [--db DB]
    .venv/bin/python -m bench.load_web --requests 2000 --clients 16

Another script calls :func:`run_load` (or :func:`load_server` for a server it started)
and reads :meth:`LoadResult.to_dict`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.load_server import memory_kib, served
from unspun.demo import CORPUS, STITCHED
from unspun.pipeline import index_paths

#: (name, method, path, weight): what a client sends, drawn by weight.
MIX = (
    ("trace", "POST", "/api/v1/trace", 9),
    ("check", "POST", "/api/v1/check", 9),
    ("health", "GET", "/api/v1/health", 2),
)
ERRORS_KEPT = 5
WARMUP_SHARE = 0.1
SAMPLE_EVERY_S = 1.0


@dataclass
class Tally:
    """One client's record of one endpoint: latencies of successes, errors."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    described: list[str] = field(default_factory=list)

    def failed(self, description: str) -> None:
        """Count an error, keeping the first few descriptions."""
        self.errors += 1
        if len(self.described) < ERRORS_KEPT:
            self.described.append(description)


@dataclass(frozen=True)
class EndpointFigures:
    """What one endpoint did under the load (latencies of successful requests, in ms)."""

    requests: int
    errors: int
    first_errors: list[str]
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    per_second: float

    @classmethod
    def from_tallies(cls, tallies: Sequence[Tally], wall: float) -> EndpointFigures:
        """Merge the clients' tallies of one endpoint."""
        ms = np.asarray([t for tally in tallies for t in tally.latencies]) * 1000
        errors = sum(tally.errors for tally in tallies)
        described = [d for tally in tallies for d in tally.described][:ERRORS_KEPT]
        p50, p95, p99 = (
            (float(v) for v in np.percentile(ms, [50, 95, 99])) if len(ms) else (None,) * 3
        )
        return cls(
            requests=len(ms) + errors,
            errors=errors,
            first_errors=described,
            p50_ms=p50,
            p95_ms=p95,
            p99_ms=p99,
            max_ms=float(ms.max()) if len(ms) else None,
            per_second=len(ms) / wall if wall > 0 else 0.0,
        )


@dataclass(frozen=True)
class MemoryFigures:
    """The server's resident memory in KiB; ``samples`` are (seconds into the load, KiB)."""

    before_kib: int
    after_warmup_kib: int
    end_kib: int
    max_kib: int
    samples: list[tuple[float, int]]

    @property
    def growth_percent(self) -> float | None:
        """Change from after the warm-up to the end, in percent (``None`` if the server
        was gone by the warm-up's end)."""
        if self.after_warmup_kib == 0:
            return None
        return 100.0 * (self.end_kib - self.after_warmup_kib) / self.after_warmup_kib


@dataclass(frozen=True)
class LoadResult:
    """Everything one load run measured."""

    clients: int
    duration_s: float | None
    requests_asked: int | None
    wall_s: float
    endpoints: dict[str, EndpointFigures]
    memory: MemoryFigures

    @property
    def errors(self) -> int:
        """Errors over all endpoints."""
        return sum(e.errors for e in self.endpoints.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready figures (milliseconds and KiB rounded to one decimal)."""

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "clients": self.clients,
            "duration_s": self.duration_s,
            "requests_asked": self.requests_asked,
            "wall_s": round(self.wall_s, 2),
            "errors": self.errors,
            "endpoints": {
                name: {
                    "requests": e.requests,
                    "errors": e.errors,
                    "first_errors": e.first_errors,
                    "p50_ms": rounded(e.p50_ms),
                    "p95_ms": rounded(e.p95_ms),
                    "p99_ms": rounded(e.p99_ms),
                    "max_ms": rounded(e.max_ms),
                    "per_second": round(e.per_second, 2),
                }
                for name, e in self.endpoints.items()
            },
            "memory": {
                "before_kib": self.memory.before_kib,
                "after_warmup_kib": self.memory.after_warmup_kib,
                "end_kib": self.memory.end_kib,
                "max_kib": self.memory.max_kib,
                "growth_percent": rounded(self.memory.growth_percent),
                "samples": [[round(t, 1), kib] for t, kib in self.memory.samples],
            },
        }


class MemoryWatch:
    """Samples a process tree's resident memory every second from a thread of its own."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = memory_kib(pid)
        self.after_warmup: int | None = None
        self.samples: list[tuple[float, int]] = []
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._warm_lock = threading.Lock()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            self.samples.append((time.monotonic() - self._started, memory_kib(self.pid)))

    def mark_warm(self) -> None:
        """Read the after-warm-up figure (only the first call counts)."""
        with self._warm_lock:
            if self.after_warmup is None:
                self.after_warmup = memory_kib(self.pid)

    def finish(self) -> MemoryFigures:
        """Stop sampling; the figures, with the end read now."""
        self._stop.set()
        self._thread.join()
        end = memory_kib(self.pid)
        self.samples.append((time.monotonic() - self._started, end))
        self.mark_warm()  # a run too short to reach its warm-up point
        assert self.after_warmup is not None
        highest = max([self.after_warmup, *(kib for _, kib in self.samples)])
        return MemoryFigures(self.before, self.after_warmup, end, highest, list(self.samples))


class Plan:
    """When the clients stop and when the warm-up ends: after a time, or a request count."""

    def __init__(self, watch: MemoryWatch, duration: float | None, requests: int | None) -> None:
        self.watch = watch
        self.deadline = None if duration is None else time.monotonic() + duration
        self.left = requests
        self.warm_at = None if requests is None else math.ceil(requests * WARMUP_SHARE)
        self.done = 0
        self.lock = threading.Lock()

    def take(self) -> bool:
        """Whether a client may send one more request."""
        if self.deadline is not None:
            return time.monotonic() < self.deadline
        with self.lock:
            assert self.left is not None
            self.left -= 1
            return self.left >= 0

    def finished_one(self) -> None:
        """Count a finished request; mark the warm-up's end at its share of the count."""
        if self.warm_at is None:
            return
        with self.lock:
            self.done += 1
            warm = self.done == self.warm_at
        if warm:
            self.watch.mark_warm()


def articles() -> list[dict[str, str]]:
    """The demo's stitched article and its corpus, as title and text."""
    title, text = STITCHED.read_text(encoding="utf-8").split("\n", 1)
    records = [{"title": title.strip(), "text": text.strip()}]
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records.append({"title": record.get("title", ""), "text": record["text"]})
    return records


def compose(rng: random.Random, sources: Sequence[dict[str, str]]) -> dict[str, str]:
    """An article to send: one of ``sources`` as it is, or (one time in two) a new one
    stitched from 2-6 of their paragraphs, so that most texts differ from request to
    request as real ones would."""
    if rng.random() < 0.5:
        return dict(rng.choice(sources))
    paragraphs = [
        rng.choice(rng.choice(sources)["text"].split("\n\n")) for _ in range(rng.randint(2, 6))
    ]
    return {"title": rng.choice(sources)["title"], "text": "\n\n".join(paragraphs)}


def _client(base: str, seed: int, bodies: list[dict[str, str]], plan: Plan) -> dict[str, Tally]:
    """One client's requests on one connection, until the plan says stop."""
    rng = random.Random(seed)
    tallies = {name: Tally() for name, *_ in MIX}
    weights = [weight for *_, weight in MIX]
    with httpx.Client(base_url=base, timeout=60.0, trust_env=False) as http:
        while plan.take():
            name, method, path, _ = rng.choices(MIX, weights)[0]
            body = compose(rng, bodies) if method == "POST" else None
            started = time.perf_counter()
            try:
                answer = http.request(method, path, json=body)
            except httpx.HTTPError as exc:
                tallies[name].failed(f"{type(exc).__name__}: {exc}")
            else:
                if answer.is_success:
                    tallies[name].latencies.append(time.perf_counter() - started)
                else:
                    tallies[name].failed(f"status {answer.status_code}: {answer.text[:200]}")
            plan.finished_one()
    return tallies


def load_server(
    base: str,
    pid: int,
    *,
    clients: int = 16,
    duration: float | None = None,
    requests: int | None = None,
    seed: int = 1,
) -> LoadResult:
    """Load a running server at ``base`` (process ``pid``, for its memory) with ``clients``
    clients for ``duration`` seconds, or ``requests`` requests in all (exactly one of the
    two). Client ``i`` draws from ``Random(seed * 1000 + i)``."""
    if (duration is None) == (requests is None):
        raise ValueError("give exactly one of duration and requests")
    bodies = articles()
    watch = MemoryWatch(pid)
    plan = Plan(watch, duration, requests)
    results: list[dict[str, Tally]] = [{} for _ in range(clients)]

    def run(i: int) -> None:
        results[i] = _client(base, seed * 1000 + i, bodies, plan)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if duration is not None:
        time.sleep(duration * WARMUP_SHARE)
        watch.mark_warm()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    endpoints = {
        name: EndpointFigures.from_tallies([r[name] for r in results if r], wall)
        for name, *_ in MIX
    }
    return LoadResult(clients, duration, requests, wall, endpoints, watch.finish())


def run_load(
    db: Path | None = None,
    *,
    clients: int = 16,
    duration: float | None = None,
    requests: int | None = None,
    seed: int = 1,
    serve_options: Sequence[str] = (),
) -> LoadResult:
    """Start ``unspun serve`` over ``db`` (else over the demo corpus, indexed in a
    temporary folder) with ``serve_options``, load it as :func:`load_server`, stop it."""
    with tempfile.TemporaryDirectory(prefix="unspun-load-") as tmp:
        if db is None:
            db = Path(tmp) / "demo.db"
            index_paths([CORPUS], db, workers=1)
        with served(db, *serve_options) as (base, pid):
            return load_server(
                base, pid, clients=clients, duration=duration, requests=requests, seed=seed
            )


def report(result: LoadResult) -> str:
    """The figures as lines of text."""
    span = f"{result.duration_s:g} s" if result.duration_s is not None else "the requests"
    lines = [f"{result.clients} clients for {span} ({result.wall_s:.1f} s wall)"]
    for name, e in result.endpoints.items():
        latency = (
            f"p50 {e.p50_ms:.0f} ms, p95 {e.p95_ms:.0f} ms, p99 {e.p99_ms:.0f} ms, "
            f"max {e.max_ms:.0f} ms"
            if e.p50_ms is not None
            and e.p95_ms is not None
            and e.p99_ms is not None
            and e.max_ms is not None
            else "no successful request"
        )
        lines.append(
            f"{name:7} {e.requests:6} requests, {e.errors} errors, {latency}, {e.per_second:.1f}/s"
        )
        lines += [f"        error: {d}" for d in e.first_errors]
    m = result.memory
    growth = "?" if m.growth_percent is None else f"{m.growth_percent:+.1f}%"
    lines.append(
        f"memory (RSS) before {m.before_kib / 1024:.1f} MiB, after warm-up "
        f"{m.after_warmup_kib / 1024:.1f} MiB, max {m.max_kib / 1024:.1f} MiB, end "
        f"{m.end_kib / 1024:.1f} MiB ({growth} since warm-up)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (max 64)")
    how_long = parser.add_mutually_exclusive_group()
    how_long.add_argument(
        "--duration", type=float, metavar="SECONDS", help="load for this long (max 3600)"
    )
    how_long.add_argument(
        "--requests", type=int, help="total requests instead (max 20000; default 2000)"
    )
    parser.add_argument("--db", type=Path, help="an existing index (default: the demo's)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the clients' choices")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.duration is None and args.requests is None:
        args.requests = 2000
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be 1-64")
    if args.duration is not None and not 1 <= args.duration <= 3600:
        parser.error("--duration must be 1-3600 seconds")
    if args.requests is not None and not 1 <= args.requests <= 20_000:
        parser.error("--requests must be 1-20000")
    if args.db is not None and not args.db.is_dir():
        parser.error(f"--db {args.db}: no index there")
    result = run_load(
        args.db,
        clients=args.clients,
        duration=args.duration,
        requests=args.requests,
        seed=args.seed,
    )
    print(report(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
