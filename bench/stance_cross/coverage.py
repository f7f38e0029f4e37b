"""How much of a body's refutation wording reaches the cross-encoder's input.

For a sample of FNC-1 training pairs of each related stance, counts the pairs whose body
holds a refutation word (:data:`REFUTING`: "hoax", "false", "denied", "debunked" and the
like) and the pairs where such a word is still there after the body is cut to the
excerpt (:func:`unspun.stance.cross.excerpt`) and the input to ``max_length`` word pieces,
for a few excerpt sizes. It also counts how often the input is cut short. Training files
only; the headline's own words are not counted. Measured (2026-12-07, 400 pairs a
class, seed 0): 53% of the disagreeing bodies hold such a word; it reaches 32% of the
inputs at 128 word pieces (lead + 3 sentences), 40% at 256 (lead + 6), 47% at 384 (lead
+ 10); 60%, 22% and 12% of those inputs are cut short.

    .venv/bin/python -m bench.stance_cross.coverage \\
        --bodies ../shared/data/fnc1/train_bodies.csv.gz \\
        --stances ../shared/data/fnc1/train_stances.csv.gz
"""

from __future__ import annotations

import argparse
import os
import random
import re
from collections.abc import Sequence
from pathlib import Path

from unspun.stance.cross import excerpt, load_base
from unspun.stance.fnc import read_fnc

__all__ = ["main"]

REFUTING = re.compile(
    r"\b(hoax|fake|false|den(?:y|ied|ies)|not true|debunk\w*|untrue|rumou?r\w*|"
    r"no evidence|satir\w*|myth|refut\w*|dismiss\w*|claims?)\b",
    re.IGNORECASE,
)
SHAPES = ((3, 128), (6, 256), (10, 384))
"""(sentences beside the lead, word pieces) of the inputs compared."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=Path, required=True, help="train_bodies.csv[.gz]")
    parser.add_argument("--stances", type=Path, required=True, help="train_stances.csv[.gz]")
    parser.add_argument("--sample", type=int, default=400, help="pairs per stance")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pairs = read_fnc(args.bodies, args.stances)
    tokenizer, _ = load_base(1)
    rng = random.Random(args.seed)
    for stance in ("disagree", "agree", "discuss"):
        chosen = [p for p in pairs if p.stance == stance]
        chosen = rng.sample(chosen, min(args.sample, len(chosen)))
        in_body = sum(bool(REFUTING.search(p.body)) for p in chosen)
        cells = [f"{stance:<9} body {in_body / len(chosen):.0%}"]
        for top, length in SHAPES:
            reached = cut = 0
            for p in chosen:
                text = excerpt(p.headline, p.body, top=top)
                full = tokenizer(p.headline, text)["input_ids"]
                kept = tokenizer(p.headline, text, truncation="only_second", max_length=length)
                cut += len(full) > length
                # Only the body's part of the input (the headline is segment 0).
                ids = [
                    i
                    for i, seg in zip(kept["input_ids"], kept["token_type_ids"], strict=True)
                    if seg == 1
                ]
                reached += bool(REFUTING.search(tokenizer.decode(ids)))
            n = len(chosen)
            cells.append(f"{length} pieces: reached {reached / n:.0%}, cut {cut / n:.0%}")
        print(" | ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
