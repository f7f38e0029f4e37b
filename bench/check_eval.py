"""Fit and evaluate the combined verdict of ``unspun check`` on generated articles.

Articles, all from real news (``bench.corpora``), in four kinds:

* *stitched*: the benchmark's generated articles (``bench.generate``): sentences of 2-6
  related reports under a borrowed headline, at spin level ``verbatim`` (stitched only)
  and ``heavy`` (stitched and spun);
* *spun*: real held-out articles, every sentence spun at ``heavy`` by the benchmark's
  spinner (spun only);
* *original*: other real held-out articles, as published.

``--fit`` fits the two logistic models of :mod:`unspun.forensics.verdict` (balanced
classes, a small L2 penalty, Newton steps) on the articles of ``--fit-seed`` and writes
``src/unspun/forensics/data/verdict.json``. Every run then scores the articles of
``--eval-seed`` (other queries, other spun and original articles) and reports the ROC
AUC of P(stitched) and P(spun) and the calibration of P(stitched) in bins, into
``bench/results/check.json``.

    .venv/bin/python -m bench.check_eval [--fit] [--n 150] [--fit-seed 11] [--eval-seed 12]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.metrics import roc_auc
from bench.run import ROOT, _machine

MODEL_PATH = ROOT / "src" / "unspun" / "forensics" / "data" / "verdict.json"
MIN_SENTENCES = 5
ORDINARY_PERCENTILE = 90
"""The model's ``ordinary`` level of a signal: this percentile of the fitting originals."""


@dataclass(frozen=True)
class Sample:
    """One evaluation article with what it truly is."""

    kind: str  # stitched-verbatim, stitched-heavy, spun, original
    title: str
    text: str
    stitched: bool
    spun: bool


def samples(n: int, seed: int) -> list[Sample]:
    """``n`` articles of each kind, seeded."""
    from bench.corpora import load_all
    from bench.generate import build_benchmark
    from bench.spin import Thesaurus
    from bench.spin_signals import spin_article
    from unspun.records import Article
    from unspun.text import split_sentences

    articles = load_all()
    thesaurus = Thesaurus.load()
    out: list[Sample] = []
    held_out: list[Article] = []
    for level in ("verbatim", "heavy"):
        bench = build_benchmark(articles, n_queries=n, level=level, seed=seed, thesaurus=thesaurus)
        held_out = list(bench.held_out)
        out += [
            Sample(f"stitched-{level}", q.title, q.text, True, level != "verbatim")
            for q in bench.queries
        ]
    rng = random.Random(f"check-eval:{seed}")
    usable = [a for a in held_out if len(split_sentences(a.text)) >= MIN_SENTENCES]
    rng.shuffle(usable)
    for art in usable[:n]:
        out.append(Sample("original", art.title, art.text, False, False))
    for art in usable[n : 2 * n]:
        title, spun = spin_article(art, "heavy", rng, thesaurus)
        out.append(Sample("spun", title, spun, False, True))
    return out


def signal_matrix(
    items: Sequence[Sample], *, semantic: bool = False
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Signal names (sorted) and the score of each for each article (read with sentence
    embeddings when ``semantic``)."""
    from unspun.pipeline import forensic_signals
    from unspun.records import Article

    embedder = None
    if semantic:
        from unspun.align.semantic import SentenceEmbedder

        embedder = SentenceEmbedder.load()
    rows: list[dict[str, float]] = []
    started = time.perf_counter()
    for i, s in enumerate(items):
        article = Article(id=f"s{i}", title=s.title, text=s.text)
        signals = forensic_signals(article, embedder=embedder)
        rows.append({sig.name: sig.score for sig in signals})
    names = sorted({k for r in rows for k in r})
    print(
        f"signals of {len(items)} articles in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return names, np.array([[r.get(k, 0.0) for k in names] for r in rows], dtype=np.float64)


def fit_logistic(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], *, l2: float = 1.0
) -> tuple[float, npt.NDArray[np.float64]]:
    """Intercept and weights of an L2-penalised logistic regression with balanced
    class weights and **non-negative** weights (Newton's method; the intercept is not
    penalised).

    Every signal is built as evidence *for* its finding, so none may count against it:
    a negative weight would learn a quirk of the generated data (its articles never
    hold a "Related stories" line, while real web articles sometimes do) rather than
    anything true of stitching. A signal whose weight comes out negative is dropped
    (weight 0) and the rest refitted, until all are non-negative.
    """
    d = x.shape[1]
    active = np.ones(d, dtype=bool)
    while True:
        prior, w = _newton(x[:, active], y, l2)
        if (w >= 0).all():
            break
        active[np.flatnonzero(active)[w < 0]] = False
    weights = np.zeros(d)
    weights[active] = w
    return prior, weights


def _newton(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], l2: float
) -> tuple[float, npt.NDArray[np.float64]]:
    n, d = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    pos = y.sum()
    weight = np.where(y, n / (2 * max(pos, 1)), n / (2 * max(n - pos, 1)))
    beta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        grad = design.T @ (weight * (p - y)) + penalty * beta
        hess = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hess + 1e-9 * np.eye(d + 1), grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(beta[0]), beta[1:]


def calibration(
    probs: Sequence[float], labels: Sequence[bool], bins: int = 5
) -> list[dict[str, object]]:
    """Mean predicted probability against the observed rate, in equal-width bins."""
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [
            (p, y)
            for p, y in zip(probs, labels, strict=True)
            if lo <= p < hi or (b == bins - 1 and p == 1.0)
        ]
        if inside:
            rows.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "articles": len(inside),
                    "predicted": round(sum(p for p, _ in inside) / len(inside), 3),
                    "observed": round(sum(y for _, y in inside) / len(inside), 3),
                }
            )
    return rows


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    """Fit (with ``--fit``) and evaluate the verdict; write ``bench/results/check.json``."""
    from unspun.forensics.verdict import Logistic, VerdictModel, combine

    parser = argparse.ArgumentParser(prog="python -m bench.check_eval", description=__doc__)
    parser.add_argument("--fit", action="store_true", help="refit and write the shipped model")
    parser.add_argument("--n", type=int, default=150, help="articles of each kind")
    parser.add_argument("--fit-seed", type=int, default=11)
    parser.add_argument("--eval-seed", type=int, default=12)
    parser.add_argument(
        "--semantic",
        action="store_true",
        help="signals read with sentence embeddings (check --semantic); --fit then writes "
        "the model's semantic weights and keeps the others",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    flag = " --semantic" if args.semantic else ""

    if args.fit:
        train = samples(args.n, args.fit_seed)
        names, x = signal_matrix(train, semantic=args.semantic)
        models = {}
        for kind in ("stitched", "spun"):
            y = np.array([getattr(s, kind) for s in train])
            prior, w = fit_logistic(x, y)
            models[kind] = Logistic(
                round(prior, 4), {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
            )
        fitted = f"python -m bench.check_eval --fit --n {args.n} --fit-seed {args.fit_seed}"
        pair = (models["stitched"], models["spun"])
        originals = np.array([s.kind == "original" for s in train])
        ordinary = {
            n: round(float(np.percentile(x[originals, j], ORDINARY_PERCENTILE)), 4)
            for j, n in enumerate(names)
        }
        old = VerdictModel.load(MODEL_PATH) if MODEL_PATH.exists() else None
        if args.semantic:
            if old is None:
                raise SystemExit(f"{MODEL_PATH}: fit the model without --semantic first")
            model = replace(old, semantic=pair, semantic_ordinary=ordinary)
        else:
            model = VerdictModel(
                *pair,
                fitted,
                old.semantic if old is not None else None,
                ordinary,
                old.semantic_ordinary if old is not None else None,
            )
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        MODEL_PATH.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}", file=sys.stderr)
    else:
        model = VerdictModel.load(MODEL_PATH)

    test = samples(args.n, args.eval_seed)
    names, x = signal_matrix(test, semantic=args.semantic)
    from unspun.records import Signal

    probs: dict[str, list[float]] = {"stitched": [], "spun": []}
    for row in x:
        signals = [Signal(n, float(v)) for n, v in zip(names, row, strict=True)]
        verdict = combine(signals, None, model, semantic=args.semantic)
        probs["stitched"].append(verdict.probabilities["stitched"])
        probs["spun"].append(verdict.probabilities["spun"])

    def between(values: Sequence[float], positive: str, negative: str) -> float:
        """AUC of ``values`` for articles of kind ``positive`` against ``negative``."""
        pos = [v for v, s in zip(values, test, strict=True) if s.kind == positive]
        neg = [v for v, s in zip(values, test, strict=True) if s.kind == negative]
        return round(roc_auc(pos, neg), 4)

    def auc(kind: str, positive: str, negative: str) -> float:
        return between(probs[kind], positive, negative)

    per_signal = {
        n: {
            "stitched_heavy_vs_original": between(x[:, j].tolist(), "stitched-heavy", "original"),
            "spun_vs_original": between(x[:, j].tolist(), "spun", "original"),
        }
        for j, n in enumerate(names)
    }
    result: dict[str, object] = {
        "machine": _machine(),
        "command": f"python -m bench.check_eval{' --fit' if args.fit else ''}{flag} "
        f"--n {args.n} --fit-seed {args.fit_seed} --eval-seed {args.eval_seed}",
        "articles_per_kind": args.n,
        "auc": {
            "stitched: heavy stitched vs original": auc("stitched", "stitched-heavy", "original"),
            "stitched: verbatim stitched vs original": auc(
                "stitched", "stitched-verbatim", "original"
            ),
            "stitched: heavy stitched vs spun-only": auc("stitched", "stitched-heavy", "spun"),
            "spun: heavy stitched vs original": auc("spun", "stitched-heavy", "original"),
            "spun: spun-only vs original": auc("spun", "spun", "original"),
            "spun: heavy stitched vs verbatim stitched": auc(
                "spun", "stitched-heavy", "stitched-verbatim"
            ),
        },
        "calibration_stitched": calibration(probs["stitched"], [s.stitched for s in test]),
        "calibration_spun": calibration(probs["spun"], [s.spun for s in test]),
        "per_signal_auc": per_signal,
        "model": json.loads(model.to_json()),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"check{'-semantic' if args.semantic else ''}.json").write_text(
        json.dumps(result, indent=2) + "\n"
    )
    print(json.dumps(result["auc"], indent=2))
    return result


if __name__ == "__main__":
    main()
