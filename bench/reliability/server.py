"""The server under load and under attack, on loopback only.

* **Load**: ``bench.load_web`` for ``budget.load_seconds`` with ``budget.load_clients``
  clients (trace, check, health) against an index of real news when ``../shared/data``
  is there (Reuters-21578, 19,779 articles), else of generated articles. Holds when no
  request fails, trace and check p99 are under 1 s, and the server's memory at the end
  is within 20% of its memory after the warm-up.
* **Hostile requests**: malformed HTTP, bodies too large or never finished, hostile
  JSON, markup and control characters, paths outside the API, the longest accepted
  articles sent by many clients at once. Each holds when the answer is the documented
  one (never a 500), the server still answers afterwards, and its memory stays under
  1 GiB.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.corpora import DataMissingError, corpus_path
from bench.faults import synthetic_corpus
from bench.load_server import memory_kib, served
from bench.load_web import load_server
from bench.reliability.common import Budget, Outcome
from unspun.pipeline import index_paths

PART_LOAD = "load"
PART_HOSTILE = "http"
GIB_KIB = 1024 * 1024
#: Bounds the hostile part starts the server with, so stalled clients end quickly.
SLOW_CLIENT_OPTIONS = ("--body-timeout", "3", "--body-idle-timeout", "2", "--header-timeout", "3")


def _index(work: Path, budget: Budget) -> tuple[Path, str]:
    """An index to serve: real news when at hand (not in quick runs), else generated."""
    db = work / "server.db"
    if not budget.quick:
        try:
            index_paths([corpus_path("reuters")], db)
            return db, "Reuters-21578 (19,779 real articles)"
        except DataMissingError:
            pass
    index_paths([synthetic_corpus(work / "server.jsonl", 2_000, seed=budget.seed)], db)
    return db, "2,000 generated articles"


def _load(db: Path, what: str, budget: Budget) -> Outcome:
    with served(db) as (base, pid):
        result = load_server(
            base, pid, clients=budget.load_clients, duration=budget.load_seconds, seed=budget.seed
        )
    p99 = {name: e.p99_ms for name, e in result.endpoints.items()}
    growth = result.memory.growth_percent
    problems = []
    if result.errors:
        first = [err for e in result.endpoints.values() for err in e.first_errors][:3]
        problems.append(f"{result.errors} errors ({'; '.join(first)})")
    for name in ("trace", "check"):
        if (p99.get(name) or 0.0) >= 1000:
            problems.append(f"{name} p99 {p99[name]:.0f} ms")
    if growth is None or growth > 20:  # memory given back is not a leak
        problems.append(f"memory grew {growth}% after the warm-up")
    requests = sum(e.requests for e in result.endpoints.values())
    detail = "; ".join(problems) or (
        f"{requests:,} requests, 0 errors; p99 trace {p99['trace']:.0f} ms, check "
        f"{p99['check']:.0f} ms; memory {result.memory.after_warmup_kib / 1024:.0f} MiB after "
        f"warm-up, {result.memory.end_kib / 1024:.0f} MiB at the end ({growth:+.1f}%)"
    )
    flat: dict[str, float | int | str] = {
        "requests": requests,
        "errors": result.errors,
        "trace_p99_ms": round(p99["trace"] or 0.0, 1),
        "check_p99_ms": round(p99["check"] or 0.0, 1),
        "memory_before_mib": round(result.memory.before_kib / 1024, 1),
        "memory_after_warmup_mib": round(result.memory.after_warmup_kib / 1024, 1),
        "memory_end_mib": round(result.memory.end_kib / 1024, 1),
        "memory_max_mib": round(result.memory.max_kib / 1024, 1),
        "index": what,
    }
    case = f"{budget.load_clients} clients for {budget.load_seconds:g} s ({what})"
    return Outcome(PART_LOAD, case, not problems, detail, flat)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int  # 0: the connection closed without an answer
    body: str


def _raw(base: str, payload: bytes, *, wait: float = 10.0) -> _Answer:
    """Send raw bytes on a new connection; the status line and body of the answer."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80)) as sock:
        sock.settimeout(wait)
        # Refused before it was all sent, the answer may still be there to read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    data = b"".join(chunks).decode("utf-8", "replace")
    if not data.startswith("HTTP/1.1 "):
        return _Answer(0, data)
    return _Answer(int(data[9:12]), data.split("\r\n\r\n", 1)[-1])


def _post_raw(path: str, body: bytes, *headers: str) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


Check = Callable[[str], _Answer]

_RUN = "tide mill " * 99_900  # 999,000 characters without a sentence break


def _cases() -> list[tuple[str, Check, set[int], str]]:
    """(case, request, statuses accepted, text the answer must hold or must not)."""

    def post(path: str, payload: object) -> Check:
        return lambda base: _from(httpx.post(base + path.lstrip("/"), json=payload, timeout=120))

    def raw(payload: bytes, wait: float = 10.0) -> Check:
        return lambda base: _raw(base, payload, wait=wait)

    def get(path: str) -> Check:
        return lambda base: _from(httpx.get(base + path.lstrip("/"), timeout=30))

    long_text = "The ferry sailed. " * 70_000
    nested = ("[" * 100_000 + "]" * 100_000).encode()
    return [
        (
            "invalid JSON",
            raw(
                _post_raw(
                    "/api/v1/trace",
                    b"{not json",
                    "Content-Type: application/json",
                    "Content-Length: 9",
                )
            ),
            {400},
            "",
        ),
        ("a JSON array, not an object", post("/api/v1/check", [1, 2]), {400}, ""),
        ("empty text", post("/api/v1/check", {"text": ""}), {422}, ""),
        ("text of spaces only", post("/api/v1/check", {"text": "   \n "}), {422}, ""),
        ("text that is a number", post("/api/v1/check", {"text": 42}), {422}, ""),
        (
            "a lone surrogate in the text",
            raw(
                _post_raw(
                    "/api/v1/check",
                    b'{"text": "\\ud800 ferry"}',
                    "Content-Type: application/json",
                    "Content-Length: 24",
                )
            ),
            {422},
            "",
        ),
        (
            "100,000 nested arrays",
            raw(
                _post_raw(
                    "/api/v1/check",
                    nested,
                    "Content-Type: application/json",
                    f"Content-Length: {len(nested)}",
                )
            ),
            {400, 422},
            "",
        ),
        (
            "a 6 MB body",
            raw(
                _post_raw(
                    "/api/v1/check",
                    b"x" * 6_000_000,
                    "Content-Type: application/json",
                    "Content-Length: 6000000",
                )
            ),
            {413},
            "",
        ),
        (
            "Content-Length of 99 GB",
            raw(
                _post_raw(
                    "/api/v1/check",
                    b"",
                    "Content-Type: application/json",
                    "Content-Length: 99000000000",
                )
            ),
            {413},
            "",
        ),
        (
            "Content-Length -1",
            raw(_post_raw("/api/v1/check", b"", "Content-Length: -1")),
            {400},
            "",
        ),
        (
            "Content-Length not a number",
            raw(_post_raw("/api/v1/check", b"", "Content-Length: many")),
            {400},
            "",
        ),
        (
            "a chunked body over the limit",
            raw(
                _post_raw(
                    "/api/v1/check",
                    b"".join(b"100000\r\n" + b"x" * 0x100000 + b"\r\n" for _ in range(6))
                    + b"0\r\n\r\n",
                    "Transfer-Encoding: chunked",
                )
            ),
            {413},
            "",
        ),
        (
            "a body that stops halfway",
            raw(
                _post_raw(
                    "/api/v1/check",
                    b'{"text": "the fer',
                    "Content-Type: application/json",
                    "Content-Length: 500",
                ),
                wait=15,
            ),
            {408},
            "",
        ),
        (
            "headers that never end",
            raw(b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n", wait=15),
            {0, 408},
            "",
        ),
        ("a request line of garbage", raw(b"HELLO THERE\r\n\r\n"), {0, 400}, ""),
        (
            "HTTP/1.1 without a Host",
            raw(b"GET /api/v1/health HTTP/1.1\r\nConnection: close\r\n\r\n"),
            {400},
            "",
        ),
        (
            "a 20 KB header",
            raw(
                b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
                + b"a" * 20_000
                + b"\r\n\r\n"
            ),
            {0, 200, 400, 431},
            "",
        ),
        (
            "1 MB of headers",
            raw(
                b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + b"X-Big: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" * 22_000
                + b"\r\n"
            ),
            {0, 400, 431},
            "",
        ),
        (
            "a 100 KB query string",
            raw(
                b"GET /?q=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            ),
            {0, 200, 400, 414},
            "",
        ),
        (
            "PUT on the trace endpoint",
            lambda base: _from(httpx.put(base + "api/v1/trace", json={"text": "x"})),
            {405},
            "",
        ),
        (
            "an article path climbing out",
            get("/api/v1/articles/../../../etc/passwd"),
            {404},
            "root:",
        ),
        ("an article id with a NUL", get("/api/v1/articles/%00"), {404}, ""),
        ("a report key that is not one", get("/reports/..%2F..%2Fetc"), {404}, ""),
        ("an unknown report key", get("/reports/" + "0" * 32), {404}, ""),
        ("a search with SQL wildcards", get("/?q=%25%27%20OR%201%3D1%20--"), {200}, ""),
        (
            "markup in the title of a checked page",
            lambda base: _from(
                httpx.post(
                    base + "analyse",
                    data={
                        "action": "check",
                        "title": "<script>alert(1)</script>",
                        "text": "The ferry sailed at <b>dawn</b> said Ann Lee.",
                    },
                    follow_redirects=True,
                    timeout=60,
                )
            ),
            {200},
            "<script>alert(1)",
        ),
        (
            "a javascript: URL",
            post(
                "/api/v1/trace", {"text": "The ferry sailed at dawn.", "url": "javascript:alert(1)"}
            ),
            {200},
            "",
        ),
        (
            "control characters and escapes",
            post(
                "/api/v1/check",
                {"title": "\x1b[2J", "text": "Ferry \x00\x07\x1b[31m crews said no.\u202e"},
            ),
            {200},
            "",
        ),
        (
            "a date that is not one",
            post("/api/v1/trace", {"text": "The ferry sailed.", "published": "31/31/31 99:99"}),
            {200},
            "",
        ),
        (
            "1,260,000 characters (over the article limit)",
            post("/api/v1/check", {"text": long_text}),
            {413},
            "",
        ),
        (
            "999,000 characters without a sentence break, traced",
            post("/api/v1/trace", {"text": _RUN}),
            {200},
            "",
        ),
        (
            "999,000 characters without a sentence break, checked",
            post("/api/v1/check", {"text": _RUN}),
            {200},
            "",
        ),
        (
            "an upload of a binary file",
            lambda base: _from(
                httpx.post(
                    base + "analyse",
                    data={"action": "check"},
                    files={"upload": ("story.txt", bytes(range(256)) * 100)},
                    follow_redirects=True,
                    timeout=60,
                )
            ),
            {200, 422},
            "",
        ),
        (
            "an upload named like a path",
            lambda base: _from(
                httpx.post(
                    base + "analyse",
                    data={"action": "check"},
                    files={
                        "upload": ("../../etc/passwd.txt", b"Title\n\nThe ferry sailed at dawn.")
                    },
                    follow_redirects=True,
                    timeout=60,
                )
            ),
            {200},
            "",
        ),
    ]


def _from(response: httpx.Response) -> _Answer:
    return _Answer(response.status_code, response.text)


def _alive(base: str) -> bool:
    try:
        return httpx.get(base + "api/v1/health", timeout=10).status_code == 200
    except httpx.TransportError:
        return False


class _Peak:
    """The server's peak resident memory, sampled in the background."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.kib = memory_kib(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self.kib = max(self.kib, memory_kib(self.pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.kib


def _crowd(base: str, clients: int) -> tuple[dict[int, int], float]:
    """``clients`` clients at once, each tracing then checking the longest accepted
    article; the statuses counted, and the seconds it took."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def one(i: int) -> None:
        for path in ("api/v1/trace", "api/v1/check"):
            try:
                status = httpx.post(
                    base + path, json={"text": f"{i} {_RUN}"[:999_000]}, timeout=300
                ).status_code
            except httpx.TransportError:
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.monotonic() - started


def _hostile(db: Path, budget: Budget) -> list[Outcome]:
    outcomes = []
    cases = _cases()
    if budget.quick:
        cases = cases[::3]
    with served(db, *SLOW_CLIENT_OPTIONS) as (base, pid):
        for case, send, accepted, forbidden in cases:
            peak = _Peak(pid)
            started = time.monotonic()
            try:
                answer = send(base)
            except Exception as exc:  # the client's own failure is reported, not raised
                answer = _Answer(-1, f"{type(exc).__name__}: {exc}")
            seconds = time.monotonic() - started
            peak_kib = peak.stop()
            problems = []
            if answer.status not in accepted:
                problems.append(
                    f"answered {answer.status} (expected {sorted(accepted)}): {answer.body[:160]!r}"
                )
            if forbidden and forbidden in answer.body:
                problems.append(f"the answer holds {forbidden!r} unescaped")
            if not _alive(base):
                problems.append("the server stopped answering")
            if peak_kib >= GIB_KIB:
                problems.append(f"server memory reached {peak_kib / 1024:.0f} MiB")
            detail = (
                "; ".join(problems) or f"answered {answer.status or 'by closing'}; still answering"
            )
            figures: dict[str, float | int | str] = {
                "status": answer.status,
                "seconds": round(seconds, 2),
                "server_peak_mib": round(peak_kib / 1024),
            }
            outcomes.append(Outcome(PART_HOSTILE, case, not problems, detail, figures))
        clients = 4 if budget.quick else 16
        peak = _Peak(pid)
        statuses, seconds = _crowd(base, clients)
        peak_kib = peak.stop()
        problems = []
        if set(statuses) - {200, 503}:
            problems.append(f"statuses {statuses}")
        if peak_kib >= GIB_KIB:
            problems.append(f"server memory reached {peak_kib / 1024:.0f} MiB")
        if not _alive(base):
            problems.append("the server stopped answering")
        case = f"{clients} clients at once, each tracing and checking 999,000 characters"
        detail = "; ".join(problems) or (
            f"answers {dict(sorted(statuses.items()))} (503: busy, retry) in {seconds:.0f} s; "
            f"server peak {peak_kib / 1024:.0f} MiB"
        )
        outcomes.append(
            Outcome(
                PART_HOSTILE,
                case,
                not problems,
                detail,
                {"server_peak_mib": round(peak_kib / 1024), "seconds": round(seconds, 1)},
            )
        )
    return outcomes


def run(work: Path, budget: Budget) -> list[Outcome]:
    """The load test, then the hostile requests, each against its own server."""
    db, what = _index(work, budget)
    return [_load(db, what, budget), *_hostile(db, budget)]
