"""The server-rendered pages: Analyse (``/``), Report (``/reports/{key}``) and Index."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from unspun.errors import StoreError
from unspun.ingest import article_from_mapping, read_path
from unspun.ingest.records import normalise_published
from unspun.pipeline import check_length
from unspun.records import Article, Rejected, TraceReport
from unspun.web.api import index_ready
from unspun.web.errors import WebError
from unspun.web.gate import AnalysisGate
from unspun.web.rendering import Renderer
from unspun.web.reports import KEY_PATTERN, Kind, ReportCache, StoredReport, compute
from unspun.web.search import FIELDS, Field, search
from unspun.web.settings import WebSettings
from unspun.web.timeline import build_timeline
from unspun.web.views import check_view, trace_view

UPLOAD_SUFFIXES = {".txt": ".txt", ".html": ".html", ".htm": ".html"}


def _upload_suffix(filename: str) -> str:
    """The reader's suffix for an uploaded file's name (the name itself is never used)."""
    for ending, suffix in UPLOAD_SUFFIXES.items():
        if filename.lower().endswith(ending):
            return suffix
    raise WebError(422, f"“{filename}” is not a .txt or .html file")


def article_from_upload(filename: str, data: bytes) -> Article:
    """Read one uploaded ``.txt`` or ``.html`` article with the CLI's readers."""
    suffix = _upload_suffix(filename)
    with tempfile.TemporaryDirectory(prefix="unspun-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        items = list(read_path(path))
    rejects = [item for item in items if isinstance(item, Rejected)]
    for item in items:
        if not isinstance(item, Rejected):
            return item
    reason = rejects[0].reason if rejects else "no article found"
    raise WebError(422, f"“{filename}”: {reason}")


def article_from_form(title: str, text: str, published: str) -> Article:
    """The article typed into the Analyse form."""
    if published.strip() and normalise_published(published) is None:
        raise WebError(422, f"“{published}” is not a date (use YYYY-MM-DD)")
    made = article_from_mapping(
        {"title": title, "text": text, "published": published or None}, origin="form"
    )
    if isinstance(made, Rejected):
        raise WebError(422, "paste the article’s text (or upload a .txt or .html file)")
    return made


class Pages:
    """The page routes over one index, report cache and renderer."""

    def __init__(
        self, settings: WebSettings, cache: ReportCache, renderer: Renderer, gate: AnalysisGate
    ) -> None:
        self.gate = gate
        self.settings = settings
        self.cache = cache
        self.renderer = renderer

    def analyse(self, status: int = 200, error: str | None = None, **form: str) -> HTMLResponse:
        """The Analyse page, with an error and the values typed when a submission failed."""
        values = {"title": "", "text": "", "published": ""} | form
        return self.renderer.page(
            "analyse.html",
            status,
            error=error,
            form=values,
            has_index=index_ready(self.settings),
            max_mb=self.settings.max_body_bytes / 1024 / 1024,
        )

    def submit(
        self, kind: Kind, title: str, text: str, published: str, upload: UploadFile | None
    ) -> Response:
        """Compute the report of a submitted article and send the browser to its page."""
        typed = {"title": title, "text": text, "published": published}
        try:
            if upload is not None and upload.filename:
                article = article_from_upload(upload.filename, upload.file.read())
            else:
                article = article_from_form(title, text, published)
            check_length(article)
            stored = self.gate.run(article, lambda: compute(kind, article, self.settings.db))
        except WebError as err:
            return self.analyse(err.status, err.message, **typed)
        except StoreError as exc:
            return self.analyse(503, f"Tracing needs an index: {exc}", **typed)
        self.cache.put(stored)
        return RedirectResponse(f"/reports/{stored.key}", status_code=303)

    def stored(self, key: str) -> StoredReport:
        """The cached report with this key (404 when unknown or dropped from the cache)."""
        stored = self.cache.get(key) if KEY_PATTERN.fullmatch(key) else None
        if stored is None:
            raise WebError(
                404,
                "This report is not here (any more): reports are kept in memory for a while "
                "only. Analyse the article again to get it back.",
            )
        return stored

    def report_html(self, stored: StoredReport, *, standalone: bool) -> str:
        """The report page of a stored report."""
        context: dict[str, Any] = {"key": stored.key, "article": stored.article}
        report = stored.report
        if isinstance(report, TraceReport):
            view = trace_view(report, stored.article.text)
            timeline = build_timeline(view.sources, stored.article.published)
            return self.renderer.html(
                "trace.html", standalone=standalone, view=view, timeline=timeline, **context
            )
        return self.renderer.html(
            "check.html", standalone=standalone, view=check_view(report), **context
        )

    def index(self, q: str, field: str) -> HTMLResponse:
        """The Index page: the index's figures and a search."""
        from unspun.index.store import IndexReader

        chosen: Field = next((f for f in FIELDS if f == field), "title")
        try:
            with IndexReader(self.settings.db) as reader:
                stats = reader.stats()
            result = None
            if q.strip():
                result = search(
                    self.settings.db,
                    chosen,
                    q.strip(),
                    limit=self.settings.search_limit,
                    scan_limit=self.settings.search_scan_limit,
                )
        except StoreError as exc:
            return self.renderer.page(
                "index.html", 503, stats=None, error=str(exc), q=q, field=chosen, result=None
            )
        return self.renderer.page(
            "index.html", stats=stats, error=None, q=q, field=chosen, result=result
        )


def pages_router(
    settings: WebSettings, cache: ReportCache, renderer: Renderer, gate: AnalysisGate
) -> APIRouter:
    """The HTML pages and their static assets (left out of the OpenAPI schema)."""
    pages = Pages(settings, cache, renderer, gate)
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def analyse() -> HTMLResponse:
        return pages.analyse()

    @router.post("/analyse")
    def submit(
        action: Annotated[str, Form()] = "trace",
        title: Annotated[str, Form()] = "",
        text: Annotated[str, Form()] = "",
        published: Annotated[str, Form()] = "",
        upload: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        kind: Kind = "check" if action == "check" else "trace"
        return pages.submit(kind, title, text, published, upload)

    @router.get("/reports/{key}.json")
    def report_json(key: str) -> JSONResponse:
        stored = pages.stored(key)
        disposition = f'attachment; filename="unspun-{stored.kind}-{key}.json"'
        return JSONResponse(stored.data, headers={"Content-Disposition": disposition})

    @router.get("/reports/{key}.html")
    def report_file(key: str) -> Response:
        stored = pages.stored(key)
        headers = {
            "Content-Disposition": f'attachment; filename="unspun-{stored.kind}-{key}.html"',
            "Content-Security-Policy": renderer.assets.standalone_csp,
        }
        return HTMLResponse(pages.report_html(stored, standalone=True), headers=headers)

    @router.get("/reports/{key}")
    def report(key: str) -> HTMLResponse:
        return HTMLResponse(pages.report_html(pages.stored(key), standalone=False))

    @router.get("/index")
    def index(q: str = "", field: str = "title") -> HTMLResponse:
        return pages.index(q, field)

    @router.get("/static/app.css")
    def css() -> Response:
        return Response(renderer.assets.css, media_type="text/css; charset=utf-8")

    @router.get("/static/app.js")
    def js() -> Response:
        return Response(renderer.assets.js, media_type="text/javascript; charset=utf-8")

    return router
