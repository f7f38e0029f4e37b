"""Text normalisation that keeps an exact map back to the raw text.

Matching works on normalised text (typographic quotes, dashes and odd spaces
folded to ASCII, invisible characters dropped, whitespace collapsed), while
reports must point at the text as published. :func:`normalize` therefore
records, for every normalised character, the raw span it came from, and
:func:`to_raw` turns a normalised span back into a raw :class:`~unspun.records.Span`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from unspun.records import Span

__all__ = ["IGNORABLE", "Normalized", "normalize", "to_raw"]

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SPACES = (
    "\t\x1f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Invisible characters dropped outright: soft hyphen, zero-width and bidi controls, BOM.
IGNORABLE = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff"
)

_TABLE: dict[str, str] = {
    **dict.fromkeys(_SINGLE_QUOTES, "'"),
    **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys(_SPACES, " "),
    **dict.fromkeys(_LINE_BREAKS, "\n"),
    **dict.fromkeys(IGNORABLE, ""),
}

# Everything but printable ASCII and "\n" needs a look; "\r\n" is one line break.
_SPECIAL = re.compile(r"\r\n|[^\x20-\x7e\n]")
# Runs of two or more layout characters (stage one leaves only " " and "\n").
_RUN = re.compile(r"[ \n]{2,}")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text with a character-exact map back to the raw text.

    Attributes:
        text: The normalised text.
        offsets: ``offsets[i]`` is the raw index where normalised character ``i``
            starts; one extra final entry equals ``len(raw)``.
        ends: ``ends[i]`` is the raw index just after the raw characters that
            normalised character ``i`` came from.
    """

    text: str
    offsets: tuple[int, ...]
    ends: tuple[int, ...]


def _fold_one(char: str) -> str:
    mapped = _TABLE.get(char)
    return mapped if mapped is not None else unicodedata.normalize("NFKC", char)


def _map_char(char: str) -> str:
    """Map one raw character to its normalised form (possibly empty or longer)."""
    out = _fold_one(char)
    if out == char:
        return out
    # NFKC may produce characters we fold further (e.g. a small em dash becomes an
    # em dash); repeat per character until stable so normalising twice is a no-op.
    for _ in range(4):
        nxt = "".join(_fold_one(c) for c in out)
        if nxt == out:
            break
        out = nxt
    return out


def _fold_chars(raw: str) -> tuple[str, list[int], list[int]]:
    """Stage one: per-character folding, returning text and raw start/end per char."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for m in _SPECIAL.finditer(raw):
        a, b = m.span()
        if a > done:
            parts.append(raw[done:a])
            starts.extend(range(done, a))
            ends.extend(range(done + 1, a + 1))
        mapped = "\n" if b - a == 2 else _map_char(m.group())
        if mapped:
            parts.append(mapped)
            starts.extend([a] * len(mapped))
            ends.extend([b] * len(mapped))
        done = b
    if done < len(raw):
        parts.append(raw[done:])
        starts.extend(range(done, len(raw)))
        ends.extend(range(done + 1, len(raw) + 1))
    return "".join(parts), starts, ends


def _collapse(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Stage two: collapse runs of spaces and line breaks."""
    parts: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    done = 0
    for m in _RUN.finditer(text):
        a, b = m.span()
        if a > done:
            parts.append(text[done:a])
            out_starts.extend(starts[done:a])
            out_ends.extend(ends[done:a])
        run = m.group()
        first_nl = run.find("\n")
        if first_nl < 0:
            parts.append(" ")
            out_starts.append(starts[a])
            out_ends.append(ends[b - 1])
        else:
            second_nl = run.find("\n", first_nl + 1)
            if second_nl < 0:
                parts.append("\n")
                out_starts.append(starts[a])
                out_ends.append(ends[b - 1])
            else:
                parts.append("\n\n")
                out_starts += (starts[a], starts[a + second_nl])
                out_ends += (ends[a + first_nl], ends[b - 1])
        done = b
    if done == 0:
        return text, starts, ends
    parts.append(text[done:])
    out_starts.extend(starts[done:])
    out_ends.extend(ends[done:])
    return "".join(parts), out_starts, out_ends


def normalize(raw: str) -> Normalized:
    """Normalise ``raw`` for matching, keeping a map back to raw offsets.

    Applies Unicode NFKC per character; folds curly quotes and primes to ``'``
    and ``"``, every dash to ``-`` and Unicode spaces (and tabs) to `` ``; drops
    soft hyphens, zero-width and bidi control characters; turns ``\\r\\n``,
    ``\\r`` and other line separators into ``\\n``; collapses a run of spaces to
    one space, a run of layout whitespace holding one line break to ``\\n`` and
    one holding several to a blank line (``\\n\\n``). Leading and trailing
    whitespace is collapsed the same way, not stripped.

    Args:
        raw: The text as published.

    Returns:
        The normalised text with its offset map.

    >>> n = normalize("“Hi”\u00a0 —\u200b there")
    >>> n.text
    '"Hi" - there'
    >>> to_raw(n, 5, 6)
    Span(start=6, end=7)
    """
    text, starts, ends = _collapse(*_fold_chars(raw))
    starts.append(len(raw))
    return Normalized(text, tuple(starts), tuple(ends))


def to_raw(norm: Normalized, start: int, end: int) -> Span:
    """Map the normalised span ``[start, end)`` back to raw offsets.

    The raw span runs from where normalised character ``start`` came from to just
    after the raw characters of normalised character ``end - 1``; characters
    dropped by normalisation just outside the span are not included. An empty
    span maps to an empty raw span.

    Args:
        norm: The result of :func:`normalize`.
        start: Start of the normalised span.
        end: End (exclusive) of the normalised span.

    Returns:
        The raw span.

    Raises:
        ValueError: If ``0 <= start <= end <= len(norm.text)`` does not hold.

    >>> to_raw(normalize("a\u200b\u200bb"), 1, 2)
    Span(start=3, end=4)
    """
    if not 0 <= start <= end <= len(norm.text):
        raise ValueError(f"span [{start}, {end}) outside normalised text of {len(norm.text)}")
    first = norm.offsets[start]
    if start == end:
        return Span(first, first)
    return Span(first, norm.ends[end - 1])
