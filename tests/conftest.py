"""Shared fixtures: small fictional articles written for these tests, and the data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.fiction import FICTION

if TYPE_CHECKING:
    from unspun.align.semantic import SentenceEmbedder

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def fiction_jsonl(tmp_path: Path) -> Path:
    """A .jsonl file of three short fictional articles (two outlets, one copy)."""
    path = tmp_path / "fiction.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in FICTION) + "\n", encoding="utf-8")
    return path


def require(what: str, present: bool) -> None:
    """Skip (never in CI) when ``what`` is not ``present``."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, and CI=true forbids skipping the quality gate")
    pytest.skip(f"{what} is not available here")


def shared_data(name: str) -> Path:
    """Path to a corpus in ../shared/data; skip (never in CI) when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing, and CI=true forbids skipping data tests")
        pytest.skip(f"{path} not present (real-news corpora live in ../shared/data)")
    return path


def require_embeddings() -> None:
    """Skip (never in CI) when the ``embed`` extra is not installed."""
    from unspun.align.semantic import embeddings_available

    if not embeddings_available():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "the embed extra is missing, and CI=true forbids skipping: make install-embed"
            )
        pytest.skip("the embed extra is not installed (make install-embed)")


@pytest.fixture(scope="session")
def embedder() -> SentenceEmbedder:
    """The real all-MiniLM-L6-v2 embedder, loaded once for the whole test run."""
    from unspun.align.semantic import SentenceEmbedder

    require_embeddings()
    return SentenceEmbedder.load()
