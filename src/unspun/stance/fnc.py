"""FNC-1 files and the FNC-1 score.

The Fake News Challenge (stage 1) pairs a headline with an article body and asks for the
body's stance towards the headline: ``agree``, ``disagree``, ``discuss`` or
``unrelated``. Its data comes as two CSV files, optionally gzipped: bodies
(``Body ID``, ``articleBody``) and stances (``Headline``, ``Body ID`` and, in labelled
files, ``Stance``). Bodies hold newlines and quotes, so they are read with :mod:`csv`.

The FNC score gives 0.25 for every pair whose related-vs-unrelated call is right and,
for a gold related pair (agree / disagree / discuss), 0.75 more when the label is
exactly right. It is reported relative to the best possible score, as a percentage.
Because three quarters of the pairs are unrelated and discuss dominates the related
ones, the score flatters a model that never says agree or disagree, so macro-F1 over
the four classes is reported beside it.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from unspun.errors import InputError

__all__ = ["LABELS", "RELATED", "FncPair", "FncScore", "read_fnc", "score", "write_predictions"]

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED: frozenset[str] = frozenset(LABELS[:3])


@dataclass(frozen=True, slots=True)
class FncPair:
    """One headline-body pair; ``stance`` is ``None`` in an unlabelled file."""

    headline: str
    body_id: int
    body: str
    stance: str | None


@dataclass(frozen=True, slots=True)
class FncScore:
    """How a list of predicted stances compares with the gold ones.

    Attributes:
        fnc: FNC score relative to the best possible one, in percent.
        macro_f1: Mean F1 over the four :data:`LABELS`.
        f1: F1 of each label.
        confusion: ``confusion[gold][predicted]`` pair counts, for every label pair.
        n: Number of pairs scored.
    """

    fnc: float
    macro_f1: float
    f1: dict[str, float]
    confusion: dict[str, dict[str, int]]
    n: int


@contextmanager
def _open_csv(path: Path) -> Iterator[csv.DictReader[str]]:
    """A DictReader over ``path`` (``.gz`` or plain), with read errors as InputError."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        with (
            gzip.open(path, "rt", encoding="utf-8", newline="")
            if path.name.endswith(".gz")
            else path.open(encoding="utf-8", newline="")
        ) as text:
            yield csv.DictReader(text)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 CSV ({exc})") from exc


def _columns(path: Path, reader: csv.DictReader[str], needed: Sequence[str]) -> None:
    """Raise InputError when a needed column is missing from the header."""
    found = reader.fieldnames or []
    for name in needed:
        if name not in found:
            raise InputError(f"{path}: missing column {name!r}")


def _body_id(path: Path, line: int, value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise InputError(f"{path}: line {line}: Body ID {value!r} is not an integer") from None


def read_fnc(bodies: Path, stances: Path, *, labels: bool = True) -> list[FncPair]:
    """Read an FNC-1 bodies file and stances file into pairs, in stances-file order.

    Args:
        bodies: CSV with ``Body ID`` and ``articleBody``.
        stances: CSV with ``Headline``, ``Body ID`` and optionally ``Stance``.
        labels: Read the ``Stance`` column when there is one; False ignores it (a
            file to be labelled may hold anything there).

    Raises:
        InputError: A file is missing or unreadable, a column is missing, a Body ID is
            not an integer or has no body, or a stance is not one of :data:`LABELS`.
    """
    texts: dict[int, str] = {}
    with _open_csv(bodies) as reader:
        _columns(bodies, reader, ("Body ID", "articleBody"))
        for row in reader:
            texts[_body_id(bodies, reader.line_num, row["Body ID"])] = row["articleBody"] or ""
    pairs: list[FncPair] = []
    with _open_csv(stances) as reader:
        _columns(stances, reader, ("Headline", "Body ID"))
        labelled = labels and "Stance" in (reader.fieldnames or [])
        for row in reader:
            body_id = _body_id(stances, reader.line_num, row["Body ID"])
            if body_id not in texts:
                raise InputError(
                    f"{stances}: line {reader.line_num}: Body ID {body_id} has no body in {bodies}"
                )
            stance = (row["Stance"] or "").strip() if labelled else None
            if stance is not None and stance not in LABELS:
                raise InputError(
                    f"{stances}: line {reader.line_num}: unknown Stance {stance!r}"
                    f" (expected one of {', '.join(LABELS)})"
                )
            pairs.append(FncPair(row["Headline"] or "", body_id, texts[body_id], stance))
    return pairs


def score(gold: Sequence[str], predicted: Sequence[str]) -> FncScore:
    """Score predicted stances against gold ones (FNC score, macro-F1, confusion).

    Raises:
        ValueError: The lists differ in length, are empty, or hold an unknown label.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    if not gold:
        raise ValueError("nothing to score")
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    earned = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        if g not in LABELS or p not in LABELS:
            raise ValueError(f"unknown label in pair ({g!r}, {p!r})")
        confusion[g][p] += 1
        best += 1.0 if g in RELATED else 0.25
        if (g in RELATED) == (p in RELATED):
            earned += 0.25
        if g in RELATED and g == p:
            earned += 0.75
    f1: dict[str, float] = {}
    for label in LABELS:
        tp = confusion[label][label]
        n_gold = sum(confusion[label].values())
        n_pred = sum(confusion[g][label] for g in LABELS)
        f1[label] = 2 * tp / (n_gold + n_pred) if n_gold + n_pred else 0.0
    return FncScore(
        fnc=100.0 * earned / best,
        macro_f1=sum(f1.values()) / len(LABELS),
        f1=f1,
        confusion=confusion,
        n=len(gold),
    )


def write_predictions(pairs: Sequence[FncPair], labels: Sequence[str], out: TextIO) -> None:
    """Write FNC-format rows ``Headline,Body ID,Stance`` (with a header) to ``out``."""
    if len(pairs) != len(labels):
        raise ValueError(f"{len(pairs)} pairs but {len(labels)} labels")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("Headline", "Body ID", "Stance"))
    for pair, label in zip(pairs, labels, strict=True):
        writer.writerow((pair.headline, pair.body_id, label))
