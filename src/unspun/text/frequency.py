"""How common an English word is, from wordfreq's frequency list (a core dependency)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import wordfreq

__all__ = ["zipf"]


@functools.cache
def _frequencies() -> Mapping[str, float]:
    """wordfreq's English word frequencies (about 320,000 words), loaded once."""
    return wordfreq.get_frequency_dict("en")


def zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a lower-case word; 0 if unknown.

    >>> zipf("the") > zipf("harbour") > zipf("qwxzv")
    True
    """
    f = _frequencies().get(word)
    return math.log10(f) + 9.0 if f else 0.0
