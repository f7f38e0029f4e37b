"""Unit tests of unspun.text.tokens."""

from __future__ import annotations

import time
import unicodedata

import pytest

from unspun.text import STOPWORDS, Token, is_stopword, tokenize, words

WORD_CASES: list[tuple[str, str, list[str]]] = [
    ("plain", "The dam held", ["the", "dam", "held"]),
    ("punctuation-dropped", "Wait, what?! (Yes.)", ["wait", "what", "yes"]),
    ("apostrophe", "don't O'Neill", ["don't", "o'neill"]),
    ("curly-apostrophe", "don’t O’Neill", ["don't", "o'neill"]),
    ("leading-trailing-apostrophe", "'90s players' 'quoted'", ["90s", "players", "quoted"]),
    ("hyphen-splits", "well-known state-run", ["well", "known", "state", "run"]),
    ("dash-splits", "yes—no – maybe", ["yes", "no", "maybe"]),
    ("decimal", "3.5 percent", ["3.5", "percent"]),
    ("thousands", "1,200 people", ["1200", "people"]),
    ("thousands-decimal", "$1,200.50 paid", ["1200.50", "paid"]),
    ("millions", "12,000,000", ["12000000"]),
    ("comma-list-not-thousands", "3,4 and 5", ["3,4", "and", "5"]),
    ("comma-space", "In 2020, 300 left", ["in", "2020", "300", "left"]),
    ("sentence-final-number", "It was 2024.", ["it", "was", "2024"]),
    ("dotted-acronym", "U.S. troops", ["u", "s", "troops"]),
    ("casefold", "STRASSE Straße", ["strasse", "strasse"]),
    ("other-scripts", "Привет мир 東京 مرحبا", ["привет", "мир", "東京", "مرحبا"]),
    ("combining-marks", "cafe\u0301 नमस्ते", ["café", "नमस्ते"]),
    ("soft-hyphen-inside", "inter\u00adnational", ["international"]),
    ("zero-width-inside", "foot\u200bball", ["football"]),
    ("fullwidth", "ＡＢＣ １２３", ["abc", "123"]),
    ("underscore-splits", "snake_case", ["snake", "case"]),
    ("percent-sign", "5% rise", ["5", "percent", "rise"]),
    ("empty", "", []),
    ("only-punctuation", "... -- !?", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in WORD_CASES], ids=[c[0] for c in WORD_CASES]
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected
    assert [t.norm for t in tokenize(text)] == expected


def test_tokenize_offsets() -> None:
    text = "O’Neill paid $1,200."
    assert tokenize(text) == [
        Token("o'neill", 0, 7),
        Token("paid", 8, 12),
        Token("1200", 14, 19),
    ]


def test_tokenize_slice_offsets_are_raw() -> None:
    text = "Skip this. Keep these words."
    start = text.index("Keep")
    toks = tokenize(text, start, len(text))
    assert [t.norm for t in toks] == ["keep", "these", "words"]
    assert [text[t.start : t.end] for t in toks] == ["Keep", "these", "words"]


def test_tokenize_end_bound() -> None:
    text = "alpha beta gamma"
    assert [t.norm for t in tokenize(text, 0, 8)] == ["alpha", "be"]
    assert [t.norm for t in tokenize(text, 7)] == ["eta", "gamma"]


def test_tokenize_bounds_cut_numbers_like_a_slice() -> None:
    text = "paid 1,200 now"
    assert [t.norm for t in tokenize(text, 0, 7)] == ["paid", "1"]
    assert [t.norm for t in tokenize(text, 6)] == ["200", "now"]


def test_token_is_frozen() -> None:
    tok = tokenize("word")[0]
    with pytest.raises(AttributeError):
        tok.norm = "other"  # type: ignore[misc]


def test_stopwords_shape() -> None:
    assert 140 <= len(STOPWORDS) <= 220
    assert all(w == w.casefold() and "’" not in w for w in STOPWORDS)
    for word in ("the", "and", "of", "to", "was", "it's"):
        assert word in STOPWORDS
    for word in ("senate", "said", "fire", "percent"):
        assert word not in STOPWORDS


@pytest.mark.parametrize(
    ("word", "expected"),
    [("the", True), ("The", True), ("IT’S", True), ("budget", False), ("", False)],
    ids=["lower", "capitalised", "curly-upper", "content-word", "empty"],
)
def test_is_stopword(word: str, expected: bool) -> None:
    assert is_stopword(word) is expected


def test_words_matches_tokenize_on_mixed_text() -> None:
    text = "On Jan. 5, Acme’s CEO paid 1,250,000.75 — “well-known” café\u0301s."
    assert words(text) == [t.norm for t in tokenize(text)]


def test_a_letter_under_100000_marks_is_one_word_normalised_in_linear_time() -> None:
    # Two combining classes, alternating: NFKC sorts the run, quadratic in its length
    # (about seven seconds here before runs were broken every 30 marks).
    stack = "a" + "\u0301\u0323" * 50_000
    started = time.monotonic()
    tokens = tokenize(f"Ferry {stack} notice")
    assert time.monotonic() - started < 1
    assert [(t.start, t.end) for t in tokens] == [(0, 5), (6, 100_007), (100_008, 100_014)]
    assert tokens[1].norm.startswith(unicodedata.normalize("NFKC", stack[:31]) + "\u034f")


@pytest.mark.parametrize("marks", [1, 29, 30], ids=["one", "29", "30"])
def test_ordinary_runs_of_marks_are_plain_nfkc(marks: int) -> None:
    word = "e" + "\u0323\u0301" * (marks // 2) + "\u0301" * (marks % 2)
    assert words(word) == [unicodedata.normalize("NFKC", word)]
