"""Speed and similarity of the semantic stage's embedder (needs the ``embed`` extra).

Reports the load time of :meth:`SentenceEmbedder.load` (imports included, so run it in
a fresh process), the encoding rate for batches of 30 news-style sentences with the
cache off (median of ``--runs`` runs after one warm-up), and the cosine of paraphrase
and unrelated pairs. The sentences are fictional, written for this benchmark. The
machine must be otherwise idle: on 2 cores any other load halves the rate.

    .venv/bin/python -m bench.embed_speed [--runs 7] [--batch-size 32] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence

from unspun.align.semantic import SentenceEmbedder

NEWS = [
    "The Orvala city council approved a revised budget on Tuesday after a four-hour debate "
    "that ran late into the evening.",
    "Councillors voted 9 to 4 to raise spending on road repairs by 12% next year, the "
    "largest increase since the council was formed.",
    "The mayor said the increase would be paid for by delaying the new sports centre that "
    "had been promised for the eastern districts.",
    "Opposition members accused the administration of hiding the true cost of the project "
    "and called for an independent audit.",
    "Police closed the coastal road near Kessel overnight after heavy rain caused flooding "
    "along a two-kilometre stretch.",
    "Emergency crews rescued two drivers whose cars were trapped by rising water shortly "
    "after midnight, the fire service said.",
    "The regional weather office issued an amber warning for further storms on Thursday "
    "and advised people to avoid unnecessary travel.",
    "About 3,000 homes were without power for several hours, the utility company said in "
    "a statement on Wednesday morning.",
    "Shares in Brenmark Foods fell 8% on Monday after the company cut its annual profit "
    "forecast for the second time this year.",
    "The firm blamed higher prices for grain and packaging as well as weaker demand from "
    "supermarkets in its largest markets.",
    "Analysts at Tarrow Securities said the warning was worse than the market had expected "
    "and lowered their price target.",
    "Brenmark employs about 14,000 people across six factories in the north of the country, "
    "according to its latest annual report.",
    "The health ministry said it would open 40 new clinics in rural districts by 2033 as "
    "part of a plan to cut waiting times.",
    "Doctors' unions welcomed the plan but warned that staff shortages remained severe in "
    "many of the regions it would cover.",
    "Waiting times for routine operations have doubled over the past three years, figures "
    "published last month showed.",
    "The minister told parliament that training places for nurses would rise by a fifth "
    "over the next two academic years.",
    "Striking rail workers returned to work on Monday after accepting a two-year pay deal "
    "negotiated over the weekend.",
    "The agreement gives most staff a 6% rise this year and 4% the next, the union said "
    "after members voted to approve it.",
    "Commuters had faced nine days of cancelled trains during the dispute, which began "
    "after talks broke down in early March.",
    "The rail operator said full timetables would be restored by the end of the week once "
    "maintenance checks were complete.",
    "A fire at a recycling plant outside Dunmere sent thick smoke across the town on Sunday "
    "afternoon, witnesses said.",
    "Residents were told to keep windows and doors closed while more than 60 firefighters "
    "tackled the blaze.",
    "No one was injured, and the cause of the fire is under investigation, a spokesperson "
    "for the regional fire service said.",
    "The plant's owner said it had passed a safety inspection only two months ago and that "
    "it would cooperate fully with investigators.",
    "The national football team named a new coach on Friday, a week after a heavy defeat "
    "ended its hopes of qualifying.",
    "The former defender signed a contract that runs until the end of the next World Cup, "
    "the federation said.",
    "He told reporters that his first task would be to rebuild the confidence of a young "
    "squad after a difficult season.",
    "The federation had been criticised by fans and former players for waiting too long to "
    "replace his predecessor.",
    "Inflation slowed to 3.2% in March, its lowest level in almost two years, the national "
    "statistics office said on Tuesday.",
    "Economists said falling energy prices accounted for most of the decline, while food "
    "prices continued to rise.",
]

PAIRS = [
    (
        "paraphrase",
        "The council approved the new budget on Tuesday.",
        "On Tuesday the city council passed its new budget.",
    ),
    (
        "paraphrase",
        "Police closed the coastal road after heavy rain caused flooding.",
        "The shore road was shut by officers when downpours flooded it.",
    ),
    (
        "paraphrase",
        "Shares in the company fell sharply after it cut its profit forecast.",
        "The firm's stock dropped steeply once it lowered its earnings outlook.",
    ),
    (
        "unrelated",
        "The council approved the new budget on Tuesday.",
        "Heavy rain flooded the coastal road overnight.",
    ),
    (
        "unrelated",
        "Shares in the company fell sharply after it cut its profit forecast.",
        "The national football team named a new coach on Friday.",
    ),
    (
        "unrelated",
        "Striking rail workers returned to work after accepting a pay deal.",
        "A fire at a recycling plant sent thick smoke across the town.",
    ),
]


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Print and return the figures (load s, sentences/s, cosine per pair)."""
    parser = argparse.ArgumentParser(prog="python -m bench.embed_speed", description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    # cache_size=0: every run embeds all sentences, so the rate is the model's own.
    embedder = SentenceEmbedder.load(args.batch_size, threads=args.threads, cache_size=0)
    load_s = time.perf_counter() - started
    embedder.encode(NEWS)  # warm-up: the first pass allocates and tunes kernels

    rates = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(args.runs):
        t0 = time.perf_counter()
        embedder.encode(NEWS)
        rates.append(len(NEWS) / (time.perf_counter() - t0))
    # cpu/wall near the thread count means the cores were ours; far below, shared.
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    words = statistics.mean(len(s.split()) for s in NEWS)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load time: {load_s:.2f} s (imports included)")
    print(
        f"rate: median {statistics.median(rates):.0f} sent/s over {args.runs} runs of "
        f"{len(NEWS)} sentences ({words:.1f} words each), batch {args.batch_size}, "
        f"min {min(rates):.0f}, max {max(rates):.0f}; cpu/wall {cpu_per_wall:.2f}, "
        f"1-min load average {load:.2f}"
    )
    figures = {"load_s": load_s, "sent_per_s": statistics.median(rates)}
    for kind, a, b in PAIRS:
        cos = float(embedder.similarity([a], [b])[0, 0])
        figures[f"{kind}: {a} | {b}"] = cos
        print(f"{kind:10} {cos:.3f}  {a} | {b}")
    return figures


if __name__ == "__main__":
    main()
