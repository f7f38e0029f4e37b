"""Schemathesis against the app's own OpenAPI schema: every answer conforms to it.

Bounded and reproducible: 25 requests per operation from a fixed seed, no shrinking.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, settings

from unspun.demo import CORPUS
from unspun.pipeline import index_paths
from unspun.web.app import create_app
from unspun.web.settings import WebSettings

BOUNDED = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every run: CI stays reproducible
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _app() -> object:
    folder = Path(tempfile.mkdtemp(prefix="unspun-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    index_paths([CORPUS], folder / "demo.db", workers=1)
    return create_app(WebSettings(db=folder / "demo.db", max_body_bytes=64 * 1024))


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@BOUNDED
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
