"""Stitching signals on short fictional stories written for these tests (no real news).

Each signal gets a stitched-looking positive and a well-formed original report that must
score (near) zero; every piece of evidence must point at the text it quotes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from unspun.forensics.stitching import (
    dangling_opener,
    date_conflicts,
    leftover_headline,
    lexical_cohesion,
    stitching_signals,
    style_switches,
    topic_jumps,
)
from unspun.records import Signal
from unspun.text import split_sentences

if TYPE_CHECKING:
    from unspun.align.semantic import SentenceEmbedder

TITLE = "Harbour board in Kesterwick approves new ferry pier"

ORIGINAL = (
    "KESTERWICK, April 14 (Lowland Courier) - The harbour board of Kesterwick approved "
    "plans for a new ferry pier on Tuesday, ending two years of argument over the town's "
    "crowded waterfront.\n\n"
    "The pier will cost about 4.2 million crowns and take three years to build, said "
    "Maren Tolvik, who chairs the board. She said work on the pier would begin in "
    "the autumn once the ferry timetable was settled.\n\n"
    "Ferry operators had asked the board for a longer pier so that two ferries could dock "
    "at once. Tolvik said the new pier would allow exactly that and would also shelter "
    "the small fishing boats in the harbour.\n\n"
    'Fishermen in Kesterwick welcomed the decision. "The harbour has been too crowded for '
    'years," said Ansel Dwyer, who fishes for crab from the old quay. He said the '
    "shelter would save boats in winter storms."
)

STITCHED = (
    "He said the crossing would reopen once the storm passed.\n\n"
    "The harbour board of Kesterwick approved plans for a new ferry pier, ending two "
    "years of argument over the crowded waterfront. Shares in the Orvald mining company "
    "fell sharply after its copper output dropped for a third quarter.\n\n"
    "Related stories\n\n"
    "She added that the pier would be ready by 2029. The board will meet again in May "
    "to choose a builder for the new ferry pier.\n\n"
    'The festival\'s organisers said the "big parade" would go ahead. “We have organized '
    "everything,” the organiser said, and the festival will draw 12,000 visitors, up 5 pct "
    "from 11500 last year, or about 8%."
)


def _check_offsets(text: str, title: str, signal: Signal) -> None:
    sentences = split_sentences(text)
    for e in signal.evidence:
        source = title if e.sentence == -1 else text
        assert source[e.start : e.end] == e.text
        assert e.text
        if e.sentence >= 0:
            span = sentences[e.sentence]
            assert span.start <= e.start < span.end or e.start < span.start


@pytest.mark.parametrize(
    "detector", [dangling_opener, leftover_headline, date_conflicts, style_switches]
)
def test_original_report_scores_zero(detector: Callable[[str, str], Signal]) -> None:
    signal = detector(TITLE, ORIGINAL)
    assert signal.score == 0.0
    assert signal.evidence == ()


def test_original_report_scores_near_zero_on_every_signal() -> None:
    """Word overlap alone is noisy on eight short sentences: near zero, not zero."""
    assert all(s.score < 0.1 for s in stitching_signals(TITLE, ORIGINAL))


@pytest.mark.parametrize("text", ["", "   \n\n ", "One short sentence about Kesterwick."])
def test_empty_and_one_sentence_texts(text: str) -> None:
    signals = stitching_signals("", text)
    assert [s.name for s in signals] == [
        "dangling_opener",
        "topic_jumps",
        "leftover_headline",
        "date_conflicts",
        "style_switches",
    ]
    assert all(s.score == 0.0 and s.evidence == () and s.explanation for s in signals)


def test_every_signal_gives_correct_offsets_on_stitched_text() -> None:
    for signal in stitching_signals(TITLE, STITCHED):
        assert 0.0 <= signal.score <= 1.0
        _check_offsets(STITCHED, TITLE, signal)


# --------------------------------------------------------------------------- dangling opener


def test_body_opening_with_he_said_is_dangling() -> None:
    signal = dangling_opener(TITLE, STITCHED)
    assert signal.score >= 0.9
    first = signal.evidence[0]
    assert (first.sentence, first.text) == (0, "He said")


def test_later_pronoun_without_antecedent_is_weaker() -> None:
    text = (
        "The town of Brindle voted to close its library.\n\n"
        "Rain is expected across the valley this weekend.\n\n"
        "She added that the books would be given to schools."
    )
    signal = dangling_opener("", text)
    assert 0.0 < signal.score < 0.9
    assert [e.text for e in signal.evidence] == ["She added"]
    _check_offsets(text, "", signal)


def test_pronoun_with_named_antecedent_and_it_are_not_dangling() -> None:
    text = (
        "It was a quiet morning in Brindle when the library closed.\n\n"
        "Librarian Oona Fell locked the doors at nine.\n\n"
        "She said the books would be given to schools. They will arrive next week."
    )
    assert dangling_opener("", text).score == 0.0


def test_title_is_not_an_antecedent() -> None:
    signal = dangling_opener("Oona Fell closes Brindle library", "She said the doors shut at nine.")
    assert signal.score > 0.0


def test_quoted_opener_is_not_dangling() -> None:
    text = '"They never asked us," said Oona Fell, the town librarian in Brindle.'
    assert dangling_opener("", text).score == 0.0


# --------------------------------------------------------------------------- topic jumps


def test_lexical_cohesion_drops_at_the_seam() -> None:
    text = (
        "The Brindle library will close in June. The library board said the library "
        "building needs a new roof. Copper prices rose in Orvald as smelters bought copper. "
        "Orvald smelters said copper ore was scarce."
    )
    cohesion = lexical_cohesion(text, split_sentences(text))
    assert len(cohesion) == 3
    assert cohesion[1] < cohesion[0]
    assert cohesion[1] < cohesion[2]


def test_topic_jumps_on_words_alone() -> None:
    signal = topic_jumps(TITLE, STITCHED)
    assert signal.score > 0.0
    _check_offsets(STITCHED, TITLE, signal)


def test_topic_jumps_with_the_real_embedder(embedder: SentenceEmbedder) -> None:
    stitched = topic_jumps(TITLE, STITCHED, embedder=embedder)
    original = topic_jumps(TITLE, ORIGINAL, embedder=embedder)
    assert stitched.score > original.score
    assert original.score == 0.0
    assert any("Orvald" in e.text for e in stitched.evidence)
    _check_offsets(STITCHED, TITLE, stitched)


# --------------------------------------------------------------------------- leftover headline


def test_link_line_and_second_headline_in_the_middle() -> None:
    text = (
        "The harbour board of Kesterwick approved plans for a new pier.\n\n"
        "Read more: Ferry Fares Rise Again\n\n"
        "The board said work would begin in the autumn after the timetable.\n\n"
        "Copper Miners Strike In Orvald\n\n"
        "Miners in Orvald stopped work on Monday over pay and safety."
    )
    signal = leftover_headline("", text)
    assert signal.score > 0.8
    assert [e.text for e in signal.evidence] == [
        "Read more: Ferry Fares Rise Again",
        "Copper Miners Strike In Orvald",
    ]
    _check_offsets(text, "", signal)


def test_dateline_in_the_middle_of_the_body() -> None:
    text = (
        "The harbour board of Kesterwick approved plans for a new pier.\n\n"
        "ORVALD, May 3 (Lowland Courier) - Miners stopped work on Monday over pay.\n\n"
        "The board said work would begin in the autumn after the timetable."
    )
    signal = leftover_headline("", text)
    assert signal.score > 0.0
    assert signal.evidence[0].text.startswith("ORVALD, May 3")


def test_furniture_at_the_end_is_layout_not_stitching() -> None:
    text = ORIGINAL + "\n\nRelated stories\n\nShare This Story"
    assert leftover_headline(TITLE, text).score == 0.0


# --------------------------------------------------------------------------- date conflicts


def test_weekday_that_the_calendar_contradicts() -> None:
    assert dt.date(2031, 6, 12).strftime("%A") == "Thursday"
    text = "The ferry pier in Kesterwick opened on Monday, June 12, 2031, after three years."
    signal = date_conflicts("", text)
    assert signal.score == pytest.approx(0.9)
    assert signal.evidence[0].text == "Monday, June 12, 2031"
    assert "Thursday" in signal.evidence[0].note
    _check_offsets(text, "", signal)


def test_weekday_matching_the_calendar_is_fine() -> None:
    text = "The ferry pier in Kesterwick opened on Thursday, 12 June 2031, after three years."
    assert date_conflicts("", text).score == 0.0


def test_year_inferred_from_the_text_or_left_alone() -> None:
    inferred = "The pier plan was filed in March 2031. It opened on Monday, June 12."
    assert date_conflicts("", inferred).evidence[0].note.endswith("(year inferred from the text)")
    unknown = "The pier opened on Monday, June 12, after three years of work."
    assert date_conflicts("", unknown).score == 0.0


def test_impossible_day_and_many_weekdays() -> None:
    assert date_conflicts("", "The vote is set for Friday, February 30.").score > 0.0
    days = (
        "Miners struck on Monday. The board met on Tuesday. "
        "The pier opened on Friday. Ferries sailed on Sunday."
    )
    weak = date_conflicts("", days)
    assert 0.0 < weak.score < 0.5
    assert len(weak.evidence) == 4


# --------------------------------------------------------------------------- style switches


def test_style_switches_count_dimensions() -> None:
    signal = style_switches(TITLE, STITCHED)
    notes = {e.note.split(":")[0] for e in signal.evidence}
    assert {"spelling", "quote marks", "thousands", "percent"} <= notes
    assert signal.score == pytest.approx(1 - 0.5 ** len(notes))
    _check_offsets(STITCHED, TITLE, signal)


def test_spelling_pairs_are_learnt_from_the_text() -> None:
    one_way = "The organisers said the colour of the flags was chosen by the organisers."
    assert style_switches("", one_way).score == 0.0
    both = "The colour of the flags pleased the organisers. The color was chosen in June."
    signal = style_switches("", both)
    assert signal.score == 0.5
    assert signal.evidence[0].text in {"colour", "color"}


def test_title_honorific_switch() -> None:
    text = "Mr. Dwyer fishes for crab. Mr Tolvik chairs the board, and Mr. Dwyer agrees."
    signal = style_switches("", text)
    assert signal.score == 0.5
    assert [e.text for e in signal.evidence] == ["Mr"]
