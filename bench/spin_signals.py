"""How well the spinner-fingerprint signals tell spun articles from real ones.

``python -m bench.spin_signals [--n 300] [--seed 1]`` draws real articles of at least
six sentences from the shared corpora (:func:`bench.corpora.load_all`), spins every
sentence and the title of ``n`` of them with the benchmark's own spinner
(:func:`bench.spin.spin_sentence`) at the ``light`` and ``heavy`` levels, keeps ``n``
other articles unspun, and prints the ROC AUC of each signal of
:mod:`unspun.forensics.spin` (and of their mean) for spun against unspun, with the
thesaurus and without it (the degraded mode of a machine without ``mythes-en-us``).

The spinner draws its synonyms from the same MyThes thesaurus that the signals
read, so the "with thesaurus" numbers are favourable to the detectors; the
"without" ones show what wordfreq alone gives. It also prints the share of
unspun articles scoring above 0.5 (false alarms at that threshold) and the time per
article. Everything is seeded: the same ``--n`` and ``--seed`` print the same
numbers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bench.corpora import load_all
from bench.metrics import roc_auc
from bench.spin import Thesaurus, spin_sentence
from unspun.forensics.spin import spin_signals
from unspun.records import Article
from unspun.text import split_sentences

__all__ = ["main", "spin_article"]

_LEVELS = ("light", "heavy")
_MIN_SENTENCES = 6
# A path that never exists: the signals run as on a machine without the thesaurus.
_NO_THESAURUS = Path("/nonexistent/mythes/th_en_US_v2.dat")


def spin_article(
    article: Article, level: str, rng: random.Random, thesaurus: Thesaurus
) -> tuple[str, str]:
    """The article's title and every body sentence spun at ``level``, spacing kept."""
    title = spin_sentence(article.title, level, rng, thesaurus).text if article.title else ""
    parts: list[str] = []
    pos = 0
    for span in split_sentences(article.text):
        parts.append(article.text[pos : span.start])
        parts.append(spin_sentence(article.text[span.start : span.end], level, rng, thesaurus).text)
        pos = span.end
    parts.append(article.text[pos:])
    return title, "".join(parts)


def _scores(title: str, text: str, thesaurus: Path | None) -> list[float]:
    signals = spin_signals(title, text, thesaurus=thesaurus)
    values = [s.score for s in signals]
    return [*values, statistics.fmean(values)]


def _names() -> list[str]:
    return [s.name for s in spin_signals("", "")] + ["mean"]


def main(argv: Sequence[str] | None = None) -> None:
    """Print the AUC table (see the module doc)."""
    parser = argparse.ArgumentParser(prog="python -m bench.spin_signals", description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="articles per class (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)

    thesaurus = Thesaurus.load()
    seen: set[str] = set()
    pool: list[Article] = []
    for a in load_all():
        if len(split_sentences(a.text)) >= _MIN_SENTENCES and a.text not in seen:
            seen.add(a.text)
            pool.append(a)
    rng = random.Random(args.seed)
    rng.shuffle(pool)
    if len(pool) < 2 * args.n:
        raise SystemExit(f"only {len(pool)} articles of {_MIN_SENTENCES}+ sentences")
    spun_src, plain = pool[: args.n], pool[args.n : 2 * args.n]
    names = _names()
    print(
        f"{args.n} spun vs {args.n} unspun real articles (>= {_MIN_SENTENCES} sentences), "
        f"seed {args.seed}"
    )
    for label, path in (("with thesaurus", None), ("without thesaurus", _NO_THESAURUS)):
        t0 = time.perf_counter()
        negatives = [_scores(a.title, a.text, path) for a in plain]
        per_article = (time.perf_counter() - t0) / len(plain)
        print(f"\n{label} ({per_article * 1000:.1f} ms per unspun article)")
        print(f"  {'signal':<18} " + " ".join(f"{lv:>7}" for lv in _LEVELS) + "  FP@0.5")
        by_level: dict[str, list[list[float]]] = {}
        for level in _LEVELS:
            level_rng = random.Random(f"{args.seed}:{level}")
            by_level[level] = [
                _scores(*spin_article(a, level, level_rng, thesaurus), path) for a in spun_src
            ]
        for k, name in enumerate(names):
            neg = [s[k] for s in negatives]
            cells = " ".join(f"{roc_auc([s[k] for s in by_level[lv]], neg):7.3f}" for lv in _LEVELS)
            false_alarms = sum(v > 0.5 for v in neg) / len(neg)
            print(f"  {name:<18} {cells}  {false_alarms:6.1%}")


if __name__ == "__main__":
    main()
