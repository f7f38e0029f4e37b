"""Direct quotes, who they are attributed to, and two signs read from them.

:func:`find_quotes` finds every direct quote of a body text with its speaker and
reporting verb. Quotation marks are paired paragraph by paragraph:

* double marks, straight (``"``) or curly (``“ ”``), are the usual quotes; a straight
  mark opens or closes by what surrounds it (a space before and a word after opens);
* single marks (``‘ ’`` or ``'``) are quotes only around two or more words, outside
  double quotes, with an opening mark after a space or a bracket and a closing one
  before a space or punctuation, so ``don't``, ``'90s`` and ``the workers' union`` are
  never taken for quotes; a single quote that holds a double one is the outer quote;
* a paragraph that opens a quote and does not close it continues into the next
  paragraph only when that one opens with a mark (the news convention for long
  quotes); any other unclosed quote is dropped, as is one longer than a few
  paragraphs, so a stray mark never swallows the rest of the article;
* an opening mark met inside a quote starts a new quote: the earlier mark was stray.

:func:`unintroduced_speakers` turns quotes whose speaker is never introduced into a
stitching signal, and :func:`altered_quotes` finds quotes whose words changed between
a source sentence and its copy.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from unspun.records import Edit, Evidence, Quote, QuoteChange, Signal, Span
from unspun.text import STOPWORDS, is_stopword, split_paragraphs, split_sentences, tokenize, words

__all__ = ["QuoteChange", "altered_quotes", "find_quotes", "unintroduced_speakers"]

_OPEN, _CLOSE, _EITHER = 0, 1, 2
_DOUBLE = '"“”'
_SINGLE = "'‘’"
# Characters after which a straight or single mark may open a quote.
_BOUNDARY = "([{<—–-/\"'“‘«"
# Longest quote kept (characters from the opening to the closing mark): a quote
# running past this is taken for a stray mark. Single marks are looser, so shorter.
_MAX_DOUBLE = 2500
_MAX_SINGLE = 1000


def _upper_class() -> str:
    """A regex class body of the upper-case letters of Latin, Greek and Cyrillic."""
    ranges: list[tuple[int, int]] = []
    for cp in [*range(0x41, 0x530), *range(0x1E00, 0x1F00)]:
        if not chr(cp).isupper():
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


_U = _upper_class()
_VERBS = """
    said says say told tells added adds asked asks warned warns wrote writes stated states
    explained explains insisted insists noted notes claimed claims replied replies recalled
    argued argues declared announced admitted conceded continued confirmed acknowledged
    countered remarked observed urged cautioned responded shouted cried whispered joked
    vowed promised predicted stressed emphasised emphasized complained suggested agreed
    tweeted posted testified
""".split()
_VERB = rf"(?:{'|'.join(_VERBS)})(?![\w'’-])"
_ACCORDING = r"[Aa]ccording\s+to"
_PRONOUNS = frozenset("he she they it we".split())
_GROUPS = """
    police officials authorities prosecutors investigators witnesses residents analysts
    experts organisers organizers officers researchers scientists critics protesters
    lawyers doctors economists sources observers campaigners activists
""".split()
# First words of a speaker that describe rather than name it ("the ministry", "police").
_DESCRIPTIVE = frozenset(["the", "a", "an", *_GROUPS])
# A capitalised word of a name: a title or an initial may keep its period.
_CAP = (
    rf"(?:(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Capt|Sgt|Rev|St|Jr|Sr)\.|[{_U}]\.(?=\s)"
    rf"|[{_U}][\w'’-]*)"
)
_PARTICLE = r"(?:van|von|de|der|den|del|della|di|da|du|la|le|al|bin|ibn|ben|dos|das)"
_NAME = rf"{_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{0,5}}"
# Function words may not sit inside an organisation phrase ("the plan which she said").
_FUNCTION = "|".join(
    re.escape(w) for w in sorted(STOPWORDS - {"of", "for", "and", "on", "in", "at"}, key=len)[::-1]
)
_ORG_WORD = rf"(?!(?i:{_FUNCTION})(?![\w'’]))[\w'’.-]+"
_ORG = rf"(?:[Tt]he|[Aa]n?)\s+(?:{_ORG_WORD}\s+){{0,6}}?{_ORG_WORD}"
_PRONOUN = rf"(?i:{'|'.join(sorted(_PRONOUNS))})(?![\w'’])"
_GROUP = rf"(?i:{'|'.join(_GROUPS)})(?![\w'’])"


def _speaker(group: str) -> str:
    """The speaker pattern, captured in ``group``: pronoun, group, organisation or name."""
    return rf"(?<![\w'’.-])(?P<{group}>{_PRONOUN}|{_GROUP}|{_ORG}|{_NAME})"


_APPOSITIVE = r"(?P<appos>,\s*[^,\"“”‘’\n]{1,80}?,)?"
_ADVERB = r"(?:(?:also|later|then|again|once|\w+ly)\s+)?"
_AUX = r"(?:(?:has|had|have|would|will)\s+)?"
_SPEAKER_VERB = rf"{_speaker('sa')}{_APPOSITIVE}\s+{_ADVERB}{_AUX}(?P<va>{_VERB})"
_VERB_SPEAKER = rf"(?P<vb>{_VERB})\s+{_speaker('sb')}"
_ACCORDING_TO = rf"(?P<vc>{_ACCORDING})\s+{_speaker('sc')}"
# Attribution right after a closing mark ('," Varga said', '," said Varga').
_AFTER = re.compile(rf"[^\S\n]*(?:[,—–-]+\s*)?(?:{_SPEAKER_VERB}|{_VERB_SPEAKER}|{_ACCORDING_TO})")
# Attribution before an opening mark, in the same sentence ('Varga said: "').
_BEFORE = re.compile(rf"{_SPEAKER_VERB}|{_ACCORDING_TO}")
_COLON = re.compile(rf"\s*(?P<sa>{_NAME})\s*:\s*")
# What joins the attribution of a split quote to its second part ('Varga said, "').
_JOIN = re.compile(r"[^\S\n]*[,;:][^\S\n]*")
# Words that open a sentence without being part of the name after them.
_NOT_NAMES = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december earlier later meanwhile
    speaking asked separately still instead also yesterday today tonight
    """.split()
)
_MENTION = re.compile(rf"(?<![\w'’.-]){_NAME}")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class _Raw:
    """A quote found by pairing marks: its span and any reopening marks inside."""

    start: int
    end: int
    reopens: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Attribution:
    """Who a quote is attributed to, and where the speaker is written."""

    speaker: str
    verb: str | None
    start: int
    end: int
    appositive: bool


def _role(text: str, i: int) -> int | None:
    """Whether the mark at ``i`` opens, closes or may do either; None when it is no mark."""
    mark = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opens = prev.isspace() or prev in _BOUNDARY
    if mark == "“":
        return _OPEN
    if mark == "”":
        return _CLOSE
    if mark == '"':
        open_like = opens and not nxt.isspace()
        close_like = not prev.isspace() and not nxt.isalnum()
        if open_like != close_like:
            return _OPEN if open_like else _CLOSE
        return _EITHER
    # Single marks: an opening one must precede a letter (not "'90s"); a closing one
    # must not be inside a word (don't) or a plural possessive ("workers' union").
    if mark != "’" and opens and nxt.isalpha():
        return _OPEN
    if mark != "‘" and not prev.isspace() and not nxt.isalnum():
        after = text[i + 1 : i + 3]
        possessive = prev in "sS" and len(after) == 2 and after[0] == " " and after[1].islower()
        return None if possessive else _CLOSE
    return None


def _pair(
    text: str, paragraphs: Sequence[Span], marks: str, skip: Sequence[_Raw], single: bool
) -> list[_Raw]:
    """Pair the marks of one family (double or single) into quotes, paragraph by paragraph."""
    cap = _MAX_SINGLE if single else _MAX_DOUBLE
    found: list[tuple[int, int]] = []
    skip_starts = [r.start for r in skip]
    for m in re.finditer(f"[{marks}]", text):
        i = m.start()
        k = bisect.bisect_right(skip_starts, i) - 1
        if k >= 0 and i < skip[k].end:
            continue
        role = _role(text, i)
        if role is not None:
            found.append((i, role))
    out: list[_Raw] = []
    pos = 0
    current: int | None = None
    reopens: list[int] = []
    for para in paragraphs:
        here: list[tuple[int, int]] = []
        while pos < len(found) and found[pos][0] < para.end:
            if found[pos][0] >= para.start:
                here.append(found[pos])
            pos += 1
        if current is not None:
            if here and here[0][0] == para.start and here[0][1] != _CLOSE:
                reopens.append(para.start)
                here = here[1:]
            else:
                current = None
        for i, role in here:
            if current is None:
                if role != _CLOSE:
                    current, reopens = i, []
            elif role == _OPEN:
                current, reopens = i, []
            else:
                raw = _Raw(current, i + 1, tuple(reopens))
                if raw.end - raw.start <= cap and len(words(_inside(text, raw))) >= 1 + single:
                    out.append(raw)
                current = None
        if current is not None and para.end - current > cap:
            current = None
    return out


def _inside(text: str, raw: _Raw) -> str:
    """The text between a quote's marks, without its reopening marks."""
    cuts = [raw.start, *raw.reopens, raw.end - 1]
    return "".join(text[a + 1 : b] for a, b in itertools.pairwise(cuts)).strip()


def _clean_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop sentence openers ("On Friday Varga") from a name; None if nothing is left."""
    for m in re.finditer(r"\S+", text[start:end]):
        word = m.group()
        if not (is_stopword(word) or word.casefold() in _NOT_NAMES):
            return start + m.start(), end
    return None


def _from_match(text: str, m: re.Match[str]) -> _Attribution | None:
    """The attribution a match of one of the attribution patterns found."""
    for group, verb in (("sa", "va"), ("sb", "vb"), ("sc", "vc")):
        if group in m.re.groupindex and m.group(group) is not None:
            start, end = m.span(group)
            speaker = m.group(group)
            first = speaker.split()[0].casefold()
            if first not in _PRONOUNS and first not in _DESCRIPTIVE:
                span = _clean_name(text, start, end)
                if span is None:
                    return None
                start, end = span
            said = " ".join(m.group(verb).lower().split()) if verb in m.re.groupindex else ":"
            appositive = "appos" in m.re.groupindex and m.group("appos") is not None
            return _Attribution(text[start:end], said, start, end, appositive)
    return None


def _after(text: str, raw: _Raw, stop: int) -> tuple[_Attribution, int] | None:
    """An attribution right after the closing mark, and where it ends."""
    m = _AFTER.match(text, raw.end, stop)
    if m is None:
        return None
    found = _from_match(text, m)
    return None if found is None else (found, m.end())


def _short_tail(text: str, pos: int, stop: int) -> bool:
    """Whether the sentence ends within a few words of ``pos`` (a tag, not a new claim)."""
    tail = re.split(r"[.!?\"“”]", text[pos:stop], maxsplit=1)[0]
    return len(tail.split()) <= 6


def _before(text: str, start: int, stop: int) -> tuple[_Attribution, bool] | None:
    """The last attribution in ``text[start:stop]``, and whether it leads into the quote."""
    last = None
    for m in _BEFORE.finditer(text, start, stop):
        found = _from_match(text, m)
        if found is not None:
            last = (found, m.end())
    if last is not None:
        found, end = last
        return found, text[end:stop].strip() in ("", ":", ",")
    colon = _COLON.fullmatch(text, start, stop)
    found = None if colon is None else _from_match(text, colon)
    return None if found is None else (found, True)


@dataclass(frozen=True, slots=True)
class _Context:
    """What attribution needs of the text: paragraphs, sentence starts, name mentions."""

    paragraphs: list[Span]
    paragraph_starts: list[int]
    sentence_starts: list[int]
    mentions: list[tuple[int, int, tuple[str, ...]]]

    def paragraph(self, pos: int) -> Span:
        """The paragraph holding ``pos`` (every quote mark lies in one)."""
        k = bisect.bisect_right(self.paragraph_starts, pos) - 1
        return self.paragraphs[k]

    def sentence_start(self, pos: int) -> int:
        """Where the sentence holding ``pos`` starts."""
        k = bisect.bisect_right(self.sentence_starts, pos) - 1
        return self.sentence_starts[k] if k >= 0 else 0


def _mentions(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Every name of two or more capitalised words: start, end and its words.

    Sentence openers are dropped ("When Anna Varga" is "Anna Varga"), possessives
    stripped, and runs all in capitals (datelines) skipped.
    """
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for m in _MENTION.finditer(text):
        span = _clean_name(text, m.start(), m.end())
        if span is None:
            continue
        names = tuple(_POSSESSIVE.sub("", w) for w in text[span[0] : span[1]].split())
        if len(names) >= 2 and not all(w.isupper() for w in names):
            out.append((span[0], span[1], names))
    return out


def _introduced(found: _Attribution, mentions: Sequence[tuple[int, int, tuple[str, ...]]]) -> bool:
    """The introduction rule of :func:`find_quotes` for one attribution."""
    parts = found.speaker.split()
    first = parts[0].casefold()
    if first in _PRONOUNS:
        return any(start < found.start for start, _, _ in mentions)
    if first in _DESCRIPTIVE or found.appositive or len(parts) >= 2:
        return True
    name = _POSSESSIVE.sub("", parts[0])
    if len(name) >= 2 and name.isupper():
        return True  # an acronym names a body
    return any(end <= found.start and name in names[1:] for _, end, names in mentions)


def _attribute(
    text: str, raws: Sequence[_Raw], ctx: _Context
) -> list[tuple[_Raw, _Attribution | None]]:
    """Attribute each quote, in order of preference.

    1. the second part of a split quote ('"A," Varga said, "B."') takes the first's;
    2. '"...," Varga said' when the quote does not end with a period;
    3. 'Varga said: "..."' leading straight into the quote;
    4. '"... ." Varga said.' when the attribution is a short tag;
    5. an attribution earlier in the sentence ('Varga said the plan was "a mess"');
    6. the speaker of an earlier quote in the same paragraph (verb None).
    """
    out: list[tuple[_Raw, _Attribution | None]] = []
    joined_at = -1
    joined: _Attribution | None = None
    for k, raw in enumerate(raws):
        stop = ctx.paragraph(raw.end - 1).end
        if k + 1 < len(raws):
            stop = min(stop, raws[k + 1].start)
        after = _after(text, raw, stop)
        region = max(ctx.sentence_start(raw.start), raws[k - 1].end if k else 0)
        before = _before(text, region, raw.start)
        quote_text = _inside(text, raw)
        chosen: _Attribution | None = None
        if joined is not None and raw.start == joined_at:
            chosen = joined
        elif after is not None and not quote_text.endswith("."):
            chosen = after[0]
        elif before is not None and before[1]:
            chosen = before[0]
        elif after is not None and _short_tail(text, after[1], stop):
            chosen = after[0]
        elif before is not None:
            chosen = before[0]
        elif (
            out
            and (prev := out[-1][1]) is not None
            and ctx.paragraph(out[-1][0].start) == ctx.paragraph(raw.start)
        ):
            chosen = _Attribution(prev.speaker, None, prev.start, prev.end, prev.appositive)
        joined, joined_at = None, -1
        if after is not None and chosen is after[0]:
            join = _JOIN.match(text, after[1])
            if join is not None:
                joined, joined_at = chosen, join.end()
        out.append((raw, chosen))
    return out


def find_quotes(text: str) -> list[Quote]:
    """Every direct quote of a body text, in order, with its speaker.

    See the module docstring for how marks are paired. A speaker is found in
    ``'"...," Varga said'``, ``'"...," said Varga'``, ``'Varga said: "..."'``,
    ``'"..." she told reporters'``, ``'According to Varga, "..."'``, ``'Varga: "..."'``
    (verb ``":"``), with a title (``Mayor Anna Varga``), an organisation (``the
    ministry``), a group (``police``) or a pronoun (kept as written); both parts of a
    quote split by its attribution get its speaker, and a quote with no attribution
    takes the speaker of an earlier quote in its paragraph (with no verb).

    ``speaker_introduced`` is True when the article introduces the speaker at or
    before the quote: a name of two or more capitalised words (``Anna Varga``,
    ``Dr Varga``, ``Mayor Varga``), a description (``the ministry``, ``a spokesman``,
    ``police``), an acronym (``UNHCR``), or a name followed by an appositive
    (``Varga, the mayor, said``) introduce themselves; a bare surname is introduced
    only when a fuller name with that surname after its first word comes earlier in
    the article; a pronoun when any name of two or more capitalised words comes
    earlier. A quote with no speaker is not introduced. Why it matters: a pasted
    paragraph keeps a surname whose introduction was in a part that was not copied.

    Args:
        text: The body text, paragraphs separated by blank lines.

    Returns:
        The quotes, in order of their opening marks.

    >>> body = 'Mayor Anna Varga spoke. "We will rebuild," she said. "Soon," said Hart.'
    >>> [(q.text, q.speaker, q.verb, q.speaker_introduced) for q in find_quotes(body)]
    [('We will rebuild,', 'she', 'said', True), ('Soon,', 'Hart', 'said', False)]
    """
    paragraphs = split_paragraphs(text)
    doubles = _pair(text, paragraphs, _DOUBLE, (), single=False)
    singles = _pair(text, paragraphs, _SINGLE, doubles, single=True)
    nested = [d for d in doubles if any(s.start < d.start and d.end < s.end for s in singles)]
    raws = sorted(set(doubles) - set(nested) | set(singles), key=lambda r: r.start)
    ctx = _Context(
        paragraphs,
        [p.start for p in paragraphs],
        [s.start for s in split_sentences(text)],
        _mentions(text),
    )
    quotes: list[Quote] = []
    for raw, found in _attribute(text, raws, ctx):
        speaker = None if found is None else found.speaker
        verb = None if found is None else found.verb
        introduced = found is not None and _introduced(found, ctx.mentions)
        quotes.append(Quote(_inside(text, raw), speaker, verb, raw.start, raw.end, introduced))
    return quotes


def _speaker_span(text: str, quote: Quote) -> tuple[int, int]:
    """Where the speaker of ``quote`` is written: the nearest mention outside the quote.

    Falls back to the quote's own span when the speaker cannot be found near it.
    """
    assert quote.speaker is not None
    pattern = re.compile(rf"(?<![\w'’]){re.escape(quote.speaker)}(?![\w'’])")
    lo, hi = max(0, quote.start - 400), min(len(text), quote.end + 400)
    best: tuple[int, int] | None = None
    for m in pattern.finditer(text, lo, hi):
        if quote.start <= m.start() < quote.end:
            continue
        distance = quote.start - m.end() if m.end() <= quote.start else m.start() - quote.end
        if best is None or distance < best[0]:
            best = (distance, m.start())
    if best is None:
        return quote.start, quote.end
    return best[1], best[1] + len(quote.speaker)


def unintroduced_speakers(text: str, quotes: Sequence[Quote]) -> Signal:
    """Quotes attributed to a speaker the article never introduces (a stitching sign).

    A content farm that pastes a paragraph from a report keeps its "Varga said"
    but often not the earlier paragraph that said who Anna Varga is. The rule for
    "introduced" is that of :func:`find_quotes`.

    The score is 0 with no such quote, 0.6 with one and 0.85 with two or more: one
    bare surname may be a reporter's slip or a name everyone knows, so it is only
    moderate evidence; a second makes a slip less likely, but more quotes of an
    unintroduced speaker usually come from the same cut, so they add little beyond
    that and the score stays short of certainty.

    Args:
        text: The body text the quotes were found in.
        quotes: Its quotes (from :func:`find_quotes`).

    Returns:
        Signal ``unintroduced_speaker``; evidence is the speaker of each such quote.

    >>> body = 'Roads closed. "We are ready," Varga said.'
    >>> signal = unintroduced_speakers(body, find_quotes(body))
    >>> signal.score, signal.evidence[0].note
    (0.6, "'Varga' is quoted but never introduced")
    """
    starts = [s.start for s in split_sentences(text)]
    evidence: list[Evidence] = []
    for quote in quotes:
        if quote.speaker is None or quote.speaker_introduced:
            continue
        start, end = _speaker_span(text, quote)
        sentence = max(0, bisect.bisect_right(starts, start) - 1)
        note = f"'{quote.speaker}' is quoted but never introduced"
        evidence.append(Evidence(sentence, start, end, text[start:end], note))
    if not evidence:
        return Signal("unintroduced_speaker", 0.0, (), "every quoted speaker is introduced")
    count = len(evidence)
    score = 0.6 if count == 1 else 0.85
    plural = "quote is" if count == 1 else "quotes are"
    explanation = (
        f"{count} {plural} attributed to a speaker the article never introduces, "
        "as when paragraphs are pasted without the one that named the speaker"
    )
    return Signal("unintroduced_speaker", score, tuple(evidence), explanation)


def _word_changes(source: str, copy: str) -> tuple[Edit, ...]:
    """Word changes from ``source`` to ``copy``, ignoring case and punctuation.

    Neighbouring insertions and deletions are read as one replacement.
    """
    src, dst = tokenize(source), tokenize(copy)
    out: list[Edit] = []
    run: tuple[int, int, int, int] | None = None
    ops = Indel.opcodes([t.norm for t in src], [t.norm for t in dst])
    for op in [*ops, None]:
        if op is not None and op.tag != "equal":
            a, b, c, d = op.src_start, op.src_end, op.dest_start, op.dest_end
            run = (a, b, c, d) if run is None else (run[0], b, run[2], d)
            continue
        if run is not None:
            a, b, c, d = run
            old = " ".join(source[t.start : t.end] for t in src[a:b])
            new = " ".join(copy[t.start : t.end] for t in dst[c:d])
            out.append(Edit(old, new))
            run = None
    return tuple(out)


def altered_quotes(copy: str, source: str) -> list[QuoteChange]:
    """Quotes of ``copy`` whose words were changed from the source they were copied from.

    Each quote of the copy is paired with the source quote sharing the most words
    (counted with repeats); pairs sharing under half of the longer quote's words are
    not the same quote and are skipped. A pair is reported when a word inside the
    marks was replaced, added or dropped; case and punctuation do not count. A quote
    is the one thing a rewrite may not reword, so a change is worth a reader's eye.

    Args:
        copy: The copied sentence (or text).
        source: The source sentence (or text) it came from.

    Returns:
        The altered quotes of the copy, in order.

    >>> src = '"We will not sail tired," Brannagh said.'
    >>> cpy = '"We will never sail tired," Brannagh said.'
    >>> [(e.from_, e.to) for e in altered_quotes(cpy, src)[0].changes]
    [('not', 'never')]
    """
    sources = [(q, Counter(words(q.text))) for q in find_quotes(source)]
    out: list[QuoteChange] = []
    for quote in find_quotes(copy):
        mine = Counter(words(quote.text))
        best: tuple[int, Quote] | None = None
        for other, theirs in sources:
            shared = (mine & theirs).total()
            longer = max(mine.total(), theirs.total())
            if 2 * shared >= longer and (best is None or shared > best[0]):
                best = (shared, other)
        if best is None:
            continue
        changes = _word_changes(best[1].text, quote.text)
        if changes:
            out.append(QuoteChange(quote.text, best[1].text, quote.start, quote.end, changes))
    return out
