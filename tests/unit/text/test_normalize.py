"""Unit tests of unspun.text.normalize."""

from __future__ import annotations

import doctest
import importlib

import pytest

from unspun.records import Span
from unspun.text import Normalized, normalize, to_raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain text.", "plain text."),
        ("“Quoted” words", '"Quoted" words'),
        ("„Low” and ‟reversed”", '"Low" and "reversed"'),
        ("it’s ‘single’", "it's 'single'"),
        ("5′ 11″ tall", "5' 11\" tall"),
        ("a–b—c―d−e‒f", "a-b-c-d-e-f"),
        ("x\ufe58y", "x-y"),
        ("non\u00a0breaking\u2009thin\u202fnarrow\u3000wide", "non breaking thin narrow wide"),
        ("soft\u00adhyphen", "softhyphen"),
        ("zero\u200bwidth\u200d\u2060\ufeff", "zerowidth"),
        ("\ufeffBOM first", "BOM first"),
        ("many   spaces\t\tand tabs", "many spaces and tabs"),
        ("dos\r\nline\rmac", "dos\nline\nmac"),
        ("one\n\n\n\n\ntwo", "one\n\ntwo"),
        ("one\r\n\r\n\r\ntwo", "one\n\ntwo"),
        ("trailing  \n  leading", "trailing\nleading"),
        ("blank \n \n line", "blank\n\nline"),
        ("para\u2029next", "para\nnext"),
        ("ﬁne ＡＢＣ １２３", "fine ABC 123"),
        ("", ""),
    ],
    ids=[
        "ascii-unchanged",
        "curly-double",
        "low-and-reversed-double",
        "curly-single",
        "primes",
        "dash-kinds",
        "small-em-dash-via-nfkc",
        "unicode-spaces",
        "soft-hyphen",
        "zero-width",
        "bom",
        "space-and-tab-runs",
        "line-endings",
        "three-plus-newlines",
        "crlf-blank-lines",
        "spaces-around-newline",
        "whitespace-only-lines",
        "paragraph-separator",
        "nfkc-compatibility",
        "empty",
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_offsets_map_each_char_back() -> None:
    raw = "“Hi”\u00a0 there"
    norm = normalize(raw)
    assert norm.text == '"Hi" there'
    assert norm.offsets == (0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11)
    assert norm.ends == (1, 2, 3, 4, 6, 7, 8, 9, 10, 11)


def test_expansion_maps_every_char_to_source() -> None:
    norm = normalize("aﬁb")
    assert norm.text == "afib"
    assert norm.offsets == (0, 1, 1, 2, 3)
    assert to_raw(norm, 1, 3) == Span(1, 2)
    assert to_raw(norm, 2, 3) == Span(1, 2)


def test_to_raw_crlf_covers_both_chars() -> None:
    raw = "ab\r\ncd"
    norm = normalize(raw)
    assert norm.text == "ab\ncd"
    assert to_raw(norm, 2, 3) == Span(2, 4)
    assert to_raw(norm, 3, 5).slice(raw) == "cd"


def test_to_raw_excludes_dropped_chars_at_edges() -> None:
    raw = "\u200bword\u00ad\u200b next"
    norm = normalize(raw)
    assert norm.text == "word next"
    assert to_raw(norm, 0, 4) == Span(1, 5)
    assert to_raw(norm, 0, 4).slice(raw) == "word"


def test_to_raw_keeps_dropped_chars_inside() -> None:
    raw = "in\u00adter\u00adnal"
    norm = normalize(raw)
    assert norm.text == "internal"
    assert to_raw(norm, 0, 8) == Span(0, len(raw))


def test_to_raw_collapsed_space_covers_run() -> None:
    raw = "a \u00a0\t b"
    norm = normalize(raw)
    assert norm.text == "a b"
    assert to_raw(norm, 1, 2) == Span(1, 5)
    assert to_raw(norm, 2, 3) == Span(5, 6)


def test_to_raw_blank_line_collapse() -> None:
    raw = "a\n\n\n\nb"
    norm = normalize(raw)
    assert norm.text == "a\n\nb"
    assert to_raw(norm, 0, 4) == Span(0, 6)
    assert to_raw(norm, 3, 4) == Span(5, 6)


def test_to_raw_empty_spans() -> None:
    norm = normalize("ab  cd")
    assert to_raw(norm, 0, 0) == Span(0, 0)
    assert to_raw(norm, 3, 3) == Span(4, 4)
    assert to_raw(norm, 5, 5) == Span(6, 6)


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 2), (2, 1), (0, 99)],
    ids=["negative-start", "reversed", "past-end"],
)
def test_to_raw_rejects_bad_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside normalised text"):
        to_raw(normalize("short"), start, end)


def test_normalized_is_frozen() -> None:
    norm = normalize("x")
    assert isinstance(norm, Normalized)
    with pytest.raises(AttributeError):
        norm.text = "y"  # type: ignore[misc]


def test_final_offset_is_raw_length() -> None:
    raw = "tail\u200b\u200b"
    norm = normalize(raw)
    assert norm.offsets[-1] == len(raw)
    assert len(norm.offsets) == len(norm.text) + 1
    assert len(norm.ends) == len(norm.text)


@pytest.mark.parametrize(
    "name", ["normalize", "sentences", "tokens"], ids=["normalize", "sentences", "tokens"]
)
def test_doctests(name: str) -> None:
    # importlib, because the package re-exports a function named like the module.
    module = importlib.import_module(f"unspun.text.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
