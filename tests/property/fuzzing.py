"""The budget of every property test: a few seconds by default, more on request.

Set ``UNSPUN_FUZZ_EXAMPLES`` to an integer to raise each property test's
``max_examples`` to at least that many (``python -m bench.reliability`` does, for a
fuzz run of minutes). ``deadline`` is off throughout: the machine may be busy, and
some readers are slow on their first input.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def fuzz_examples() -> int:
    """``UNSPUN_FUZZ_EXAMPLES`` as an integer (0 when unset)."""
    raw = os.environ.get("UNSPUN_FUZZ_EXAMPLES", "").strip()
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"UNSPUN_FUZZ_EXAMPLES must be an integer, got {raw!r}") from None


def budget(default: int) -> settings:
    """Settings for one property test: ``default`` examples, more if the environment
    asks."""
    return settings(
        max_examples=max(default, fuzz_examples()),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
