"""The stance model at run time: numpy-only inference over trees trained by LightGBM.

Two stages. The first, a binary tree ensemble, gives P(related). The second, a
three-class ensemble trained on related pairs only, gives P(agree / disagree / discuss
| related). Reported probabilities are the products of the two stages (and
P(unrelated) = 1 - P(related)), so they keep the calibration of the log-loss training.
The label follows a decision rule chosen by grouped cross-validation on the training
set: ``unrelated`` when P(related) is under ``related_threshold``, otherwise the related
stance with the highest probability times its ``weights`` entry. The weights lift the
rare ``disagree`` and ``agree`` for macro-F1, so the label is not always the arg-max of
the probabilities.

The trees are stored flat in a ``.npz`` file (no pickles) beside a JSON header holding
the fitted :class:`~unspun.stance.features.FeatureSpace` and its LSA matrix (float32),
so neither LightGBM nor scikit-learn is needed to predict.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from unspun.errors import InputError
from unspun.records import Stance
from unspun.stance.features import (
    FEATURE_NAMES,
    FeatureSpace,
    PreparedBody,
    featurize,
    prepare_body,
)
from unspun.stance.fnc import LABELS
from unspun.text import split_sentences, tokenize

__all__ = [
    "MIN_PROSE_SENTENCES",
    "MODEL_FILE",
    "MODEL_NAME",
    "StanceModel",
    "TreeEnsemble",
    "load_model",
    "prose_sentences",
]

MODEL_FILE = "stance.npz"
MODEL_NAME = "trees"
"""The ``model`` of a :class:`~unspun.records.Stance` read by :class:`StanceModel`."""
FORMAT_VERSION = 2
# Rows evaluated at once (bounds the rows x trees work arrays to a few MB).
_CHUNK = 512
_ARRAYS = ("feature", "threshold", "left", "right", "leaf_value", "roots")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True, eq=False)
class TreeEnsemble:
    """Gradient-boosted regression trees, flattened into arrays.

    Node ``i`` sends a row whose ``feature[i]`` value is ``<= threshold[i]`` to
    ``left[i]``, else to ``right[i]``; a child ``c >= 0`` is another node and ``c < 0``
    is the leaf ``~c``. ``roots`` holds each tree's root in the same encoding. Tree
    ``t`` adds its leaf value to the raw score of class ``t % n_classes``.
    """

    n_classes: int
    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    leaf_value: FloatArray
    roots: IntArray

    @classmethod
    def from_lightgbm(cls, dump: dict[str, Any]) -> TreeEnsemble:
        """Flatten the output of LightGBM's ``Booster.dump_model()``.

        Raises:
            ValueError: A split is not a plain numeric ``<=`` split.
        """
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        leaves: list[float] = []

        def walk(node: dict[str, Any]) -> int:
            if "leaf_value" in node:
                leaves.append(float(node["leaf_value"]))
                return ~(len(leaves) - 1)
            if node.get("decision_type") != "<=":
                raise ValueError(f"unsupported split {node.get('decision_type')!r}")
            index = len(feature)
            feature.append(int(node["split_feature"]))
            threshold.append(float(node["threshold"]))
            left.append(0)
            right.append(0)
            left[index] = walk(node["left_child"])
            right[index] = walk(node["right_child"])
            return index

        roots = [walk(tree["tree_structure"]) for tree in dump["tree_info"]]
        return cls(
            n_classes=int(dump["num_class"]),
            feature=np.asarray(feature, dtype=np.int32),
            threshold=np.asarray(threshold, dtype=np.float64),
            left=np.asarray(left, dtype=np.int32),
            right=np.asarray(right, dtype=np.int32),
            leaf_value=np.asarray(leaves, dtype=np.float64),
            roots=np.asarray(roots, dtype=np.int32),
        )

    def raw(self, x: FloatArray) -> FloatArray:
        """Raw scores, shape ``(rows, n_classes)``, for feature rows ``x``.

        All trees descend together, one level per step, so a single row costs a few
        dozen numpy operations rather than one Python loop per tree.
        """
        out = np.zeros((x.shape[0], self.n_classes), dtype=np.float64)
        tree_class = np.arange(len(self.roots)) % self.n_classes
        for start in range(0, x.shape[0], _CHUNK):
            rows = x[start : start + _CHUNK]
            index = np.arange(rows.shape[0])[:, None]
            node = np.tile(self.roots, (rows.shape[0], 1))
            inner = node >= 0
            while inner.any():
                at = np.where(inner, node, 0)
                go_left = rows[index, self.feature[at]] <= self.threshold[at]
                node = np.where(inner, np.where(go_left, self.left[at], self.right[at]), node)
                inner = node >= 0
            leaves = self.leaf_value[~node]
            for c in range(self.n_classes):
                out[start : start + _CHUNK, c] = leaves[:, tree_class == c].sum(axis=1)
        return out

    def probabilities(self, x: FloatArray) -> FloatArray:
        """Sigmoid of the raw score (one class) or softmax over classes."""
        raw = self.raw(x)
        if self.n_classes == 1:
            return np.asarray(1.0 / (1.0 + np.exp(-raw[:, 0])), dtype=np.float64)
        shifted = np.exp(raw - raw.max(axis=1, keepdims=True))
        return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        """The arrays to store, keyed ``<prefix>_<name>``."""
        return {f"{prefix}_{name}": getattr(self, name) for name in _ARRAYS}

    @classmethod
    def from_arrays(cls, n_classes: int, data: Any, prefix: str) -> TreeEnsemble:
        """The inverse of :meth:`arrays`."""
        return cls(n_classes, *(np.asarray(data[f"{prefix}_{name}"]) for name in _ARRAYS))


@dataclass(frozen=True, slots=True, eq=False)
class StanceModel:
    """Headline-body stance classifier (see the module docstring for the design).

    Attributes:
        space: Fitted feature space (idf, cue words).
        related: Binary ensemble giving P(related).
        stance: Three-class ensemble over agree / disagree / discuss, given related.
        related_threshold: P(related) from which a pair is called related.
        weights: Decision multipliers of agree, disagree and discuss.
    """

    space: FeatureSpace
    related: TreeEnsemble
    stance: TreeEnsemble
    related_threshold: float
    weights: tuple[float, float, float]

    def probabilities(self, x: FloatArray) -> FloatArray:
        """Probabilities over :data:`LABELS` (rows sum to 1) for feature rows ``x``."""
        p_related = self.related.probabilities(x)
        given = self.stance.probabilities(x)
        return np.column_stack([given * p_related[:, None], 1.0 - p_related])

    def decide(self, probabilities: FloatArray) -> list[str]:
        """Labels for rows of :meth:`probabilities`, by the stored decision rule."""
        related = probabilities[:, :3].sum(axis=1) >= self.related_threshold
        best = np.argmax(probabilities[:, :3] * np.asarray(self.weights), axis=1)
        return [LABELS[int(b)] if r else LABELS[3] for r, b in zip(related, best, strict=True)]

    def features(self, pairs: Sequence[tuple[str, str]]) -> FloatArray:
        """Feature rows of ``(headline, body)`` pairs; each distinct body is read once."""
        prepared: dict[str, PreparedBody] = {}
        rows = []
        for headline, body in pairs:
            if body not in prepared:
                prepared[body] = prepare_body(self.space, body)
            rows.append(featurize(self.space, headline, prepared[body]))
        return np.vstack(rows) if rows else np.zeros((0, len(FEATURE_NAMES)))

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[Stance]:
        """The stance of each ``(headline, body)`` pair."""
        if not pairs:
            return []
        probs = self.probabilities(self.features(pairs))
        return [
            Stance(
                label,
                {name: float(p) for name, p in zip(LABELS, row, strict=True)},
                model=MODEL_NAME,
            )
            for label, row in zip(self.decide(probs), probs, strict=True)
        ]

    def predict(self, headline: str, body: str) -> Stance:
        """The stance of ``body`` towards ``headline``."""
        return self.predict_many([(headline, body)])[0]

    def save(self, path: Path) -> None:
        """Write the model as one compressed ``.npz`` (arrays plus a JSON header)."""
        header = {
            "format": FORMAT_VERSION,
            "features": list(FEATURE_NAMES),
            "labels": list(LABELS),
            "related_threshold": self.related_threshold,
            "weights": list(self.weights),
            "stance_classes": self.stance.n_classes,
            "space": self.space.to_json(),
        }
        text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
        buffer = io.BytesIO()
        arrays: dict[str, npt.NDArray[Any]] = {
            "header": np.frombuffer(text, dtype=np.uint8),
            "space_lsa": self.space.lsa.astype(np.float32),
            **self.related.arrays("related"),
            **self.stance.arrays("stance"),
        }
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        path.write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> StanceModel:
        """Read a model written by :meth:`save`.

        Raises:
            InputError: The file is missing, not a model file, or of another version or
                feature set.
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls._from_npz(data)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"{path}: not a stance model file ({exc})") from exc

    @classmethod
    def _from_npz(cls, data: Any) -> StanceModel:
        header = json.loads(bytes(data["header"]).decode("utf-8"))
        if header["format"] != FORMAT_VERSION or tuple(header["features"]) != FEATURE_NAMES:
            raise ValueError("model format or feature set differs from this version of unspun")
        weights = header["weights"]
        return cls(
            space=FeatureSpace.from_json(header["space"], np.asarray(data["space_lsa"])),
            related=TreeEnsemble.from_arrays(1, data, "related"),
            stance=TreeEnsemble.from_arrays(int(header["stance_classes"]), data, "stance"),
            related_threshold=float(header["related_threshold"]),
            weights=(float(weights[0]), float(weights[1]), float(weights[2])),
        )


MIN_PROSE_SENTENCES = 3
"""Prose sentences a body needs before its stance is read (see :func:`prose_sentences`)."""
_PROSE_WORDS = 6
_CLOSERS = "\"'”’)"


def prose_sentences(text: str) -> int:
    """Sentences of running prose in ``text``: six or more words (letters only) and a
    final stop, question or exclamation mark (or a closing quote or bracket after one).

    The stance model learnt from FNC-1's prose bodies and judges a pair mostly by the
    words headline and body share. A body of figures and labels (a results table
    under a company's name, a list of prices) shares almost none with its own headline,
    so the model calls it ``unrelated``: on the benchmark's real originals (seeds 11
    and 12), 35 of the 43 with P(unrelated) >= 0.5 had fewer than three prose
    sentences, almost all Reuters results tables. ``unspun check`` reads no stance for
    such bodies (:data:`MIN_PROSE_SENTENCES`).

    >>> prose_sentences("Shr 17 cts vs four cts. Net 373,000 vs 82,000.")
    0
    >>> prose_sentences("The board approved the new pier on Tuesday. It opens in May.")
    1
    """
    count = 0
    for span in split_sentences(text):
        if text[span.start : span.end].rstrip().rstrip(_CLOSERS).endswith((".", "!", "?")):
            letters = [t for t in tokenize(text, span.start, span.end) if t.norm.isalpha()]
            count += len(letters) >= _PROSE_WORDS
    return count


@lru_cache(maxsize=1)
def load_model() -> StanceModel:
    """The model shipped in ``unspun/stance/data`` (loaded once per process)."""
    resource = resources.files("unspun.stance").joinpath("data", MODEL_FILE)
    with resources.as_file(resource) as path:
        return StanceModel.load(path)
