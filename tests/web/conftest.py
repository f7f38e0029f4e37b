"""Fixtures of the web tests: a small index of the demo corpus, clients over it, and
``unspun serve`` run as a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
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


@contextmanager
def served(db: Path, *options: str) -> Iterator[str]:
    """``unspun serve --db DB --port 0 OPTIONS`` on loopback, answering; its base URL."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "unspun", "serve", "--db", str(db), "--port", "0"]
    proc = subprocess.Popen([*command, *options], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, f"unexpected first line from unspun serve: {line!r}"
        base = match.group(0)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "unspun serve did not answer in 30 s"
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
