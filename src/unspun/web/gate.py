"""How much analysis the server does at once, counted in characters of article text.

Tracing or checking an article takes memory in proportion to its length (a
1,000,000-character article, the longest accepted, peaks near 300 MB). The server
runs requests on many threads; without a bound, a few clients sending the longest
articles at once could take the machine. Each analysis first takes its article's
length from a shared allowance and gives it back when done: ordinary articles
(thousands of characters) run side by side, and the longest wait their turn. A
request that waits longer than its bound is answered 503 (busy, retry).

The analyses run on a few threads of their own, not on the server's request threads:
the C allocator keeps a pool of memory per thread that has used it, so the longest
article analysed once on each of forty request threads would leave forty pools of
hundreds of megabytes behind (measured: 16 clients sending the longest articles took
the server past 1 GiB). The work is CPU-bound and holds the GIL, so more threads would
not make it faster. After the analysis of a long article, the allocator is asked to
give its free memory back to the system (glibc's ``malloc_trim``), so what one long
article took does not stay with the server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from unspun.records import Article
from unspun.web.errors import WebError

_T = TypeVar("_T")
#: Articles at least this long are followed by a trim of the allocator's free memory.
TRIM_CHARS = 100_000


def _trim_allocator() -> None:
    """Give the C allocator's free memory back to the system (glibc only; else nothing)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:
        trim = None
    if trim is not None:
        trim(0)


class AnalysisGate:
    """A shared allowance of characters under analysis, and the threads that analyse.

    Args:
        capacity: Characters of article text analysed at once (an article longer than
            this runs alone).
        wait: Seconds a request may wait for room before it is answered 503.
        threads: Threads the analyses run on.
    """

    def __init__(self, capacity: int, wait: float, threads: int = 2) -> None:
        if capacity < 1 or not wait > 0 or threads < 1:
            raise ValueError(
                f"capacity, wait and threads must be positive, got {capacity}, {wait}, {threads}"
            )
        self.capacity = capacity
        self.wait = wait
        self._used = 0
        self.threads = threads
        self._free = threading.Condition()
        self._pool: ThreadPoolExecutor | None = None  # started on first use, again after close

    def run(self, article: Article, work: Callable[[], _T]) -> _T:
        """``work()`` (the analysis of ``article``) on an analysis thread, once there is
        room for the article; its result.

        Raises:
            WebError: 503 when no room was made within ``wait`` seconds.
        """
        with self.admit(article):
            with self._free:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.threads, "unspun-analysis")
                pool = self._pool
            try:
                return pool.submit(work).result()
            finally:
                if len(article.text) >= TRIM_CHARS:
                    pool.submit(_trim_allocator).result()

    def close(self) -> None:
        """Stop the analysis threads (after the analyses under way)."""
        with self._free:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

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
