"""Datelines: the "PLACE, Month Day (Agency) -" prefix of a wire story's first sentence.

A republished copy often drops or rewrites the dateline while keeping the sentence, so
the comparison of sentences skips it (the displayed text keeps it).
"""

from __future__ import annotations

import re

_DATELINE = re.compile(
    r"""
    \s*
    [A-Z][A-Z.'’\-]*(?:\ [A-Z][A-Z.'’\-]*){0,4}          # PLACE in capitals
    (?:,\ [A-Z][A-Za-z.'’\- ]{1,30}?)?                     # , Region or , Month
    (?:[,\ ]\ ?(?:[A-Z][a-z]{2,8}\.?\ )?\d{1,2})?           # , March 3
    (?:\ ?\([^()\n]{1,40}\))?                              # (Agency)
    \s*[-–—]{1,2}\s+                                       # dash
    """,
    re.VERBOSE,
)


#: Longest dateline read (the longest form the pattern allows is well under this).
_LONGEST = 200


def dateline_end(text: str, start: int = 0) -> int:
    """Offset just after a dateline at ``text[start:]``, or ``start`` when there is none.

    >>> s = "VERRIN, May 4 (Tidewater Wire) - Apple growers said"
    >>> s[dateline_end(s):]
    'Apple growers said'
    >>> s = "BEIRUT (AP) — The talks resumed"
    >>> s[dateline_end(s):]
    'The talks resumed'
    >>> dateline_end("The talks - which began in May - resumed")
    0
    """
    # Read no further than a dateline can reach: matched against the rest of a long
    # text, a run of capitals would be scanned (and backtracked over) to its end.
    match = _DATELINE.match(text, start, start + _LONGEST)
    if match is None:
        return start
    prefix = match.group(0)
    # Capitals alone ("NATO - ...") are not a dateline without a date or an agency.
    if "(" not in prefix and not re.search(r"\d", prefix) and "," not in prefix:
        letters = re.sub(r"[^A-Za-z]", "", prefix)
        if len(letters) < 4:
            return start
    return match.end()
