"""The pages: analyse, report (trace and check, downloads), index and search, errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unspun.report.terminal import PALETTE
from unspun.web.app import create_app
from unspun.web.settings import WebSettings

HOSTILE = (
    '<script>window.__pwned = 1</script> Officials said the <img src=x onerror="alert(1)"> '
    'bridge would reopen. <a href="javascript:alert(2)">Read more</a> today.'
)


def _submit(client: TestClient, **form: str) -> str:
    """Post the Analyse form; the report's path it redirects to."""
    answer = client.post("/analyse", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    location: str = answer.headers["location"]
    assert re.fullmatch(r"/reports/[0-9a-f]{32}", location)
    return location


@pytest.fixture
def traced(client: TestClient, stitched: tuple[str, str]) -> str:
    title, body = stitched
    return _submit(client, action="trace", title=title, text=body, published="2031-04-13")


def test_analyse_page(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for text in ("Trace against the index", "Check without a corpus", 'type="file"'):
        assert text in page.text
    assert "no index yet" not in page.text


def test_trace_report_page(client: TestClient, traced: str) -> None:
    page = client.get(traced).text
    assert 'class="sent c0 ' in page and 'class="sent c6 ' in page  # seven sources
    assert page.count('role="button"') == 14  # 14 of 15 sentences traced
    assert '<span class="sent original"' in page
    assert "<del>" in page and "<ins>" in page
    assert '<svg class="timeline"' in page and "this article" in page
    assert page.count('class="mark c') == 7
    assert "Harbor Wire" in page and "stitched from several sources" in page


def test_same_article_same_url(client: TestClient, traced: str, stitched: tuple[str, str]) -> None:
    title, body = stitched
    again = _submit(client, action="trace", title=title, text=body, published="2031-04-13")
    checked = _submit(client, action="check", title=title, text=body, published="2031-04-13")
    assert again == traced != checked


def test_check_report_page(client: TestClient, stitched: tuple[str, str]) -> None:
    title, body = stitched
    page = client.get(_submit(client, action="check", title=title, text=body)).text
    assert "Verdict:" in page and "likely stitched" in page
    assert '<mark class="ev" data-signals="1"' in page
    assert "dangling opener" in page and "Headline–body stance" in page
    assert "Linnea Sorvik" in page  # the quotes table
    assert "9 in 10 real articles score at most" in page  # each signal's yardstick


def test_report_downloads(client: TestClient, traced: str) -> None:
    as_json = client.get(f"{traced}.json")
    assert as_json.status_code == 200
    assert "attachment" in as_json.headers["content-disposition"]
    assert as_json.json()["summary"]["source_count"] == 7
    as_file = client.get(f"{traced}.html")
    assert as_file.status_code == 200
    assert "<style>" in as_file.text and "<script>" in as_file.text
    assert 'href="/static/app.css"' not in as_file.text
    policy = as_file.headers["content-security-policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy
    assert f'content="{policy}"' in as_file.text.replace("&#39;", "'")


def test_unknown_report_is_a_404_page(client: TestClient) -> None:
    for path in ("/reports/" + "0" * 32, "/reports/not-a-key", "/reports/../etc.json"):
        page = client.get(path)
        assert page.status_code == 404
        assert "text/html" in page.headers["content-type"]


def test_reports_cache_is_bounded(demo_db: Path) -> None:
    with TestClient(create_app(WebSettings(db=demo_db, report_cache_size=1))) as small:
        first = _submit(small, action="check", title="One", text="The first story is short.")
        _submit(small, action="check", title="Two", text="The second story is short too.")
        assert small.get(first).status_code == 404
        assert "Analyse the article again" in small.get(first).text


def test_upload_txt_and_html(client: TestClient, stitched: tuple[str, str]) -> None:
    title, body = stitched
    txt = client.post(
        "/analyse",
        data={"action": "trace"},
        files={"upload": ("story.TXT", f"{title}\n\n{body}".encode(), "text/plain")},
        follow_redirects=False,
    )
    assert txt.status_code == 303
    html = (
        "<html><head><title>Bridge inquiry opens</title></head><body><article>"
        "<h1>Bridge inquiry opens</h1><p>The transport minister said an inquiry would be "
        "opened and ordered inspections of 40 bridges of similar design across the country. "
        "Traffic through the town centre has been diverted.</p></article></body></html>"
    )
    page = client.post(
        "/analyse",
        data={"action": "trace"},
        files={"upload": ("page.html", html.encode(), "text/html")},
    )
    assert page.status_code == 200
    assert "Bridge inquiry opens" in page.text and 'class="sent c0' in page.text


@pytest.mark.parametrize(
    ("form", "files", "message"),
    [
        ({"text": "   "}, None, "paste the article’s text"),
        ({"text": "Words.", "published": "last week"}, None, "is not a date"),
        ({}, {"upload": ("notes.pdf", b"%PDF", "application/pdf")}, "not a .txt or .html"),
        ({}, {"upload": ("empty.txt", b"Title only\n", "text/plain")}, "no text after the title"),
    ],
)
def test_bad_submissions_show_the_form_again(
    client: TestClient, form: dict[str, str], files: dict[str, object] | None, message: str
) -> None:
    page = client.post("/analyse", data={"action": "check", **form}, files=files)  # type: ignore[arg-type]
    assert page.status_code == 422
    assert message in page.text
    assert 'role="alert"' in page.text


def test_trace_without_an_index_says_so(bare_client: TestClient) -> None:
    assert "There is no index yet" in bare_client.get("/").text
    page = bare_client.post("/analyse", data={"action": "trace", "text": "Some words."})
    assert page.status_code == 503
    assert "Tracing needs an index" in page.text
    assert bare_client.get("/index").status_code == 503
    checked = bare_client.post(
        "/analyse", data={"action": "check", "text": "Some words."}, follow_redirects=False
    )
    assert checked.status_code == 303


def test_index_page_and_search(client: TestClient) -> None:
    page = client.get("/index").text
    assert "36" in page and "2031-03-05 to 2031-04-29" in page
    by_title = client.get("/index", params={"q": "bridge", "field": "title"}).text
    assert "Kessel Street bridge gives way" in by_title
    by_outlet = client.get("/index", params={"q": "courier", "field": "outlet"}).text
    assert "Valley Courier" in by_outlet and "Harbor Wire" not in by_outlet.split("found")[1]
    by_phrase = client.get("/index", params={"q": "LOUD  crack", "field": "phrase"}).text
    assert "3 articles found" in by_phrase  # whitespace and case do not matter
    wildcard = client.get("/index", params={"q": "%", "field": "title"}).text
    assert "0 articles found" in wildcard


def test_escaping_of_article_text(client: TestClient) -> None:
    page = client.get(_submit(client, action="check", title="<b>Bold</b> claim", text=HOSTILE))
    assert "<script>window" not in page.text and "&lt;script&gt;window" in page.text
    assert "<img" not in page.text and 'href="javascript' not in page.text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page.text


def test_headers_and_assets(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text and "style=" not in page.text
    css = client.get("/static/app.css")
    assert css.headers["content-type"].startswith("text/css")
    assert all(f"--c: {colour}" in css.text for colour in PALETTE)
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_unknown_page_is_html(client: TestClient) -> None:
    page = client.get("/nowhere")
    assert page.status_code == 404 and "Not found" in page.text


def test_upload_over_the_limit_is_413(demo_db: Path) -> None:
    with TestClient(create_app(WebSettings(db=demo_db, max_body_bytes=2048))) as small:

        def chunks() -> Iterator[bytes]:
            yield from [b"z" * 1500, b"z" * 1500]

        page = small.post("/analyse", content=chunks())
        assert page.status_code == 413 and "Too large" in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_body_bytes", 0, "max_body_bytes must be at least 1"),
        ("max_connections", 0, "max_connections must be at least 1"),
        ("keep_alive_timeout", 0, "keep_alive_timeout must be at least 1"),
        ("body_timeout", 0.0, "body_timeout must be a positive number of seconds, got 0.0"),
        ("body_idle_timeout", float("nan"), "body_idle_timeout must be a positive number"),
        ("header_timeout", float("inf"), "header_timeout must be a positive number"),
        ("send_timeout", -1.0, "send_timeout must be a positive number"),
    ],
    ids=["body-size", "connections", "keep-alive", "body-time", "body-idle", "headers", "send"],
)
def test_settings_are_checked(demo_db: Path, field: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WebSettings(db=demo_db, **{field: value})


def test_a_pasted_text_over_a_megabyte_is_read(bare_client: TestClient) -> None:
    # 1.3 MB (over multipart's default part size) in 720,000 characters (under the
    # longest article traced).
    text = "Déjà vu à Montréal. " * 36_000
    page = bare_client.post("/analyse", data={"action": "trace", "text": text})
    assert page.status_code == 503  # read, then refused for want of an index (not a 400)


def test_an_article_too_long_to_analyse_is_refused_plainly(bare_client: TestClient) -> None:
    text = "Some words here. " * 70_000  # 1,190,000 characters
    page = bare_client.post("/analyse", data={"action": "check", "text": text})
    assert page.status_code == 413
    assert "1,190,000 characters long" in page.text
    answer = bare_client.post("/api/v1/check", json={"text": text})
    assert answer.status_code == 413
    assert "the article is 1,190,000 characters long" in answer.json()["error"]
