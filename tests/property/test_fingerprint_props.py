"""Property tests: batched fingerprints equal per-article ones, and ``distinct`` is
``np.unique``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.property.fuzzing import budget
from unspun.config import IndexParams
from unspun.index.fingerprint import distinct, fingerprints, fingerprints_many, index_keys

# Few words, so that n-grams repeat within and across sentences; stopwords included.
VOCAB = ["the", "of", "a", "port", "strike", "union", "talks", "3", "march", "said"]

sentence = st.lists(st.sampled_from(VOCAB), max_size=12)
article = st.lists(sentence, max_size=6)
params = st.builds(
    IndexParams,
    shingle_sizes=st.sampled_from([(2,), (2, 3), (1, 4)]),
    keys_per_sentence=st.integers(1, 12),
    min_words=st.integers(1, 5),
)


@given(st.lists(article, max_size=6), params)
@budget(100)
def test_batched_fingerprints_equal_one_article_at_a_time(
    articles: list[list[list[str]]], p: IndexParams
) -> None:
    batched = fingerprints_many(articles, p)
    assert len(batched) == len(articles)
    for sentences, (keys, rows) in zip(articles, batched, strict=True):
        alone_keys, alone_rows = fingerprints(sentences, p)
        assert np.array_equal(keys, alone_keys)
        assert np.array_equal(rows, alone_rows)
        # Local ids from 0 within each article, each sentence with its own sample.
        sids = keys & np.uint64(0xFFFFFFFF)
        for i, words in enumerate(sentences):
            got = sorted((keys[sids == i] >> np.uint64(32)).tolist())
            assert got == sorted(index_keys(words, p).tolist())


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
def test_distinct_is_sorted_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint64)
    assert np.array_equal(distinct(array), np.unique(array))
