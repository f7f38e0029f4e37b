"""Sentence and paragraph segmentation of news prose, in raw offsets.

Every line break ends a sentence (so headlines, captions and list items stand
alone). Within a line, a regex finds each run of ``.``, ``?``, ``!`` or ``…``
(with any closing quotes or brackets) that is followed by whitespace; only those
candidates are judged in Python, by looking at the word before and the word after:

* a next word starting in lower case never starts a sentence;
* titles (``Mr.``, ``Sen.``, ``Gen.``...) and ``vs.``, ``e.g.``, ``i.e.`` never
  end one; ``No.`` and month abbreviations do not before a number;
* abbreviations that often end a sentence as well (``Inc.``, ``U.S.``, ``a.m.``,
  states, months, initials) end one only when a function word follows
  ("...in the U.S. The ...", but "U.S. Navy", "J. R. Smith");
* ``?`` or ``!`` inside quotes followed by a speech verb ('"Why?" Ann asked') does
  not end one;
* a dateline ("BEIRUT (AP) -- ", "WASHINGTON, March 3 (Reuters) - ") and a list
  marker ("1. ", "a) ") at the start of a line are never split.

A run longer than :data:`MAX_SENTENCE_CHARS` without a sentence break (text without
punctuation, a flattened table) is cut into pieces of at most that, at a space where
there is one: it bounds the work any one "sentence" costs downstream (the longest
sentence in 188,742 of real news is 2,047 characters). :func:`segment` says which
sentences were cut from such a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unspun.records import Span
from unspun.text.tokens import STOPWORDS, has_word

__all__ = [
    "MAX_SENTENCE_CHARS",
    "Segmentation",
    "segment",
    "sentence_bound",
    "split_paragraphs",
    "split_sentences",
]

#: Longest sentence read whole; longer runs without a break are read in pieces.
MAX_SENTENCE_CHARS = 3_000

_OPENERS = "\"'“‘([{«¿¡"
_CLOSERS = "\"'’”»)]}"

# A terminal run, closing quotes/brackets and whitespace (the line is stripped, so
# text always follows); the lookahead reads what follows: opening punctuation, a
# word, and a period right after that word. A run is only tried from its start, and
# never given back: a long run of periods not followed by a space was quadratic.
_CANDIDATE = re.compile(
    r"(?<![.!?…])(?P<p>[.!?…]++)(?P<q>[\"'’”»)\]}]*+)\s+"
    r"(?=[\"'“‘(\[{«¿¡]*(?P<w>[^\W_][\w'’-]*)?(?P<dot>\.)?)"
)
_SPEECH = re.compile(
    r"[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,2}\s+"
    r"(?:said|says|asked|asks|added|adds|told|shouted|replied|wrote|writes|tweeted"
    r"|cried|yelled|wondered|demanded|insisted|recalled|whispered)\b"
)
_DATELINE = re.compile(
    r"""
    [A-Z][A-Z.'’-]*(?:[ ][A-Z][A-Z.'’-]*){0,4}      # CITY in capitals
    (?:,[ ](?:[A-Z][A-Za-z.]*[ ]?){1,3}(?:\d{1,2})?)? # , State or Month Day
    (?:[ ]?\([^()]{1,40}\))?                          # (Agency)
    [ ]?[-–—]{1,2}[ ]
    """,
    re.VERBOSE,
)
#: Characters looked at before a period for an abbreviation (none is nearly as long).
_WORD_WINDOW = 100
_BULLET = re.compile(r"(?:[-*•‣◦▪·+–—]|\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{2,6})[.)])\s+")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")

# Abbreviations (casefolded, without the final period) that never end a sentence
# before a capitalised word or a number.
_NEVER_FINAL = frozenset(
    """
    mr mrs ms messrs mmes dr prof gen sen sens rep reps gov govs lt col sgt capt cmdr
    maj adm brig cpl pvt rev hon pres supt insp det atty fr vs v e.g i.e cf viz approx
    fig figs vol vols pp nos
    """.split()
)
# Abbreviations that do not end a sentence before a number ("No. 5", "Jan. 12").
_BEFORE_NUMBER = frozenset(
    """
    no art ch sec para p jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
# Abbreviations that end a sentence only when a function word follows.
_AMBIGUOUS = frozenset(
    """
    inc corp co ltd llc plc bros jr sr st ave blvd rd hwy mt ft dept univ assn etc est
    al ph.d jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur
    thurs fri sat sun ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md
    mass mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
    """.split()
)


def _word_before(line: str, pos: int) -> str:
    """The casefolded word ending at ``pos`` (just before a period), bare; at most its
    last :data:`_WORD_WINDOW` characters (looking back further for a space made a long
    line without spaces quadratic)."""
    start = max(0, pos - _WORD_WINDOW)
    space = line.rfind(" ", start, pos)
    word = line[space + 1 if space >= 0 else start : pos]
    if word.isalnum():  # the common case: a plain word
        return word.casefold()
    if not word.isprintable():  # another kind of whitespace (or a control character)
        parts = word.rsplit(None, 1)
        word = parts[-1] if parts and not word[-1].isspace() else ""
    word = word.lstrip(_OPENERS).rstrip(_CLOSERS).rstrip(".")
    if "-" in word:
        word = word.rsplit("-", 1)[-1]
    return word.casefold()


def _period_ends(line: str, pos: int, nxt: str, next_is_initial: bool) -> bool:
    """Whether a single period at ``pos`` followed by word ``nxt`` ends a sentence."""
    word = _word_before(line, pos)
    if not word:
        return True
    if nxt[0].isdigit():
        return not (word in _NEVER_FINAL or word in _BEFORE_NUMBER or word in _AMBIGUOUS)
    if word in _NEVER_FINAL:
        return False
    initial = len(word) == 1 and word.isalpha() and word != "i"  # not the pronoun
    if initial or word in _AMBIGUOUS or _DOTTED.fullmatch(word):
        if next_is_initial:
            return False
        return nxt.casefold().replace("’", "'") in STOPWORDS
    return True


def _ends(line: str, m: re.Match[str]) -> bool:
    """Whether candidate ``m`` in ``line`` ends a sentence."""
    nxt = m.group("w")
    if not nxt:
        # No word follows: only a currency amount may start a sentence.
        return line[m.end() : m.end() + 3].lstrip(_OPENERS)[:1] in ("$", "£", "€", "¥")
    if nxt[0].islower():
        return False
    punct = m.group("p")
    if punct == ".":
        return _period_ends(line, m.start(), nxt, len(nxt) == 1 and m.group("dot") is not None)
    if "?" in punct or "!" in punct:
        return not (m.group("q") and _SPEECH.match(line, m.end()))
    return True  # an ellipsis before a capitalised word


def _split_line(line: str, base: int, out: list[Span]) -> None:
    """Append the sentences of a stripped, break-free ``line`` starting at ``base``."""
    head = _DATELINE.match(line) or _BULLET.match(line)
    guard = head.end() if head is not None else 0
    start = 0
    for m in _CANDIDATE.finditer(line, guard):
        if _ends(line, m):
            out.append(Span(base + start, base + m.end("q")))
            start = m.end()
    out.append(Span(base + start, base + len(line)))


@dataclass(frozen=True, slots=True)
class Segmentation:
    """Sentences of a text, and the runs too long to read as one.

    Attributes:
        spans: The sentences (see :func:`split_sentences`).
        cut: For each run longer than :data:`MAX_SENTENCE_CHARS` without a sentence
            break, ``(first, count, chars)``: the index of its first piece among
            ``spans``, how many pieces it was read in, and its length.
    """

    spans: list[Span]
    cut: list[tuple[int, int, int]]

    def notes(self) -> tuple[str, ...]:
        """One plain sentence per cut run, for reports.

        >>> segment("Word " * 1000).notes()
        ('sentences 0-1 are one run of 4,999 characters without a sentence break, read \
in pieces of at most 3,000',)
        """
        return tuple(
            f"sentences {first}-{first + count - 1} are one run of {chars:,} characters "
            f"without a sentence break, read in pieces of at most {MAX_SENTENCE_CHARS:,}"
            for first, count, chars in self.cut
        )


def _pieces(raw: str, start: int, end: int) -> list[Span]:
    """``raw[start:end]`` (stripped, longer than the cap) in pieces of at most
    :data:`MAX_SENTENCE_CHARS`, cut at the last space of each when there is one in its
    second half."""
    out: list[Span] = []
    pos = start
    while end - pos > MAX_SENTENCE_CHARS:
        limit = pos + MAX_SENTENCE_CHARS
        space = raw.rfind(" ", pos + MAX_SENTENCE_CHARS // 2, limit + 1)
        cut = space if space > pos else limit
        piece_end = cut
        while piece_end > pos and raw[piece_end - 1].isspace():
            piece_end -= 1
        out.append(Span(pos, piece_end))
        pos = cut
        while pos < end and raw[pos].isspace():
            pos += 1
    out.append(Span(pos, end))
    return out


def segment(raw: str) -> Segmentation:
    """:func:`split_sentences`, with the runs that were cut for length.

    >>> seg = segment("Short one. " + "X" * 7_000)
    >>> [s.end - s.start for s in seg.spans], seg.cut
    ([10, 3000, 3000, 1000], [(1, 3, 7000)])
    """
    found: list[Span] = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        body = line.strip()
        if body:
            _split_line(body, pos + len(line) - len(line.lstrip()), found)
        pos += len(line)
    spans: list[Span] = []
    cut: list[tuple[int, int, int]] = []
    for span in found:
        # A piece without a word ("***", "—", "{") separates text; it says nothing,
        # and as a "sentence" it would match every other wordless one.
        if span.end - span.start <= MAX_SENTENCE_CHARS:
            if has_word(raw, span.start, span.end):
                spans.append(span)
            continue
        pieces = [p for p in _pieces(raw, span.start, span.end) if has_word(raw, p.start, p.end)]
        if len(pieces) > 1:
            cut.append((len(spans), len(pieces), span.end - span.start))
        spans += pieces
    return Segmentation(spans, cut)


def split_sentences(raw: str) -> list[Span]:
    """Split news prose into sentences.

    Spans are half-open raw offsets, in order, non-empty and stripped of
    whitespace; each holds a word (:func:`~unspun.text.tokens.has_word`) and is at most
    :data:`MAX_SENTENCE_CHARS` long; only whitespace or pieces without a word (separator
    lines such as ``***``) lie between and around them.

    Args:
        raw: The text as published.

    Returns:
        One span per sentence.

    >>> text = 'SOMEWHERE (AP) — Mr. Ray, 52, left at 9 a.m. Friday. "We won." She smiled.'
    >>> [s.slice(text) for s in split_sentences(text)]
    ['SOMEWHERE (AP) — Mr. Ray, 52, left at 9 a.m. Friday.', '"We won."', 'She smiled.']
    """
    return segment(raw).spans


#: What ends a line for :meth:`str.splitlines`, and the punctuation that ends a sentence:
#: every sentence but the last of a line ends at one of them.
_BREAK_CHARS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029.!?…"


def sentence_bound(raw: str) -> int:
    """An upper bound of ``len(split_sentences(raw))``, counted without segmenting (a few
    milliseconds a megabyte, and no memory: segmenting 4 million one-letter lines takes
    seconds and most of a gigabyte).

    A sentence ends at a line break or a terminal character, or is a piece of a run
    cut for length (each piece but the last of a run is at least half of
    :data:`MAX_SENTENCE_CHARS` long).

    >>> text = "One. Two? Three\\nFour"
    >>> sentence_bound(text), len(split_sentences(text))
    (4, 4)
    """
    breaks = sum(raw.count(char) for char in _BREAK_CHARS)
    return breaks + len(raw) // (MAX_SENTENCE_CHARS // 2) + 1


def split_paragraphs(raw: str) -> list[Span]:
    """Split text into paragraphs separated by blank (whitespace-only) lines.

    Spans are stripped of surrounding whitespace.

    Args:
        raw: The text.

    Returns:
        One span per paragraph, in order.

    >>> text = "One line.\\nSame paragraph.\\n\\n  Next one.  "
    >>> [p.slice(text) for p in split_paragraphs(text)]
    ['One line.\\nSame paragraph.', 'Next one.']
    """
    out: list[Span] = []
    pos = 0
    first = -1
    last = 0
    for line in raw.splitlines(keepends=True):
        content = line.rstrip()
        if content:
            if first < 0:
                first = pos + len(line) - len(line.lstrip())
            last = pos + len(content)
        elif first >= 0:
            out.append(Span(first, last))
            first = -1
        pos += len(line)
    if first >= 0:
        out.append(Span(first, last))
    return out
