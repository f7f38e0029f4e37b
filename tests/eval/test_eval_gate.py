"""Quality gate: a small fixed slice of the benchmark must stay above pinned floors.

The slice is deterministic (seeded generator over the real corpora), so the figures
only move when the engine or the generator changes. Floors live in ``floors.json``;
raise them when the engine improves, never lower them to make a change pass.
Speed is not asserted here (benchmarks measure it, see docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.metrics import attribution
from bench.run import origins
from tests.conftest import require
from unspun.align.trace import Tracer
from unspun.config import IndexParams
from unspun.index.store import IndexReader, IndexWriter
from unspun.pipeline import prepare
from unspun.records import Article

FLOORS = json.loads((Path(__file__).with_name("floors.json")).read_text(encoding="utf-8"))
LEVELS = sorted(FLOORS["levels"])


@pytest.fixture(scope="module")
def slice_(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, list[object]], Path]]:
    from bench.corpora import data_dir, load_all
    from bench.generate import build_benchmark
    from bench.spin import DEFAULT_THESAURUS, Thesaurus

    require(f"the news corpora in {data_dir()}", data_dir().exists())
    require(
        f"the thesaurus {DEFAULT_THESAURUS} (Debian package mythes-en-us)",
        Path(DEFAULT_THESAURUS).exists(),
    )
    articles = load_all()
    thesaurus = Thesaurus.load()
    queries: dict[str, list[object]] = {}
    indexed: list[Article] = []
    for level in LEVELS:
        bench = build_benchmark(
            articles,
            n_queries=FLOORS["queries"],
            level=level,
            seed=FLOORS["seed"],
            thesaurus=thesaurus,
        )
        queries[level] = list(bench.queries)
        indexed = bench.indexed
    db = tmp_path_factory.mktemp("gate") / "db"
    params = IndexParams()
    with IndexWriter(db, params) as writer:
        for art in indexed:
            writer.add(prepare(art, params))
    yield queries, db


@pytest.mark.data
@pytest.mark.parametrize("level", LEVELS, ids=LEVELS)
def test_attribution_stays_above_the_floor(
    level: str, slice_: tuple[dict[str, list[object]], Path]
) -> None:
    from bench.generate import GeneratedArticle

    queries, db = slice_
    pairs: list[tuple[str | None, frozenset[str]]] = []
    with IndexReader(db) as reader:
        tracer = Tracer(reader)
        for q in queries[level]:
            assert isinstance(q, GeneratedArticle)
            report = tracer.trace(Article(id=q.id, title=q.title, text=q.text))
            origin = origins(report)
            pairs.extend((origin.get(t.start), t.sources) for t in q.sentences)
    result = attribution(pairs)
    floor = FLOORS["levels"][level]
    summary = (
        f"{level}: P {result.precision:.3f} R {result.recall:.3f} F1 {result.f1:.3f} "
        f"originals attributed {result.false_attribution:.3%} of {result.originals}"
    )
    print(summary)
    assert result.f1 >= floor["f1"], summary
    assert result.false_attribution <= floor["max_false_attribution"], summary
