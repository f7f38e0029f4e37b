"""unspun: trace every sentence of a news article to the earlier reports it came from."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
