"""Candidate retrieval, sentence alignment and word-level diffs."""

from __future__ import annotations

from unspun.align.diff import WordOp, apply_ops, diff_words, edits_of, sequence_similarity
from unspun.align.trace import Tracer

__all__ = ["Tracer", "WordOp", "apply_ops", "diff_words", "edits_of", "sequence_similarity"]
