"""The sketch filter rules out what scoring would reject, and only that."""

from __future__ import annotations

from unspun.align import trace
from unspun.align.sketch import Candidates, may_match, query_sketch
from unspun.config import TraceParams
from unspun.index.fingerprint import SKETCH_MAX_WORDS, sketches
from unspun.text import words

STORED = [
    words("The port authority said it had offered a one-off payment to the union"),
    words("Shipping agents warned that a long stoppage would disrupt supplies of fuel"),
    words("The ferry service resumed on Tuesday after a week of storms"),
]


def _keep(traced: str, stored: list[list[str]], params: TraceParams | None = None) -> list[bool]:
    q = query_sketch(words(traced))
    return may_match(q, Candidates.unpack(sketches(stored)), params or TraceParams()).tolist()


def test_a_spun_copy_is_kept_and_unrelated_sentences_are_ruled_out() -> None:
    traced = "The port authority stated it had offered a one-time payment to the union"
    assert _keep(traced, STORED) == [True, False, False]


def test_a_verbatim_copy_made_of_function_words_is_kept() -> None:
    # No content word in common with anything but itself: the close-copy branch.
    quote = words("she has to do what she has to do and that is that")
    assert _keep("She has to do what she has to do and that is that", [quote]) == [True]
    assert (
        trace._score(
            trace._query(0, "She has to do what she has to do and that is that.", 0, 50),
            trace._Words(quote, frozenset(), frozenset()),
            TraceParams(),
        )
        > 0
    )


def test_a_sentence_too_long_to_count_is_never_ruled_out() -> None:
    long = ["port"] * (SKETCH_MAX_WORDS + 40)
    assert _keep("Nothing here is alike at all, ferries sail", [long]) == [True]


def test_no_candidates_gives_an_empty_mask() -> None:
    q = query_sketch(words("anything"))
    assert may_match(q, Candidates.unpack(sketches([])), TraceParams()).tolist() == []
