"""What every part of the reliability suite returns, and the budget it runs within."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Budget:
    """How much each part may do.

    Attributes:
        quick: The short version (CI): fewer cases, smaller inputs, seconds not minutes.
        kills: SIGKILLs of the indexer.
        racers: Writers started together on one new index, per round.
        load_seconds: Duration of the server load test.
        load_clients: Concurrent clients of the load test.
        fuzz_examples: Examples per property test in the fuzz run.
        seed: Seed of every random choice (kill moments, generated inputs).
    """

    quick: bool = False
    kills: int = 100
    racers: int = 20
    load_seconds: float = 600.0
    load_clients: int = 16
    fuzz_examples: int = 2_000
    seed: int = 1

    @classmethod
    def short(cls) -> Budget:
        """The bounded version CI runs (about two minutes)."""
        return cls(
            quick=True, kills=6, racers=6, load_seconds=8.0, load_clients=4, fuzz_examples=60
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """One case of one part: what was tried, whether the promise held, and figures.

    Attributes:
        part: The part ("kills", "disk", "poison", "load", "fuzz", "racers").
        case: What was tried, in a few words ("gzip bomb: 1 GiB of newlines").
        held: Whether every promise checked for this case held; None when the case
            could not be run here (``detail`` says why).
        detail: What happened, in one line ("exit 2, one line: ...").
        figures: Measurements (peak memory in MiB, seconds, counts...).
    """

    part: str
    case: str
    held: bool | None
    detail: str
    figures: dict[str, float | int | str] = field(default_factory=dict)
