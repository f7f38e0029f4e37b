"""Unit tests of unspun.forensics.quotes (every article is made up for the tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspun.forensics.quotes import altered_quotes, find_quotes, unintroduced_speakers
from unspun.records import Quote
from unspun.text import split_sentences

OPENING_MARKS = "\"“‘'"


def _one(text: str) -> Quote:
    quotes = find_quotes(text)
    assert len(quotes) == 1, quotes
    return quotes[0]


# (id, text, quote text, speaker, verb)
ATTRIBUTIONS: list[tuple[str, str, str, str | None, str | None]] = [
    (
        "name-verb",
        '"We will not sail tired," Varga said.',
        "We will not sail tired,",
        "Varga",
        "said",
    ),
    (
        "verb-name",
        '"The rosters are unsafe," said Odile Brannagh, the union secretary.',
        "The rosters are unsafe,",
        "Odile Brannagh",
        "said",
    ),
    (
        "colon-before",
        'Varga said: "The ferries stay in port."',
        "The ferries stay in port.",
        "Varga",
        "said",
    ),
    (
        "pronoun-told",
        '"It is over," she told reporters in Lindmoor.',
        "It is over,",
        "she",
        "told",
    ),
    (
        "according-to",
        'According to Varga, "the talks failed at midnight."',
        "the talks failed at midnight.",
        "Varga",
        "according to",
    ),
    (
        "title-and-name",
        '"We will rebuild the pier," Mayor Anna Varga said on Friday.',
        "We will rebuild the pier,",
        "Mayor Anna Varga",
        "said",
    ),
    (
        "organisation",
        '"Fares will rise in June," the transport ministry warned.',
        "Fares will rise in June,",
        "the transport ministry",
        "warned",
    ),
    (
        "question-asked",
        '"Who pays for the repairs?" asked Dr. Ivo Hart.',
        "Who pays for the repairs?",
        "Dr. Ivo Hart",
        "asked",
    ),
    (
        "colon-only",
        'Brannagh: "We are not moving."',
        "We are not moving.",
        "Brannagh",
        ":",
    ),
    (
        "earlier-in-sentence",
        'On Friday Varga said the plan was "a mess from start to end".',
        "a mess from start to end",
        "Varga",
        "said",
    ),
    (
        "adverb-and-tail",
        '"Nobody was hurt," the harbour police later said in a statement.',
        "Nobody was hurt,",
        "the harbour police",
        "said",
    ),
    (
        "unattributed",
        '"Go home." A spokeswoman for the board said ferries would resume within the week.',
        "Go home.",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "quote", "speaker", "verb"),
    [case[1:] for case in ATTRIBUTIONS],
    ids=[case[0] for case in ATTRIBUTIONS],
)
def test_attribution_forms(text: str, quote: str, speaker: str | None, verb: str | None) -> None:
    q = _one(text)
    assert (q.text, q.speaker, q.verb) == (quote, speaker, verb)
    assert text[q.start] in OPENING_MARKS
    assert text[q.end - 1] in "\"”’'"


def test_curly_and_straight_marks_give_the_same_quote() -> None:
    straight = '"The dock is closed," Varga said.'
    curly = "“The dock is closed,” Varga said."
    a, b = _one(straight), _one(curly)
    assert (a.text, a.speaker, a.start, a.end) == (b.text, b.speaker, b.start, b.end)
    assert (b.start, b.end) == (0, len("“The dock is closed,”"))


def test_split_quote_has_one_speaker_for_both_parts() -> None:
    for text in (
        "“The first boat leaves at six,” Varga said, “and the last one at ten.”",
        '"The first boat leaves at six," said Varga, "and the last one at ten."',
    ):
        first, second = find_quotes(text)
        assert first.text == "The first boat leaves at six,"
        assert second.text == "and the last one at ten."
        assert first.speaker == second.speaker == "Varga"
        assert first.verb == second.verb == "said"


def test_quote_spanning_paragraphs_is_one_quote() -> None:
    text = (
        "Anna Varga, who runs the Lindmoor ferry union, spoke after the vote.\n\n"
        '"We will not sail tired. Nobody should be asked to.\n\n'
        '"The operator knows that," she said.'
    )
    q = _one(text)
    assert q.text.startswith("We will not sail tired.")
    assert q.text.endswith("The operator knows that,")
    assert '"' not in q.text
    assert (q.speaker, q.verb, q.speaker_introduced) == ("she", "said", True)
    assert text[q.start : q.end].endswith('knows that,"')


def test_single_marks_are_quotes_around_words_but_apostrophes_are_not() -> None:
    text = (
        "The workers' union didn't back the plan, and the drivers' group said little "
        "about the '90s rules. ‘We will strike on Monday,’ the union chief said."
    )
    q = _one(text)
    assert (q.text, q.speaker) == ("We will strike on Monday,", "the union chief")
    assert text[q.start] == "‘"


def test_straight_single_quote() -> None:
    q = _one("'Nobody told us anything,' said Ivo Hart.")
    assert (q.text, q.speaker) == ("Nobody told us anything,", "Ivo Hart")


def test_nested_quote_is_part_of_the_outer_one() -> None:
    text = "\"She told me 'go home now,' so I left,\" said Anna Varga."
    q = _one(text)
    assert q.text == "She told me 'go home now,' so I left,"
    assert q.speaker == "Anna Varga"


def test_unterminated_quote_does_not_swallow_the_article() -> None:
    text = (
        'The council called the plan "a disaster for Lindmoor and the valley.\n\n'
        "The mayor disagreed and said the port would reopen.\n\n"
        '"We are ready," Ivo Hart said.'
    )
    q = _one(text)
    assert (q.text, q.speaker) == ("We are ready,", "Ivo Hart")


def test_stray_mark_inside_a_paragraph_restarts_the_quote() -> None:
    text = 'He measured the 6" pipe and called it "old. "We must replace it," Hart said.'
    q = _one(text)
    assert (q.text, q.speaker) == ("We must replace it,", "Hart")


def test_quote_left_open_at_the_end_is_dropped() -> None:
    assert find_quotes('Varga said: "We will not sail') == []


def test_article_without_quotes() -> None:
    text = "Ferries in Lindmoor ran late on Tuesday.\n\nThe operator blamed fog."
    assert find_quotes(text) == []
    assert find_quotes("") == []


def test_unattributed_quote_takes_the_paragraph_speaker() -> None:
    first, second = find_quotes('"We go," said Ivo Hart. "Always."')
    assert (second.speaker, second.verb) == ("Ivo Hart", None)
    assert first.verb == "said"


def test_speaker_introduced_by_full_name_earlier() -> None:
    text = 'Anna Varga leads the ferry union.\n\n"We will not sail tired," Varga said.'
    assert _one(text).speaker_introduced


def test_bare_surname_is_not_introduced() -> None:
    text = 'Ferries stayed in port.\n\n"We will not sail tired," Varga said.'
    q = _one(text)
    assert q.speaker == "Varga"
    assert not q.speaker_introduced


def test_full_name_introduced_only_if_before_the_quote() -> None:
    text = '"We will not sail tired," Varga said.\n\nAnna Varga leads the ferry union.'
    assert not _one(text).speaker_introduced


@pytest.mark.parametrize(
    "text",
    [
        '"We will not sail tired," Dr Varga said.',
        '"We will not sail tired," Mayor Varga said.',
        '"We will not sail tired," Varga, the union secretary, said.',
        '"Fares will rise," the ministry said.',
    ],
    ids=["doctor", "mayor", "appositive", "organisation"],
)
def test_speaker_introducing_itself(text: str) -> None:
    assert _one(text).speaker_introduced


def test_pronoun_introduced_by_an_earlier_person() -> None:
    text = 'Ivo Hart runs the Lindmoor shipyard. "We are busy," he said.'
    q = _one(text)
    assert (q.speaker, q.speaker_introduced) == ("he", True)


def test_pronoun_without_an_earlier_person() -> None:
    q = _one('"We are busy," he said.')
    assert (q.speaker, q.speaker_introduced) == ("he", False)


def test_no_speaker_is_not_introduced() -> None:
    assert not _one('Signs read "closed until spring" along the quay.').speaker_introduced


STITCHED = (
    "LINDMOOR - Ferries between Lindmoor and Port Alder stayed in port on Tuesday as "
    "crews walked out over new rosters.\n\n"
    '"We will not sail tired," Brannagh said. "Nobody should be asked to."\n\n'
    "The operator said talks would resume next week.\n\n"
    '"The timetable is a fiction," Okafor added.'
)
WELL_FORMED = (
    "LINDMOOR - Ferries between Lindmoor and Port Alder stayed in port on Tuesday as "
    "crews walked out over new rosters.\n\n"
    "Odile Brannagh, the secretary of the crews' union, said the operator wanted to cut "
    'rest breaks. "We will not sail tired," Brannagh said.\n\n'
    '"Talks will resume next week," the operator said in a statement.'
)


def test_signal_on_a_stitched_article() -> None:
    signal = unintroduced_speakers(STITCHED, find_quotes(STITCHED))
    assert signal.name == "unintroduced_speaker"
    assert signal.score == pytest.approx(0.85)
    assert [e.text for e in signal.evidence] == ["Brannagh", "Brannagh", "Okafor"]
    sentences = split_sentences(STITCHED)
    for e in signal.evidence:
        assert STITCHED[e.start : e.end] == e.text
        assert sentences[e.sentence].start <= e.start < sentences[e.sentence].end
    assert signal.evidence[2].note == "'Okafor' is quoted but never introduced"
    assert "never introduces" in signal.explanation


def test_signal_with_one_unintroduced_quote() -> None:
    text = 'Ferries stayed in port.\n\n"We will not sail tired," Brannagh said.'
    signal = unintroduced_speakers(text, find_quotes(text))
    assert signal.score == pytest.approx(0.6)
    (evidence,) = signal.evidence
    assert (evidence.sentence, evidence.text) == (1, "Brannagh")


def test_signal_is_zero_on_a_well_formed_article() -> None:
    signal = unintroduced_speakers(WELL_FORMED, find_quotes(WELL_FORMED))
    assert signal.score == 0.0
    assert signal.evidence == ()


def test_altered_quote_reports_the_changed_word() -> None:
    source = '"We will not sail tired on the night crossings," Brannagh said.'
    copy = 'Brannagh said: "We will never sail tired on the night crossings."'
    (change,) = altered_quotes(copy, source)
    assert [(e.from_, e.to) for e in change.changes] == [("not", "never")]
    assert change.text == "We will never sail tired on the night crossings."
    assert change.source_text == "We will not sail tired on the night crossings,"
    assert copy[change.start] == '"'
    assert copy[change.end - 1] == '"'


def test_altered_quote_ignores_case_and_punctuation() -> None:
    source = '"we will not sail tired," Brannagh said.'
    copy = "“We Will NOT sail tired!” Brannagh said."
    assert altered_quotes(copy, source) == []


def test_altered_quote_skips_quotes_from_elsewhere() -> None:
    source = '"Fares will rise in June," the ministry said.'
    copy = '"We will not sail tired," Brannagh said.'
    assert altered_quotes(copy, source) == []


def test_altered_quote_pairs_with_the_closest_source_quote() -> None:
    source = (
        '"Fares will rise in June," the ministry said. '
        '"We will not sail tired at all," Brannagh said.'
    )
    copy = '"We will not sail at all," Brannagh said.'
    (change,) = altered_quotes(copy, source)
    assert change.source_text == "We will not sail tired at all,"
    assert [(e.from_, e.to) for e in change.changes] == [("tired", "")]


_PIECES = [
    *"\" \" “ ” ‘ ’ ' ' « »".split(),
    *"Varga said told the ministry Anna Hart he she According to , . : ? don't '90s".split(),
    "\n\n",
    "\n",
    " ",
    " ",
]
quote_heavy = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(deadline=None)
@given(
    st.one_of(st.text(max_size=300), st.text(alphabet="\"“”‘’' \nab.,", max_size=200), quote_heavy)
)
def test_find_quotes_never_raises_and_keeps_spans_inside(text: str) -> None:
    previous_end = 0
    for q in find_quotes(text):
        assert previous_end <= q.start < q.end <= len(text)
        assert text[q.start] in OPENING_MARKS
        previous_end = q.end
    unintroduced_speakers(text, find_quotes(text))
