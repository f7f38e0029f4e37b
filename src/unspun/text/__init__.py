"""Text handling: normalisation with an offset map, sentences, paragraphs, word tokens."""

from __future__ import annotations

from unspun.text.dateline import dateline_end
from unspun.text.normalize import Normalized, normalize, to_raw
from unspun.text.sentences import (
    MAX_SENTENCE_CHARS,
    Segmentation,
    segment,
    sentence_bound,
    split_paragraphs,
    split_sentences,
)
from unspun.text.tokens import STOPWORDS, Token, is_stopword, tokenize, words

__all__ = [
    "MAX_SENTENCE_CHARS",
    "STOPWORDS",
    "Normalized",
    "Segmentation",
    "Token",
    "dateline_end",
    "is_stopword",
    "normalize",
    "segment",
    "sentence_bound",
    "split_paragraphs",
    "split_sentences",
    "to_raw",
    "tokenize",
    "words",
]
