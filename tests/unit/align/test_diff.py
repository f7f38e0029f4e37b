"""Word diffs, edits and similarity scores."""

from __future__ import annotations

import pytest

from unspun.align.diff import (
    apply_ops,
    content_overlap,
    diff_words,
    edits_of,
    sequence_similarity,
)

CASES = [
    ("he said the port was closed", "he stated the port was closed", [("said", "stated")]),
    ("prices rose", "prices rose sharply", [("", "sharply")]),
    ("the big strike ended", "the strike ended", [("big", "")]),
    (
        "talks with britain resumed",
        "talks with the united kingdom of great britain resumed",
        [("", "the united kingdom of great")],
    ),
    ("same words here", "same words here", []),
]


@pytest.mark.parametrize(
    ("source", "target", "expected"), CASES, ids=["swap", "insert", "delete", "expand", "equal"]
)
def test_edits(source: str, target: str, expected: list[tuple[str, str]]) -> None:
    src, dst = source.split(), target.split()
    ops = diff_words(src, dst)
    assert apply_ops(ops, src) == dst
    assert [(e.from_, e.to) for e in edits_of(ops, src, dst)] == expected


def test_edits_show_printed_words() -> None:
    src_norm, dst_norm = ["he", "said", "no"], ["he", "stated", "no"]
    ops = diff_words(src_norm, dst_norm)
    edits = edits_of(ops, ["He", "Said", "no"], ["He", "Stated", "no"])
    assert [(e.from_, e.to, e.kind) for e in edits] == [("Said", "Stated", "replace")]


def test_adjacent_changes_merge_into_one_phrase() -> None:
    src = "a very big storm hit".split()
    dst = "a truly enormous storm hit".split()
    edits = edits_of(diff_words(src, dst), src, dst)
    assert [(e.from_, e.to) for e in edits] == [("very big", "truly enormous")]


def test_sequence_similarity_bounds() -> None:
    assert sequence_similarity([], []) == 1.0
    assert sequence_similarity(["a"], ["b"]) == 0.0
    assert sequence_similarity(["a", "b", "c", "d"], ["a", "b", "x", "d"]) == pytest.approx(0.75)


def test_content_overlap_ignores_order_and_stopwords() -> None:
    a = "the ministry of ports confirmed the closure on monday".split()
    b = "on monday the closure was confirmed by the ministry of ports".split()
    share, count = content_overlap(a, b)
    assert share == 1.0
    assert count == 5
