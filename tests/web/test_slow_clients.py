"""Slow and stalled clients against a real `unspun serve`, over raw loopback sockets: each
is answered 408 or closed within its bound, and the server keeps answering others.

The bounds are set small (a second or two) so that the tests wait little; the margin
allowed past each bound is wide, since the machine may be busy: what is checked is that
the connection is let go, not how fast.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.web.conftest import served

HEADER_S = 1.5
BODY_IDLE_S = 1.5
BODY_TOTAL_S = 3.0
SEND_S = 1.5
MARGIN_S = 8.0  # past a bound, on a loaded machine
STALLED = 60
JSON_HEAD = (
    "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
    "Content-Length: 1000\r\n\r\n"
)
ARTICLE = {"title": "", "text": "The harbour board voted on Tuesday to close the old pier."}


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    """`unspun serve` with second-long bounds; its base URL."""
    bounds = {
        "--header-timeout": HEADER_S,
        "--body-idle-timeout": BODY_IDLE_S,
        "--body-timeout": BODY_TOTAL_S,
        "--send-timeout": SEND_S,
    }
    with served(demo_db, *(str(x) for pair in bounds.items() for x in pair)) as base:
        yield base


def _connect(base: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", urlsplit(base).port or 80), timeout=5)
    sock.settimeout(None)
    return sock


def _stall_body(
    base: str, path: str = "/api/v1/check", kind: str = "application/json"
) -> socket.socket:
    """A connection that sent its headers and 12 of the 1,000 bytes of body it declared."""
    sock = _connect(base)
    sock.sendall(JSON_HEAD.format(path=path, kind=kind).encode() + b'{"text": "Th')
    return sock


def _until_closed(sock: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (seconds from
    now); fails if it is still open after ``within`` seconds."""
    started = time.monotonic()
    received = b""
    while True:
        left = started + within - time.monotonic()
        readable, _, _ = select.select([sock], [], [], max(left, 0))
        assert readable, f"still open after {within:g} s, having sent {received[:80]!r}"
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            sock.close()
            return received, time.monotonic() - started
        received += chunk


def _answer(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one raw HTTP/1.1 answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, body


def _served_meanwhile(base: str) -> None:
    """Another client is answered while connections stall."""
    with httpx.Client(timeout=30) as other:
        assert other.get(base + "api/v1/health").status_code == 200
        assert other.post(base + "api/v1/check", json=ARTICLE).status_code == 200


def test_a_stalled_body_gets_408_while_others_are_answered(server: str) -> None:
    stalled = _stall_body(server)
    _served_meanwhile(server)
    raw, waited = _until_closed(stalled, BODY_IDLE_S + MARGIN_S)
    status, headers, body = _answer(raw)
    assert status == 408
    assert headers["connection"] == "close"
    assert json.loads(body) == {"error": "the request body stopped arriving for 1.5 s"}
    assert waited >= BODY_IDLE_S / 2  # waited for the body, rather than refusing it at once


def test_a_body_trickling_in_meets_the_total_deadline(server: str) -> None:
    sock = _connect(server)
    sock.sendall(JSON_HEAD.format(path="/api/v1/trace", kind="application/json").encode())
    started = time.monotonic()
    received = b""
    # A byte every 0.3 s never trips the idle bound, only the total one.
    while time.monotonic() - started < BODY_TOTAL_S + MARGIN_S:
        readable, _, _ = select.select([sock], [], [], 0.3)
        if readable:
            received, _ = _until_closed(sock, MARGIN_S)
            break
        try:
            sock.sendall(b" ")
        except (BrokenPipeError, ConnectionResetError):
            received, _ = _until_closed(sock, MARGIN_S)
            break
    status, _, body = _answer(received)
    assert status == 408
    assert json.loads(body) == {"error": "the request body did not arrive within 3 s"}


def test_a_stalled_form_gets_the_error_page(server: str) -> None:
    form = "application/x-www-form-urlencoded"
    raw, _ = _until_closed(_stall_body(server, "/analyse", form), BODY_IDLE_S + MARGIN_S)
    status, headers, body = _answer(raw)
    assert status == 408 and headers["content-type"].startswith("text/html")
    assert b"Too slow" in body and b"stopped arriving for 1.5 s" in body


def test_sixty_stalled_bodies_are_all_let_go(server: str) -> None:
    stalled = [_stall_body(server) for _ in range(STALLED)]
    _served_meanwhile(server)
    answers = [_until_closed(sock, BODY_IDLE_S + MARGIN_S)[0] for sock in stalled]
    assert [_answer(raw)[0] for raw in answers] == [408] * STALLED
    _served_meanwhile(server)


@pytest.mark.parametrize(
    "sent",
    [
        b"",
        b"POST /api/v1/che",
        b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",
    ],
    ids=["nothing", "half-a-request-line", "half-the-headers"],
)
def test_headers_that_never_finish_are_closed(server: str, sent: bytes) -> None:
    sock = _connect(server)
    sock.sendall(sent)
    _served_meanwhile(server)
    raw, waited = _until_closed(sock, HEADER_S + MARGIN_S)
    assert raw == b""  # nothing was read to answer
    assert waited >= HEADER_S / 2 - 0.5


def test_headers_dribbled_byte_by_byte_are_closed(server: str) -> None:
    sock = _connect(server)
    request = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 100
    started = time.monotonic()
    for byte in request:
        readable, _, _ = select.select([sock], [], [], 0.2)
        if readable:
            break
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
    raw, _ = _until_closed(sock, MARGIN_S)
    assert raw == b""
    assert time.monotonic() - started < HEADER_S + MARGIN_S


def test_the_next_request_on_a_kept_alive_connection_is_bounded_too(server: str) -> None:
    sock = _connect(server)
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    first = b""
    while not first.endswith(b"}"):
        first += sock.recv(65536)
    assert _answer(first)[0] == 200
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 12")  # and no more
    raw, _ = _until_closed(sock, HEADER_S + MARGIN_S)
    assert raw == b""


def test_a_client_that_does_not_read_its_answers_is_dropped(server: str) -> None:
    # 1,000 pipelined requests ask for about 10 MB: more than the kernel's buffers hold
    # (the client's receive buffer is kept small), so the server's sending stalls.
    asked = 1000
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", urlsplit(server).port or 80))
    sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * asked)
    time.sleep(SEND_S + MARGIN_S / 2)  # reading nothing
    _served_meanwhile(server)
    raw, _ = _until_closed(sock, MARGIN_S)
    assert raw.count(b"HTTP/1.1 200 OK") < asked  # let go before the end


def test_connections_beyond_the_cap_get_503(demo_db: Path) -> None:
    with served(demo_db, "--max-connections", "2") as base:
        held = [_connect(base) for _ in range(2)]
        time.sleep(0.5)  # let the server accept them before the next one
        with httpx.Client(timeout=30) as extra:
            refused = extra.get(base + "api/v1/health")
        assert refused.status_code == 503
        held[0].close()
        time.sleep(0.5)
        assert httpx.get(base + "api/v1/health", timeout=30).status_code == 200
        held[1].close()
