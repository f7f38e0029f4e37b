"""Fingerprints: determinism, sampling, and agreement of the vectorised path."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from unspun.config import IndexParams
from unspun.index.fingerprint import (
    fingerprints,
    index_keys,
    postings,
    query_keys,
    sentence_key,
    sketches,
    split_postings,
)

SENTENCES = [
    ["the", "harbour", "board", "voted", "to", "extend", "the", "ferry", "strike"],
    ["ships", "waited", "outside", "calloway", "for", "three", "days"],
    ["he", "said"],
    [],
]


def test_index_keys_are_a_subset_of_query_keys() -> None:
    params = IndexParams()
    for words in SENTENCES:
        assert set(index_keys(words, params).tolist()) <= set(query_keys(words, params).tolist())


def test_sample_size_is_bounded() -> None:
    params = IndexParams(keys_per_sentence=4)
    keys = index_keys(SENTENCES[0], params)
    assert len(keys) == 4  # four sampled n-gram keys; the exact key only for bare sentences


def test_short_sentence_gets_only_its_exact_key() -> None:
    assert len(index_keys(["he", "said"], IndexParams())) == 1


def test_stopword_only_ngrams_are_dropped() -> None:
    params = IndexParams(shingle_sizes=(2,))
    words = ["of", "the", "and", "to"]
    assert len(query_keys(words, params)) == 1  # the exact key alone
    assert index_keys(words, params).tolist() == [sentence_key(words)]


@pytest.mark.parametrize("first_sid", [0, 17, 2**31], ids=["zero", "small", "large"])
def test_vectorised_postings_equal_per_sentence_keys(first_sid: int) -> None:
    params = IndexParams()
    values = postings(SENTENCES, first_sid, params)
    keys, sids = split_postings(values)
    for i, words in enumerate(SENTENCES):
        got = sorted(keys[sids == first_sid + i].tolist())
        assert got == sorted(index_keys(words, params).tolist())


def test_a_copy_keeps_the_same_sample() -> None:
    params = IndexParams()
    a = index_keys(SENTENCES[0], params)
    b = index_keys(list(SENTENCES[0]), params)
    assert np.array_equal(a, b)


def test_one_swapped_word_keeps_most_keys() -> None:
    params = IndexParams()
    source = index_keys(SENTENCES[0], params)
    spun = ["the", "harbour", "board", "decided", "to", "extend", "the", "ferry", "strike"]
    found = np.intersect1d(source, query_keys(spun, params))
    assert len(found) >= 3


def test_keys_are_stable_across_processes() -> None:
    code = (
        "from unspun.config import IndexParams;"
        "from unspun.index.fingerprint import index_keys;"
        "print(index_keys(['ships','waited','outside','calloway','for','three','days'],"
        " IndexParams()).tolist())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    expected = index_keys(SENTENCES[1], IndexParams()).tolist()
    assert runs.pop().strip() == str(expected)


def test_fingerprints_are_postings_and_sketches_in_one_pass() -> None:
    sentences = [["port", "strike", "ends"], [], ["the", "union", "said", "the", "talks", "ended"]]
    keys, rows = fingerprints(sentences, IndexParams())
    assert np.array_equal(keys, postings(sentences, 0, IndexParams()))
    assert np.array_equal(rows, sketches(sentences))
    empty_keys, empty_rows = fingerprints([], IndexParams())
    assert len(empty_keys) == 0 and empty_rows.shape == (0, 17)
