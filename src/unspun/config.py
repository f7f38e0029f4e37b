"""Frozen configuration with documented defaults.

:class:`IndexParams` is stamped into every index it builds: an index can only be
opened with the parameters that built it, because the fingerprints on disk depend on
them. :class:`TraceParams` can change freely between runs. Variants are made with
:func:`dataclasses.replace`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

#: Version of the fingerprint byte layout and hashing scheme (see ``index/fingerprint.py``).
FINGERPRINT_VERSION = 2

#: Longest article text traced or checked, in characters. The longest of 21,828 real
#: news articles at hand is 33,778; work and memory grow with the text (a trace of
#: 1,000,000 characters of copied news peaks near 400 MB), so longer input is refused
#: with a clear message rather than allowed to take the machine. Indexing has no such
#: limit (its record limit is in bytes, see ``unspun.ingest``).
MAX_ARTICLE_CHARS = 1_000_000
#: Most sentence ends and line breaks in an article traced or checked (counted without
#: segmenting: :func:`unspun.text.sentences.sentence_bound`). Work grows with sentences
#: too: a million characters of one-letter lines traced in 73 s and 818 MiB. The longest
#: real article at hand has a few hundred sentences.
MAX_ARTICLE_SENTENCES = 50_000


@dataclass(frozen=True, slots=True)
class IndexParams:
    """Parameters that decide which fingerprints an indexed sentence gets.

    Attributes:
        shingle_sizes: Word n-gram sizes hashed per sentence. Bigrams survive heavy
            spinning (a third of the words swapped leaves about half of them intact);
            trigrams are more selective.
        keys_per_sentence: How many shingle hashes each indexed sentence keeps (the
            smallest hash values: a consistent sample, so a copy keeps the same ones).
            The query side looks up *all* its shingles, so recall depends on the
            chance that one of these survives the spinner.
        min_words: Sentences with fewer words are indexed by their exact hash only.
        fingerprint_version: Layout version; bumping it makes older indexes unreadable.
    """

    shingle_sizes: tuple[int, ...] = (2, 3)
    keys_per_sentence: int = 10
    min_words: int = 3
    fingerprint_version: int = FINGERPRINT_VERSION

    def __post_init__(self) -> None:
        if not self.shingle_sizes or any(not 1 <= n <= 8 for n in self.shingle_sizes):
            raise ValueError(f"shingle_sizes must be 1 to 8 words each, got {self.shingle_sizes!r}")
        if not 1 <= self.keys_per_sentence <= 256:
            raise ValueError(
                f"keys_per_sentence must be between 1 and 256, got {self.keys_per_sentence}"
            )
        if self.min_words < 1:
            raise ValueError(f"min_words must be at least 1, got {self.min_words}")

    def to_json(self) -> str:
        """Serialise for the index stamp (stable key order)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> IndexParams:
        """Inverse of :meth:`to_json`."""
        data = json.loads(raw)
        data["shingle_sizes"] = tuple(data["shingle_sizes"])
        return cls(**data)


@dataclass(frozen=True, slots=True)
class TraceParams:
    """Thresholds of the trace stage.

    Attributes:
        min_similarity: Word-sequence similarity (2·LCS / total words) at or above
            which an indexed sentence counts as the source of a traced sentence.
        min_bag_overlap: Alternative test for reordered clauses: share of each
            sentence's content words found in the other one.
        min_bag_similarity: Word-sequence similarity below which no test applies.
        min_shared_content: Content words both sentences must share, so that short
            sentences full of function words are not matched by chance.
        min_exact_words: A close copy (``min_close_similarity``) of at least this many
            words counts even when it shares fewer content words (quotes such as
            "she has to do what she has to do").
        min_close_similarity: See ``min_exact_words``.
        loose_similarity: A sentence this close in word sequence needs only
            ``loose_shared_content`` content words in common (spinners swap content
            words and keep the skeleton of function words).
        loose_shared_content: See ``loose_similarity``.
        holder_margin: Sources within this similarity of the best one are treated as
            holding the sentence; they are listed earliest first (the origin).
        max_postings: Fingerprints that occur more often than this are ignored as
            too common to be evidence.
        max_sources: Most sources listed per sentence.
        candidates: Indexed sentences verified per traced sentence, best ranked first.
        deep_candidates: How far down the ranking to look for a sentence whose first
            ``candidates`` all failed (heavily spun sentences share few keys).
        deep_min_weight: Evidence a candidate of the deeper look needs: the sum over
            shared keys of ``1 / (1 + log2 df)`` (one key found in 1 sentence weighs
            1.0, in 7 sentences 0.26, in 1,000 sentences 0.09).
        sketch_depth: For a sentence still without a match after the deeper look, how
            far down its ranking to read candidates' sketches (17 bytes each, no text):
            a heavily spun sentence may share only one sampled key with its source,
            which then ties with thousands of chance matches in a big index.
        sketch_verify: How many of those, the likeliest by their sketches
            (:func:`unspun.align.sketch.assess`), are verified. 0 turns this look off.
        sketch_min_words: Sentences shorter than this skip that look: the likeliest
            candidates of a short sentence are mostly templates that share its few
            words by chance ("Shr one ct vs nil").
        rescue_articles: Candidate articles whose every sentence is compared with the
            traced sentences that found no direct match.
        stitched_min_sources: An article is called stitched when at least this many
            source articles are the origin of one of its sentences ...
        stitched_min_copied: ... and at least this share of its sentences has a source.
        semantic_min_similarity: With the optional semantic stage: embedding cosine at
            or above which a sentence with no lexical source is called a paraphrase of
            one of its candidates.
        semantic_candidates: With the semantic stage: candidates embedded per such
            sentence, the closest in content words first.
        article_margin: A sentence whose best match is less alike than the median of
            the article's matched sentences by more than this is left ``original`` (a
            copy is spun as a whole; a lone weak match is more often a templated
            sentence written anew). None turns the rule off.
        article_min_matches: Matched sentences an article needs for that rule.
    """

    min_similarity: float = 0.5
    min_bag_overlap: float = 0.7
    min_bag_similarity: float = 0.3
    min_shared_content: int = 3
    min_exact_words: int = 5
    min_close_similarity: float = 0.8
    loose_similarity: float = 0.6
    loose_shared_content: int = 1
    holder_margin: float = 0.01
    max_postings: int = 5000
    max_sources: int = 10
    candidates: int = 12
    deep_candidates: int = 60
    deep_min_weight: float = 0.0
    sketch_depth: int = 2000
    sketch_verify: int = 5
    sketch_min_words: int = 12
    rescue_articles: int = 8
    stitched_min_sources: int = 2
    stitched_min_copied: float = 0.3
    semantic_min_similarity: float = 0.75
    semantic_candidates: int = 8
    article_margin: float | None = 0.2
    article_min_matches: int = 3

    def __post_init__(self) -> None:
        for name in (
            "min_similarity",
            "min_close_similarity",
            "min_bag_overlap",
            "holder_margin",
            "stitched_min_copied",
            "semantic_min_similarity",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        for name in ("candidates", "deep_candidates", "sketch_depth", "sketch_verify"):
            count = getattr(self, name)
            if count < 0:
                raise ValueError(f"{name} must be 0 or more, got {count}")
