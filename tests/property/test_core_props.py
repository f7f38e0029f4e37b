"""Property tests: diffs rebuild their target; span packing round-trips."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.property.fuzzing import budget
from unspun.align.diff import apply_ops, diff_words, edits_of, sequence_similarity
from unspun.index.store import pack_spans, unpack_spans

word_lists = st.lists(st.sampled_from(["a", "b", "c", "said", "stated", "port", "7"]), max_size=30)


@given(word_lists, word_lists)
@budget(100)
def test_apply_ops_rebuilds_target(source: list[str], target: list[str]) -> None:
    ops = diff_words(source, target)
    assert apply_ops(ops, source) == target


@given(word_lists, word_lists)
@budget(100)
def test_edits_are_empty_only_for_equal_lists(source: list[str], target: list[str]) -> None:
    edits = edits_of(diff_words(source, target), source, target)
    assert (not edits) == (source == target)


@given(word_lists, word_lists)
@budget(100)
def test_similarity_is_symmetric_and_bounded(a: list[str], b: list[str]) -> None:
    s = sequence_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == sequence_similarity(b, a)


@given(st.lists(st.tuples(st.integers(0, 70_000), st.integers(0, 70_000)), max_size=40))
@budget(100)
def test_span_packing_round_trips(steps: list[tuple[int, int]]) -> None:
    spans: list[tuple[int, int]] = []
    pos = 0
    for gap, length in steps:
        spans.append((pos + gap, pos + gap + length))
        pos += gap + length
    assert unpack_spans(pack_spans(spans)) == tuple(spans)
