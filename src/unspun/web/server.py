"""Serving the app with uvicorn, with every connection bounded in time and number.

uvicorn bounds an idle connection between two requests (``timeout_keep_alive``) and the
number of connections (``limit_concurrency``), but not the time a client takes to send
a request's headers (a connection that sends nothing, or half a request line, is held
for ever), nor the time it takes to read an answer (one that never reads holds its
connection, and the answer in memory, for ever). :class:`BoundedH11` adds both bounds to
uvicorn's h11 protocol (the pure-Python parser, chosen explicitly so that installing
httptools changes nothing). The body's bounds live in the app
(:class:`unspun.web.middleware.BodyLimit`), which can answer 408 in the API's format.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from unspun.web.settings import WebSettings


class BoundedH11(H11Protocol):
    """uvicorn's h11 protocol with two more bounds on a connection.

    Its request headers must be complete ``header_timeout`` seconds after it opened or
    after the previous answer on it, else it is closed without an answer (no request
    was read to answer). An answer it does not read must not fill the send buffer for
    ``send_timeout`` seconds, else it is dropped, the unsent rest of the answer with it.

    This leans on uvicorn's protocol methods (``connection_made``, ``data_received``,
    ``on_response_complete``, ``pause_writing``, ``resume_writing``,
    ``connection_lost``) and its h11 connection ``conn``; ``tests/web/
    test_slow_clients.py`` checks the behaviour on a real server.
    """

    header_timeout: float = 10.0
    send_timeout: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_clock = _Clock(self.loop)
        self._send_clock = _Clock(self.loop)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers."""
        super().connection_made(transport)
        self._header_clock.start(self.header_timeout, self._headers_overdue)

    def data_received(self, data: bytes) -> None:
        """Stop the headers' clock once h11 has read a whole request line and headers."""
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._header_clock.stop()

    def on_response_complete(self) -> None:
        """Start the clock for the next request's headers, unless they are already in."""
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._header_clock.start(self.header_timeout, self._headers_overdue)

    def pause_writing(self) -> None:
        """The send buffer is full: the client must read some within ``send_timeout``."""
        super().pause_writing()
        if not self._send_clock.running:
            self._send_clock.start(self.send_timeout, self.transport.abort)

    def resume_writing(self) -> None:
        """The client read enough of the answer: stop its clock."""
        super().resume_writing()
        self._send_clock.stop()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the clocks with the connection."""
        self._header_clock.stop()
        self._send_clock.stop()
        super().connection_lost(exc)

    def _headers_overdue(self) -> None:
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


class _Clock:
    """A timer on ``loop`` that can be started again (which restarts it) and stopped."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._timer: asyncio.TimerHandle | None = None

    @property
    def running(self) -> bool:
        """Whether it is started and not stopped (it may have rung)."""
        return self._timer is not None

    def start(self, seconds: float, ring: Callable[[], object]) -> None:
        """Call ``ring`` in ``seconds``, unless stopped or started again before."""
        self.stop()
        self._timer = self.loop.call_later(seconds, ring)

    def stop(self) -> None:
        """Do not ring."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def bounded_h11(*, header_timeout: float, send_timeout: float) -> type[BoundedH11]:
    """:class:`BoundedH11` with these bounds (uvicorn builds the protocol from a class,
    so they travel as class attributes of a subclass made for them)."""
    bounds = {"header_timeout": header_timeout, "send_timeout": send_timeout}
    return type("BoundedH11", (BoundedH11,), bounds)


def serve(app: FastAPI, settings: WebSettings, sock: socket.socket) -> None:
    """Serve ``app`` on the listening ``sock`` until interrupted, within the bounds of
    ``settings`` (see :class:`WebSettings`)."""
    config = uvicorn.Config(
        app,
        http=bounded_h11(
            header_timeout=settings.header_timeout, send_timeout=settings.send_timeout
        ),
        log_level="warning",
        access_log=False,
        timeout_keep_alive=settings.keep_alive_timeout,
        # uvicorn counts the connection asking among those open: one more serves exactly
        # max_connections at once.
        limit_concurrency=settings.max_connections + 1,
    )
    uvicorn.Server(config).run(sockets=[sock])
