"""Serving the app with uvicorn, with every connection bounded in time and number.

uvicorn bounds an idle connection between two requests (``timeout_keep_alive``) and
the number of connections (``limit_concurrency``), but not the time a client takes to
send a request's headers: a connection that sends nothing, or half a request line, is
held for ever. :class:`HeaderDeadline` adds that bound to uvicorn's h11 protocol (the
pure-Python parser, chosen explicitly so that installing httptools changes nothing).
The body's bounds live in the app (:class:`unspun.web.middleware.BodyLimit`), which
can answer 408 in the API's format.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from unspun.web.settings import WebSettings


class HeaderDeadline(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers are not complete
    ``header_timeout`` seconds after it opened or after the previous answer on it.

    The connection is closed without an answer: no request was read to answer. This
    leans on uvicorn's protocol methods (``connection_made``, ``data_received``,
    ``on_response_complete``, ``connection_lost``) and its h11 connection ``conn``;
    ``tests/web/test_slow_clients.py`` checks the behaviour on a real server.
    """

    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers."""
        super().connection_made(transport)
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        """Stop the clock once h11 has read a whole request line and headers."""
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_clock()

    def on_response_complete(self) -> None:
        """Start the clock for the next request's headers, unless it is already in."""
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the clock with the connection."""
        self._stop_clock()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._stop_clock()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_overdue)

    def _stop_clock(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_overdue(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def header_deadline(seconds: float) -> type[HeaderDeadline]:
    """:class:`HeaderDeadline` with its ``header_timeout`` set to ``seconds`` (uvicorn
    builds the protocol from a class, so the bound travels as a class attribute)."""
    return type("HeaderDeadline", (HeaderDeadline,), {"header_timeout": seconds})


def serve(app: FastAPI, settings: WebSettings, sock: socket.socket) -> None:
    """Serve ``app`` on the listening ``sock`` until interrupted, within the bounds of
    ``settings`` (see :class:`WebSettings`)."""
    config = uvicorn.Config(
        app,
        http=header_deadline(settings.header_timeout),
        log_level="warning",
        access_log=False,
        timeout_keep_alive=settings.keep_alive_timeout,
        # uvicorn counts the connection asking among those open: one more serves exactly
        # max_connections at once.
        limit_concurrency=settings.max_connections + 1,
    )
    uvicorn.Server(config).run(sockets=[sock])
