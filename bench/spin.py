"""A seeded article spinner for the benchmark: the rewrites that spinning tools apply.

Spinners ("article rewriters") take a copied text and disguise it with cheap, local
edits. This module applies the same kinds of edit, driven by a :class:`random.Random`
so that a seed reproduces the output exactly:

* synonym swaps of content words from an OpenOffice MyThes thesaurus (the Debian
  package ``mythes-en-us``), with naive re-inflection of plurals, ``-ed`` and ``-ing``;
* short country and organisation names expanded to their formal names, and company
  or wire-service abbreviations spelled out (``Corp`` -> ``Corporation``, ``mln`` ->
  ``million``);
* function words traded (``some`` <-> ``a few``, ``said`` -> ``stated``);
* connectives dropped (``also``, ``however``, ``meanwhile``);
* numbers reformatted (``1,200`` -> ``1200``, ``5 percent`` -> ``5%``,
  ``$3 million`` -> ``3 million dollars``, ``three`` -> ``3``);
* an occasional typo (two adjacent letters of a long word swapped);
* at the ``heavy`` level, clauses reordered (``X, Y said.`` -> ``Y said X.``);
* at the ``paraphrase`` level, rewordings as well: attribution turned into
  ``According to Y, X.``, a passive-like reordering (``The bank cut its rate to 5
  pct.`` -> ``Its rate was cut to 5 pct by the bank.``), short phrases dropped or added.

The share of words changed is measured, never assumed: :func:`change_ratio` compares
the normalised words (:func:`unspun.text.words`) of the original and the spun text as
multisets, so reordering alone changes nothing and reformatting that the normaliser
undoes (``1,200`` -> ``1200``, ``5 percent`` -> ``5%``) counts as no change.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from unspun.text import STOPWORDS, dateline_end, words
from unspun.text.thesaurus import (
    DEFAULT_THESAURUS,
    THESAURUS_PACKAGE,
    Thesaurus,
    ThesaurusMissingError,
)

__all__ = [
    "DEFAULT_THESAURUS",
    "LEVELS",
    "THESAURUS_PACKAGE",
    "SpinResult",
    "Thesaurus",
    "ThesaurusMissingError",
    "change_ratio",
    "spin_sentence",
]

#: Spin levels, from none to the most aggressive.
LEVELS: tuple[str, ...] = ("verbatim", "light", "heavy", "paraphrase")


@dataclass(frozen=True)
class SpinResult:
    """A spun sentence.

    Attributes:
        text: The spun text.
        changes: Local edits applied, as ``(from, to)`` pairs of raw text.
        ratio: Measured share of words changed (see :func:`change_ratio`).
        operations: Names of the operations applied, structural ones first
            (``reorder:attribution-final``, ``synonym``, ``drop``...).
    """

    text: str
    changes: list[tuple[str, str]]
    ratio: float
    operations: tuple[str, ...] = ()


def change_ratio(original: str, spun: str) -> float:
    """Share of words changed between two texts, ignoring word order.

    Both texts are reduced to their normalised words (:func:`unspun.text.words`);
    with ``common`` the size of the multiset intersection and ``n`` the larger word
    count, the ratio is ``(n - common) / n``. A replaced word counts once, an
    inserted or deleted word once; moving a clause counts nothing.

    Args:
        original: The text before spinning.
        spun: The text after spinning.

    Returns:
        A share in ``[0, 1]``.

    >>> change_ratio("Prices rose 5 percent, it said.", "It said prices climbed 5%.")
    0.2
    """
    a = words(original)
    return _ratio_against(Counter(a), len(a), spun)


def _ratio_against(original: Counter[str], n_original: int, spun: str) -> float:
    b = words(spun)
    longest = max(n_original, len(b))
    if longest == 0:
        return 0.0
    common = sum((original & Counter(b)).values())
    return (longest - common) / longest


# --------------------------------------------------------------------------- tables

#: Short country and organisation names -> formal names (factual data).
FORMAL_NAMES: tuple[tuple[str, str], ...] = (
    ("U.S.", "United States of America"),
    ("US", "United States of America"),
    ("United States", "United States of America"),
    ("U.K.", "United Kingdom of Great Britain and Northern Ireland"),
    ("UK", "United Kingdom of Great Britain and Northern Ireland"),
    ("Britain", "United Kingdom of Great Britain and Northern Ireland"),
    ("Russia", "Russian Federation"),
    ("Soviet Union", "Union of Soviet Socialist Republics"),
    ("USSR", "Union of Soviet Socialist Republics"),
    ("China", "People's Republic of China"),
    ("South Korea", "Republic of Korea"),
    ("North Korea", "Democratic People's Republic of Korea"),
    ("Iran", "Islamic Republic of Iran"),
    ("West Germany", "Federal Republic of Germany"),
    ("East Germany", "German Democratic Republic"),
    ("Germany", "Federal Republic of Germany"),
    ("France", "French Republic"),
    ("Italy", "Italian Republic"),
    ("Spain", "Kingdom of Spain"),
    ("Netherlands", "Kingdom of the Netherlands"),
    ("Brazil", "Federative Republic of Brazil"),
    ("Mexico", "United Mexican States"),
    ("Argentina", "Argentine Republic"),
    ("India", "Republic of India"),
    ("Egypt", "Arab Republic of Egypt"),
    ("Syria", "Syrian Arab Republic"),
    ("Indonesia", "Republic of Indonesia"),
    ("Philippines", "Republic of the Philippines"),
    ("Australia", "Commonwealth of Australia"),
    ("UAE", "United Arab Emirates"),
    ("OPEC", "Organization of the Petroleum Exporting Countries"),
    ("EC", "European Community"),
    ("EU", "European Union"),
    ("U.N.", "United Nations"),
    ("UN", "United Nations"),
    ("IMF", "International Monetary Fund"),
    ("NATO", "North Atlantic Treaty Organization"),
    ("GATT", "General Agreement on Tariffs and Trade"),
    ("SEC", "Securities and Exchange Commission"),
    ("FBI", "Federal Bureau of Investigation"),
    ("CIA", "Central Intelligence Agency"),
    ("FDA", "Food and Drug Administration"),
    ("EPA", "Environmental Protection Agency"),
)

#: Company suffixes and wire-service abbreviations, spelled out (case-sensitive keys).
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Inc", "Incorporated"),
    ("Corp", "Corporation"),
    ("Ltd", "Limited"),
    ("Co", "Company"),
    ("Plc", "Public Limited Company"),
    ("mln", "million"),
    ("bln", "billion"),
    ("dlrs", "dollars"),
    ("dlr", "dollar"),
    ("cts", "cents"),
    ("shr", "share"),
    ("shrs", "shares"),
    ("qtr", "quarter"),
    ("yr", "year"),
    ("avg", "average"),
)

#: Function words and phrases -> what spinners trade them for.
TRADES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "said": ("stated", "added", "noted"),
        "says": ("states", "notes", "adds"),
        "told": ("informed",),
        "about": ("around", "approximately", "roughly"),
        "around": ("about", "roughly"),
        "some": ("a few", "several"),
        "a few": ("some", "several"),
        "several": ("some", "a few"),
        "but": ("however", "yet"),
        "because": ("since", "as"),
        "although": ("though", "even though"),
        "though": ("although",),
        "while": ("whereas",),
        "more than": ("over",),
        "many": ("numerous",),
        "after": ("following",),
        "including": ("such as",),
    }
)

#: Connectives that spinners drop.
CONNECTIVES: tuple[str, ...] = (
    "however",
    "meanwhile",
    "moreover",
    "furthermore",
    "additionally",
    "in addition",
    "nevertheless",
    "also",
)

_NUMBER_WORDS: tuple[str, ...] = tuple(
    "zero one two three four five six seven eight nine ten eleven twelve".split()
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_PRONOUN_OBJECTS = MappingProxyType(
    {"he": "him", "she": "her", "they": "them", "we": "us", "i": "me", "it": "it"}
)
_PARTICIPLES = MappingProxyType(
    {
        "reported": "reported",
        "posted": "posted",
        "announced": "announced",
        "approved": "approved",
        "acquired": "acquired",
        "bought": "bought",
        "sold": "sold",
        "signed": "signed",
        "completed": "completed",
        "rejected": "rejected",
        "proposed": "proposed",
        "declared": "declared",
        "raised": "raised",
        "cut": "cut",
        "lowered": "lowered",
        "set": "set",
        "issued": "issued",
        "filed": "filed",
        "made": "made",
        "won": "won",
        "lost": "lost",
        "received": "received",
        "began": "begun",
        "launched": "launched",
        "ordered": "ordered",
        "offered": "offered",
        "named": "named",
        "appointed": "appointed",
        "elected": "elected",
        "passed": "passed",
        "adopted": "adopted",
        "released": "released",
        "paid": "paid",
        "held": "held",
        "took": "taken",
        "gave": "given",
        "increased": "increased",
        "reduced": "reduced",
        "suspended": "suspended",
        "extended": "extended",
    }
)
_DETERMINERS = frozenset(
    "a an the its their his her this these those our all some two three four five six "
    "seven eight nine ten".split()
)


@dataclass(frozen=True)
class _Plan:
    low: float
    high: float
    ceiling: float
    reorder: bool
    reword: bool


def _plan(level: str) -> _Plan | None:
    if level == "verbatim":
        return None
    if level == "light":
        return _Plan(0.08, 0.15, 0.15, reorder=False, reword=False)
    if level == "heavy":
        return _Plan(0.27, 0.36, 0.42, reorder=True, reword=False)
    if level == "paraphrase":
        return _Plan(0.30, 0.42, 0.55, reorder=True, reword=True)
    raise ValueError(f"unknown spin level {level!r}; expected one of {', '.join(LEVELS)}")


# --------------------------------------------------------------------------- helpers

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_CLOSING = "\"'’”»)]}"


def _match_case(src: str, new: str) -> str:
    """Give ``new`` the capitalisation of ``src`` (all caps, or a capital first letter)."""
    if len(src) > 1 and src.isupper():
        return new.upper()
    if src[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _upper_first(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            return text
    return text


def _lower_first(text: str, thesaurus: Thesaurus, *, name_likely: bool = False) -> str:
    """Lower-case the first letter of a clause moved away from the sentence start.

    Only when the first word is a function word, or (unless ``name_likely``, as for
    the subject of a verb, often a name) a common dictionary word not followed by
    another capitalised word, so that names keep their capital.
    """
    m = _WORD.search(text)
    if m is None or m.start() > 2:
        return text
    first = m.group()
    if first in ("I", "I'm") or not first[:1].isupper() or (len(first) > 1 and first.isupper()):
        return text
    low = first.lower()
    rest = text[m.end() :].lstrip()
    next_capital = rest[:1].isupper()
    common = thesaurus.is_common_word(low) or any(
        thesaurus.is_common_word(base) for base, _, _ in _lemmas(low)
    )
    if low in STOPWORDS or (common and not next_capital and not name_likely):
        return text[: m.start()] + first[0].lower() + text[m.start() + 1 :]
    return text


def _words_count(text: str) -> int:
    return len(words(text))


def _casing_mode(text: str) -> str:
    """``upper`` (all-caps headline), ``title`` (Title Case) or ``sentence``."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return "upper"
    long_words = [w for w in _WORD.findall(text) if len(w) >= 4]
    if len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.7 * len(long_words):
        return "title"
    return "sentence"


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ied"
    return word + "ed"


def _gerund(word: str) -> str:
    if word.endswith("e") and not word.endswith("ee"):
        return word[:-1] + "ing"
    return word + "ing"


def _lemmas(word: str) -> list[tuple[str, str | None, Callable[[str], str]]]:
    """Candidate ``(base, pos, re-inflect)`` readings of an inflected word."""
    out: list[tuple[str, str | None, Callable[[str], str]]] = []
    if word.endswith("ies") and len(word) > 4:
        out.append((word[:-3] + "y", None, _plural))
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        out.append((word[:-2], None, _plural))
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        out.append((word[:-1], None, _plural))
    if word.endswith("ied") and len(word) > 4:
        out.append((word[:-3] + "y", "verb", _past))
    elif word.endswith("ed") and len(word) > 4:
        stem = word[:-2]
        out.append((stem, "verb", _past))
        out.append((stem + "e", "verb", _past))
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append((stem[:-1], "verb", _past))
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        out.append((stem, "verb", _gerund))
        out.append((stem + "e", "verb", _gerund))
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append((stem[:-1], "verb", _gerund))
    return out


def _synonyms_for(word: str, thesaurus: Thesaurus) -> list[str]:
    """Lower-case single-word synonyms of ``word``, re-inflected when it is inflected.

    Plain synonyms and similar terms are preferred; broader (generic) or related
    terms are used only when a word has no plain synonym.
    """

    def pick(base: str, pos: str | None) -> list[str]:
        found = [s for s in thesaurus.synonyms(base, pos=pos, strict=True) if s.islower()]
        if not found:
            found = [s for s in thesaurus.synonyms(base, pos=pos) if s.islower()]
        return found

    if word in thesaurus:
        return pick(word, None)
    for base, pos, inflect in _lemmas(word):
        if base in thesaurus:
            found = [
                inflect(s) for s in pick(base, pos) if not (inflect is _plural and s.endswith("s"))
            ]
            found = [s for s in found if s != word]
            if found:
                return found
    return []


# --------------------------------------------------------------------------- edits


@dataclass(frozen=True, order=True)
class _Edit:
    start: int
    end: int
    new: str
    kind: str


_WEIGHTS = MappingProxyType(
    {
        "synonym": 1.0,
        "trade": 1.0,
        "expand": 0.7,
        "drop": 0.7,
        "number": 0.8,
        "typo": 0.12,
    }
)


def _sentence_final(text: str, end: int) -> bool:
    return not text[end:].strip().strip(_CLOSING)


def _phrase_pattern(keys: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k)))
    return re.compile(rf"(?<![\w'’&-])(?:{alternatives})(?![\w'’&-])", flags)


def _first_word_start(text: str) -> int:
    m = _WORD.search(text)
    return m.start() if m is not None else -1


def _synonym_edits(
    text: str, mode: str, rng: random.Random, thesaurus: Thesaurus, skip: frozenset[str]
) -> list[_Edit]:
    out: list[_Edit] = []
    first = _first_word_start(text)
    for m in _WORD.finditer(text):
        w = m.group()
        low = w.lower()
        if len(w) < 3 or low in STOPWORDS or low in skip or "'" in w or "’" in w:
            continue
        if mode == "upper":
            eligible = w.isupper()
        elif mode == "title" or m.start() == first:
            eligible = w.islower() or (w[0].isupper() and w[1:].islower())
        else:
            eligible = w.islower()
        if not eligible:
            continue
        syns = _synonyms_for(low, thesaurus)
        if syns:
            new = rng.choice(syns[:4])
            out.append(_Edit(m.start(), m.end(), _match_case(w, new), "synonym"))
    return out


def _table_edits(text: str, table: Iterable[tuple[str, str]], mode: str, kind: str) -> list[_Edit]:
    pairs = list(table)
    if mode == "upper":
        pairs += [(k.upper(), v.upper()) for k, v in pairs if k.upper() != k]
    lookup = dict(pairs)
    pattern = re.compile(
        r"(?<![\w.&'’-])(?:"
        + "|".join(re.escape(k) for k in sorted(lookup, key=lambda k: (-len(k), k)))
        + r")(?![\w&-])(?:\.(?!\w))?"
    )
    out: list[_Edit] = []
    for m in pattern.finditer(text):
        found = m.group()
        key = found if found in lookup else found[:-1]
        if key not in lookup:
            continue
        new = lookup[key]
        if found.endswith(".") and _sentence_final(text, m.end()):
            new += "."  # the abbreviation's period also ended the sentence
        out.append(_Edit(m.start(), m.end(), new, kind))
    return out


def _trade_edits(text: str, rng: random.Random) -> list[_Edit]:
    out: list[_Edit] = []
    for m in _phrase_pattern(TRADES, re.IGNORECASE).finditer(text):
        found = m.group()
        options = TRADES[found.lower()]
        out.append(_Edit(m.start(), m.end(), _match_case(found, rng.choice(options)), "trade"))
    return out


def _drop_edits(text: str) -> list[_Edit]:
    out: list[_Edit] = []
    names = "|".join(re.escape(c) for c in CONNECTIVES)
    lead = re.match(rf"(?P<open>[\"“]?)(?:{names}),\s+(?P<next>\w)", text, re.IGNORECASE)
    if lead is not None:
        out.append(
            _Edit(
                lead.start(),
                lead.end(),
                lead.group("open") + lead.group("next").upper(),
                "drop",
            )
        )
    for m in re.finditer(rf",\s+(?:{names}),(?=\s)", text, re.IGNORECASE):
        out.append(_Edit(m.start(), m.end(), "", "drop"))
    for m in re.finditer(r"(?<=\w)\s+also(?=\s)", text):
        out.append(_Edit(m.start(), m.end(), "", "drop"))
    return out


_NUM = r"\d(?:[\d.,]*\d)?"


def _number_edits(text: str, rng: random.Random) -> list[_Edit]:
    out: list[_Edit] = []
    for m in re.finditer(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,]\d)(?!\.\d)", text):
        out.append(_Edit(m.start(), m.end(), m.group().replace(",", ""), "number"))
    for m in re.finditer(rf"(?<![\w.$])({_NUM})\s*(?:percent|pct|per cent)\b", text):
        out.append(_Edit(m.start(), m.end(), m.group(1) + "%", "number"))
    for m in re.finditer(rf"(?<![\w.$])({_NUM})%", text):
        out.append(_Edit(m.start(), m.end(), m.group(1) + " percent", "number"))
    for m in re.finditer(rf"\$({_NUM})(\s+(?:million|billion|trillion|mln|bln))?(?!\w)", text):
        out.append(_Edit(m.start(), m.end(), f"{m.group(1)}{m.group(2) or ''} dollars", "number"))
    for m in re.finditer(
        rf"(?<![\w.$])({_NUM})\s+(mln|million|bln|billion)\s+(?:dlrs|dollars)\b", text
    ):
        scale = "million" if m.group(2) in ("mln", "million") else "billion"
        out.append(_Edit(m.start(), m.end(), f"${m.group(1)} {scale}", "number"))
    spelled = "|".join(_NUMBER_WORDS[2:])
    for m in re.finditer(rf"\b({spelled})(?=\s+[a-z]+s\b)", text):
        out.append(_Edit(m.start(), m.end(), str(_NUMBER_WORDS.index(m.group(1))), "number"))
    for m in re.finditer(r"(?<![\w.,$-])([2-9])(?=\s+[a-z]+s\b)", text):
        if rng.random() < 0.5:
            out.append(_Edit(m.start(), m.end(), _NUMBER_WORDS[int(m.group(1))], "number"))
    return out


def _typo_edits(text: str, rng: random.Random) -> list[_Edit]:
    out: list[_Edit] = []
    for m in _WORD.finditer(text):
        w = m.group()
        if len(w) < 7 or not w.islower() or not w.isalpha():
            continue
        spots = [i for i in range(1, len(w) - 2) if w[i] != w[i + 1]]
        if spots:
            i = rng.choice(spots)
            new = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
            out.append(_Edit(m.start(), m.end(), new, "typo"))
    return out


# Words left to the other edits (trades, drops, expansions, numbers).
_NO_SYNONYM = frozenset(
    [k for k in TRADES if " " not in k]
    + [c for c in CONNECTIVES if " " not in c]
    + [k.lower() for k, _ in ABBREVIATIONS]
    + list(_NUMBER_WORDS)
)


def _candidates(text: str, rng: random.Random, thesaurus: Thesaurus) -> list[_Edit]:
    mode = _casing_mode(text)
    found = _synonym_edits(text, mode, rng, thesaurus, _NO_SYNONYM)
    found += _table_edits(text, FORMAL_NAMES, mode, "expand")
    found += _table_edits(text, ABBREVIATIONS, mode, "expand")
    found += _trade_edits(text, rng)
    found += _drop_edits(text)
    found += _number_edits(text, rng)
    if rng.random() < 0.3:
        found += _typo_edits(text, rng)
    keyed = [(rng.random() ** (1.0 / _WEIGHTS[e.kind]), e) for e in found]
    keyed.sort(key=lambda pair: (-pair[0], pair[1]))
    return [e for _, e in keyed]


def _apply(text: str, edits: Iterable[_Edit]) -> str:
    parts: list[str] = []
    pos = 0
    for e in sorted(edits):
        parts.append(text[pos : e.start])
        parts.append(e.new)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",{2,}", ",", text)
    return text.strip()


# --------------------------------------------------------------------------- structure

_SPEECH = r"said|says|added|noted|stated"
_BAD_SUBJECT_START = frozenset(
    "which who whom that and but as when while if because although where so".split()
)


def _subject_ok(text: str, max_words: int = 7) -> bool:
    ws = words(text)
    return 0 < len(ws) <= max_words and ws[0] not in _BAD_SUBJECT_START


def _clause_ok(text: str, min_words: int = 4) -> bool:
    return _words_count(text) >= min_words


@dataclass(frozen=True)
class _Attribution:
    claim: str  # the reported clause, as written
    speaker: str  # who said it, as written
    verb: str
    tail: str  # e.g. " on Monday" or ""
    claim_first: bool  # "X, Y said." (True) or "Y said X." (False)


def _attribution(body: str) -> _Attribution | None:
    """Read ``X, Y said.``, ``X, said Y.`` or ``Y said (that) X.``."""
    if any(q in body for q in '"“”'):
        return None
    m = re.fullmatch(
        rf"(?P<x>.+?),\s+(?P<y>[^,]{{2,60}}?)\s+(?P<v>{_SPEECH})"
        rf"(?P<t>\s+(?:on\s+(?:{_WEEKDAYS})|in\s+a\s+statement|today|yesterday|last\s+week))?\.",
        body,
    )
    if m is not None and _subject_ok(m.group("y")) and _clause_ok(m.group("x")):
        return _Attribution(m.group("x"), m.group("y"), m.group("v"), m.group("t") or "", True)
    m = re.fullmatch(r"(?P<x>.+?),\s+(?P<v>said|says|added)\s+(?P<y>[^.]{2,90}?)\.", body)
    if (
        m is not None
        and 0 < _words_count(m.group("y")) <= 14
        and words(m.group("y"))[0] not in _BAD_SUBJECT_START
        and _clause_ok(m.group("x"))
    ):
        return _Attribution(m.group("x"), m.group("y"), m.group("v"), "", True)
    m = re.fullmatch(
        rf"(?P<y>[A-Z][^,]{{1,60}}?)\s+(?P<v>{_SPEECH})\s+(?:that\s+)?(?P<x>[a-zA-Z].+?)\.",
        body,
    )
    if m is not None and _subject_ok(m.group("y")) and _clause_ok(m.group("x"), 5):
        return _Attribution(m.group("x"), m.group("y"), m.group("v"), "", False)
    return None


def _reorder_attribution(body: str, thesaurus: Thesaurus) -> str | None:
    att = _attribution(body)
    if att is None:
        return None
    if att.claim_first:
        # "X, Y said." -> "Y said X."
        speaker = _upper_first(att.speaker) + ("," if "," in att.speaker else "")
        that = " that" if att.tail else ""
        claim = _lower_first(att.claim, thesaurus)
        return f"{speaker} {att.verb}{att.tail}{that} {claim}."
    # "Y said X." -> "X, Y said."
    speaker = _lower_first(att.speaker, thesaurus, name_likely=True)
    return f"{_upper_first(att.claim)}, {speaker} {att.verb}."


def _reorder_quote(body: str, thesaurus: Thesaurus) -> str | None:
    m = re.fullmatch(
        rf"(?P<o>[\"“])(?P<x>[^\"“”]+?),(?P<c>[\"”])\s+(?P<y>[^,\"“”]{{2,60}}?)\s+"
        rf"(?P<v>{_SPEECH})\.",
        body,
    )
    if m is None or not _subject_ok(m.group("y")):
        return None
    y = _upper_first(m.group("y"))
    return f"{y} {m.group('v')}: {m.group('o')}{m.group('x')}.{m.group('c')}"


_SUBORDINATORS = "because|although|though|while|when|whereas|since|after|before|unless|if"


def _reorder_subordinate(body: str, thesaurus: Thesaurus) -> str | None:
    if any(q in body for q in '"“”'):
        return None
    m = re.fullmatch(rf"(?P<a>.+?),\s+(?P<c>{_SUBORDINATORS})\s+(?P<b>.+?)\.", body)
    if m is not None and _clause_ok(m.group("a")) and _clause_ok(m.group("b"), 3):
        a = _lower_first(m.group("a"), thesaurus)
        return f"{m.group('c').capitalize()} {m.group('b')}, {a}."
    m = re.fullmatch(
        rf"(?P<c>{_SUBORDINATORS.title()}|As)\s+(?P<b>[^,]+?),\s+(?P<a>.+?)\.",
        body,
    )
    if m is not None and _clause_ok(m.group("a")) and _clause_ok(m.group("b"), 3):
        return f"{_upper_first(m.group('a'))} {m.group('c').lower()} {m.group('b')}."
    return None


def _reorder_coordinate(body: str, thesaurus: Thesaurus) -> str | None:
    if any(q in body for q in '"“”'):
        return None
    m = re.fullmatch(r"(?P<a>[^,]+?),\s+(?P<c>and|but)\s+(?P<b>.+?)\.", body)
    if m is None or not (_clause_ok(m.group("a")) and _clause_ok(m.group("b"))):
        return None
    b = m.group("b")
    if words(b)[0] in ("the", "a", "an") or b[:1].isupper() or words(b)[0] in _PRONOUN_OBJECTS:
        a = _lower_first(m.group("a"), thesaurus)
        return f"{_upper_first(b)}, {m.group('c')} {a}."
    return None


_DISCOURSE_PHRASES = frozenset(
    (
        "in addition",
        "in fact",
        "in particular",
        "in contrast",
        "in general",
        "in other words",
        "in turn",
        "in short",
        "on the other hand",
        "for example",
        "for instance",
        "at the same time",
        "by contrast",
        "by the way",
    )
)


def _reorder_fronted(body: str, thesaurus: Thesaurus) -> str | None:
    if any(q in body for q in '"“”'):
        return None
    m = re.fullmatch(
        r"(?P<p>(?:In|On|At|During|For|By|Under|Last|This|Earlier|Later)\s[^,]{2,40}?),"
        r"\s+(?P<a>.+?)\.",
        body,
    )
    if m is None or not _clause_ok(m.group("a")):
        return None
    p = m.group("p")
    if p.lower() in _DISCOURSE_PHRASES:
        return None
    return f"{_upper_first(m.group('a'))} {p[0].lower()}{p[1:]}."


_REORDERS: tuple[tuple[str, Callable[[str, Thesaurus], str | None]], ...] = (
    ("attribution", _reorder_attribution),
    ("quote", _reorder_quote),
    ("subordinate", _reorder_subordinate),
    ("coordinate", _reorder_coordinate),
    ("fronted", _reorder_fronted),
)


def _according_to(body: str, thesaurus: Thesaurus, rng: random.Random) -> str | None:
    att = _attribution(body)
    if att is None or att.tail:
        return None
    speaker = (
        att.speaker if att.claim_first else _lower_first(att.speaker, thesaurus, name_likely=True)
    )
    who = _PRONOUN_OBJECTS.get(speaker.strip().lower(), speaker).rstrip(",")
    claim = att.claim.rstrip(",")
    if rng.random() < 0.5:
        return f"According to {who}, {_lower_first(claim, thesaurus)}."
    return f"{_upper_first(claim)}, according to {who}."


_PREPOSITION_SPLIT = re.compile(r"\s(?=(?:to|from|on|in|at|for|after|before|during|since|with)\s)")


def _passive(body: str, thesaurus: Thesaurus, rng: random.Random) -> str | None:
    verbs = "|".join(_PARTICIPLES)
    m = re.fullmatch(
        r"(?P<s>(?:The|A|An|Its|Their|His|Her|This)\s+[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,3}"
        r"|[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})"
        rf"\s+(?P<v>{verbs})\s+(?P<o>[^,;:\"“”]+?)(?P<rest>,[^\"“”]*)?\.",
        body,
    )
    if m is None:
        return None
    obj = m.group("o")
    obj_words = words(obj)
    if len(obj_words) < 2 or not (obj_words[0] in _DETERMINERS or obj_words[0][0].isdigit()):
        return None
    head, _, tail = _PREPOSITION_SPLIT.sub("\x00", obj, count=1).partition("\x00")
    head_words = words(head.split(" of ", 1)[0])
    head_last = head_words[-1] if head_words else ""
    plural = (head_last.endswith("s") and not head_last.endswith(("ss", "us", "is"))) or (
        obj_words[0] in _DETERMINERS and obj_words[0] in ("these", "those", "all", "two", "three")
    )
    aux = "were" if plural else "was"
    subject = _lower_first(m.group("s"), thesaurus, name_likely=True)
    tail_part = f" {tail}" if tail else ""
    rest = m.group("rest") or ""
    participle = _PARTICIPLES[m.group("v")]
    return f"{_upper_first(head)} {aux} {participle}{tail_part} by {subject}{rest}."


def _drop_phrase(body: str, thesaurus: Thesaurus, rng: random.Random) -> str | None:
    patterns = (
        r"\s*\([^()]{1,40}\)",
        r"\s*<[^<>]{1,12}>",
        rf"\s+on\s+(?:{_WEEKDAYS})\b",
        r"\s+(?:yesterday|today|last week|this week|earlier this (?:week|month|year))\b",
        r"\s+in a statement\b",
    )
    spots = [
        m
        for p in patterns
        for m in re.finditer(p, body)
        if m.start() > 0 and (words(body[: m.start()]) or [""])[-1] not in STOPWORDS
    ]
    if not spots:
        return None
    spots.sort(key=lambda m: (m.start(), m.end()))
    m = rng.choice(spots)
    return body[: m.start()] + body[m.end() :]


def _add_phrase(body: str, thesaurus: Thesaurus, rng: random.Random) -> str | None:
    speech = re.search(r"\b(?:said|says|stated)\b(?!\s+in\s+a\s+statement)", body)
    if speech is not None and rng.random() < 0.5:
        return body[: speech.end()] + " in a statement" + body[speech.end() :]
    if body[:1] in "\"“'":
        return None
    filler = rng.choice(("In fact", "Notably", "Indeed", "As it happens", "In particular"))
    return f"{filler}, {_lower_first(body, thesaurus)}"


_REWORDS: tuple[tuple[str, Callable[[str, Thesaurus, random.Random], str | None]], ...] = (
    ("according-to", _according_to),
    ("passive", _passive),
)


def _restructure(
    body: str, plan: _Plan, rng: random.Random, thesaurus: Thesaurus
) -> tuple[str, list[str]]:
    """Reorder clauses (heavy) and reword them (paraphrase) before word-level edits."""
    ops: list[str] = []
    if not body.endswith((".", "!", "?", '"', "”")):
        return body, ops
    options: list[tuple[str, str]] = []
    for name, reorder in _REORDERS:
        out = reorder(body, thesaurus)
        if out is not None and out != body:
            options.append((f"reorder:{name}", out))
    if plan.reword:
        for name, reword in _REWORDS:
            out = reword(body, thesaurus, rng)
            if out is not None and out != body:
                options.append((f"reword:{name}", out))
    if options:
        name, body = rng.choice(options)
        ops.append(name)
    if plan.reword and rng.random() < 0.6:
        phrase_ops = (("drop-phrase", _drop_phrase), ("add-phrase", _add_phrase))
        first, second = phrase_ops if rng.random() < 0.5 else phrase_ops[::-1]
        for name, op in (first, second):
            out = op(body, thesaurus, rng)
            if out is not None and out != body:
                body = out
                ops.append(f"reword:{name}")
                break
    return _tidy(body), ops


# --------------------------------------------------------------------------- spin


def spin_sentence(text: str, level: str, rng: random.Random, thesaurus: Thesaurus) -> SpinResult:
    """Spin one sentence (or headline) at a level.

    ``verbatim`` returns the text unchanged. ``light`` changes at most 15% of the
    words (aiming at 8-15%). ``heavy`` aims at about 30% and reorders clauses when
    the sentence has a clause boundary (``X, Y said.`` -> ``Y said X.``, subordinate
    or coordinate clauses swapped, a fronted phrase moved to the end).
    ``paraphrase`` also rewords (``According to Y, X.``, a passive-like reordering,
    a short phrase dropped or added). A leading dateline is kept as is.

    Word-level edits are picked in a seeded, weighted random order and kept while
    the measured :func:`change_ratio` stays under the level's ceiling, until a
    target drawn for the sentence is reached; a sentence with few candidate edits
    ends below the target.

    Args:
        text: The sentence.
        level: One of :data:`LEVELS`.
        rng: The random source (the only one used).
        thesaurus: Synonyms for the swaps.

    Returns:
        The spun text with its changes and measured ratio.

    Raises:
        ValueError: ``level`` is unknown.
    """
    plan = _plan(level)
    if plan is None:
        return SpinResult(text, [], 0.0, ())
    cut = dateline_end(text)
    prefix, body = text[:cut], text[cut:]
    ops: list[str] = []
    if plan.reorder or plan.reword:
        body, ops = _restructure(body, plan, rng, thesaurus)
    target = rng.uniform(plan.low, plan.high)
    original_words = words(text)
    counts, n_words = Counter(original_words), len(original_words)
    ratio = _ratio_against(counts, n_words, prefix + body)
    accepted: list[_Edit] = []
    typo_used = False
    for cand in _candidates(body, rng, thesaurus):
        if ratio >= target:
            break
        if cand.kind == "typo" and typo_used:
            continue
        if any(cand.start < e.end and e.start < cand.end for e in accepted):
            continue
        trial = [*accepted, cand]
        r = _ratio_against(counts, n_words, prefix + _tidy(_apply(body, trial)))
        if r > plan.ceiling:
            continue
        accepted = trial
        ratio = r
        typo_used = typo_used or cand.kind == "typo"
    accepted.sort()
    spun = prefix + _tidy(_apply(body, accepted))
    changes = [(body[e.start : e.end], e.new) for e in accepted]
    ops += [e.kind for e in accepted]
    measured = _ratio_against(counts, n_words, spun)
    return SpinResult(spun, changes, round(measured, 4), tuple(ops))
