"""The `unspun trace --json` and `unspun check --json` shapes (see PRODUCT.md): pure mappings
from records."""

from __future__ import annotations

from typing import Any

from unspun.records import CheckReport, SourceMatch, TraceReport


def _source(match: SourceMatch) -> dict[str, Any]:
    return {
        "id": match.article_id,
        "url": match.url,
        "outlet": match.outlet,
        "published": match.published,
        "sentence": match.sentence,
        "sentence_index": match.sentence_index,
        "similarity": match.similarity,
        "edits": [{"from": e.from_, "to": e.to} for e in match.edits],
    }


def trace_to_dict(report: TraceReport) -> dict[str, Any]:
    """The JSON object printed by ``unspun trace --json``."""
    head = report.headline_source
    return {
        "title": report.title,
        "headline_source": None
        if head is None
        else {
            "id": head.article_id,
            "similarity": head.similarity,
            "title": head.title,
            "outlet": head.outlet,
            "published": head.published,
        },
        "sentences": [
            {
                "index": s.index,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "verdict": s.verdict,
                "sources": [_source(m) for m in s.sources],
                "altered_quotes": [
                    {
                        "text": q.text,
                        "source_text": q.source_text,
                        "start": q.start,
                        "end": q.end,
                        "edits": [{"from": e.from_, "to": e.to} for e in q.changes],
                    }
                    for q in s.altered_quotes
                ],
            }
            for s in report.sentences
        ],
        "sources": [
            {
                "id": s.article_id,
                "url": s.url,
                "outlet": s.outlet,
                "published": s.published,
                "title": s.title,
                "sentences": list(s.sentences),
                "coverage": s.coverage,
            }
            for s in report.sources
        ],
        "summary": {
            "stitched": report.summary.stitched,
            "source_count": report.summary.source_count,
            "copied_fraction": report.summary.copied_fraction,
            "edited_sentences": report.summary.edited_sentences,
            "substitutions": [
                {"from": s.from_, "to": s.to, "count": s.count}
                for s in report.summary.substitutions
            ],
        },
        **({"notes": list(report.notes)} if report.notes else {}),
    }


def check_to_dict(report: CheckReport) -> dict[str, Any]:
    """The JSON object printed by ``unspun check --json``."""
    verdict = report.verdict
    return {
        "title": report.title,
        "verdict": {
            "label": verdict.label,
            "probabilities": verdict.probabilities,
            "explanation": [
                {"signal": c.signal, "contribution": c.contribution} for c in verdict.explanation
            ],
        },
        "signals": [
            {
                "name": s.name,
                "score": round(s.score, 4),
                "evidence": [
                    {
                        "sentence": e.sentence,
                        "start": e.start,
                        "end": e.end,
                        "text": e.text,
                        **({"note": e.note} if e.note else {}),
                    }
                    for e in s.evidence
                ],
                "explanation": s.explanation,
                **(
                    {"ordinary_up_to": report.ordinary[s.name]} if s.name in report.ordinary else {}
                ),
            }
            for s in report.signals
        ],
        "stance": None
        if report.stance is None
        else {
            "label": report.stance.label,
            "probabilities": {k: round(v, 4) for k, v in report.stance.probabilities.items()},
            "model": report.stance.model,
        },
        **({"stance_note": report.stance_note} if report.stance_note else {}),
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "verb": q.verb,
                "start": q.start,
                "end": q.end,
                "speaker_introduced": q.speaker_introduced,
            }
            for q in report.quotes
        ],
    }
