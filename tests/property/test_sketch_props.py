"""Property tests: a sketch never rules out a candidate that scoring would accept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.property.fuzzing import budget
from unspun.align import trace
from unspun.align.diff import content_words, sequence_similarity
from unspun.align.sketch import Candidates, assess, may_match
from unspun.config import TraceParams
from unspun.index.fingerprint import sketches
from unspun.text import words

# Few words, so that sentences share many of them; stopwords, content words and facts.
VOCAB = [
    "the", "of", "a", "to", "and", "in", "said", "was", "it", "on",
    "port", "strike", "union", "talks", "offer", "workers", "authority", "wages",
    "collapsed", "stoppage", "fuel", "3", "4800", "march", "tuesday", "60",
]  # fmt: skip

PARAMS = [
    TraceParams(),
    TraceParams(min_shared_content=1, min_similarity=0.3, min_bag_similarity=0.1),
    TraceParams(min_close_similarity=0.5, loose_similarity=0.4, min_exact_words=2),
]

sentences = st.lists(st.sampled_from(VOCAB), min_size=0, max_size=40)


@st.composite
def related_pairs(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A stored sentence and a traced one made from it by swaps, drops and inserts."""
    source = draw(sentences)
    copy: list[str] = []
    for word in source:
        action = draw(st.sampled_from(["keep", "keep", "keep", "swap", "drop", "insert"]))
        if action == "keep":
            copy.append(word)
        elif action == "swap":
            copy.append(draw(st.sampled_from(VOCAB)))
        elif action == "insert":
            copy += [word, draw(st.sampled_from(VOCAB))]
    return source, copy


def _check(stored_words: list[str], traced_words: list[str], params: TraceParams) -> None:
    raw = " ".join(traced_words) + "."
    query = trace._query(0, raw, 0, len(raw))
    norms = words(" ".join(stored_words))
    content = content_words(norms)
    stored = trace._Words(norms, content, trace._facts(content))
    rows = Candidates.unpack(sketches([norms]))
    if trace._score(query, stored, params) > 0:
        assert may_match(query.sketch, rows, params)[0], (stored_words, traced_words)


@budget(400)
@given(related_pairs(), st.sampled_from(PARAMS))
def test_sketch_keeps_every_related_match(
    pair: tuple[list[str], list[str]], params: TraceParams
) -> None:
    _check(pair[0], pair[1], params)


@budget(300)
@given(sentences, sentences, st.sampled_from(PARAMS))
def test_sketch_keeps_every_match_of_any_two_sentences(
    a: list[str], b: list[str], params: TraceParams
) -> None:
    _check(a, b, params)


@budget(300)
@given(related_pairs())
def test_sketch_likeness_bounds_the_sequence_similarity(pair: tuple[list[str], list[str]]) -> None:
    stored, traced = (words(" ".join(p)) for p in pair)
    query = trace._query(0, " ".join(traced), 0, len(" ".join(traced)))
    _, alike = assess(query.sketch, Candidates.unpack(sketches([stored])), TraceParams())
    assert alike[0] >= sequence_similarity(list(query.norms), stored) - 1e-9
