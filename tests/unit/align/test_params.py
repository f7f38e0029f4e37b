"""Trace parameters reject values that make no sense, naming the field."""

from __future__ import annotations

import pytest

from unspun.config import TraceParams


@pytest.mark.parametrize("name", ["candidates", "deep_candidates", "sketch_depth", "sketch_verify"])
def test_negative_counts_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be 0 or more, got -1"):
        TraceParams(**{name: -1})


def test_a_similarity_outside_0_and_1_is_refused() -> None:
    with pytest.raises(ValueError, match="min_similarity must be between 0 and 1"):
        TraceParams(min_similarity=1.5)
