"""Geometry of the report's SVG timeline: when each source was published, and the copy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from unspun.web.views import SourceView

WIDTH, LEFT, RIGHT = 640, 40, 600
ROW, TOP = 26, 34


@dataclass(frozen=True, slots=True)
class Mark:
    """One source on the timeline (``y`` grows with sources sharing a date)."""

    x: float
    y: float
    source: SourceView
    caption: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """What the template draws: marks, the copy's line, the axis and its end labels."""

    height: int
    axis_y: int
    marks: tuple[Mark, ...]
    copy_x: float
    copy_label: str
    ticks: tuple[tuple[float, str], ...]
    undated: tuple[SourceView, ...]


def parse_when(value: str | None) -> datetime | None:
    """An ISO date or date-time as a naive datetime (UTC as stored), or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _relative(when: datetime, copy: datetime | None) -> str:
    if copy is None:
        return "the article has no date"
    days = (copy - when).total_seconds() / 86400
    if abs(days) < 0.5:
        return "the same day as the article"
    word = "before" if days > 0 else "after"
    count = round(abs(days))
    return f"{count} day{'s' if count != 1 else ''} {word} the article"


def build_timeline(sources: Sequence[SourceView], copy_published: str | None) -> Timeline | None:
    """The timeline of the dated sources around the copy; None when no source is dated.

    An undated copy is drawn at the right end, after the latest source.
    """
    dated = [(when, s) for s in sources if (when := parse_when(s.published)) is not None]
    if not dated:
        return None
    copy = parse_when(copy_published)
    moments = [w for w, _ in dated] + ([copy] if copy is not None else [])
    first, last = min(moments), max(moments)
    span = (last - first).total_seconds() or 86400.0
    right = RIGHT if copy is not None else RIGHT - 60

    def x_of(when: datetime) -> float:
        return round(LEFT + (when - first).total_seconds() / span * (right - LEFT), 1)

    rows: Counter[datetime] = Counter()
    marks = []
    for when, src in sorted(dated, key=lambda ws: (ws[0], ws[1].number)):
        marks.append(Mark(x_of(when), TOP + rows[when] * ROW, src, _relative(when, copy)))
        rows[when] += 1
    axis_y = TOP + max(rows.values()) * ROW
    ticks = [(x_of(first), first.date().isoformat()), (x_of(last), last.date().isoformat())]
    return Timeline(
        height=axis_y + 40,
        axis_y=axis_y,
        marks=tuple(marks),
        copy_x=x_of(copy) if copy is not None else float(RIGHT),
        copy_label="this article" if copy is not None else "this article (undated)",
        ticks=tuple(dict(ticks).items()),
        undated=tuple(s for s in sources if parse_when(s.published) is None),
    )
