"""Immutable records passed between the stages of unspun.

Spans are half-open character offsets ``[start, end)`` into the *raw* text the
record was built from; normalisation never changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as ingested.

    Attributes:
        id: Stable identifier (the record's own, or a content hash when it has none).
        title: Headline; may be empty.
        text: Body text (required, non-empty); paragraphs separated by blank lines.
        url: Where it was published, if known.
        outlet: Site or agency name (derived from ``url`` when absent).
        published: ISO 8601 date or datetime, if known.
        origin: Where the record was read from (``file`` or ``file:line``), for messages.
    """

    id: str
    title: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be ingested, with the reason in plain words.

    Attributes:
        origin: ``path`` or ``path:line`` (or ``path#record``) naming the record.
        reason: One line saying what is wrong, e.g. ``invalid JSON: Expecting ',' ...``.
    """

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character span ``[start, end)`` into a text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def slice(self, text: str) -> str:
        """Return the part of ``text`` this span covers."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Edit:
    """One word-level change turning a source sentence into the traced sentence.

    ``from_`` empty means an insertion, ``to`` empty a deletion. Both may hold
    several words when a run of words was replaced.
    """

    from_: str
    to: str

    @property
    def kind(self) -> str:
        """``replace``, ``insert`` or ``delete``."""
        if not self.from_:
            return "insert"
        if not self.to:
            return "delete"
        return "replace"


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """An indexed sentence that a traced sentence was (probably) taken from."""

    article_id: str
    url: str | None
    outlet: str | None
    published: str | None
    sentence: str
    sentence_index: int
    similarity: float
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """A quote whose words differ from the source quote it was copied from.

    Attributes:
        text: The quote as it reads in the copy (without its marks).
        source_text: The quote as it reads in the source.
        start: Offset of the copy quote's opening mark in the copy text (in a trace
            report: in the traced article's body).
        end: Offset just past its closing mark.
        changes: The word changes, source words to copy words (``from_`` empty for
            an insertion, ``to`` empty for a deletion), words as printed.
    """

    text: str
    source_text: str
    start: int
    end: int
    changes: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class TracedSentence:
    """One sentence of a traced article with its verdict and sources (origin first), and
    the quotes whose words differ from the origin's (the most serious edit a copy makes)."""

    index: int
    start: int
    end: int
    text: str
    verdict: str
    sources: tuple[SourceMatch, ...] = ()
    altered_quotes: tuple[QuoteChange, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One source article's share of a traced article."""

    article_id: str
    url: str | None
    outlet: str | None
    published: str | None
    title: str
    sentences: tuple[int, ...]
    coverage: float


@dataclass(frozen=True, slots=True)
class Substitution:
    """A word substitution seen in a traced article, with how often it occurred."""

    from_: str
    to: str
    count: int


@dataclass(frozen=True, slots=True)
class TraceSummary:
    """Article-level figures of a trace."""

    stitched: bool
    source_count: int
    copied_fraction: float
    edited_sentences: int
    substitutions: tuple[Substitution, ...] = ()


@dataclass(frozen=True, slots=True)
class HeadlineSource:
    """The indexed article whose headline the traced title matches best."""

    article_id: str
    similarity: float
    title: str = ""
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class TraceReport:
    """The result of tracing one article against an index."""

    title: str
    sentences: tuple[TracedSentence, ...]
    sources: tuple[SourceSummary, ...]
    summary: TraceSummary
    headline_source: HeadlineSource | None = None
    extra: dict[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """What the trace could not read as usual (a run too long for one sentence)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A piece of text that triggered a forensic signal.

    Attributes:
        sentence: Index of the body sentence it lies in; -1 for the title.
        start: Start offset into the body text (into the title when ``sentence`` is -1).
        end: End offset (exclusive).
        text: The text at ``[start, end)``.
        note: Optional short remark ("'Ms Varga' is never introduced").
    """

    sentence: int
    start: int
    end: int
    text: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Signal:
    """One forensic signal read from the text alone.

    Attributes:
        name: Stable identifier, e.g. ``dangling_opener``.
        score: Strength in [0, 1]; 0 when nothing was found.
        evidence: What triggered it, strongest first.
        explanation: One line a reader understands.
    """

    name: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"signal {self.name}: score {self.score} is not in [0, 1]")


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote with who said it.

    Attributes:
        text: The words inside the quotation marks (without the marks).
        speaker: The person or body it is attributed to, as written; None when unknown.
        verb: The reporting verb ("said", "told", ":" for colon attribution); None if none.
        start: Offset of the opening mark in the body text.
        end: Offset just past the closing mark.
        speaker_introduced: Whether the speaker is introduced in the article (a full
            name or a title before a bare surname is used).
    """

    text: str
    speaker: str | None
    verb: str | None
    start: int
    end: int
    speaker_introduced: bool


@dataclass(frozen=True, slots=True)
class Stance:
    """Headline-body stance: ``agree``, ``disagree``, ``discuss`` or ``unrelated``.

    Attributes:
        label: The stance.
        probabilities: Probability of each of the four stances (they sum to 1).
        model: What read it: ``trees`` (the shipped tree model) or
            ``trees+cross-encoder`` (with the MiniLM cross-encoder, ``--semantic``).
    """

    label: str
    probabilities: dict[str, float]
    model: str = "trees"


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much one signal moved a verdict (log-odds units of the combiner)."""

    signal: str
    contribution: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """The combined reading of a check.

    Attributes:
        label: ``likely stitched``, ``likely spun``, ``headline mismatch`` or
            ``no strong signs``.
        probabilities: Calibrated probability of ``stitched``, ``spun`` and
            ``headline_mismatch``.
        explanation: Each signal's contribution to the probability behind the label.
    """

    label: str
    probabilities: dict[str, float]
    explanation: tuple[Contribution, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The result of ``unspun check``: signals, stance, quotes and a verdict."""

    title: str
    text: str
    signals: tuple[Signal, ...]
    quotes: tuple[Quote, ...]
    verdict: Verdict
    stance: Stance | None = None
    stance_note: str = ""
    """Why no stance was read (no headline, or a body with too little prose)."""
    ordinary: dict[str, float] = field(default_factory=dict)
    """Per signal, the score 9 in 10 real articles stay at or under (a yardstick)."""
