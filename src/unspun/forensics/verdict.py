"""The combined verdict of ``unspun check``: signals in, calibrated probabilities out.

Two logistic models, one for *stitched* and one for *spun*, turn signal scores into
probabilities: ``p = sigmoid(prior + sum(weight[s] * score[s]))``. Their weights are
fitted by ``python -m bench.check_eval --fit`` on articles made by the benchmark's
generator (stitched and spun from real news) against real originals, and shipped in
``forensics/data/verdict.json``; logistic regression on a balanced set gives
probabilities calibrated for an even prior (of articles given 0.8, about 80% were
stitched in that evaluation). The *headline mismatch* probability is the stance model's
probability that the body is unrelated to, or disagrees with, its headline.

The explanation lists what produced the probability behind the label, so anyone can
replay it: for ``stitched`` and ``spun`` the contributions are log-odds and
``p = sigmoid(sum(contributions))`` (the ``prior`` entry included); for
``headline_mismatch`` they are stance probabilities and ``p = sum(contributions)``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from unspun.errors import InputError
from unspun.records import Contribution, Signal, Stance, Verdict

#: Verdict labels, and the probability each one reads.
LABELS = {
    "stitched": "likely stitched",
    "spun": "likely spun",
    "headline_mismatch": "headline mismatch",
}
NO_SIGNS = "no strong signs"
#: The entry of an explanation that holds a model's intercept.
PRIOR = "prior"
#: Probability a finding needs to be the label: the lowest multiple of 0.05 at which no
#: real original of the articles the weights were fitted on (``bench.check_eval``, seed
#: 11) is labelled. There the most stitched-looking of 150 originals scored 0.70; 0.75
#: still names 33 of 150 verbatim-stitched articles "likely stitched" and 146 of 150
#: heavily spun ones "likely spun". On the evaluation articles (seed 12) it labels none
#: of 150 originals stitched and one spun.
LIKELY = 0.75
#: Stance labels whose probability makes up the headline-mismatch probability.
MISMATCH_STANCES = ("unrelated", "disagree")


@dataclass(frozen=True, slots=True)
class Logistic:
    """One logistic model over signal scores.

    Attributes:
        prior: The intercept (log-odds when every signal scores 0).
        weights: Log-odds added per unit of each signal's score; signals not listed
            do not count.
    """

    prior: float
    weights: Mapping[str, float]

    def contributions(self, scores: Mapping[str, float]) -> tuple[Contribution, ...]:
        """The prior, then each weighted signal's share, largest effect first."""
        parts = [
            Contribution(name, round(weight * scores.get(name, 0.0), 6))
            for name, weight in self.weights.items()
        ]
        parts.sort(key=lambda c: (-abs(c.contribution), c.signal))
        return (Contribution(PRIOR, round(self.prior, 6)), *parts)


@dataclass(frozen=True, slots=True)
class VerdictModel:
    """The two logistic models and a note on what they were fitted on.

    ``semantic`` holds the (stitched, spun) models fitted on signals read with sentence
    embeddings (``check --semantic``: topic jumps measured by meaning, which shifts that
    signal's scores); None when they were not fitted.

    ``ordinary`` (and ``semantic_ordinary``) give, per signal, the score that 9 in 10 of
    the real original articles of the fitting set stay at or under: a reader's yardstick
    for how much a score says (spin signals find a few rare words in most real prose).
    """

    stitched: Logistic
    spun: Logistic
    fitted_on: str = ""
    semantic: tuple[Logistic, Logistic] | None = None
    ordinary: Mapping[str, float] = field(default_factory=dict)
    semantic_ordinary: Mapping[str, float] | None = None

    def models(self, *, semantic: bool = False) -> tuple[Logistic, Logistic]:
        """(stitched, spun) for signals read with or without embeddings."""
        if semantic and self.semantic is not None:
            return self.semantic
        return self.stitched, self.spun

    def ordinary_levels(self, *, semantic: bool = False) -> Mapping[str, float]:
        """Per signal, the score 9 in 10 real articles stay at or under (read with or
        without embeddings; the lexical levels when no semantic ones were fitted)."""
        if semantic and self.semantic_ordinary is not None:
            return self.semantic_ordinary
        return self.ordinary

    def to_json(self) -> str:
        """Serialise (stable key order) for ``forensics/data/verdict.json``."""
        data: dict[str, object] = {
            "fitted_on": self.fitted_on,
            "stitched": _dump(self.stitched),
            "spun": _dump(self.spun),
            "ordinary": dict(self.ordinary),
        }
        if self.semantic is not None:
            data["semantic"] = {
                "stitched": _dump(self.semantic[0]),
                "spun": _dump(self.semantic[1]),
                **(
                    {"ordinary": dict(self.semantic_ordinary)}
                    if self.semantic_ordinary is not None
                    else {}
                ),
            }
        return json.dumps(data, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str, origin: str = "verdict model") -> VerdictModel:
        """Inverse of :meth:`to_json`; InputError naming ``origin`` when malformed."""
        try:
            data = json.loads(raw)
            semantic = data.get("semantic")
            return cls(
                stitched=_logistic(data["stitched"]),
                spun=_logistic(data["spun"]),
                fitted_on=str(data.get("fitted_on", "")),
                semantic=None
                if semantic is None
                else (_logistic(semantic["stitched"]), _logistic(semantic["spun"])),
                ordinary=_levels(data.get("ordinary", {})),
                semantic_ordinary=None
                if semantic is None or "ordinary" not in semantic
                else _levels(semantic["ordinary"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{origin}: not a verdict model ({exc})") from exc

    @classmethod
    def load(cls, path: Path) -> VerdictModel:
        """Read a model file."""
        try:
            return cls.from_json(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise InputError(f"{path}: cannot read verdict model ({exc.strerror})") from exc


def _dump(model: Logistic) -> dict[str, object]:
    return {"prior": model.prior, "weights": dict(model.weights)}


def _logistic(obj: Mapping[str, object]) -> Logistic:
    weights = obj["weights"]
    if not isinstance(weights, Mapping):
        raise TypeError("weights must be an object")
    return Logistic(float(str(obj["prior"])), {str(k): float(v) for k, v in weights.items()})


def _levels(obj: object) -> dict[str, float]:
    if not isinstance(obj, Mapping):
        raise TypeError("ordinary levels must be an object")
    return {str(k): float(v) for k, v in obj.items()}


@cache
def load_verdict_model() -> VerdictModel:
    """The verdict model shipped with unspun."""
    raw = resources.files("unspun.forensics").joinpath("data/verdict.json").read_text("utf-8")
    return VerdictModel.from_json(raw, "unspun/forensics/data/verdict.json")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def probability(contributions: Sequence[Contribution], kind: str) -> float:
    """Replay an explanation: the probability its contributions add up to.

    >>> probability([Contribution("prior", 0.0)], "stitched")
    0.5
    >>> probability([Contribution("unrelated", 0.25), Contribution("disagree", 0.5)],
    ...             "headline_mismatch")
    0.75
    """
    total = sum(c.contribution for c in contributions)
    return min(max(total, 0.0), 1.0) if kind == "headline_mismatch" else _sigmoid(total)


def combine(
    signals: Sequence[Signal],
    stance: Stance | None,
    model: VerdictModel,
    *,
    threshold: float = LIKELY,
    semantic: bool = False,
) -> Verdict:
    """The verdict: the most probable of stitched / spun / headline mismatch when it
    reaches ``threshold``, else ``no strong signs``; the explanation is that of the
    most probable one either way. ``semantic``: the signals were read with sentence
    embeddings (the models fitted on such signals are used when there are some)."""
    scores = {s.name: s.score for s in signals}
    stitched, spun = model.models(semantic=semantic)
    explained: dict[str, tuple[Contribution, ...]] = {
        "stitched": stitched.contributions(scores),
        "spun": spun.contributions(scores),
        "headline_mismatch": tuple(
            Contribution(label, round(stance.probabilities.get(label, 0.0), 6))
            for label in MISMATCH_STANCES
        )
        if stance is not None
        else (),
    }
    probs = {kind: round(probability(parts, kind), 4) for kind, parts in explained.items()}
    best = max(probs, key=lambda k: (probs[k], k == "stitched"))
    label = LABELS[best] if probs[best] >= threshold else NO_SIGNS
    return Verdict(label, probs, explained[best])
