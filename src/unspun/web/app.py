"""The FastAPI application behind ``unspun serve``: pages, the ``/api/v1`` API, error answers.

Errors are answered as JSON ``{"error": "..."}`` under ``/api`` and as a short page
elsewhere: 400 malformed request, 404 unknown article or page, 408 body too slow to
arrive, 413 body over the limit (refused on the raw size, before parsing), 422 invalid
field, 503 no index yet.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from unspun import __version__
from unspun.errors import StoreError, TooLongError
from unspun.records import Article
from unspun.web import examples
from unspun.web.api import ArticleIn, api_router
from unspun.web.errors import WebError
from unspun.web.gate import AnalysisGate
from unspun.web.middleware import BodyLimit, SecurityHeaders
from unspun.web.pages import pages_router
from unspun.web.rendering import Assets, Renderer
from unspun.web.reports import ReportCache
from unspun.web.settings import WebSettings

logger = logging.getLogger(__name__)

DESCRIPTION = """Trace every sentence of a news article to the earlier reports it came from
(against the index the server was started with), or read forensic signs from its text
alone. The JSON is the same as `unspun trace --json` and `unspun check --json` print.
Errors are `{"error": "<message>"}` with status 400, 404, 408, 413, 422 or 503."""

_FIELD_MESSAGES = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must contain some text, not only spaces",
    "string_type": "must be a string",
    "string_unicode": "is not valid Unicode (it holds a lone surrogate)",
}
_MALFORMED = (
    "the request body must be a JSON object with at least a 'text' field "
    "(sent with Content-Type: application/json)"
)


def validation_answer(errors: Sequence[Any]) -> tuple[int, str]:
    """Status and message for a request that failed validation: 400 when the body is not
    a JSON object at all, 422 naming each field at fault otherwise."""
    for err in errors:
        if err.get("type") == "json_invalid":
            detail = err.get("ctx", {}).get("error", "")
            return 400, f"the request body is not valid JSON ({detail})".replace(" ()", "")
        if tuple(err.get("loc", ())) == ("body",):
            return 400, _MALFORMED
    parts = []
    for err in errors:
        field = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
        parts.append(f"{field}: {_FIELD_MESSAGES.get(err.get('type', ''), message)}")
    return 422, "; ".join(parts)


class ErrorAnswers:
    """Builds error answers: JSON for the API, a page for a person."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    def __call__(self, path: str, status: int, message: str) -> Response:
        """The answer to a request for ``path`` that failed with ``status``."""
        if path.startswith("/api/") or path == "/openapi.json":
            return JSONResponse({"error": message}, status_code=status)
        return self.renderer.page("error.html", status, status=status, message=message)

    def install(self, app: FastAPI) -> None:
        """Register the exception handlers on ``app``."""

        async def web_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, WebError)
            return self(request.url.path, exc.status, exc.message)

        async def store(request: Request, exc: Exception) -> Response:
            return self(request.url.path, 503, f"no index to trace against: {exc}")

        async def too_long(request: Request, exc: Exception) -> Response:
            return self(request.url.path, 413, str(exc))

        async def http(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HTTPException)
            message = {404: "no such page", 405: "method not allowed here"}.get(
                exc.status_code, str(exc.detail)
            )
            response = self(request.url.path, exc.status_code, message)
            response.headers.update(exc.headers or {})
            return response

        async def invalid(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, RequestValidationError)
            return self(request.url.path, *validation_answer(exc.errors()))

        async def crash(request: Request, exc: Exception) -> Response:
            logger.exception("internal error on %s", request.url.path)
            return self(request.url.path, 500, "internal error; the server log has the details")

        app.add_exception_handler(WebError, web_error)
        app.add_exception_handler(StoreError, store)
        app.add_exception_handler(TooLongError, too_long)
        app.add_exception_handler(HTTPException, http)
        app.add_exception_handler(RequestValidationError, invalid)
        app.add_exception_handler(Exception, crash)


def load_models() -> None:
    """Load what a check reads (stance and verdict models, word frequencies) by checking
    the schema's example article.

    Each is loaded once per process and kept, but not under a lock: left to the first
    requests, every concurrent one loads its own copy. Under ``bench.load_web`` (16
    clients) the first checks then took 3-5 s, and the server's memory settled at about
    500 MB instead of 180 MB (the copies' memory stays with the allocator).
    """
    from unspun.pipeline import check_article

    check_article(ArticleIn(**examples.ARTICLE).to_article())


_NO_TEXT = Article(id="", title="", text="")


def _lifespan(gate: AnalysisGate) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Load the models before the first request (on an analysis thread, where they will
    be used); stop the analysis threads at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(lambda: gate.run(_NO_TEXT, load_models))
        yield
        gate.close()

    return lifespan


def create_app(settings: WebSettings) -> FastAPI:
    """The web app over the index at ``settings.db`` (opened read-only per request); it
    loads the check's models before it answers (about half a second)."""
    gate = AnalysisGate(
        settings.analysis_chars, settings.analysis_wait, threads=settings.analysis_threads
    )
    app = FastAPI(
        lifespan=_lifespan(gate),
        title="unspun",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
        redoc_url=None,
        form_limits={"max_part_size": settings.max_body_bytes},  # a pasted text, as an upload
    )
    renderer = Renderer(Assets.load())
    answers = ErrorAnswers(renderer)
    cache = ReportCache(settings.report_cache_size, settings.report_cache_chars)
    app.include_router(api_router(settings, gate), prefix="/api/v1")
    app.include_router(pages_router(settings, cache, renderer, gate))
    answers.install(app)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        total_timeout=settings.body_timeout,
        idle_timeout=settings.body_idle_timeout,
        refuse=answers,
    )
    app.add_middleware(SecurityHeaders)
    return app
