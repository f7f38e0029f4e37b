"""The pure parts of the pages: word diffs, evidence runs, the timeline, links, palette."""

from __future__ import annotations

from unspun.report.terminal import PALETTE
from unspun.web.rendering import palette_css
from unspun.web.timeline import build_timeline
from unspun.web.views import Marked, Piece, SourceView, marked_runs, safe_url, word_diff


def test_word_diff_marks_dropped_and_new_words() -> None:
    source, copy = word_diff("He said the talks collapsed.", "He stated the talks had collapsed.")
    assert source == (
        Piece("He ", "same"),
        Piece("said", "del"),
        Piece(" the talks collapsed.", "same"),
    )
    assert [p for p in copy if p.kind == "ins"] == [Piece("stated", "ins"), Piece("had", "ins")]
    assert "".join(p.text for p in copy) == "He stated the talks had collapsed."


def test_word_diff_ignores_the_dateline() -> None:
    source, copy = word_diff("VERRIN, May 4 (Tidewater Wire) - Growers said", "Growers said")
    assert all(p.kind == "same" for p in (*source, *copy))


def test_marked_runs_split_overlapping_evidence() -> None:
    runs = marked_runs("abcdef", [(1, 4, 1), (3, 9, 2), (5, 5, 3)])
    assert runs == (
        Marked("a"),
        Marked("bc", (1,)),
        Marked("d", (1, 2)),
        Marked("ef", (2,)),
    )


def test_safe_url_keeps_web_links_only() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//example.org", "", None, "http://[x"):
        assert safe_url(bad) is None


def _source(number: int, published: str | None) -> SourceView:
    return SourceView(number, number - 1, f"id{number}", "t", "Outlet", published, "50%", "1", None)


def test_timeline_places_sources_before_the_copy() -> None:
    sources = [_source(1, "2031-04-02"), _source(2, "2031-04-02"), _source(3, None)]
    line = build_timeline(sources, "2031-04-12")
    assert line is not None
    first, second = line.marks
    assert first.x == second.x == 40 and second.y > first.y  # same day: stacked
    assert line.copy_x == 600 and line.copy_label == "this article"
    assert first.caption == "10 days before the article"
    assert [s.number for s in line.undated] == [3]


def test_timeline_of_an_undated_copy_and_of_undated_sources() -> None:
    line = build_timeline([_source(1, "2031-04-02T10:00:00+00:00")], None)
    assert line is not None and line.copy_label == "this article (undated)"
    assert line.marks[0].caption == "the article has no date"
    assert build_timeline([_source(1, None)], "2031-04-02") is None


def test_palette_css_has_every_colour_with_a_readable_ink() -> None:
    css = palette_css()
    assert all(f".c{i} {{ --c: {c};" in css for i, c in enumerate(PALETTE))
    assert ".c4 { --c: #0072B2; --on: #fff; }" in css and ".c3 { --c: #F0E442; --on: #000; }" in css
