"""Settings of the web app and its server (one frozen value, built by the CLI or by tests)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What :func:`unspun.web.app.create_app` and :func:`unspun.web.server.serve` need.

    The bounds on slow clients, from a connection's first byte to its answer: the request
    line and headers must be complete within ``header_timeout`` (else the connection is
    closed without an answer: nothing was understood to answer); each piece of the body
    must follow the previous one within ``body_idle_timeout`` and the whole body must be
    in within ``body_timeout`` of the headers (else 408, and the connection is closed);
    an answer the client does not read may not fill the send buffer for longer than
    ``send_timeout`` (else the connection is dropped); between two requests a connection
    may sit idle for ``keep_alive_timeout``; and at most ``max_connections`` connections
    are served at once (a request over the cap gets 503).
    The headers' size is bounded by the HTTP parser (16 KiB; 400 beyond).

    Attributes:
        db: The index folder; opened read-only per request, so it may not exist yet
            (trace answers 503 until ``unspun index`` builds it).
        max_body_bytes: Largest request body accepted (checked on the raw bytes before
            parsing); larger requests get 413.
        report_cache_size: Reports kept in memory for ``/reports/{hash}`` (least recently
            used ones are dropped first).
        report_cache_chars: Characters of article text whose reports are kept at most
            (a report's size grows with its article's length).
        analysis_chars: Characters of article text traced or checked at once (see
            :mod:`unspun.web.gate`: ordinary articles run side by side, the longest
            wait their turn).
        analysis_wait: Seconds a request may wait for its turn before it gets 503.
        analysis_threads: Threads the traces and checks run on (they hold the GIL, so
            more than the cores buys nothing, and each thread keeps its own memory).
        search_limit: Most articles listed by a search of the index.
        search_scan_limit: Most stored articles read when searching for a phrase in the
            article bodies (they are compressed, so each is read and decompressed).
        body_timeout: Seconds from the end of the headers by which the whole body must
            have arrived.
        body_idle_timeout: Seconds the server waits for the next piece of a body (only
            matters when shorter than what is left of ``body_timeout``).
        header_timeout: Seconds from the connection's opening, or from the end of the
            previous answer on it, by which a request's headers must be complete.
        send_timeout: Seconds an answer may wait, its send buffer full, for the client to
            read some of it.
        keep_alive_timeout: Whole seconds an idle connection is kept open for a next
            request.
        max_connections: Connections served at once, idle ones included; a request
            arriving while the server holds this many gets 503 and a closed connection.
    """

    db: Path
    max_body_bytes: int = 5 * MB
    report_cache_size: int = 256
    report_cache_chars: int = 2_000_000
    analysis_chars: int = 1_500_000
    analysis_wait: float = 60.0
    analysis_threads: int = 2
    search_limit: int = 50
    search_scan_limit: int = 20_000
    body_timeout: float = 30.0
    body_idle_timeout: float = 10.0
    header_timeout: float = 10.0
    send_timeout: float = 30.0
    keep_alive_timeout: int = 5
    max_connections: int = 100

    def __post_init__(self) -> None:
        counts = (
            "max_body_bytes",
            "report_cache_size",
            "report_cache_chars",
            "analysis_chars",
            "analysis_threads",
            "search_limit",
            "search_scan_limit",
            "keep_alive_timeout",
            "max_connections",
        )
        for name in counts:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        timeouts = (
            "body_timeout",
            "body_idle_timeout",
            "header_timeout",
            "send_timeout",
            "analysis_wait",
        )
        for name in timeouts:
            seconds = getattr(self, name)
            if not (math.isfinite(seconds) and seconds > 0):
                raise ValueError(f"{name} must be a positive number of seconds, got {seconds}")
