"""Examples shown in the OpenAPI schema (a short fictional story, as the demo's)."""

from __future__ import annotations

from typing import Any

_URL = "https://harborwire.example/news/2031/04/04/calloway-port-talks-collapse"
_SENTENCE = (
    "He said the talks had collapsed after the authority refused to put an improved offer "
    "in writing."
)

ARTICLE: dict[str, Any] = {
    "title": "Port strike talks collapse",
    "text": f"{_SENTENCE} Residents have been watching the dispute closely.",
    "outlet": "Example Daily",
    "published": "2031-04-05",
}

TRACE: dict[str, Any] = {
    "title": "Port strike talks collapse",
    "headline_source": None,
    "sentences": [
        {
            "index": 0,
            "start": 0,
            "end": 96,
            "text": _SENTENCE,
            "verdict": "copied",
            "sources": [
                {
                    "id": "harbor-wire-2031-04-04-001",
                    "url": _URL,
                    "outlet": "Harbor Wire",
                    "published": "2031-04-04",
                    "sentence": _SENTENCE,
                    "sentence_index": 2,
                    "similarity": 1.0,
                    "edits": [],
                }
            ],
            "altered_quotes": [],
        },
        {
            "index": 1,
            "start": 97,
            "end": 146,
            "text": "Residents have been watching the dispute closely.",
            "verdict": "original",
            "sources": [],
            "altered_quotes": [],
        },
    ],
    "sources": [
        {
            "id": "harbor-wire-2031-04-04-001",
            "url": _URL,
            "outlet": "Harbor Wire",
            "published": "2031-04-04",
            "title": "Calloway port talks collapse as strike enters third day",
            "sentences": [0],
            "coverage": 0.5,
        }
    ],
    "summary": {
        "stitched": False,
        "source_count": 1,
        "copied_fraction": 0.5,
        "edited_sentences": 0,
        "substitutions": [],
    },
}

CHECK: dict[str, Any] = {
    "title": "Port strike talks collapse",
    "verdict": {
        "label": "likely stitched",
        "probabilities": {"stitched": 0.8317, "spun": 0.3956, "headline_mismatch": 0.5562},
        "explanation": [
            {"signal": "prior", "contribution": -1.1173},
            {"signal": "dangling_opener", "contribution": 0.95238},
        ],
    },
    "signals": [
        {
            "name": "dangling_opener",
            "score": 0.9,
            "evidence": [
                {
                    "sentence": 0,
                    "start": 0,
                    "end": 7,
                    "text": "He said",
                    "note": "the article opens with 'He said', naming no one first",
                }
            ],
            "explanation": "1 pronoun openers without an antecedent found",
        }
    ],
    "stance": {
        "label": "unrelated",
        "probabilities": {
            "agree": 0.0843,
            "disagree": 0.0152,
            "discuss": 0.3595,
            "unrelated": 0.5411,
        },
        "model": "trees",
    },
    "quotes": [],
}
