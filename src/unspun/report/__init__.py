"""Turn reports into JSON-ready dicts and terminal output."""

from __future__ import annotations

from unspun.report.json import trace_to_dict
from unspun.report.terminal import render_trace

__all__ = ["render_trace", "trace_to_dict"]
