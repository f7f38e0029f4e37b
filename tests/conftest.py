"""Shared fixtures: small fictional articles written for these tests, and the data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fiction import FICTION

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def fiction_jsonl(tmp_path: Path) -> Path:
    """A .jsonl file of three short fictional articles (two outlets, one copy)."""
    path = tmp_path / "fiction.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in FICTION) + "\n", encoding="utf-8")
    return path


def shared_data(name: str) -> Path:
    """Path to a corpus in ../shared/data; skip (never in CI) when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing, and CI=true forbids skipping data tests")
        pytest.skip(f"{path} not present (real-news corpora live in ../shared/data)")
    return path
