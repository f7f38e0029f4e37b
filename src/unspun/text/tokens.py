"""Word tokens with raw offsets, a fast words-only path, and English stopwords.

A word is a run of letters and digits in any script (combining marks included),
joined across internal apostrophes (``don't``, ``O'Neill``) and, between digits,
across ``.`` and ``,`` (``3.5``, ``1,200``). Hyphens and other punctuation split
words and are not tokens. Invisible characters that :func:`~unspun.text.normalize`
drops (soft hyphens, zero-width spaces) do not split a word either.

A token's ``norm`` is NFKC-normalised and casefolded, with invisible characters
removed, curly apostrophes made straight and thousands separators dropped. A percent
sign is a token of its own whose norm is ``percent`` (spinners swap the two forms).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from unspun.text.normalize import IGNORABLE

__all__ = ["STOPWORDS", "Token", "is_stopword", "tokenize", "words"]

# Scanned once at import (about 9,000 code points, a few milliseconds): combining
# marks of the BMP blocks that have them, so Indic, Thai or decomposed Latin
# words stay whole.
_MARK_BLOCKS = (
    (0x0300, 0x1E00),
    (0x20D0, 0x2100),
    (0x2CEF, 0x2E00),
    (0x302A, 0x3030),
    (0x3099, 0x309B),
    (0xA66F, 0xAB00),
    (0xFB1E, 0xFB1F),
    (0xFE00, 0xFE30),
)


def _mark_class(*, non_starters: bool = False) -> str:
    """A regex class of the marks in :data:`_MARK_BLOCKS` (``non_starters``: only those
    of a non-zero combining class, which normalisation reorders)."""
    ranges: list[tuple[int, int]] = []
    for lo, hi in _MARK_BLOCKS:
        for cp in range(lo, hi):
            if unicodedata.category(chr(cp))[0] != "M":
                continue
            if non_starters and not unicodedata.combining(chr(cp)):
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_JOINERS = _mark_class() + "".join(f"\\u{ord(c):04x}" for c in IGNORABLE)
_PIECE = rf"[^\W_]+(?:[{_JOINERS}]+[^\W_]*)*"
# "%" is a word of its own ("percent"), so "5%" and "5 percent" read the same.
_WORD = re.compile(rf"{_PIECE}(?:(?:['’]|(?<=\d)[.,](?=\d)){_PIECE})*|[%％]")
# The same words in ASCII text, which has no marks or invisible characters to join:
# a third faster, and most news text is ASCII.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:(?:'|(?<=\d)[.,](?=\d))[A-Za-z0-9]+)*|%")
# A number with thousands separators, as a whole word of the NUL-joined norms.
_THOUSANDS = re.compile(r"(?<![^\x00])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![^\x00])")
_DROP = str.maketrans({**dict.fromkeys(IGNORABLE, None), "’": "'"})
# Normalisation sorts each run of marks of non-zero combining class, in time quadratic
# in the run: one letter under 200,000 marks took a minute and a half. Real text has
# runs of a few; as Unicode's Stream-Safe Text Format (UAX #15) does, a combining
# grapheme joiner is put after every 30 marks of a longer run (in the norm only).
_NON_STARTER = f"[{_mark_class(non_starters=True)}]"
_LONG_MARK_RUN = re.compile(f"{_NON_STARTER}{{30}}(?={_NON_STARTER})")
_JOINER_AFTER = "\\g<0>\u034f"  # the 30 marks, then U+034F COMBINING GRAPHEME JOINER


def _no_commas(m: re.Match[str]) -> str:
    return m.group().replace(",", "")


def _norms(raw_words: list[str]) -> list[str]:
    """Normalise many words at once (one pass over their NUL-joined text)."""
    if not raw_words:
        return []
    joined = "\x00".join(raw_words)
    if joined.isascii():
        joined = joined.lower()
    else:
        joined = joined.translate(_DROP)
        joined = _LONG_MARK_RUN.sub(_JOINER_AFTER, joined)
        joined = unicodedata.normalize("NFKC", joined).casefold()
    if "," in joined:
        joined = _THOUSANDS.sub(_no_commas, joined)
    out = joined.split("\x00")
    if "%" in joined:
        out = ["percent" if w == "%" else w for w in out]
    return out


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text.

    Attributes:
        norm: Normalised form used for matching.
        start: Raw start offset.
        end: Raw end offset (exclusive).
    """

    norm: str
    start: int
    end: int


def tokenize(raw: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``raw[start:end]``, with offsets into ``raw``.

    Args:
        raw: The text.
        start: Where to start reading.
        end: Where to stop reading (exclusive); ``None`` for the end of ``raw``.

    Returns:
        The tokens in order.

    >>> [(t.norm, t.start, t.end) for t in tokenize("O’Neill paid $1,200.")]
    [("o'neill", 0, 7), ('paid', 8, 12), ('1200', 14, 19)]
    """
    stop = len(raw) if end is None else end
    pattern = _ASCII_WORD if raw[start:stop].isascii() else _WORD
    matches = list(pattern.finditer(raw, start, stop))
    norms = _norms([m.group() for m in matches])
    return [Token(n, m.start(), m.end()) for n, m in zip(norms, matches, strict=True)]


def has_word(raw: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``raw[start:end]`` holds a word token (a separator line such as ``***``
    or ``—`` holds none).

    >>> has_word("* * *"), has_word("— 3 —")
    (False, True)
    """
    stop = len(raw) if end is None else end
    return _WORD.search(raw, start, stop) is not None


def words(raw: str) -> list[str]:
    """The ``norm`` of every token of ``raw``, without building tokens.

    >>> words("Well-known firms don't pay 1,200.50 in tax.")
    ['well', 'known', 'firms', "don't", 'pay', '1200.50', 'in', 'tax']
    """
    return _norms((_ASCII_WORD if raw.isascii() else _WORD).findall(raw))


STOPWORDS: frozenset[str] = frozenset(
    """
    a about above across after again against all along also although am among amid an
    and another any are around as at be because been before behind being below between
    beyond both but by can could did do does doing down during each either else ever
    every few for from further had has have having he her here hers herself him himself
    his how however i if in into is it its itself just many may me might more most much
    must my myself neither no nor not now of off on once only onto or other our ours
    ourselves out over own per same shall she should since so some still such than that
    the their theirs them themselves then there these they this those though through
    thus to too toward towards under unless until up upon us very via was we were what
    when where whether which while who whom whose why will with within without would
    yet you your yours yourself yourselves
    it's don't doesn't didn't isn't wasn't aren't weren't won't can't
    i'm he's she's we're they're that's there's
    """.split()
)
"""Common English function words (casefolded, straight apostrophes)."""


def is_stopword(word: str) -> bool:
    """Whether ``word`` (any case, either apostrophe) is in :data:`STOPWORDS`.

    >>> is_stopword("The"), is_stopword("Senate")
    (True, False)
    """
    return word.casefold().replace("’", "'") in STOPWORDS
