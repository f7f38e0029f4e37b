"""The HTTP JSON API under ``/api/v1``: trace, check, stored articles, index figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from unspun import __version__
from unspun.index.store import IndexReader
from unspun.ingest import article_from_mapping
from unspun.records import Article, Rejected
from unspun.web import examples
from unspun.web.errors import WebError
from unspun.web.gate import AnalysisGate
from unspun.web.settings import WebSettings


class ErrorOut(BaseModel):
    """Every error answer: one message a person understands."""

    error: str = Field(examples=["no index yet: build one with 'unspun index FILES --db DB'"])


class ArticleIn(BaseModel):
    """An article to trace or check (the record `unspun trace FILE.json` reads)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.ARTICLE]})

    title: str = Field(
        "",
        description=(
            "Headline; may be empty (no stance is read then, nor for a body with fewer "
            "than three sentences of prose)."
        ),
    )
    text: str = Field(
        min_length=1,
        pattern=r"\S",
        description="Body text; paragraphs separated by blank lines.",
    )
    url: str | None = Field(None, description="Where it was published, if known.")
    outlet: str | None = Field(None, description="Site or agency name (else from the URL).")
    published: str | None = Field(
        None, description="ISO 8601 date or date-time; an unreadable date is ignored."
    )
    id: str | None = Field(None, description="Its own id (else a hash of the content).")

    def to_article(self) -> Article:
        """The article, built the way the CLI builds one from a JSON record."""
        made = article_from_mapping(self.model_dump(), origin="request")
        if isinstance(made, Rejected):
            raise WebError(422, made.reason)
        return made


class ArticleOut(BaseModel):
    """An article stored in the index, with its body's sentence spans ``[start, end)``."""

    id: str
    title: str
    url: str | None
    outlet: str | None
    published: str | None
    text: str
    spans: list[tuple[int, int]]


class StatsOut(BaseModel):
    """What the index holds (as ``unspun stats`` prints)."""

    articles: int
    sentences: int
    outlets: int
    first_published: str | None
    last_published: str | None
    segments: int
    postings: int
    raw_chars: int
    bytes_on_disk: int


class HealthOut(BaseModel):
    """The server is up; whether an index is there to trace against."""

    status: str = Field(examples=["ok"])
    version: str
    index: bool
    read_only: bool = Field(
        False,
        description="The index lies on storage that cannot be written (an archive, a "
        "read-only mount): it is traced against, never added to.",
    )


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "Malformed request (not JSON, or not a JSON object).",
        404: "No such article in the index.",
        408: "Request body too slow to arrive (the connection is closed).",
        413: "Request body over the size limit (checked before parsing).",
        422: "Invalid field (for example an empty text).",
        503: "No index yet (build one with `unspun index`).",
    }
    return {s: {"model": ErrorOut, "description": described[s]} for s in statuses}


def _example(example: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": description, "content": {"application/json": {"example": example}}}
    }


def api_router(settings: WebSettings, gate: AnalysisGate) -> APIRouter:
    """The ``/api/v1`` routes over the index at ``settings.db``; traces and checks take
    their turn at ``gate``."""
    router = APIRouter(tags=["API"])

    @router.post(
        "/trace",
        summary="Trace an article's sentences to their sources in the index",
        responses={
            **_example(examples.TRACE, "As `unspun trace --json`."),
            **_errors(400, 408, 413, 422, 503),
        },
    )
    def trace(article: ArticleIn) -> Response:
        from unspun.pipeline import check_length, trace_article
        from unspun.report.json import trace_to_dict

        given = article.to_article()
        check_length(given)
        # Rendered on the analysis thread too: a long article's report is large.
        body = gate.run(
            given, lambda: orjson.dumps(trace_to_dict(trace_article(given, settings.db)))
        )
        return Response(body, media_type="application/json")

    @router.post(
        "/check",
        summary="Read forensic signs from an article's text alone (no index needed)",
        responses={
            **_example(examples.CHECK, "As `unspun check --json`."),
            **_errors(400, 408, 413, 422),
        },
    )
    def check(article: ArticleIn) -> Response:
        from unspun.pipeline import check_article, check_length
        from unspun.report.json import check_to_dict

        given = article.to_article()
        check_length(given)
        body = gate.run(given, lambda: orjson.dumps(check_to_dict(check_article(given))))
        return Response(body, media_type="application/json")

    @router.get(
        "/articles/{article_id:path}",
        summary="One stored article by its id",
        responses=_errors(404, 503),
    )
    def article(article_id: str) -> ArticleOut:
        with IndexReader(settings.db) as reader:
            stored = reader.article_by_id(article_id)
        if stored is None:
            raise WebError(404, f"no article with id {article_id!r} in the index")
        return ArticleOut(
            id=stored.id,
            title=stored.title,
            url=stored.url,
            outlet=stored.outlet,
            published=stored.published,
            text=stored.text,
            spans=list(stored.spans),
        )

    @router.get("/stats", summary="What the index holds", responses=_errors(503))
    def stats() -> StatsOut:
        with IndexReader(settings.db) as reader:
            return StatsOut(**asdict(reader.stats()))

    @router.get("/health", summary="Whether the server is up and has an index")
    def health() -> HealthOut:
        ready, read_only = index_state(settings)
        return HealthOut(status="ok", version=__version__, index=ready, read_only=read_only)

    return router


def index_ready(settings: WebSettings) -> bool:
    """Whether an index can be opened at ``settings.db``."""
    return index_state(settings)[0]


def index_state(settings: WebSettings) -> tuple[bool, bool]:
    """Whether an index can be opened at ``settings.db``, and whether it is read-only."""
    from unspun.errors import StoreError

    try:
        with IndexReader(settings.db) as reader:
            return True, reader.read_only
    except StoreError:
        return False, False
