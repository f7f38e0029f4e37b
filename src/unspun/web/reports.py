"""Computed reports and the bounded in-memory cache behind ``/reports/{key}``.

A report's key is a hash of its kind and of the article it was computed from, so the
same article analysed the same way always gets the same shareable URL.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from unspun.records import Article, CheckReport, TraceReport

Kind = Literal["trace", "check"]
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class StoredReport:
    """One computed report with the article it describes and its JSON (as the CLI prints)."""

    key: str
    kind: Kind
    article: Article
    report: TraceReport | CheckReport
    data: dict[str, Any]


def report_key(kind: Kind, article: Article) -> str:
    """The stable key of a report: 32 hex digits of a hash of the kind and the article."""
    fields = [kind, article.title, article.text, article.url, article.outlet, article.published]
    return hashlib.blake2b(orjson.dumps(fields), digest_size=16).hexdigest()


def compute(kind: Kind, article: Article, db: Path) -> StoredReport:
    """Trace the article against the index at ``db``, or check it from its text alone.

    Raises:
        StoreError: ``kind`` is ``trace`` and there is no usable index at ``db``.
    """
    from unspun.pipeline import check_article, trace_article
    from unspun.report.json import check_to_dict, trace_to_dict

    report: TraceReport | CheckReport
    if kind == "trace":
        report = trace_article(article, db)
        data = trace_to_dict(report)
    else:
        report = check_article(article)
        data = check_to_dict(report)
    return StoredReport(report_key(kind, article), kind, article, report, data)


def _weight(stored: StoredReport) -> int:
    return len(stored.article.text) + len(stored.article.title)


class ReportCache:
    """A thread-safe least-recently-used map of report key to :class:`StoredReport`,
    bounded in reports and in the characters of their articles (a report of a long
    article is large).

    Args:
        size: Most reports kept.
        chars: Most characters of article text kept (the newest report is kept
            whatever its length).
    """

    def __init__(self, size: int, chars: int = 2_000_000) -> None:
        self._size = size
        self._chars = chars
        self._held = 0
        self._items: OrderedDict[str, StoredReport] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, stored: StoredReport) -> None:
        """Keep a report, dropping the least recently used ones while over a bound."""
        with self._lock:
            old = self._items.pop(stored.key, None)
            if old is not None:
                self._held -= _weight(old)
            self._items[stored.key] = stored
            self._held += _weight(stored)
            while len(self._items) > 1 and (
                len(self._items) > self._size or self._held > self._chars
            ):
                _, dropped = self._items.popitem(last=False)
                self._held -= _weight(dropped)

    def get(self, key: str) -> StoredReport | None:
        """The report with this key, or None when it was never computed or was dropped."""
        with self._lock:
            stored = self._items.get(key)
            if stored is not None:
                self._items.move_to_end(key)
            return stored

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
