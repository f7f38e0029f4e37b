"""Features of a headline-body pair for the stance model: pure functions over plain text.

A :class:`FeatureSpace` holds what is fitted on the training pairs: inverse document
frequencies of (lightly stemmed) words, a low-rank (LSA) projection of TF-IDF vectors
and, for each related stance, the cue words whose presence in the body sentences
closest to the headline best tells that stance from the other two. Cues are learnt from
data, not written by hand, so they follow the way FNC-1 bodies actually refute
("hoax", "denied", "false") or hedge ("reportedly", "claims"); a word counts towards a
cue only in as many distinct *topics* (connected groups of headlines and bodies), so
one story told a hundred times cannot make its topic words into cues.

:func:`featurize` turns a headline and a :class:`PreparedBody` into the fixed vector
named by :data:`FEATURE_NAMES`: TF-IDF and LSA cosines with the whole body, its lead and
its sentences; BM25; word, bigram and trigram overlap with the body and its best
sentence; cue rates near the headline and in the whole body, and the counts of the
strongest single cue words near the headline; negations close to headline words;
lengths; numbers of the headline missing from the body; and the element-wise product of
the headline's and the body's LSA vectors, so the trees can weigh agreement topic by
topic. A body is prepared once and reused for every headline paired with it.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

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
# The strongest cue words of each class that get a feature of their own.
CUE_WORDS = 10
# LSA: the commonest stems kept in the projection, and its rank.
LSA_VOCAB = 5000
LSA_DIMS = 30
BM25_K1 = 1.2
BM25_B = 0.75
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nobody", "neither", "nor"})
_QUOTES = frozenset('"“”')

FloatArray = npt.NDArray[np.float64]

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
    # Added in format 2.
    "bm25",
    "bm25_norm",
    "sent_overlap_max",
    "sent_overlap_idf_max",
    "trigram_overlap",
    "content_bigram_overlap",
    "top_position",
    "lsa_cos_body",
    "lsa_cos_lead",
    "lsa_cos_max",
    "head_negations",
    *(f"cue_first_{c}" for c in CUE_CLASSES),
    "body_questions",
    "body_quotes",
    *(f"cue_word_{c}_{i}" for c in CUE_CLASSES for i in range(CUE_WORDS)),
    *(f"lsa_product_{i}" for i in range(LSA_DIMS)),
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


@dataclass(frozen=True, slots=True, eq=False)
class FeatureSpace:
    """What featurising needs from training: idf, the LSA projection and the cue words.

    Attributes:
        idf: Smoothed inverse document frequency of each stem seen in two or more
            training texts (headlines and bodies count as documents).
        default_idf: The idf of any other stem (that of a stem seen once).
        cues: For each of :data:`CUE_CLASSES`, the stems that signal it, strongest first.
        body_length: Mean number of content stems in a training body (for BM25).
        lsa_vocab: The stems of the LSA projection, in the order of its rows.
        lsa: LSA projection, one row per ``lsa_vocab`` stem, :data:`LSA_DIMS` columns.
    """

    idf: dict[str, float]
    default_idf: float
    cues: dict[str, tuple[str, ...]]
    body_length: float = 1.0
    lsa_vocab: tuple[str, ...] = ()
    lsa: FloatArray = field(default_factory=lambda: np.zeros((0, LSA_DIMS)))
    _cue_sets: dict[str, frozenset[str]] = field(init=False, repr=False)
    _lsa_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cue_sets", {c: frozenset(v) for c, v in self.cues.items()})
        object.__setattr__(self, "_lsa_index", {w: i for i, w in enumerate(self.lsa_vocab)})

    def cue_set(self, stance: str) -> frozenset[str]:
        """The cue stems of ``stance`` as a set."""
        return self._cue_sets[stance]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form (sorted, so the same space always dumps the same).

        The LSA matrix is not included: store :attr:`lsa` as an array beside it.
        """
        return {
            "idf": {w: round(v, 6) for w, v in sorted(self.idf.items())},
            "default_idf": round(self.default_idf, 6),
            "cues": {c: list(self.cues[c]) for c in CUE_CLASSES},
            "body_length": round(self.body_length, 6),
            "lsa_vocab": list(self.lsa_vocab),
        }

    @classmethod
    def from_json(cls, data: dict[str, object], lsa: FloatArray | None = None) -> FeatureSpace:
        """The inverse of :meth:`to_json`, given the LSA matrix stored beside it."""
        idf = data["idf"]
        cues = data["cues"]
        default_idf = data["default_idf"]
        body_length = data.get("body_length", 1.0)
        vocab = data.get("lsa_vocab", [])
        if not (
            isinstance(idf, dict)
            and isinstance(cues, dict)
            and isinstance(default_idf, float)
            and isinstance(body_length, float)
            and isinstance(vocab, list)
        ):
            raise ValueError("malformed feature space")
        matrix = np.zeros((0, LSA_DIMS)) if lsa is None else np.asarray(lsa, dtype=np.float64)
        if matrix.shape != (len(vocab), LSA_DIMS):
            raise ValueError("LSA matrix does not match its vocabulary")
        return cls(
            idf={str(k): float(v) for k, v in idf.items()},
            default_idf=default_idf,
            cues={c: tuple(str(w) for w in cues[c]) for c in CUE_CLASSES},
            body_length=body_length,
            lsa_vocab=tuple(str(w) for w in vocab),
            lsa=matrix,
        )

    def weight(self, word: str) -> float:
        """The idf of ``word``."""
        return self.idf.get(word, self.default_idf)

    def vector(self, tokens: Iterable[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector of the content stems in ``tokens``."""
        counts = Counter(_content(tokens))
        vec = {w: n * self.weight(w) for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {w: v / norm for w, v in vec.items()} if norm else {}

    def project(self, tokens: Iterable[str]) -> FloatArray:
        """Unit-length LSA vector of the content stems in ``tokens`` (zeros if none)."""
        counts = Counter(t for t in _content(tokens) if t in self._lsa_index)
        if not counts:
            return np.zeros(LSA_DIMS)
        rows = [self._lsa_index[w] for w in counts]
        weights = np.asarray([(1.0 + math.log(n)) * self.weight(w) for w, n in counts.items()])
        vec = weights @ self.lsa[rows]
        norm = float(np.linalg.norm(vec))
        return np.asarray(vec / norm if norm else vec, dtype=np.float64)


@dataclass(frozen=True, slots=True, eq=False)
class PreparedBody:
    """A body tokenised once: its stems, sentence stems, TF-IDF and LSA vectors."""

    tokens: list[str]
    sentences: list[list[str]]
    vector: dict[str, float]
    sentence_vectors: list[dict[str, float]]
    lead_vector: dict[str, float]
    stem_set: frozenset[str]
    lead_set: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    trigrams: frozenset[tuple[str, str, str]]
    content_bigrams: frozenset[tuple[str, str]]
    content_counts: Counter[str]
    sentence_sets: list[frozenset[str]]
    cue_counts: dict[str, int]
    negations: int
    lsa: FloatArray
    lead_lsa: FloatArray
    sentence_lsa: FloatArray
    questions: float
    quotes: float


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def prepare_body(space: FeatureSpace, body: str) -> PreparedBody:
    """Tokenise ``body`` and build the vectors every headline is compared with."""
    texts = [s.slice(body) for s in split_sentences(body)]
    pairs = [(t, stems(t)) for t in texts]
    pairs = [(t, s) for t, s in pairs if s]
    sentences = [s for _, s in pairs]
    tokens = [t for s in sentences for t in s]
    kept = sentences[:MAX_SENTENCES]
    lead = [t for s in kept[:LEAD_SENTENCES] for t in s]
    content = _content(tokens)
    n_sentences = max(len(pairs), 1)
    return PreparedBody(
        tokens=tokens,
        sentences=kept,
        vector=space.vector(tokens),
        sentence_vectors=[space.vector(s) for s in kept],
        lead_vector=space.vector(lead),
        stem_set=frozenset(tokens),
        lead_set=frozenset(lead),
        bigrams=frozenset(itertools.pairwise(tokens)),
        trigrams=frozenset(zip(tokens, tokens[1:], tokens[2:], strict=False)),
        content_bigrams=frozenset(itertools.pairwise(content)),
        content_counts=Counter(content),
        sentence_sets=[frozenset(s) for s in kept],
        cue_counts={c: sum(t in space.cue_set(c) for t in tokens) for c in CUE_CLASSES},
        negations=sum(_is_negation(t) for t in tokens),
        lsa=space.project(tokens),
        lead_lsa=space.project(lead),
        sentence_lsa=np.vstack([space.project(s) for s in kept])
        if kept
        else np.zeros((0, LSA_DIMS)),
        questions=sum(t.rstrip().endswith("?") for t, _ in pairs) / n_sentences,
        quotes=sum(sum(ch in _QUOTES for ch in t) for t, _ in pairs) / n_sentences,
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


def _bm25(space: FeatureSpace, head: set[str], body: PreparedBody) -> tuple[float, float]:
    """Okapi BM25 of the headline's content stems against the body, raw and normalised."""
    length = sum(body.content_counts.values()) / max(space.body_length, 1.0)
    score = best = 0.0
    for w in head:
        idf = space.weight(w)
        tf = body.content_counts.get(w, 0)
        score += idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * length))
        best += idf * (BM25_K1 + 1)
    return score, score / best if best else 0.0


def featurize(space: FeatureSpace, headline: str, body: PreparedBody) -> FloatArray:
    """The feature vector of one pair, in :data:`FEATURE_NAMES` order (float64)."""
    head_tokens = stems(headline)
    head_list = _content(head_tokens)
    head_content = set(head_list)
    head_set = frozenset(head_content)
    head_vec = space.vector(head_tokens)
    sims, top = _top_sentences(head_vec, body)
    ranked = sorted(sims, reverse=True)
    top_tokens = [t for i in top for t in body.sentences[i]]
    first_tokens = body.sentences[top[0]] if top else []
    idf_total = sum(space.weight(w) for w in head_content)
    idf_found = sum(space.weight(w) for w in head_content & body.stem_set)
    n_head = len(head_content)
    head_bigrams = set(itertools.pairwise(head_tokens))
    head_trigrams = set(zip(head_tokens, head_tokens[1:], head_tokens[2:], strict=False))
    head_content_bigrams = set(itertools.pairwise(head_list))
    head_numbers = _numbers(head_tokens)
    n_top = max(len(top_tokens), 1)
    n_first = max(len(first_tokens), 1)
    n_body = max(len(body.tokens), 1)
    sentence_overlap = [len(head_content & s) for s in body.sentence_sets]
    sentence_idf = [sum(space.weight(w) for w in head_content & s) for s in body.sentence_sets]
    bm25, bm25_norm = _bm25(space, head_content, body)
    head_lsa = space.project(head_tokens)
    lsa_sims = body.sentence_lsa @ head_lsa
    top_counts = Counter(top_tokens)
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
        *(100.0 * sum(t in space.cue_set(c) for t in top_tokens) / n_top for c in CUE_CLASSES),
        *(100.0 * body.cue_counts[c] / n_body for c in CUE_CLASSES),
        *(float(sum(t in space.cue_set(c) for t in head_tokens)) for c in CUE_CLASSES),
        100.0 * sum(_is_negation(t) for t in top_tokens) / n_top,
        float(sum(_negations_near(body.sentences[i], head_set) for i in top)),
        100.0 * body.negations / n_body,
        bm25,
        bm25_norm,
        max(sentence_overlap, default=0) / n_head if n_head else 0.0,
        max(sentence_idf, default=0.0) / idf_total if idf_total else 0.0,
        len(head_trigrams & body.trigrams) / len(head_trigrams) if head_trigrams else 0.0,
        len(head_content_bigrams & body.content_bigrams) / len(head_content_bigrams)
        if head_content_bigrams
        else 0.0,
        top[0] / len(body.sentences) if top else 1.0,
        float(head_lsa @ body.lsa),
        float(head_lsa @ body.lead_lsa),
        float(lsa_sims.max()) if lsa_sims.size else 0.0,
        float(sum(_is_negation(t) for t in head_tokens)),
        *(100.0 * sum(t in space.cue_set(c) for t in first_tokens) / n_first for c in CUE_CLASSES),
        body.questions,
        body.quotes,
    ]
    for c in CUE_CLASSES:
        strongest = space.cues[c][:CUE_WORDS]
        values += [float(top_counts.get(w, 0)) for w in strongest]
        values += [0.0] * (CUE_WORDS - len(strongest))
    row = np.asarray(values, dtype=np.float64)
    return np.concatenate([row, head_lsa * body.lsa])


def _fit_idf(texts: Iterable[list[str]]) -> tuple[dict[str, float], float, Counter[str], int]:
    df: Counter[str] = Counter()
    n_docs = 0
    for tokens in texts:
        df.update(set(_content(tokens)))
        n_docs += 1
    default = math.log((1 + n_docs) / 2) + 1
    # Rounded as stored (see FeatureSpace.to_json), so training sees the shipped values.
    idf = {w: round(math.log((1 + n_docs) / (1 + n)) + 1, 6) for w, n in df.items() if n >= 2}
    return idf, round(default, 6), df, n_docs


def _fit_lsa(
    docs: Sequence[list[str]], df: Counter[str], idf: dict[str, float], seed: int = 0
) -> tuple[tuple[str, ...], FloatArray]:
    """A rank-:data:`LSA_DIMS` projection of the docs' TF-IDF (randomised SVD, numpy)."""
    ranked = sorted((w for w in df if df[w] >= 2 and w.isalpha()), key=lambda w: (-df[w], w))
    vocab = tuple(ranked[:LSA_VOCAB])
    if len(vocab) <= LSA_DIMS or len(docs) <= LSA_DIMS:
        return (), np.zeros((0, LSA_DIMS))
    index = {w: i for i, w in enumerate(vocab)}
    x = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for d, tokens in enumerate(docs):
        for w, n in Counter(t for t in _content(tokens) if t in index).items():
            x[d, index[w]] = (1.0 + math.log(n)) * idf[w]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x /= np.where(norms > 0, norms, 1.0)
    rng = np.random.default_rng(seed)
    y = x @ rng.standard_normal((len(vocab), LSA_DIMS + 20)).astype(np.float32)
    for _ in range(3):
        y, _r = np.linalg.qr(x @ (x.T @ y))
    q, _r = np.linalg.qr(y)
    _u, _s, vt = np.linalg.svd(q.T @ x, full_matrices=False)
    components = vt[:LSA_DIMS].astype(np.float64)
    signs = np.sign(components[np.arange(LSA_DIMS), np.abs(components).argmax(axis=1)])
    # Rounded to float32, as stored, so training sees the shipped values.
    matrix = (components * signs[:, None]).T.astype(np.float32)
    return vocab, np.asarray(matrix, dtype=np.float64)


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
) -> dict[str, tuple[str, ...]]:
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
    cues: dict[str, tuple[str, ...]] = {}
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
        cues[c] = tuple(w for _, w in sorted(scored)[:per_class])
    return cues


def fit_space(
    pairs: Sequence[tuple[str, int, str]],
    bodies: dict[int, str],
    *,
    cues_per_class: int = 30,
    min_cue_topics: int = 5,
) -> FeatureSpace:
    """Fit idf and LSA on the headlines and bodies, then learn cues from related pairs.

    Args:
        pairs: ``(headline, body id, stance)`` training pairs.
        bodies: Body text by id (at least every id in ``pairs``).
        cues_per_class: How many cue stems to keep for each related stance.
        min_cue_topics: Distinct topics a stem needs in a class to become its cue.
    """
    used = sorted({b for _, b, _ in pairs})
    headlines = sorted({h for h, _, _ in pairs})
    head_docs = [stems(h) for h in headlines]
    body_docs = [stems(bodies[b]) for b in used]
    idf, default, df, _ = _fit_idf(head_docs + body_docs)
    vocab, lsa = _fit_lsa(head_docs + body_docs, df, idf)
    length = round(sum(len(_content(d)) for d in body_docs) / max(len(body_docs), 1), 6)
    empty: dict[str, tuple[str, ...]] = {c: () for c in CUE_CLASSES}
    plain = FeatureSpace(idf, default, empty, max(length, 1.0), vocab, lsa)
    prepared = {b: prepare_body(plain, bodies[b]) for b in used}
    related = [p for p in pairs if p[2] in CUE_CLASSES]
    cues = _learn_cues(plain, related, prepared, cues_per_class, min_cue_topics)
    return FeatureSpace(idf, default, cues, max(length, 1.0), vocab, lsa)
