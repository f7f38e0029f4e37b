"""Property tests of unspun.text (normalisation map, segmentation, tokens)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tests.property.fuzzing import budget
from unspun.records import Span
from unspun.text import (
    MAX_SENTENCE_CHARS,
    normalize,
    segment,
    split_paragraphs,
    split_sentences,
    to_raw,
    tokenize,
    words,
)
from unspun.text.normalize import IGNORABLE
from unspun.text.sentences import sentence_bound
from unspun.text.tokens import has_word

# Pieces of made-up news prose, including the awkward bits the segmenter handles.
_WORDS = """
    The council met said she he Ann Lee rose fell U.S. U.K. Sen. Gen. Mr. Dr. St. Jan.
    Inc. No. vs. e.g. a.m. p.m. J. R. 3.5 $1.2 1,200 2024 percent billion . , ? ! ...
    … " “ ” ’ ' (AP) — - – • * 1. a) ( ) don’t O'Neill BEIRUT WASHINGTON, March 3
    (Reuters) well-known café ﬁ Ｘ
"""
_PIECES = [*_WORDS.split(), "e\u0301", "\u00ad", "\u200b", "\ufeff"]
_GAPS = [" ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u00a0", "\u2003", "", "\n \n\n"]

# Property tests may run on a busy machine: no per-example deadline.
_RELAXED = budget(100)

news_text = st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GAPS)), max_size=60).map(
    lambda pairs: "".join(p + g for p, g in pairs)
)
any_text = st.text(max_size=200)
texts = st.one_of(any_text, news_text)


def _assert_cover(text: str, spans: list[Span], *, wordless_gaps: bool = False) -> None:
    """Spans in order, stripped; between them only whitespace (or, for sentences, text
    without a word: separator lines are not sentences)."""
    pos = 0
    for span in spans:
        assert pos <= span.start < span.end <= len(text)
        gap = text[pos : span.start]
        assert not has_word(gap) if wordless_gaps else gap.strip() == ""
        piece = span.slice(text)
        assert piece == piece.strip()
        pos = span.end
    assert not has_word(text[pos:]) if wordless_gaps else text[pos:].strip() == ""


# --- normalize -------------------------------------------------------------------


@given(texts)
@_RELAXED
def test_offsets_land_inside_raw_and_do_not_decrease(raw: str) -> None:
    norm = normalize(raw)
    n = len(norm.text)
    assert len(norm.offsets) == n + 1
    assert len(norm.ends) == n
    assert norm.offsets[n] == len(raw)
    for i in range(n):
        assert 0 <= norm.offsets[i] < norm.ends[i] <= len(raw)
    assert list(norm.offsets) == sorted(norm.offsets)
    assert list(norm.ends) == sorted(norm.ends)


@given(texts)
@_RELAXED
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize(raw).text
    assert normalize(once).text == once


@given(texts)
@_RELAXED
def test_whole_text_maps_to_raw_minus_dropped_edges(raw: str) -> None:
    norm = normalize(raw)
    span = to_raw(norm, 0, len(norm.text))
    core = raw.strip(IGNORABLE)
    if not norm.text:
        assert core == ""
        assert span.start == span.end
        return
    lead = len(raw) - len(raw.lstrip(IGNORABLE))
    assert span == Span(lead, lead + len(core))


@given(texts, st.data())
@_RELAXED
def test_to_raw_spans_are_valid(raw: str, data: st.DataObject) -> None:
    norm = normalize(raw)
    n = len(norm.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    span = to_raw(norm, start, end)
    assert 0 <= span.start <= span.end <= len(raw)
    if start < end:
        # Partial expansions ("ﬁ" -> "fi") map to the whole raw character, hence "in".
        assert norm.text[start:end].strip() in normalize(span.slice(raw)).text


# --- sentences and paragraphs ------------------------------------------------------


@given(texts)
@budget(300)
def test_sentences_cover_text(raw: str) -> None:
    spans = split_sentences(raw)
    _assert_cover(raw, spans, wordless_gaps=True)
    for span in spans:
        assert len(span.slice(raw).splitlines()) == 1
        assert has_word(raw, span.start, span.end)


# Long runs: words (or one endless word) without sentence breaks, so the cap applies.
long_runs = st.tuples(
    st.lists(st.sampled_from(["lantern", "Ｘ", "e\u0301", "1,200", "—", "x" * 700]), min_size=1),
    st.sampled_from([" ", "  ", "\u00a0", "", "\t"]),
    st.integers(min_value=1, max_value=4_000),
).map(lambda t: (t[1].join(t[0]) * t[2])[: 4 * MAX_SENTENCE_CHARS])


@given(st.one_of(long_runs, st.tuples(texts, long_runs).map("\n".join)))
@budget(100)
def test_long_runs_are_cut_into_bounded_pieces_that_cover_them(raw: str) -> None:
    seg = segment(raw)
    _assert_cover(raw, seg.spans, wordless_gaps=True)
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in seg.spans)
    assert seg.spans == split_sentences(raw)
    for first, count, chars in seg.cut:
        assert count >= 2 and chars > MAX_SENTENCE_CHARS
        pieces = seg.spans[first : first + count]
        # The pieces of one run lie within one line, in order, no word lost between.
        assert "\n" not in raw[pieces[0].start : pieces[-1].end]
        assert pieces[-1].end - pieces[0].start <= chars


@given(texts)
@_RELAXED
def test_paragraphs_cover_text_and_hold_sentences(raw: str) -> None:
    paras = split_paragraphs(raw)
    _assert_cover(raw, paras)
    for sent in split_sentences(raw):
        assert any(p.start <= sent.start and sent.end <= p.end for p in paras)


@given(texts)
@_RELAXED
def test_segmentation_is_deterministic(raw: str) -> None:
    assert split_sentences(raw) == split_sentences(raw)
    assert split_paragraphs(raw) == split_paragraphs(raw)
    assert words(raw) == words(raw)


# --- tokens ----------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(",", "")


@given(texts)
@_RELAXED
def test_words_equal_token_norms(raw: str) -> None:
    assert words(raw) == [t.norm for t in tokenize(raw)]


@given(texts)
@_RELAXED
def test_tokens_slice_back_to_their_norm(raw: str) -> None:
    pos = 0
    for tok in tokenize(raw):
        assert pos <= tok.start < tok.end <= len(raw)
        pos = tok.end
        assert tok.norm
        folded = _fold(normalize(raw[tok.start : tok.end]).text)
        if folded == "%":  # the percent sign reads as the word
            assert tok.norm == "percent"
        else:
            assert folded == tok.norm.replace(",", "")


@given(texts, st.data())
@_RELAXED
def test_tokenize_range_equals_tokenize_of_slice(raw: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    inner = tokenize(raw[start:end])
    ranged = tokenize(raw, start, end)
    assert [(t.norm, t.start + start, t.end + start) for t in inner] == [
        (t.norm, t.start, t.end) for t in ranged
    ]


ascii_text = st.one_of(
    st.text(st.characters(codec="ascii"), max_size=200),
    news_text.map(lambda t: t.encode("ascii", "ignore").decode()),
)


@given(ascii_text)
@_RELAXED
def test_ascii_fast_path_finds_the_same_words(raw: str) -> None:
    from unspun.text import tokens

    assert tokens._ASCII_WORD.findall(raw) == tokens._WORD.findall(raw)


@given(st.one_of(texts, long_runs, st.tuples(texts, long_runs).map("\n".join)))
@_RELAXED
def test_sentence_bound_is_at_least_the_sentences(raw: str) -> None:
    assert sentence_bound(raw) >= len(split_sentences(raw))
