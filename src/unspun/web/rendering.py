"""Jinja2 templates (autoescaped everywhere) and the static assets, read once at start-up.

The stylesheet is the static ``app.css`` followed by one rule per colour of the
terminal report's Okabe-Ito :data:`~unspun.report.terminal.PALETTE`, so the page and
the terminal colour sources alike. Assets are served from memory: no path taken from a
request reaches the file system.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import HTMLResponse

from unspun.report.terminal import PALETTE


def _on_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour`` (WCAG relative luminance)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000" if luminance > 0.179 else "#fff"


def palette_css() -> str:
    """One custom-property rule per palette colour: ``.cN { --c: ...; --on: ... }``."""
    return "\n".join(
        f".c{i} {{ --c: {colour}; --on: {_on_colour(colour)}; }}"
        for i, colour in enumerate(PALETTE)
    )


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@dataclass(frozen=True, slots=True)
class Assets:
    """The stylesheet and script, as served and as inlined in a standalone report."""

    css: str
    js: str

    @classmethod
    def load(cls) -> Assets:
        """Read the package's static files and append the palette rules to the CSS."""
        static = resources.files("unspun.web") / "static"
        css = (static / "app.css").read_text(encoding="utf-8") + "\n" + palette_css() + "\n"
        return cls(css=css, js=(static / "app.js").read_text(encoding="utf-8"))

    @property
    def standalone_csp(self) -> str:
        """A policy that lets a standalone report run its own inlined style and script only."""
        return (
            f"default-src 'none'; style-src {_csp_hash(self.css)}; "
            f"script-src {_csp_hash(self.js)}; img-src data:; base-uri 'none'; form-action 'none'"
        )


class Renderer:
    """Renders the package's templates to HTML responses."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self.env = Environment(
            loader=PackageLoader("unspun.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def html(self, name: str, *, standalone: bool = False, **context: Any) -> str:
        """The template ``name`` rendered; ``standalone`` inlines the CSS and the script."""
        inline = {
            "css": Markup(self.assets.css),  # the package's own files, not request data
            "js": Markup(self.assets.js),
            "csp": self.assets.standalone_csp,
        }
        return self.env.get_template(name).render(
            standalone=standalone, inline=inline if standalone else None, **context
        )

    def page(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """The template ``name`` as a response with ``status_code``."""
        return HTMLResponse(self.html(name, **context), status_code=status_code)
