"""Features of a headline-body pair for the stance model: pure functions over plain text.

A :class:`FeatureSpace` holds what is fitted on the training pairs: inverse document
frequencies of (lightly stemmed) words and, for each related stance, the cue words
whose presence in the body sentences closest to the headline best tells that stance
from the other two. Cues are learnt from data, not written by hand, so they follow the
way FNC-1 bodies actually refute ("hoax", "denied", "false") or hedge ("reportedly",
"claims"); a word counts towards a cue only in as many distinct *topics* (connected
groups of headlines and bodies), so one story told a hundred times cannot make its
topic words into cues.

:func:`featurize` turns a headline and a :class:`PreparedBody` into the fixed vector
named by :data:`FEATURE_NAMES`: TF-IDF cosines with the whole body, its lead and its
sentences; word and bigram overlap; cue rates near the headline and in the whole body;
negations close to headline words; lengths; numbers of the headline missing from the
body. A body is prepared once and reused for every headline paired with it.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from unspun.text import STOPWORDS, split_sentences, words

__all__ = [
    "CUE_CLASSES",
    "FEATURE_NAMES",
    "FeatureSpace",
    "PreparedBody",
    "featurize",
    "fit_space",
    "prepare_body",
    "stems",
    "topics",
]

CUE_CLASSES: tuple[str, ...] = ("agree", "disagree", "discuss")
# Sentences beyond this are ignored for the per-sentence features (a few bodies are
# book-length); the whole-body features still read everything.
MAX_SENTENCES = 60
TOP_SENTENCES = 3
LEAD_SENTENCES = 3
NEGATION_WINDOW = 4
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nobody", "neither", "nor"})

FEATURE_NAMES: tuple[str, ...] = (
    "cos_body",
    "cos_lead",
    "cos_max",
    "cos_top3",
    "overlap",
    "overlap_idf",
    "overlap_lead",
    "jaccard",
    "bigram_overlap",
    "head_words",
    "body_words_log",
    "sentences_log",
    "head_numbers",
    "numbers_missing",
    "head_question",
    *(f"cue_top_{c}" for c in CUE_CLASSES),
    *(f"cue_body_{c}" for c in CUE_CLASSES),
    *(f"cue_head_{c}" for c in CUE_CLASSES),
    "neg_top",
    "neg_near_head",
    "neg_body",
)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Strip a few English inflections so "denies", "denied" and "deny" meet."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 4 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def stems(text: str) -> list[str]:
    """The lowercase, lightly stemmed words of ``text`` (stopwords kept)."""
    return [_stem(w) for w in words(text)]


def _is_negation(word: str) -> bool:
    return word in _NEGATIONS or word.endswith("n't")


def _content(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS and not _is_negation(t)]


@dataclass(frozen=True, slots=True)
class FeatureSpace:
    """What featurising needs from training: word idf and the learnt cue words.

    Attributes:
        idf: Smoothed inverse document frequency of each stem seen in two or more
            training texts (headlines and bodies count as documents).
        default_idf: The idf of any other stem (that of a stem seen once).
        cues: For each of :data:`CUE_CLASSES`, the stems that signal it.
    """

    idf: dict[str, float]
    default_idf: float
    cues: dict[str, frozenset[str]]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form (sorted, so the same space always dumps the same)."""
        return {
            "idf": {w: round(v, 6) for w, v in sorted(self.idf.items())},
            "default_idf": round(self.default_idf, 6),
            "cues": {c: sorted(self.cues[c]) for c in CUE_CLASSES},
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FeatureSpace:
        """The inverse of :meth:`to_json`."""
        idf = data["idf"]
        cues = data["cues"]
        default_idf = data["default_idf"]
        if not (
            isinstance(idf, dict) and isinstance(cues, dict) and isinstance(default_idf, float)
        ):
            raise ValueError("malformed feature space")
        return cls(
            idf={str(k): float(v) for k, v in idf.items()},
            default_idf=default_idf,
            cues={c: frozenset(cues[c]) for c in CUE_CLASSES},
        )

    def vector(self, tokens: Iterable[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector of the content stems in ``tokens``."""
        counts = Counter(_content(tokens))
        vec = {w: n * self.idf.get(w, self.default_idf) for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {w: v / norm for w, v in vec.items()} if norm else {}


@dataclass(frozen=True, slots=True)
class PreparedBody:
    """A body tokenised once: its stems, sentence stems and TF-IDF vectors."""

    tokens: list[str]
    sentences: list[list[str]]
    vector: dict[str, float]
    sentence_vectors: list[dict[str, float]]
    lead_vector: dict[str, float]
    stem_set: frozenset[str]
    lead_set: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    cue_counts: dict[str, int]
    negations: int


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def prepare_body(space: FeatureSpace, body: str) -> PreparedBody:
    """Tokenise ``body`` and build the vectors every headline is compared with."""
    sentences = [stems(s.slice(body)) for s in split_sentences(body)]
    sentences = [s for s in sentences if s]
    tokens = [t for s in sentences for t in s]
    kept = sentences[:MAX_SENTENCES]
    lead = [t for s in kept[:LEAD_SENTENCES] for t in s]
    return PreparedBody(
        tokens=tokens,
        sentences=kept,
        vector=space.vector(tokens),
        sentence_vectors=[space.vector(s) for s in kept],
        lead_vector=space.vector(lead),
        stem_set=frozenset(tokens),
        lead_set=frozenset(lead),
        bigrams=frozenset(itertools.pairwise(tokens)),
        cue_counts={c: sum(t in space.cues[c] for t in tokens) for c in CUE_CLASSES},
        negations=sum(_is_negation(t) for t in tokens),
    )


def _top_sentences(head_vec: dict[str, float], body: PreparedBody) -> tuple[list[float], list[int]]:
    """Cosine of the headline with each body sentence, and the indices of the best ones."""
    sims = [_cosine(head_vec, v) for v in body.sentence_vectors]
    order = sorted(range(len(sims)), key=lambda i: (-sims[i], i))
    return sims, order[:TOP_SENTENCES]


def _negations_near(sentence: Sequence[str], head: frozenset[str]) -> int:
    """Negations within :data:`NEGATION_WINDOW` words of a headline word."""
    anchors = [i for i, t in enumerate(sentence) if t in head]
    return sum(
        1
        for i, t in enumerate(sentence)
        if _is_negation(t) and any(abs(i - a) <= NEGATION_WINDOW for a in anchors)
    )


def _numbers(tokens: Iterable[str]) -> set[str]:
    return {t for t in tokens if any(ch.isdigit() for ch in t)}


def featurize(space: FeatureSpace, headline: str, body: PreparedBody) -> np.ndarray:
    """The feature vector of one pair, in :data:`FEATURE_NAMES` order (float64)."""
    head_tokens = stems(headline)
    head_content = set(_content(head_tokens))
    head_set = frozenset(head_content)
    head_vec = space.vector(head_tokens)
    sims, top = _top_sentences(head_vec, body)
    ranked = sorted(sims, reverse=True)
    top_tokens = [t for i in top for t in body.sentences[i]]
    idf_total = sum(space.idf.get(w, space.default_idf) for w in head_content)
    idf_found = sum(space.idf.get(w, space.default_idf) for w in head_content & body.stem_set)
    n_head = len(head_content)
    head_bigrams = set(itertools.pairwise(head_tokens))
    head_numbers = _numbers(head_tokens)
    n_top = max(len(top_tokens), 1)
    n_body = max(len(body.tokens), 1)
    values = [
        _cosine(head_vec, body.vector),
        _cosine(head_vec, body.lead_vector),
        ranked[0] if ranked else 0.0,
        sum(ranked[:TOP_SENTENCES]) / TOP_SENTENCES,
        len(head_content & body.stem_set) / n_head if n_head else 0.0,
        idf_found / idf_total if idf_total else 0.0,
        len(head_content & body.lead_set) / n_head if n_head else 0.0,
        len(head_content & body.stem_set) / len(head_content | body.stem_set)
        if head_content | body.stem_set
        else 0.0,
        len(head_bigrams & body.bigrams) / len(head_bigrams) if head_bigrams else 0.0,
        float(n_head),
        math.log1p(len(body.tokens)),
        math.log1p(len(body.sentences)),
        float(len(head_numbers)),
        float(len(head_numbers - body.stem_set)),
        1.0 if "?" in headline else 0.0,
        *(100.0 * sum(t in space.cues[c] for t in top_tokens) / n_top for c in CUE_CLASSES),
        *(100.0 * body.cue_counts[c] / n_body for c in CUE_CLASSES),
        *(float(sum(t in space.cues[c] for t in head_tokens)) for c in CUE_CLASSES),
        100.0 * sum(_is_negation(t) for t in top_tokens) / n_top,
        float(sum(_negations_near(body.sentences[i], head_set) for i in top)),
        100.0 * body.negations / n_body,
    ]
    return np.asarray(values, dtype=np.float64)


def _fit_idf(texts: Iterable[list[str]]) -> tuple[dict[str, float], float]:
    df: Counter[str] = Counter()
    n_docs = 0
    for tokens in texts:
        df.update(set(_content(tokens)))
        n_docs += 1
    default = math.log((1 + n_docs) / 2) + 1
    return {w: math.log((1 + n_docs) / (1 + n)) + 1 for w, n in df.items() if n >= 2}, default


def topics(pairs: Sequence[tuple[str, int, str]]) -> list[int]:
    """A topic id per pair: connected components of the headline-body graph."""
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for headline, body_id, _ in pairs:
        parent[find(("h", headline))] = find(("b", body_id))
    roots: dict[object, int] = {}
    return [roots.setdefault(find(("h", h)), len(roots)) for h, _, _ in pairs]


def _learn_cues(
    space: FeatureSpace,
    pairs: Sequence[tuple[str, int, str]],
    bodies: dict[int, PreparedBody],
    per_class: int,
    min_topics: int,
) -> dict[str, frozenset[str]]:
    """Pick, per related stance, the stems that most favour it near the headline.

    For each related pair, the stems of the body sentences closest to the headline
    (headline words excluded) are collected. A stem's support in a class is the number
    of distinct *topics* (connected headline-body groups) where it appears in such a
    pair of that class, so words of one much-covered story cannot become cues. Stems
    are ranked by smoothed log-odds of that support against the other two classes.
    """
    groups = topics(pairs)
    seen: dict[str, dict[str, set[int]]] = {c: {} for c in CUE_CLASSES}
    class_topics: dict[str, set[int]] = {c: set() for c in CUE_CLASSES}
    for (headline, body_id, stance), topic in zip(pairs, groups, strict=True):
        body = bodies[body_id]
        head_tokens = stems(headline)
        _, top = _top_sentences(space.vector(head_tokens), body)
        near = {t for i in top for t in body.sentences[i]} - set(head_tokens)
        class_topics[stance].add(topic)
        for t in near:
            if t.isalpha():
                seen[stance].setdefault(t, set()).add(topic)
    cues: dict[str, frozenset[str]] = {}
    for c in CUE_CLASSES:
        others = [o for o in CUE_CLASSES if o != c]
        n_c = len(class_topics[c])
        n_o = sum(len(class_topics[o]) for o in others)
        scored = []
        for word, ids in seen[c].items():
            if len(ids) < min_topics:
                continue
            k_o = sum(len(seen[o].get(word, ())) for o in others)
            odds = math.log((len(ids) + 1) / (n_c + 2)) - math.log((k_o + 1) / (n_o + 2))
            scored.append((-odds, word))
        cues[c] = frozenset(w for _, w in sorted(scored)[:per_class])
    return cues


def fit_space(
    pairs: Sequence[tuple[str, int, str]],
    bodies: dict[int, str],
    *,
    cues_per_class: int = 30,
    min_cue_topics: int = 5,
) -> FeatureSpace:
    """Fit idf on the headlines and bodies, then learn cues from the related pairs.

    Args:
        pairs: ``(headline, body id, stance)`` training pairs.
        bodies: Body text by id (at least every id in ``pairs``).
        cues_per_class: How many cue stems to keep for each related stance.
        min_cue_topics: Distinct topics a stem needs in a class to become its cue.
    """
    used = sorted({b for _, b, _ in pairs})
    headlines = sorted({h for h, _, _ in pairs})
    idf, default = _fit_idf([stems(h) for h in headlines] + [stems(bodies[b]) for b in used])
    plain = FeatureSpace(idf, default, {c: frozenset() for c in CUE_CLASSES})
    prepared = {b: prepare_body(plain, bodies[b]) for b in used}
    related = [p for p in pairs if p[2] in CUE_CLASSES]
    cues = _learn_cues(plain, related, prepared, cues_per_class, min_cue_topics)
    return FeatureSpace(idf, default, cues)
