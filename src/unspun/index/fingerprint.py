"""Sentence fingerprints: pure functions from words to 32-bit keys.

Fingerprint layout, version 2 (see :data:`unspun.config.FINGERPRINT_VERSION`):

* every word is hashed with ``xxh3_64`` of its UTF-8 normalised form (seed 0);
* an n-gram hash is ``fold(h1, ..., hn)`` with ``fold(a, b) = (a * 0x9E3779B97F4A7C15) ^ b``
  in wrapping 64-bit arithmetic, mixed once more with the n-gram size;
* n-grams made only of stopwords are dropped (they say nothing about the source);
* a sentence's *key* is the top 32 bits of an n-gram hash; the whole sentence also has
  an *exact key*, the top 32 bits of ``xxh3_64`` of its words joined by single spaces;
* an indexed sentence keeps its ``keys_per_sentence`` smallest distinct n-gram keys (a
  consistent sample: a copy of the sentence keeps the same ones); only a sentence left
  without any (fewer than ``min_words`` words, or stopwords only) keeps its exact key
  instead (version 1 kept it for every sentence); a sentence without words (an empty
  title) keeps nothing: its exact key would match every other wordless one;
* a query looks up all of its keys, the exact key included (none for no words);
* a *posting* is one ``uint64``: ``key << 32 | sentence_id``, so sorting postings sorts
  them by key and a key's postings are one contiguous run.

Changing any of this changes what is stored: bump the version. (Dropping the exact key
of wordless sentences did not: indexes written before hold one posting per empty title,
which no query looks up, so they read on unchanged.)

Every stored sentence also has a *sketch* of :data:`SKETCH_BYTES` bytes (see
:func:`sketches`): a 128-bit Bloom filter of its distinct words (two bits per word,
taken from the low 14 bits of the word's ``xxh3_64``) and its word count (capped at
255). A sketch answers "might this sentence hold that word?" with no false "no", so a
tracer can skip candidates that cannot pass its scoring without reading their text
(:mod:`unspun.align.sketch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from unspun.config import IndexParams
from unspun.text import STOPWORDS

U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SIZE_MIX = 0xC2B2AE3D27D4EB4F
_MASK64 = (1 << 64) - 1
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def word_hashes(words: Sequence[str]) -> U64:
    """Hash each word with xxh3_64.

    >>> bool(word_hashes(["a", "a"])[0] == word_hashes(["a"])[0])
    True
    """
    encoded = map(str.encode, words)
    return np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=len(words))


def distinct(values: U64) -> U64:
    """The distinct values, sorted: ``np.unique`` for uint64, which numpy 2.4 runs
    about ten times slower than this sort (measured on 200,000 postings: 50 ms
    against 3.3 ms; indexing spent a fifth of its time there).

    >>> distinct(np.array([3, 1, 3], dtype=np.uint64)).tolist()
    [1, 3]
    """
    ordered = np.sort(values)
    first = np.empty(len(ordered), dtype=np.bool_)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return np.asarray(ordered[first])


def sentence_key(words: Sequence[str]) -> int:
    """The exact-sentence key: top 32 bits of xxh3_64 of the words joined by spaces."""
    return xxhash.xxh3_64_intdigest(" ".join(words).encode()) >> 32


def _ngram_hashes(hashes: U64, n: int) -> U64:
    """Hashes of all n-grams of consecutive words (wrapping 64-bit arithmetic)."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    out = hashes[:count].copy()
    for i in range(1, n):
        out *= _GOLDEN
        out ^= hashes[i : i + count]
    out ^= np.uint64((n * _SIZE_MIX) & _MASK64)
    out *= _GOLDEN
    return out


def _is_stop(words: Sequence[str]) -> npt.NDArray[np.bool_]:
    return np.fromiter(map(STOPWORDS.__contains__, words), dtype=np.bool_, count=len(words))


def _content_mask(
    words: Sequence[str], n: int, is_stop: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.bool_]:
    """True for n-grams holding at least one word that is not a stopword."""
    is_content = ~(_is_stop(words) if is_stop is None else is_stop)
    count = len(words) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.bool_)
    mask = is_content[:count].copy()
    for i in range(1, n):
        mask |= is_content[i : i + count]
    return mask


def query_keys(words: Sequence[str], params: IndexParams) -> U64:
    """All distinct keys of one sentence, as a query looks them up (sorted); none for a
    sentence without words (its exact key would match every other wordless one)."""
    if not any(words):
        return np.empty(0, dtype=np.uint64)
    parts: list[U64] = [np.array([sentence_key(words)], dtype=np.uint64)]
    if len(words) >= params.min_words:
        hashes = word_hashes(words)
        for n in params.shingle_sizes:
            grams = _ngram_hashes(hashes, n)
            parts.append(grams[_content_mask(words, n)] >> _SHIFT)
    return distinct(np.concatenate(parts))


def index_keys(words: Sequence[str], params: IndexParams) -> U64:
    """The keys an indexed sentence keeps: its smallest n-gram keys, else its exact key."""
    if not any(words):
        return np.empty(0, dtype=np.uint64)
    exact = sentence_key(words)
    keys = query_keys(words, params)
    sample = keys[keys != exact][: params.keys_per_sentence]
    return sample if len(sample) else np.array([exact], dtype=np.uint64)


def postings(sentences: Sequence[Sequence[str]], first_sid: int, params: IndexParams) -> U64:
    """Postings (``key << 32 | sid``) of consecutive sentences numbered from ``first_sid``,
    ordered by sentence id.

    Vectorised over the whole article; equal to applying :func:`index_keys` to each
    sentence (a property test checks this).

    >>> p = postings([["the", "port", "strike", "ended"]], 7, IndexParams())
    >>> bool(np.all(p & np.uint64(0xFFFFFFFF) == 7))
    True
    """
    if not sentences:
        return np.empty(0, dtype=np.uint64)
    keys, local = _sampled(_Flat.of(sentences), params)
    return np.asarray((keys << _SHIFT) | (local.astype(np.uint64) + np.uint64(first_sid)))


@dataclass(frozen=True, slots=True)
class _Flat:
    """Every word of consecutive sentences in one list, with their hashes."""

    sentences: Sequence[Sequence[str]]
    lengths: npt.NDArray[np.int64]
    words: list[str]
    hashes: U64

    @classmethod
    def of(cls, sentences: Sequence[Sequence[str]]) -> _Flat:
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        flat = [w for s in sentences for w in s]
        return cls(sentences, lengths, flat, word_hashes(flat))


def fingerprints(sentences: Sequence[Sequence[str]], params: IndexParams) -> tuple[U64, U8]:
    """:func:`postings` (numbered from 0) and :func:`sketches` of the same sentences,
    hashing each word once."""
    return fingerprints_many([sentences], params)[0]


def fingerprints_many(
    groups: Sequence[Sequence[Sequence[str]]], params: IndexParams
) -> list[tuple[U64, U8]]:
    """:func:`fingerprints` of each group of sentences (an article each, numbered from 0
    within its group), computed in one vectorised pass over all of them.

    Equal to calling :func:`fingerprints` once per group, but numpy's cost per call is
    paid once per batch rather than once per article: indexing prepares articles in
    batches through this (about half of the time it took per article went there).

    >>> [(len(p), s.shape) for p, s in fingerprints_many([[["port", "strike"]], []], IndexParams())]
    [(1, (1, 17)), (0, (0, 17))]
    """
    sentences = [s for group in groups for s in group]
    bounds = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum([len(group) for group in groups], out=bounds[1:])
    flat = _Flat.of(sentences)
    keys, local = _sampled(flat, params)
    rows = _sketches(flat)
    cuts = np.searchsorted(local, bounds)
    out: list[tuple[U64, U8]] = []
    for i in range(len(groups)):
        lo, hi = int(cuts[i]), int(cuts[i + 1])
        sids = (local[lo:hi] - bounds[i]).astype(np.uint64)
        out.append(((keys[lo:hi] << _SHIFT) | sids, rows[bounds[i] : bounds[i + 1]]))
    return out


def _sampled(f: _Flat, params: IndexParams) -> tuple[U64, npt.NDArray[np.int64]]:
    """The keys every sentence keeps and the sentence (index into ``f.sentences``) of
    each, ordered by sentence."""
    sentences, lengths, flat, hashes = f.sentences, f.lengths, f.words, f.hashes
    if not sentences:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    sent_of_word = np.repeat(np.arange(len(sentences), dtype=np.int64), lengths)
    is_stop = _is_stop(flat)
    exact = np.fromiter(map(sentence_key, sentences), dtype=np.uint64, count=len(sentences))
    local_parts: list[npt.NDArray[np.int64]] = []
    key_parts: list[U64] = []
    long_enough = lengths >= params.min_words
    for n in params.shingle_sizes:
        grams = _ngram_hashes(hashes, n)
        if not len(grams):
            continue
        first = sent_of_word[: len(grams)]
        last = sent_of_word[n - 1 :]
        keep = (first == last) & _content_mask(flat, n, is_stop) & long_enough[first]
        local_parts.append(first[keep])
        key_parts.append(grams[keep] >> _SHIFT)
    if key_parts:
        local = np.concatenate(local_parts).astype(np.uint64)
        keys = np.concatenate(key_parts)
        # Sentence ids own the high bits here so that one sort groups by sentence,
        # then orders each sentence's keys; the exact key is never sampled.
        combined = distinct((local << _SHIFT) | keys)
        c_local = (combined >> _SHIFT).astype(np.int64)
        c_keys = combined & _LOW32
        not_exact = c_keys != exact[c_local]
        c_local, c_keys = c_local[not_exact], c_keys[not_exact]
        group_start = np.searchsorted(c_local, c_local, side="left")
        rank = np.arange(len(c_local)) - group_start
        sampled = rank < params.keys_per_sentence
        sample_keys, sample_local = c_keys[sampled], c_local[sampled]
    else:
        sample_keys = np.empty(0, dtype=np.uint64)
        sample_local = np.empty(0, dtype=np.int64)
    # Only sentences left without an n-gram key (short ones, or all stopwords) keep
    # their exact key: for the others it would only duplicate what the n-grams find.
    bare = lengths > 0
    bare[sample_local] = False
    all_keys = np.concatenate([sample_keys, exact[bare]])
    all_local = np.concatenate([sample_local, np.flatnonzero(bare)])
    order = np.argsort(all_local, kind="stable")
    return all_keys[order], all_local[order]


SKETCH_BITS = 128
SKETCH_BYTES = SKETCH_BITS // 8 + 1
#: Largest word count a sketch records; a sentence this long or longer reads as "long".
SKETCH_MAX_WORDS = 255
_BIT_MASK = np.uint64(SKETCH_BITS - 1)
_SECOND = np.uint64(7)


def sketch_bits(hashes: U64) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The two Bloom-filter bit positions of each word hash (``0 <= bit < 128``)."""
    return (
        (hashes & _BIT_MASK).astype(np.intp),
        ((hashes >> _SECOND) & _BIT_MASK).astype(np.intp),
    )


def sketches(sentences: Sequence[Sequence[str]]) -> U8:
    """One sketch per sentence, shape ``(len(sentences), SKETCH_BYTES)``.

    Bytes 0-15 are the Bloom filter (bit ``b`` is bit ``b % 8`` of byte ``b // 8``),
    byte 16 the word count, capped at :data:`SKETCH_MAX_WORDS`.

    >>> s = sketches([["the", "port", "strike"], []])
    >>> s.shape, int(s[0, -1]), int(s[1].sum())
    ((2, 17), 3, 0)
    """
    if not sentences:
        return np.zeros((0, SKETCH_BYTES), dtype=np.uint8)
    return _sketches(_Flat.of(sentences))


def _sketches(f: _Flat) -> U8:
    sentences, lengths = f.sentences, f.lengths
    out = np.zeros((len(sentences), SKETCH_BYTES), dtype=np.uint8)
    out[:, -1] = np.minimum(lengths, SKETCH_MAX_WORDS)
    if not f.words:
        return out
    first, second = sketch_bits(f.hashes)
    row = np.repeat(np.arange(len(sentences), dtype=np.intp), lengths)
    bits = np.zeros((len(sentences), SKETCH_BITS), dtype=np.bool_)
    bits[row, first] = True
    bits[row, second] = True
    out[:, :-1] = np.packbits(bits, axis=1, bitorder="little")
    return out


def split_postings(values: U64) -> tuple[U64, U64]:
    """Split postings into (keys, sentence ids)."""
    return values >> _SHIFT, values & _LOW32
