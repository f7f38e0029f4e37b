"""How well the stitching signals tell stitched articles from real ones (ROC AUC).

Positives are the benchmark's generated queries (:func:`bench.generate.build_benchmark`):
2-6 related real articles cut into sentences, shuffled, spun at the level and joined
into paragraphs of 2-3 sentences. Negatives are real articles held out of the index
(never a source), matched to the positives by length: for each positive, in a seeded
order, the unused held-out article with the nearest number of sentences. Both sides
keep only articles of at least :data:`MIN_SENTENCES` sentences.

For each level the script prints, per signal and for the mean of the five scores, the
AUC (Mann-Whitney: the chance that a random positive outscores a random negative, ties
counting half), the share of positives and negatives with a score above 0, and the time
per article. ``topic_jumps`` runs with the embedder when the ``embed`` extra is
installed (``--no-embed`` to run it on words alone).

    .venv/bin/python -m bench.stitch_signals --n 300 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.corpora import load_all
from bench.generate import build_benchmark
from bench.metrics import roc_auc
from bench.spin import Thesaurus
from unspun.align.semantic import SentenceEmbedder, embeddings_available
from unspun.forensics.stitching import stitching_signals
from unspun.text import split_sentences

__all__ = ["MIN_SENTENCES", "Sample", "main", "matched_negatives", "samples"]

MIN_SENTENCES = 5
"""Articles shorter than this are left out on both sides."""

LEVELS = ("verbatim", "heavy")


@dataclass(frozen=True, slots=True)
class Sample:
    """One article of the evaluation: its text and whether it was stitched."""

    title: str
    text: str
    stitched: bool


def matched_negatives(
    lengths: Sequence[int], pool: Sequence[tuple[int, Sample]], rng: random.Random
) -> list[Sample]:
    """For each wanted length (in a seeded order), the unused pool sample nearest in length."""
    free = sorted(range(len(pool)), key=lambda k: (pool[k][0], k))
    order = list(range(len(lengths)))
    rng.shuffle(order)
    out: list[Sample] = []
    for i in order:
        if not free:
            break
        best = min(range(len(free)), key=lambda k: (abs(pool[free[k]][0] - lengths[i]), k))
        out.append(pool[free.pop(best)][1])
    return out


def samples(n: int, level: str, seed: int, thesaurus: Thesaurus) -> list[Sample]:
    """Stitched queries and length-matched held-out real articles (stitched first)."""
    bench = build_benchmark(load_all(), n_queries=n, level=level, seed=seed, thesaurus=thesaurus)
    positives = [
        Sample(q.title, q.text, True)
        for q in bench.queries
        if len(split_sentences(q.text)) >= MIN_SENTENCES
    ]
    pool = [
        (count, Sample(a.title, a.text, False))
        for a in bench.held_out
        if (count := len(split_sentences(a.text))) >= MIN_SENTENCES
    ]
    lengths = [len(split_sentences(s.text)) for s in positives]
    rng = random.Random(f"stitch-signals:{seed}:{level}")
    return positives + matched_negatives(lengths, pool, rng)


def evaluate(
    data: Sequence[Sample], embedder: SentenceEmbedder | None
) -> tuple[dict[str, tuple[float, float, float]], float]:
    """Per signal (and ``mean``): AUC, share of positives firing, share of negatives firing;
    and the seconds per article."""
    scores: dict[str, list[tuple[float, bool]]] = {}
    start = time.perf_counter()
    for sample in data:
        signals = stitching_signals(sample.title, sample.text, embedder=embedder)
        for sig in signals:
            scores.setdefault(sig.name, []).append((sig.score, sample.stitched))
        mean = sum(s.score for s in signals) / len(signals)
        scores.setdefault("mean", []).append((mean, sample.stitched))
    per_article = (time.perf_counter() - start) / max(1, len(data))
    out: dict[str, tuple[float, float, float]] = {}
    for name, pairs in scores.items():
        pos = [v for v, y in pairs if y]
        neg = [v for v, y in pairs if not y]
        fired_pos = sum(v > 0 for v in pos) / len(pos)
        fired_neg = sum(v > 0 for v in neg) / len(neg)
        out[name] = (roc_auc(pos, neg), fired_pos, fired_neg)
    return out, per_article


def main(argv: Sequence[str] | None = None) -> int:
    """Print the AUC table for each level."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="stitched queries per level")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-embed", action="store_true", help="topic_jumps on words alone")
    args = parser.parse_args(argv)
    embedder = None
    if not args.no_embed and embeddings_available():
        embedder = SentenceEmbedder.load()
    thesaurus = Thesaurus.load()
    print(f"seed {args.seed}, {args.n} queries per level, embedder: {embedder is not None}")
    for level in LEVELS:
        data = samples(args.n, level, args.seed, thesaurus)
        n_pos = sum(s.stitched for s in data)
        table, per_article = evaluate(data, embedder)
        print(f"\n{level}: {n_pos} stitched vs {len(data) - n_pos} real, "
              f"{per_article * 1000:.1f} ms per article")  # fmt: skip
        print(f"  {'signal':<18} {'AUC':>6} {'fires+':>7} {'fires-':>7}")
        for name, (value, pos, neg) in table.items():
            print(f"  {name:<18} {value:6.3f} {pos:7.1%} {neg:7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
