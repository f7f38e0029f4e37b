"""The error a route raises to answer with a status and a message a person understands."""

from __future__ import annotations


class WebError(Exception):
    """Answer with ``status`` and ``message`` (JSON under ``/api``, a page elsewhere)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
