"""The bundled demo: a fictional corpus and a stitched, spun article made from it."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus.jsonl"
STITCHED = DATA / "stitched.txt"
TRUTH = DATA / "stitched.truth.json"

__all__ = ["CORPUS", "DATA", "STITCHED", "TRUTH"]
