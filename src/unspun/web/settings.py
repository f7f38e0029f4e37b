"""Settings of the web app (one frozen value, built by the CLI or by tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What :func:`unspun.web.app.create_app` needs.

    Attributes:
        db: The index folder; opened read-only per request, so it may not exist yet
            (trace answers 503 until ``unspun index`` builds it).
        max_body_bytes: Largest request body accepted (checked on the raw bytes before
            parsing); larger requests get 413.
        report_cache_size: Reports kept in memory for ``/reports/{hash}`` (least recently
            used ones are dropped first).
        search_limit: Most articles listed by a search of the index.
        search_scan_limit: Most stored articles read when searching for a phrase in the
            article bodies (they are compressed, so each is read and decompressed).
    """

    db: Path
    max_body_bytes: int = 5 * MB
    report_cache_size: int = 256
    search_limit: int = 50
    search_scan_limit: int = 20_000

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "report_cache_size", "search_limit", "search_scan_limit"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
