"""Spinner-fingerprint signals (unspun.forensics.spin) on short fictional stories.

The thesaurus-based checks need the MyThes file of the Debian package mythes-en-us;
without it they skip, except under CI=true where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from unspun.forensics import spin
from unspun.forensics.spin import (
    formal_expansions,
    letter_swaps,
    spin_signals,
    synonym_swaps,
    tortured_phrases,
)
from unspun.records import Signal
from unspun.text.thesaurus import DEFAULT_THESAURUS, THESAURUS_PACKAGE

needs_thesaurus = pytest.mark.skipif(
    not DEFAULT_THESAURUS.is_file() and os.environ.get("CI") != "true",
    reason=f"{DEFAULT_THESAURUS} not present (install the Debian package {THESAURUS_PACKAGE})",
)

TITLE = "Harbor town reopens its old bridge"
PLAIN = (
    "The old bridge in the harbor town of Little Fenwick reopened on Tuesday after a "
    "year of repairs. Engineers replaced the rusted beams and painted the rails blue. "
    "The city council paid for the work with money from a state grant. People crossed "
    "the bridge on foot all afternoon, and a brass band played by the water. The mayor "
    "said the town would hold a fair there next week."
)
# The same story with words swapped for rare thesaurus synonyms, by hand.
SPUN = (
    "The old bridge in the harbor town of Little Fenwick reopened on Tuesday after a "
    "twelvemonth of repairs. Technologists replaced the rusted beams and painted the "
    "rails blue. The metropolis council paid for the work with lucre from a state grant. "
    "Citizenry crossed the bridge on foot all afternoon, and a brass band played by the "
    "water. The mayor said the town would hold a fair there next hebdomad."
)


def _assert_offsets(title: str, text: str, signal: Signal) -> None:
    for e in signal.evidence:
        source = title if e.sentence == -1 else text
        assert source[e.start : e.end] == e.text
        assert e.note


@needs_thesaurus
def test_plain_story_scores_low_on_every_signal() -> None:
    for signal in spin_signals(TITLE, PLAIN):
        assert 0.0 <= signal.score < 0.3, (signal.name, signal.evidence)
        assert signal.explanation


@needs_thesaurus
def test_swapped_words_raise_synonym_swaps_and_are_the_evidence() -> None:
    plain, spun = synonym_swaps(TITLE, PLAIN), synonym_swaps(TITLE, SPUN)
    assert spun.score > plain.score + 0.3
    flagged = {e.text.lower() for e in spun.evidence}
    assert {"twelvemonth", "technologists", "citizenry", "hebdomad"} <= flagged
    assert any("where news writes 'year'" in e.note for e in spun.evidence)
    _assert_offsets(TITLE, SPUN, spun)


@needs_thesaurus
def test_tortured_phrase_is_found() -> None:
    signal = tortured_phrases(TITLE, SPUN)
    assert signal.score > 0.5
    (hit,) = [e for e in signal.evidence if e.text == "metropolis council"]
    assert "'city council'" in hit.note
    _assert_offsets(TITLE, SPUN, signal)
    assert tortured_phrases(TITLE, PLAIN).evidence == ()


@needs_thesaurus
def test_formal_expansion_is_found() -> None:
    text = (
        "Agents of the Federal Bureau of Investigation searched a warehouse near the "
        "river on Monday. They carried out boxes of papers and two computers. A "
        "spokeswoman said nobody had been arrested and the search was routine."
    )
    signal = formal_expansions("Agents search riverside warehouse", text)
    assert signal.score > 0.3
    (hit,) = signal.evidence
    assert hit.text == "Federal Bureau of Investigation"
    assert "'FBI'" in hit.note
    _assert_offsets("", text, signal)


def test_name_introduced_with_its_short_form_does_not_count() -> None:
    text = (
        "Agents of the Federal Bureau of Investigation (FBI) searched a warehouse near "
        "the river on Monday. They carried out boxes of papers and two computers, the "
        "FBI said."
    )
    assert formal_expansions("", text).evidence == ()


def test_unit_spelled_out_beside_its_abbreviation_is_found() -> None:
    text = (
        "Northwind Mills Corp said its profit rose to 12 mln dlrs in the quarter from "
        "9 million dlrs a year earlier. Northwind Mills Corporation makes flour and "
        "animal feed."
    )
    signal = formal_expansions("", text)
    assert {e.text for e in signal.evidence} == {"million", "Corporation"}
    _assert_offsets("", text, signal)


def test_letter_swap_is_found_with_its_offsets() -> None:
    text = PLAIN.replace("The city council", "The city councli")
    signal = letter_swaps(TITLE, text)
    assert signal.score > 0.5
    (hit,) = signal.evidence
    assert hit.text == "councli"
    assert "'council'" in hit.note
    _assert_offsets(TITLE, text, signal)
    assert letter_swaps(TITLE, PLAIN).score == 0.0


@pytest.mark.parametrize("text", ["", "   ", "Short text.", "The bridge reopened on Tuesday."])
def test_empty_or_short_text_scores_zero(text: str) -> None:
    for signal in spin_signals("", text):
        assert signal.score == 0.0
        assert signal.evidence == ()
        assert "too short" in signal.explanation


def test_missing_thesaurus_explains_and_does_not_crash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(spin, "THESAURUS_PATH", tmp_path / "absent.dat")
    signals = {s.name: s for s in spin_signals(TITLE, SPUN)}
    for name in ("synonym_swaps", "tortured_phrases", "formal_expansions"):
        assert "not found" in signals[name].explanation
        assert THESAURUS_PACKAGE in signals[name].explanation
    assert signals["tortured_phrases"].score == 0.0
    # The fallback still sees the rare words, from word frequencies alone.
    rare = {e.text.lower() for e in signals["synonym_swaps"].evidence}
    assert {"twelvemonth", "citizenry"} <= rare
    _assert_offsets(TITLE, SPUN, signals["synonym_swaps"])


def test_signal_names_are_stable() -> None:
    names = [s.name for s in spin_signals("", "")]
    assert names == ["synonym_swaps", "tortured_phrases", "formal_expansions", "letter_swaps"]
