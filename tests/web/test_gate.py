"""The server's bounds on work in memory: analyses share an allowance of characters,
and the report cache holds a bounded amount of article text."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from unspun.records import Article
from unspun.web.errors import WebError
from unspun.web.gate import AnalysisGate
from unspun.web.reports import ReportCache, StoredReport, compute


def _article(chars: int, name: str = "a") -> Article:
    return Article(id=name, title="", text="x" * chars)


def test_long_articles_wait_their_turn_and_short_ones_pass() -> None:
    gate = AnalysisGate(capacity=10, wait=5.0)
    inside, release, done = threading.Event(), threading.Event(), threading.Event()

    def long_one() -> None:
        with gate.admit(_article(8)):
            inside.set()
            release.wait(10)

    def second_long_one() -> None:
        with gate.admit(_article(8)):
            done.set()

    first = threading.Thread(target=long_one)
    first.start()
    assert inside.wait(10)
    with gate.admit(_article(2)):  # room for a short one beside it
        assert gate.used == 10
    waiting = threading.Thread(target=second_long_one)
    waiting.start()
    assert not done.wait(0.3)  # no room until the first is done
    release.set()
    assert done.wait(10)
    first.join()
    waiting.join()
    assert gate.used == 0


def test_a_request_that_waits_too_long_is_told_the_server_is_busy() -> None:
    gate = AnalysisGate(capacity=10, wait=0.2)
    with gate.admit(_article(10)), pytest.raises(WebError) as busy, gate.admit(_article(1)):
        pass
    assert busy.value.status == 503 and "busy" in busy.value.message
    with gate.admit(_article(50)):  # longer than the capacity: runs alone
        assert gate.used == 10


def test_the_report_cache_keeps_a_bounded_amount_of_text() -> None:
    def stored(key: str, chars: int) -> StoredReport:
        article = Article(id=key, title=key, text="The ferry sailed. " * (chars // 18))
        return compute("check", article, Path("no-index-needed"))

    cache = ReportCache(size=10, chars=400)
    reports = [stored(f"k{i}", 126) for i in range(4)]  # 128 characters each
    for report in reports:
        cache.put(report)
    assert len(cache) == 3
    assert cache.get(reports[0].key) is None and cache.get(reports[3].key) is not None
    big = stored("big", 1_000)  # alone over the bound: kept, the others dropped
    cache.put(big)
    assert len(cache) == 1 and cache.get(big.key) is not None
