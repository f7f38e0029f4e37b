"""The MinHash-LSH baseline, on short fictional texts written for these tests."""

from __future__ import annotations

import pytest

from bench.baseline import DEFAULT_GRID, BaselineParams, MinHashTracer, score, tune
from unspun.records import Article
from unspun.text import words

HARBOUR = (
    "The harbour board of Port Quillon voted on Tuesday to close the old grain pier for "
    "repairs until the spring."
)
MARKET = (
    "Stallholders at the Quillon night market said takings had doubled since the lamps went up."
)
ORCHARD = "Frost in the Verrin valley has cost pear growers nearly half of their blossom this year."
UNRELATED = "A choir of retired lighthouse keepers will sing sea shanties at the library next week."


def article(aid: str, text: str, published: str | None = None) -> Article:
    return Article(id=aid, title="", text=text, published=published)


@pytest.fixture
def tracer() -> MinHashTracer:
    t = MinHashTracer()
    t.index(
        [
            article("qg-1", f"{HARBOUR}\n\n{MARKET}", "2031-03-04"),
            article("vh-9", ORCHARD, "2031-03-05"),
        ]
    )
    return t


def test_exact_copy_is_found_with_jaccard_one(tracer: MinHashTracer) -> None:
    text = f"{UNRELATED} {MARKET}"
    traced = tracer.trace(article("copy", text))
    assert len(traced) == 2
    start, end, source, jaccard = traced[1]
    assert text[start:end] == MARKET
    assert source == "qg-1"
    assert jaccard == 1.0


def test_copy_under_a_dateline_is_found(tracer: MinHashTracer) -> None:
    traced = tracer.trace(article("wire", f"VERRIN, March 6 (Valley Post) - {ORCHARD}"))
    assert [(source, jaccard) for _, _, source, jaccard in traced] == [("vh-9", 1.0)]


def test_unrelated_sentence_gives_none(tracer: MinHashTracer) -> None:
    traced = tracer.trace(article("new", UNRELATED))
    assert traced == [(0, len(UNRELATED), None, 0.0)]


def test_lightly_edited_copy_is_found(tracer: MinHashTracer) -> None:
    edited = HARBOUR.replace("Tuesday", "Wednesday")
    ((_, _, source, jaccard),) = tracer.trace(article("edit", edited))
    assert source == "qg-1"
    assert 0.5 < jaccard < 1.0


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("2031-03-04", "2031-03-02", "late-id"),
        ("2031-03-02", "2031-03-04", "early-id"),
        (None, "2031-03-04", "late-id"),
        ("2031-03-04", "2031-03-04", "early-id"),
    ],
)
def test_earliest_published_holder_wins(
    first: str | None, second: str | None, expected: str
) -> None:
    t = MinHashTracer()
    t.index([article("early-id", ORCHARD, first), article("late-id", ORCHARD, second)])
    ((_, _, source, jaccard),) = t.trace(article("q", ORCHARD))
    assert (source, jaccard) == (expected, 1.0)


def test_short_sentences_are_neither_indexed_nor_traced() -> None:
    short = "Pier shut again."
    t = MinHashTracer(BaselineParams(min_words=4))
    t.index([article("s-1", f"{short}\n\n{HARBOUR}")])
    assert t.sentence_count == 1
    traced = t.trace(article("q", f"{short}\n\n{HARBOUR}"))
    assert [(source, jaccard) for _, _, source, jaccard in traced] == [
        (None, 0.0),
        ("s-1", 1.0),
    ]
    # Indexed with a lower limit, the short sentence is still not traced at the higher one.
    t3 = MinHashTracer(BaselineParams(min_words=3))
    t3.index([article("s-1", short)])
    assert t3.trace(article("q", short))[0][2] == "s-1"


def test_duplicate_article_id_keeps_the_first() -> None:
    t = MinHashTracer()
    t.index([article("dup", HARBOUR), article("dup", ORCHARD)])
    assert t.sentence_count == 1
    assert t.trace(article("q", ORCHARD))[0][2] is None


def test_score_counts_each_case() -> None:
    predicted = ["a", None, "b", "c", None, None]
    truth: list[set[str] | None] = [{"a", "x"}, {"a"}, {"a"}, None, set(), None]
    assert score(predicted, truth) == (1, 2, 2)
    with pytest.raises(ValueError, match="predictions"):
        score(["a"], [])


def test_tune_ranks_a_perfect_configuration_first() -> None:
    indexed = [
        article("qg-1", f"{HARBOUR}\n\n{MARKET}", "2031-03-04"),
        article("vh-9", ORCHARD, "2031-03-05"),
        article("vh-8", ORCHARD, "2031-03-01"),
    ]
    # Every other word changed: no shared 3-gram, about a third of the bigrams survive
    # and most single words do.
    spun = (
        "Stallholders near the Quillon evening market said takings have doubled since "
        "the lamps were up."
    )
    query = article("q", "\n".join([HARBOUR, spun, ORCHARD, UNRELATED]))
    truth: list[set[str] | None] = [{"qg-1"}, {"qg-1"}, {"vh-9", "vh-8"}, None]
    grid = [
        BaselineParams(shingle=1, threshold=0.5),
        BaselineParams(shingle=3, threshold=0.9),
        BaselineParams(shingle=5, threshold=0.9),
    ]
    rows = tune(indexed, [(query, truth)], grid)
    assert len(rows) == 3
    best = rows[0]
    assert (best["shingle"], best["threshold"]) == (1, 0.5)
    assert (best["precision"], best["recall"], best["f1"]) == (1.0, 1.0, 1.0)
    assert all(r["f1"] < 1.0 for r in rows[1:])
    assert [r["f1"] for r in rows] == sorted((r["f1"] for r in rows), reverse=True)


def test_tune_rejects_truth_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="truth sets"):
        tune([article("a", HARBOUR)], [(article("q", HARBOUR), [])])


def test_min_jaccard_drops_weak_matches() -> None:
    edited = HARBOUR.replace("Tuesday", "Wednesday").replace("grain", "coal")
    loose = MinHashTracer(BaselineParams(threshold=0.3))
    strict = MinHashTracer(BaselineParams(threshold=0.3, min_jaccard=0.95))
    for t in (loose, strict):
        t.index([article("qg-1", HARBOUR)])
    ((_, _, source, jaccard),) = loose.trace(article("q", edited))
    assert source == "qg-1"
    assert jaccard < 0.95
    assert strict.trace(article("q", edited))[0][2:] == (None, 0.0)
    assert strict.trace(article("q", HARBOUR))[0][2:] == ("qg-1", 1.0)


def test_params_are_checked() -> None:
    with pytest.raises(ValueError, match="min_jaccard"):
        BaselineParams(min_jaccard=1.5)
    with pytest.raises(ValueError, match="threshold"):
        BaselineParams(threshold=0.0)


def test_estimate_is_datasketch_jaccard(tracer: MinHashTracer) -> None:
    edited = MARKET.replace("night", "evening").replace("doubled", "tripled")
    ((_, _, source, jaccard),) = tracer.trace(article("q", edited))
    sketch = tracer._sketch
    expected = sketch(tuple(words(edited))).jaccard(sketch(tuple(words(MARKET))))
    assert source == "qg-1"
    assert jaccard == pytest.approx(expected)
    assert 0.4 <= jaccard < 1.0


def test_default_grid_is_shingle_by_threshold_without_cutoff() -> None:
    assert len(DEFAULT_GRID) == 18
    assert {(p.shingle, p.threshold) for p in DEFAULT_GRID} == {
        (n, t) for n in (2, 3, 5) for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
    }
    assert {p.min_jaccard for p in DEFAULT_GRID} == {0.0}
