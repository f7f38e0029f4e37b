"""Turn reports into JSON-ready dicts and terminal output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from unspun.report.json import trace_to_dict

if TYPE_CHECKING:
    from unspun.report.terminal import render_trace

__all__ = ["render_trace", "trace_to_dict"]


def __getattr__(name: str) -> Any:
    # The terminal renderer pulls in rich (about 50 ms): only when it is asked for,
    # so that `unspun trace --json` starts without it.
    if name == "render_trace":
        from unspun.report.terminal import render_trace

        return render_trace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
