"""ASGI middleware: bounds on the raw request body (size and time), and security headers."""

from __future__ import annotations

from collections.abc import Callable

import anyio
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: No inline script or style, nothing from elsewhere, no framing, forms post here only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

#: Builds the answer to a refused request: (path, status, message) -> response.
Refusal = Callable[[str, int, str], Response]


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS`, and :data:`CSP` unless the app set its own policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``send`` to add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Reads a request's body, within a size and a time, before anything parses it.

    A declared ``Content-Length`` over ``max_bytes`` is refused with 413 without reading;
    otherwise the body is read counting bytes (so a chunked upload cannot pass the limit
    either) and handed on whole. A body whose next piece takes over ``idle_timeout``
    seconds, or which is not all in within ``total_timeout`` seconds, is refused with 408:
    a client that stalls mid-body would otherwise hold its connection for ever. Every
    refusal closes the connection, as the rest of the body was never read.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        total_timeout: float,
        idle_timeout: float,
        refuse: Refusal,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.idle_timeout = idle_timeout
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared size, buffer the body within the bounds, then pass it on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._declared_problem(scope)
        body: bytes | None = None
        if problem is None:
            with anyio.move_on_after(self.total_timeout) as whole:
                body, problem = await self._read(receive)
            if whole.cancelled_caught:
                problem = 408, f"the request body did not arrive within {self.total_timeout:g} s"
        if problem is not None:
            refusal = self.refuse(scope.get("path", ""), *problem)
            refusal.headers["connection"] = "close"
            await refusal(scope, receive, send)
            return
        if body is None:
            return  # the client went away
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> tuple[bytes | None, tuple[int, str] | None]:
        """The whole body, or ``None`` if the client left; or the refusal (status, message)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            with anyio.move_on_after(self.idle_timeout) as idle:
                message = await receive()
            if idle.cancelled_caught:
                stalled = f"the request body stopped arriving for {self.idle_timeout:g} s"
                return None, (408, stalled)
            if message["type"] != "http.request":
                return None, None
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None, (413, self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    def _too_large(self) -> str:
        return f"the request is larger than the limit of {self.max_bytes:,} bytes"

    def _declared_problem(self, scope: Scope) -> tuple[int, str] | None:
        for name, value in scope.get("headers", []):
            if name.lower() != b"content-length":
                continue
            try:
                declared = int(value)
            except ValueError:
                return 400, "the Content-Length header is not a number"
            if declared < 0:
                return 400, "the Content-Length header is negative"
            if declared > self.max_bytes:
                return 413, self._too_large()
        return None
