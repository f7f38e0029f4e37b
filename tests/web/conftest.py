"""Fixtures of the web tests: a small index of the demo corpus, and clients over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unspun.demo import CORPUS, STITCHED
from unspun.pipeline import index_paths
from unspun.web.app import create_app
from unspun.web.settings import WebSettings


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled fictional demo corpus (built once per run)."""
    db = tmp_path_factory.mktemp("web") / "demo.db"
    index_paths([CORPUS], db, workers=1)
    return db


@pytest.fixture(scope="session")
def stitched() -> tuple[str, str]:
    """The demo's stitched article: (title, body)."""
    title, body = STITCHED.read_text(encoding="utf-8").split("\n", 1)
    return title.strip(), body.strip()


@pytest.fixture
def client(demo_db: Path) -> Iterator[TestClient]:
    """A client of the app over the demo index."""
    with TestClient(create_app(WebSettings(db=demo_db))) as test_client:
        yield test_client


@pytest.fixture
def bare_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client of the app started where there is no index yet."""
    with TestClient(create_app(WebSettings(db=tmp_path / "none.db"))) as test_client:
        yield test_client
