"""Datelines are recognised at the start of a sentence, and only there."""

from __future__ import annotations

import pytest

from unspun.text import dateline_end

CASES = [
    ("agency", "BEIRUT (AP) — The talks resumed.", "The talks resumed."),
    ("date-agency", "WASHINGTON, March 3 (Reuters) - The bill passed.", "The bill passed."),
    ("date-only", "NEW YORK, March 3 - Shares rose.", "Shares rose."),
    ("region", "KANSAS CITY, Mo., March 2 - Grain fell.", "Grain fell."),
    ("city-dash", "LONDON - Prices eased.", "Prices eased."),
    (
        "none",
        "The talks - which began in May - resumed.",
        "The talks - which began in May - resumed.",
    ),
    ("acronym", "US - Iran talks resumed.", "US - Iran talks resumed."),
    ("lowercase", "He said - again - no.", "He said - again - no."),
]


@pytest.mark.parametrize(("text", "rest"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dateline_end(text: str, rest: str) -> None:
    assert text[dateline_end(text) :] == rest


def test_dateline_from_an_offset() -> None:
    text = "Intro line.\nVERRIN, May 4 (Tidewater Wire) - Growers counted losses."
    start = text.index("VERRIN")
    assert text[dateline_end(text, start) :] == "Growers counted losses."
