"""How much analysis the server does at once, counted in characters of article text.

Tracing or checking an article takes memory in proportion to its length (a
1,000,000-character article, the longest accepted, peaks near 300 MB). The server
runs requests on many threads; without a bound, a few clients sending the longest
articles at once could take the machine. Each analysis first takes its article's
length from a shared allowance and gives it back when done: ordinary articles
(thousands of characters) run side by side, and the longest wait their turn. A
request that waits longer than its bound is answered 503 (busy, retry).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from unspun.records import Article
from unspun.web.errors import WebError


class AnalysisGate:
    """A shared allowance of characters under analysis.

    Args:
        capacity: Characters of article text analysed at once (an article longer than
            this runs alone).
        wait: Seconds a request may wait for room before it is answered 503.
    """

    def __init__(self, capacity: int, wait: float) -> None:
        if capacity < 1 or not wait > 0:
            raise ValueError(f"capacity and wait must be positive, got {capacity} and {wait}")
        self.capacity = capacity
        self.wait = wait
        self._used = 0
        self._free = threading.Condition()

    @property
    def used(self) -> int:
        """Characters under analysis now."""
        with self._free:
            return self._used

    @contextmanager
    def admit(self, article: Article) -> Iterator[None]:
        """Hold room for ``article`` while the block runs.

        Raises:
            WebError: 503 when no room was made within ``wait`` seconds.
        """
        size = min(max(len(article.text) + len(article.title), 1), self.capacity)
        deadline = time.monotonic() + self.wait
        with self._free:
            while self._used + size > self.capacity:
                left = deadline - time.monotonic()
                if left <= 0 or not self._free.wait(left):
                    raise WebError(
                        503,
                        "the server is busy analysing other long articles; retry in a minute",
                    )
            self._used += size
        try:
            yield
        finally:
            with self._free:
                self._used -= size
                self._free.notify_all()
