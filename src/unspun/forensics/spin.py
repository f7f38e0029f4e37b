"""Spinner fingerprints: signs that an article went through an automatic word spinner.

Spinners ("article rewriters") disguise a copied text with cheap local edits: content
words swapped for thesaurus synonyms, short names spelled out as formal names,
abbreviations expanded, occasional letter swaps. Each edit leaves a trace that a
frequency list can see, because a spinner picks replacements from a thesaurus, not
from usage:

* :func:`synonym_swaps`: a word whose thesaurus synonym is far more common
  (``sureties`` where news writes ``securities``). Data: the MyThes thesaurus and
  ``wordfreq`` frequencies. Without the thesaurus it falls back to the density of
  rare words, which real jargon shares, so it is much weaker.
* :func:`tortured_phrases`: two words that, with one of them put back to a
  commoner synonym, make an established multiword term of the thesaurus
  (``involvement rate`` -> ``interest rate``). This is the context check: the pair
  is a known term only in its swapped-back form. Needs the thesaurus.
* :func:`formal_expansions`: a formal name where news uses a short one
  (``Union of Soviet Socialist Republics`` for ``USSR``), found as thesaurus names
  with a shorter proper equivalent, or as names whose initialism is a common word
  of its own (wordfreq); and a unit or company suffix spelled out in one place but
  abbreviated in another of the same article (``Corporation`` and ``Corp``,
  ``million`` and ``mln``), since spinners edit only some occurrences.
* :func:`letter_swaps`: a word missing from the frequency list that becomes a
  common word when two adjacent letters are swapped back (``intrest`` is not
  seen: only transpositions, the typo spinners make).

What none of them sees: a swap to an equally common or commoner word, traded
function words that stay idiomatic, dropped connectives and clause reordering.

Every signal scores the density of its evidence per 100 words, squashed into
``[0, 1]`` by ``1 - exp(-density / scale)``; each ``scale`` is the density that the
signal reaches on about one real news article in twenty (measured on Reuters-21578,
BuzzFeed-Webis and FakeNewsNet with ``python -m bench.spin_signals``), so a plain
article mostly scores below 0.6. Texts under :data:`MIN_WORDS` words score 0.

The thesaurus and frequency tables load once, on first use. The thesaurus path is
read at call time from :data:`THESAURUS_PATH` unless passed; when the file is
absent the thesaurus-based parts are skipped and the explanation says so.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from unspun.records import Evidence, Signal
from unspun.text import STOPWORDS, split_sentences, tokenize
from unspun.text.frequency import zipf
from unspun.text.thesaurus import (
    DEFAULT_THESAURUS,
    THESAURUS_PACKAGE,
    Thesaurus,
    ThesaurusMissingError,
)

__all__ = [
    "MIN_WORDS",
    "THESAURUS_PATH",
    "formal_expansions",
    "letter_swaps",
    "spin_signals",
    "synonym_swaps",
    "tortured_phrases",
]

#: The MyThes file read when a signal is not given one (looked up at call time).
THESAURUS_PATH: Path = DEFAULT_THESAURUS
#: Texts with fewer words score 0: too little to measure a density.
MIN_WORDS = 15

# Word-level swap: the word is at most this common (zipf) ...
_SWAP_MAX_ZIPF = 4.6
# ... and a thesaurus synonym of it is at least this much more common.
_SWAP_GAP = 1.5
# Without the thesaurus: a known word rarer than this counts (weighted by rarity).
_RARE_ZIPF = 3.0
# Tortured phrase: the swapped-back word is at least this much more common.
_PHRASE_GAP = 0.5
# Formal names: an initialism this common (zipf) is a short form news would use.
_INITIALISM_ZIPF = 3.0
# Letter swaps: a word this rare whose transposition is this common.
_TYPO_MAX_ZIPF = 1.5
_TYPO_MIN_ZIPF = 3.5
# Density (weight per 100 words) that squashes to 1 - 1/e (see the module doc).
_SCALES: Mapping[str, float] = {
    "synonym_swaps": 3.5,
    "synonym_swaps/rare": 6.0,
    "tortured_phrases": 0.5,
    "formal_expansions": 1.0,
    "letter_swaps": 0.3,
}


# --------------------------------------------------------------------------- resources


@functools.cache
def _load_thesaurus(path: Path) -> Thesaurus | None:
    """The thesaurus at ``path``, read once; ``None`` when the file is absent."""
    try:
        return Thesaurus.load(path)
    except ThesaurusMissingError:
        return None


def _thesaurus(path: Path | None) -> tuple[Thesaurus | None, str]:
    """The thesaurus to use and, when it is missing, a sentence saying so."""
    file = path if path is not None else THESAURUS_PATH
    th = _load_thesaurus(file)
    if th is not None:
        return th, ""
    return None, (
        f"thesaurus {file} not found (install the Debian package {THESAURUS_PACKAGE}), "
        "so synonym look-ups were skipped"
    )


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of the title (``sentence == -1``) or the body, in raw offsets."""

    sentence: int
    start: int
    end: int
    raw: str
    first: bool  # the first word of its sentence
    joined: bool  # only whitespace separates it from the previous word of the sentence


@dataclass(frozen=True, slots=True)
class _Doc:
    title: str
    text: str
    words: tuple[_Word, ...]
    upper_title: bool  # an all-caps headline: its words are read in lower case

    def source(self, word: _Word) -> str:
        return self.title if word.sentence < 0 else self.text

    def common(self, word: _Word) -> str | None:
        """The word in lower case if it reads as a common word, not a name or number."""
        raw = word.raw
        if not (raw.isascii() and raw.isalpha() and len(raw) >= 3):
            return None
        title_caps = word.sentence < 0 and self.upper_title and raw.isupper()
        capitalised = word.first and raw[0].isupper() and raw[1:].islower()
        if not (raw.islower() or title_caps or capitalised):
            return None
        low = raw.lower()
        return None if low in STOPWORDS else low


def _words_of(text: str, start: int, end: int, sentence: int) -> list[_Word]:
    out: list[_Word] = []
    prev_end = -1
    for i, tok in enumerate(tokenize(text, start, end)):
        joined = i > 0 and not text[prev_end : tok.start].strip()
        out.append(_Word(sentence, tok.start, tok.end, text[tok.start : tok.end], i == 0, joined))
        prev_end = tok.end
    return out


@functools.lru_cache(maxsize=16)
def _parse(title: str, text: str) -> _Doc:
    """Tokenise the title and each body sentence once for all the signals."""
    found = _words_of(title, 0, len(title), -1)
    for i, span in enumerate(split_sentences(text)):
        found += _words_of(text, span.start, span.end, i)
    letters = [c for c in title if c.isalpha()]
    upper = len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    return _Doc(title, text, tuple(found), upper)


def _evidence(doc: _Doc, words: Iterable[_Word], note: str) -> Evidence:
    ws = list(words)
    start, end = ws[0].start, ws[-1].end
    return Evidence(ws[0].sentence, start, end, doc.source(ws[0])[start:end], note)


def _signal(
    name: str,
    scale: str,
    doc: _Doc,
    found: list[tuple[float, Evidence]],
    what: str,
    missing: str = "",
) -> Signal:
    """Score the evidence density and write the one-line explanation."""
    n = len(doc.words)
    if n < MIN_WORDS:
        why = f"too short to measure ({n} words, at least {MIN_WORDS} needed)"
        return Signal(name, 0.0, (), "; ".join(filter(None, [why, missing])))
    weight = sum(w for w, _ in found)
    density = 100.0 * weight / n
    score = 1.0 - math.exp(-density / _SCALES[scale])
    why = f"{what}: {len(found)} in {n} words ({density:.2f} per 100 words)"
    return Signal(
        name, round(score, 4), tuple(e for _, e in found), "; ".join(filter(None, [why, missing]))
    )


# --------------------------------------------------------------------------- inflection


def _same(word: str) -> str:
    return word


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s")


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ied"
    return word + "ed"


def _gerund(word: str) -> str:
    return (word[:-1] if word.endswith("e") and not word.endswith("ee") else word) + "ing"


def _readings(word: str) -> list[tuple[str, Callable[[str], str]]]:
    """``(base, re-inflect)`` readings of a word: itself, then plural/-ed/-ing stems."""
    out: list[tuple[str, Callable[[str], str]]] = [(word, _same)]
    if word.endswith("ies") and len(word) > 4:
        out.append((word[:-3] + "y", _plural))
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        out.append((word[:-2], _plural))
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        out.append((word[:-1], _plural))
    for suffix, inflect in (("ed", _past), ("ing", _gerund)):
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < 3:
            continue
        if suffix == "ed" and stem.endswith("i"):
            out.append((stem[:-1] + "y", inflect))
            continue
        out += [(stem, inflect), (stem + "e", inflect)]
        if stem[-1] == stem[-2]:
            out.append((stem[:-1], inflect))
    return out


@functools.lru_cache(maxsize=100_000)
def _commoner(word: str, path: Path) -> tuple[str, float] | None:
    """The most common single-word synonym of ``word`` (inflected like it), with its zipf."""
    th = _load_thesaurus(path)
    if th is None:
        return None
    best: tuple[str, float] | None = None
    for base, inflect in _readings(word):
        if base not in th:
            continue
        for syn in th.synonyms(base, strict=True):
            if syn.islower():
                form = inflect(syn)
                z = zipf(form)
                if form != word and (best is None or z > best[1]):
                    best = (form, z)
    return best


# --------------------------------------------------------------------------- signals


def synonym_swaps(title: str, text: str, *, thesaurus: Path | None = None) -> Signal:
    """Words that have a far more common thesaurus synonym: the mark of a synonym swap.

    A common word of the text (not a name, number or stopword) counts when it is
    at most moderately common (zipf <= 4.6) and the thesaurus lists a synonym of it,
    inflected the same way, at least 1.5 zipf (about 30 times) more frequent:
    writers pick the usual word, spinners pick any word the thesaurus offers.
    Without the thesaurus, every known word rarer than zipf 3 counts, weighted by
    how rare it is: a weak proxy, since real news has rare words too.

    Args:
        title: The headline (may be empty).
        text: The body.
        thesaurus: A MyThes ``.dat`` file; :data:`THESAURUS_PATH` when omitted.

    Returns:
        The ``synonym_swaps`` signal.
    """
    doc = _parse(title, text)
    th, missing = _thesaurus(thesaurus)
    found: list[tuple[float, Evidence]] = []
    for w in doc.words:
        low = doc.common(w)
        if low is None:
            continue
        z = zipf(low)
        if th is None:
            if 0.0 < z < _RARE_ZIPF:
                note = f"'{low}' is rare in English (zipf {z:.1f})"
                found.append(((_RARE_ZIPF - z) / _RARE_ZIPF, _evidence(doc, [w], note)))
            continue
        if z > _SWAP_MAX_ZIPF:
            continue
        best = _commoner(low, th.path)
        if best is None or (len(low) < len(best[0]) and _is_subsequence(low, best[0])):
            continue  # a short form ("pct" for "percent") is not a swap
        if best[1] - z >= _SWAP_GAP:
            note = f"'{low}' where news writes '{best[0]}' (zipf {z:.1f} vs {best[1]:.1f})"
            found.append((1.0, _evidence(doc, [w], note)))
    if th is None:
        return _signal("synonym_swaps", "synonym_swaps/rare", doc, found, "rare words", missing)
    return _signal("synonym_swaps", "synonym_swaps", doc, found, "likely synonym swaps")


def _tortured(a: str, b: str, th: Thesaurus) -> str | None:
    """The established term that ``a b`` becomes with one word put back, if any."""
    if f"{a} {b}" in th:
        return None
    za, zb = zipf(a), zipf(b)
    for base, inflect in _readings(b):
        for syn in th.synonyms(a, strict=True):
            if syn.islower() and f"{syn} {base}" in th and zipf(syn) - za >= _PHRASE_GAP:
                return f"{syn} {inflect(base)}"
        if base not in th:
            continue
        for syn in th.synonyms(base, strict=True):
            if (
                syn.islower()
                and f"{a} {syn}" in th
                and zipf(inflect(syn)) - zb >= _PHRASE_GAP
                and f"{a} {base}" not in th
            ):
                return f"{a} {inflect(syn)}"
    return None


def tortured_phrases(title: str, text: str, *, thesaurus: Path | None = None) -> Signal:
    """Word pairs that are an established term once one word is put back.

    For two adjacent common words ``a b`` that are not themselves a thesaurus
    term, each word is replaced in turn by its more common thesaurus synonyms (at
    least 0.5 zipf more frequent); when that makes a multiword term of the
    thesaurus (``interest rate``, ``stock market``), the pair is a tortured phrase.
    The thesaurus's 64,000 multiword terms stand in for phrase statistics, which
    wordfreq does not have: a collocation missing from it goes unseen, and without
    the thesaurus the signal scores 0.

    Args:
        title: The headline (may be empty).
        text: The body.
        thesaurus: A MyThes ``.dat`` file; :data:`THESAURUS_PATH` when omitted.

    Returns:
        The ``tortured_phrases`` signal.
    """
    doc = _parse(title, text)
    th, missing = _thesaurus(thesaurus)
    found: list[tuple[float, Evidence]] = []
    if th is not None:
        prev: tuple[_Word, str] | None = None
        for w in doc.words:
            low = doc.common(w)
            if low is not None and prev is not None and w.joined and w.sentence == prev[0].sentence:
                term = _tortured(prev[1], low, th)
                if term is not None:
                    note = f"'{prev[1]} {low}' where news writes '{term}'"
                    found.append((1.0, _evidence(doc, [prev[0], w], note)))
            prev = (w, low) if low is not None else None
    return _signal("tortured_phrases", "tortured_phrases", doc, found, "tortured phrases", missing)


_CONNECTORS = frozenset(("of", "the", "and", "for", "on"))
_MAX_NAME_WORDS = 9
# Suffixes that make a word from another (not an abbreviation pair): bank/banking.
_DERIVATIONS = (
    "s", "es", "ed", "d", "ing", "er", "ers", "or", "ors", "ly", "al", "ation", "ations",
    "ion", "ions", "ment", "ments", "ity", "ness", "ive", "ist", "ists", "ism", "ic",
)  # fmt: skip


def _is_name_word(raw: str) -> bool:
    return raw[:1].isupper() and raw[:1].isascii()


def _names(doc: _Doc) -> list[list[_Word]]:
    """Runs of capitalised words, joined by whitespace and ``of``/``the``/``and``."""
    runs: list[list[_Word]] = []
    run: list[_Word] = []
    for w in doc.words:
        cont = bool(run) and w.joined and w.sentence == run[-1].sentence
        if _is_name_word(w.raw) or (cont and w.raw.lower() in _CONNECTORS):
            if not cont:
                if run:
                    runs.append(run)
                run = []
            run.append(w)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    out: list[list[_Word]] = []
    for r in runs:
        while r and not _is_name_word(r[-1].raw):
            r = r[:-1]
        if len(r) >= 2:
            out.append(r)
    return out


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` reads as an abbreviation of ``long`` (``mln``/``million``)."""
    return (
        2 <= len(short) <= 4
        and len(long) >= len(short) + 3
        and short[0] == long[0]
        and _is_subsequence(short, long)
        and not any(long == short + s or long == short[:-1] + s for s in _DERIVATIONS)
        and short not in STOPWORDS
    )


def _formal_names(doc: _Doc, th: Thesaurus | None) -> list[tuple[float, Evidence]]:
    """Formal names with a shorter equivalent (thesaurus) or a common initialism."""
    found: list[tuple[float, Evidence]] = []
    for run in _names(doc):
        i = 0
        while i < len(run):
            hit: tuple[int, str] | None = None
            for j in range(min(len(run), i + _MAX_NAME_WORDS), i + 1, -1):
                span = run[i:j]
                if not (_is_name_word(span[0].raw) and _is_name_word(span[-1].raw)):
                    continue
                lead = span[0]
                # "Agents of the ...": a capitalised sentence opener is no name's initial.
                initialism = not (
                    lead.first and (lead.raw.lower() in STOPWORDS or doc.common(lead) is not None)
                )
                short = _short_form(span, th, initialism=initialism)
                if short is not None:
                    hit = (j, short)
                    break
            if hit is None:
                i += 1
                continue
            j, short = hit
            span = run[i:j]
            src = doc.source(span[-1])
            if src[span[-1].end :].lstrip().startswith("("):
                i = j  # "Federal Bureau of Investigation (FBI)": news introducing a name
                continue
            n_long = sum(1 for w in span if w.raw.lower() not in _CONNECTORS)
            weight = min(1.0, (n_long - len(short.split())) / 2.0)
            note = f"'{src[span[0].start : span[-1].end]}' where news writes '{short}'"
            found.append((weight, _evidence(doc, span, note)))
            i = j
    return found


def _short_form(span: list[_Word], th: Thesaurus | None, *, initialism: bool) -> str | None:
    """A short form of the name ``span``, from the thesaurus or its initialism.

    Only names of three or more capitalised words count: two-word names
    (``United States``, ``Federal Reserve``) are everyday news usage.
    """
    name = " ".join(w.raw for w in span)
    capitals = [w.raw for w in span if w.raw.lower() not in _CONNECTORS]
    if len(capitals) < 3:
        return None
    options: list[str] = []
    if th is not None and name in th:
        options = sorted(
            (
                e
                for e in th.equivalents(name)
                if e[:1].isupper() and len(e.split()) < len(span) and len(e) < len(name)
            ),
            key=len,
        )
    # "Port Alder and Skerry Island" is two names, not one to abbreviate.
    joins_names = any(w.raw.lower() == "and" for w in span)
    if initialism and not joins_names and all(c[1:].islower() for c in capitals):
        initials = "".join(c[0] for c in capitals)
        if initials.lower() not in STOPWORDS and zipf(initials.lower()) >= _INITIALISM_ZIPF:
            options.append(initials)
    return options[0] if options else None


_QUANTITY = re.compile(r"\d[\d.,]*|million|billion|mln|bln", re.IGNORECASE)


def _slot(doc: _Doc, k: int) -> str | None:
    """Where word ``k`` sits: after a number (a unit) or after a name (a company suffix)."""
    w = doc.words[k]
    if k == 0 or not w.joined or doc.words[k - 1].sentence != w.sentence:
        return None
    before = doc.words[k - 1].raw
    if _QUANTITY.fullmatch(before) and w.raw.islower():
        return "unit"
    if _is_name_word(before) and _is_name_word(w.raw):
        return "suffix"
    return None


def _spelled_out(doc: _Doc) -> list[tuple[float, Evidence]]:
    """Units or company suffixes spelled out here but abbreviated elsewhere in the article.

    Spinners expand only some occurrences, so an article that writes ``12 mln`` and
    ``5 million``, or ``Acme Corp`` and ``Acme Corporation``, mixes two house
    styles. Only words in the same slot (after a number, or after a name) pair up.
    """
    slots: dict[str, set[str]] = {"unit": set(), "suffix": set()}
    placed: list[tuple[_Word, str]] = []
    for k, w in enumerate(doc.words):
        slot = _slot(doc, k)
        if slot is not None and w.raw.isalpha():
            slots[slot].add(w.raw.lower())
            placed.append((w, slot))
    found: list[tuple[float, Evidence]] = []
    ordered = {slot: sorted(words) for slot, words in slots.items()}
    shorts: dict[tuple[str, str], str | None] = {}  # each word is compared once, not per use
    for w, slot in placed:
        low = w.raw.lower()
        if (slot, low) not in shorts:
            shorts[slot, low] = next((s for s in ordered[slot] if _abbreviates(s, low)), None)
        short = shorts[slot, low]
        if short is not None:
            note = f"'{w.raw}' spelled out where the article also writes '{short}'"
            found.append((1.0, _evidence(doc, [w], note)))
    return found


def formal_expansions(title: str, text: str, *, thesaurus: Path | None = None) -> Signal:
    """Formal names and spelled-out words where news writes a short form.

    Three kinds of evidence, all for names of three or more capitalised words
    (two-word names such as ``United States`` are everyday news usage): a name that
    the thesaurus lists with a shorter proper equivalent (``Union of Soviet
    Socialist Republics`` -> ``USSR``); a name whose initialism is itself a common
    token in wordfreq (``Federal Bureau of Investigation`` -> ``FBI``); and a unit
    or company suffix spelled out while the same article abbreviates it elsewhere
    (``Corporation``/``Corp``, ``million``/``mln``). A name followed by
    its short form in parentheses is news introducing it and does not count. Real
    news also writes formal names on first mention, so one hit means little: the
    score rises with their density. Without the thesaurus only the initialism and
    abbreviation evidence remain.

    Args:
        title: The headline (may be empty).
        text: The body.
        thesaurus: A MyThes ``.dat`` file; :data:`THESAURUS_PATH` when omitted.

    Returns:
        The ``formal_expansions`` signal.
    """
    doc = _parse(title, text)
    th, missing = _thesaurus(thesaurus)
    found = _formal_names(doc, th) + _spelled_out(doc)
    found.sort(key=lambda f: (f[1].sentence, f[1].start))
    return _signal(
        "formal_expansions", "formal_expansions", doc, found, "formal expansions", missing
    )


def letter_swaps(title: str, text: str) -> Signal:
    """Words that are unknown as written but common with two adjacent letters swapped.

    A lower-case word of five letters or more that wordfreq finds rare (zipf <= 1.5)
    counts when swapping one pair of neighbouring letters gives a common word (zipf
    >= 3.5): the typo spinners add to look hand-made. Other typos (dropped or
    doubled letters) and swaps that make another real word are not seen.

    Args:
        title: The headline (may be empty).
        text: The body.

    Returns:
        The ``letter_swaps`` signal.
    """
    doc = _parse(title, text)
    found: list[tuple[float, Evidence]] = []
    for w in doc.words:
        low = doc.common(w)
        if low is None or len(low) < 5 or zipf(low) > _TYPO_MAX_ZIPF:
            continue
        fixed = _unswap(low)
        if fixed is not None:
            found.append((1.0, _evidence(doc, [w], f"'{low}' looks like a typo of '{fixed}'")))
    return _signal("letter_swaps", "letter_swaps", doc, found, "letter swaps")


@functools.lru_cache(maxsize=20_000)
def _unswap(word: str) -> str | None:
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            fixed = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if zipf(fixed) >= _TYPO_MIN_ZIPF:
                return fixed
    return None


def spin_signals(title: str, text: str, *, thesaurus: Path | None = None) -> tuple[Signal, ...]:
    """All spinner-fingerprint signals of an article, in a fixed order.

    Args:
        title: The headline (may be empty).
        text: The body.
        thesaurus: A MyThes ``.dat`` file; :data:`THESAURUS_PATH` when omitted.

    Returns:
        ``synonym_swaps``, ``tortured_phrases``, ``formal_expansions`` and
        ``letter_swaps``.
    """
    return (
        synonym_swaps(title, text, thesaurus=thesaurus),
        tortured_phrases(title, text, thesaurus=thesaurus),
        formal_expansions(title, text, thesaurus=thesaurus),
        letter_swaps(title, text),
    )
