"""The reliability suite: kill it, fill its disk, feed it poison, load it, fuzz it.

``python -m bench.reliability`` runs every part for a fixed budget and writes
``docs/reliability.md`` (a table per part: what was tried, what held, figures) and
``bench/results/reliability.json``; ``--quick`` is the short, bounded version CI runs.
Each part is a module with ``run(work: Path, budget: Budget) -> list[Outcome]``.
"""
