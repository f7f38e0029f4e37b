"""End to end in a real browser: `unspun serve` as a subprocess over the demo index, driven
by Debian's chromium through playwright (never `playwright install`).

Skipped when chromium is absent, except with CI=true, where that fails. Set
UNSPUN_SCREENSHOTS=docs/img to refresh the README's screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from tests.web.conftest import served
from unspun.demo import CORPUS
from unspun.pipeline import index_paths
from unspun.report.terminal import PALETTE

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Bridge <script>window.__pwned=2</script>'
HOSTILE_TEXT = (
    "The central span of the Kessel Street bridge gave way shortly before 8 in the morning, "
    "during the rush hour. <script>window.__pwned = 3; alert('x')</script>\n\n"
    '<img src="nope" onerror="window.__pwned = 4"> Officials said '
    '<a href="javascript:window.__pwned=5">the road</a> would reopen. '
    '<svg onload="window.__pwned=6"></svg> "</script><script>window.__pwned=7</script>" '
    'Ms Varga said. <iframe src="javascript:parent.__pwned=8"></iframe>'
)

#: The text of an element without its screen-reader-only parts.
VISIBLE_TEXT = "e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')"


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "chromium is missing, and CI=true forbids skipping: apt-get install chromium"
            )
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`unspun serve` on a free loopback port over the demo index; its base URL."""
    db = tmp_path_factory.mktemp("serve") / "demo.db"
    index_paths([CORPUS], db, workers=1)
    with served(db) as base:
        yield base


@pytest.fixture
def page(chromium: str) -> Iterator[Page]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def _shots() -> Path | None:
    folder = os.environ.get("UNSPUN_SCREENSHOTS")
    return Path(folder) if folder else None


def _analyse(p: Page, base: str, title: str, text: str, action: str) -> None:
    p.goto(base)
    p.fill("#title", title)
    p.fill("#text", text)
    p.click(f"button[value={action}]")
    p.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))


def test_trace_report(page: Page, server: str, stitched: tuple[str, str], tmp_path: Path) -> None:
    title, body = stitched
    page.goto(server)
    page.fill("#title", title)
    page.fill("#text", body)
    page.fill("#published", "2031-04-13")
    (shots := _shots() or tmp_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "analyse.png"), full_page=True)
    page.click("button[value=trace]")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))

    # Every source's sentences carry its palette colour.
    for number, colour in enumerate(PALETTE, start=1):
        sent = page.locator(f".sent[data-source='{number}']").first
        underline = sent.evaluate("e => getComputedStyle(e).borderBottomColor")
        assert underline == _rgb(colour), f"source {number}"
    assert page.locator(".sent.original").count() == 1

    # Clicking an edited sentence shows its source with the substitution marked.
    detail = page.locator("#d1")
    assert not detail.is_visible()
    page.click("#s1")
    assert detail.is_visible()
    assert page.locator("#s1").get_attribute("aria-expanded") == "true"
    assert detail.locator("del").evaluate(VISIBLE_TEXT) == "said"
    assert detail.locator("ins").evaluate(VISIBLE_TEXT) == "stated"
    assert "From Harbor Wire, 2031-04-04" in detail.inner_text()
    page.screenshot(path=str(shots / "report.png"), full_page=True)

    # Keyboard: Tab to a sentence and press Enter.
    page.focus("#s3")
    page.keyboard.press("Enter")
    assert page.locator("#d3").is_visible() and not detail.is_visible()

    # The timeline: one coloured mark per source, and the article's own line.
    marks = page.locator("svg.timeline g.mark")
    assert marks.count() == len(PALETTE)
    fills = {m.locator("circle").evaluate("e => getComputedStyle(e).fill") for m in marks.all()}
    assert fills == {_rgb(c) for c in PALETTE}
    assert page.locator("svg.timeline .copy-label").text_content() == "this article"


def test_standalone_report_file_works_offline(
    page: Page, server: str, stitched: tuple[str, str], tmp_path: Path
) -> None:
    _analyse(page, server, *stitched, action="trace")
    saved = tmp_path / "report.html"
    saved.write_bytes(httpx.get(page.url + ".html").content)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(saved.as_uri())
    page.click("#s1")  # the inlined script runs under the file's own hash-based policy
    assert page.locator("#d1").is_visible()
    underline = page.locator("#s1").evaluate("e => getComputedStyle(e).borderBottomColor")
    assert underline == _rgb(PALETTE[1])
    assert errors == []


def test_check_report_marks_evidence(
    page: Page, server: str, stitched: tuple[str, str], tmp_path: Path
) -> None:
    _analyse(page, server, *stitched, action="check")
    opener = page.locator("mark.ev[data-signals='1']").first
    assert opener.evaluate(VISIBLE_TEXT) == "He said"
    page.click("button.sig[data-signal='1']")
    assert "focus" in (opener.get_attribute("class") or "")
    assert "likely stitched" in page.locator(".verdict").inner_text().lower()
    (shots := _shots() or tmp_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "check.png"), full_page=True)


@pytest.mark.parametrize("action", ["trace", "check"])
def test_hostile_article_runs_nothing(page: Page, server: str, action: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _analyse(page, server, HOSTILE_TITLE, HOSTILE_TEXT, action=action)
    page.wait_for_load_state("load")
    for link in page.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    body = page.locator("#article-body")
    assert body.locator("script, img, iframe, svg, a").count() == 0
    shown = body.inner_text()
    assert "<script>window.__pwned = 3; alert('x')</script>" in shown
    assert '<img src="nope" onerror="window.__pwned = 4">' in shown
    assert "<script>window.__pwned=2</script>" in page.locator("h1").inner_text()


def test_report_fits_a_phone_screen(page: Page, server: str, stitched: tuple[str, str]) -> None:
    title, body = stitched
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(server)
    page.fill("#title", title)
    page.fill("#text", body)
    page.click("button[value=trace]")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
    # Nothing wider than the screen: no sideways scrolling to read the report.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.click("#s1")
    assert page.locator("#d1").is_visible()
