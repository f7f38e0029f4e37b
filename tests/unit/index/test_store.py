"""The on-disk store: round trips, stamps, locks, merges, orphans, live readers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from unspun.config import IndexParams
from unspun.errors import IndexLockedError, ParamsMismatchError, StoreError
from unspun.index.fingerprint import index_keys, postings, sketches
from unspun.index.store import (
    DICT_MIN_ARTICLES,
    IndexReader,
    IndexWriter,
    PreparedArticle,
    iter_all_articles,
)
from unspun.records import Article


def _prepared(n: int, params: IndexParams) -> PreparedArticle:
    title = ["story", "number", str(n)]
    body = [
        ["the", "ferry", "service", "number", str(n), "resumed", "on", "tuesday"],
        ["officials", "counted", str(n * 7), "passengers", "at", "the", "quay"],
    ]
    text = " ".join(body[0]) + ". " + " ".join(body[1]) + "."
    first_end = len(" ".join(body[0])) + 1
    art = Article(
        id=f"a{n}",
        title=" ".join(title),
        text=text,
        outlet="Harbor Wire",
        published=f"2031-03-{1 + n % 28:02d}",
    )
    return PreparedArticle(
        art,
        ((0, first_end), (first_end + 1, len(text))),
        postings([title, *body], 0, params),
        sketches([title, *body]),
    )


def _find(reader: IndexReader, words: list[str]) -> list[tuple[int, int]]:
    """Sentences holding every key the given sentence was indexed with."""
    keys = index_keys(words, IndexParams()).tolist()
    hits = reader.lookup(np.array(keys, dtype=np.uint64), max_postings=1000)
    common = set.intersection(*(set(hits.get(k, np.empty(0, np.uint64)).tolist()) for k in keys))
    return sorted(reader.articles_for_sids(sorted(common)).values())


def _write(
    db: Path,
    params: IndexParams,
    numbers: range,
    *,
    flush_each: bool = False,
    max_segments: int = 8,
) -> None:
    """Add articles ``numbers`` in one writer; with ``flush_each``, one flush (segment
    and block) per article."""
    with IndexWriter(db, params, max_segments=max_segments) as writer:
        for n in numbers:
            assert writer.add(_prepared(n, params))
            if flush_each:
                writer.flush()


@pytest.fixture
def params() -> IndexParams:
    return IndexParams()


def test_round_trip(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    _write(db, params, range(5))
    with IndexReader(db) as reader:
        assert reader.params == params
        found = _find(reader, ["officials", "counted", "21", "passengers", "at", "the", "quay"])
        assert len(found) == 1
        rowid, local = found[0]
        art = reader.article(rowid)
        assert art is not None
        assert art.id == "a3"
        assert art.sentence(local) == "officials counted 21 passengers at the quay."
        assert art.sentence(0) == "story number 3"
        stats = reader.stats()
        assert (stats.articles, stats.sentences, stats.outlets) == (5, 10, 1)


def test_duplicate_ids_are_stored_once(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    with IndexWriter(db, params) as writer:
        assert writer.add(_prepared(1, params))
        assert not writer.add(_prepared(1, params))
    with IndexWriter(db, params) as writer:
        assert not writer.add(_prepared(1, params))
    with IndexReader(db) as reader:
        assert reader.stats().articles == 1


def test_other_params_are_refused(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    with IndexWriter(db, params) as writer:
        writer.add(_prepared(1, params))
    with pytest.raises(ParamsMismatchError, match=r"keys_per_sentence=10 \(asked 3\)"):
        IndexWriter(db, IndexParams(keys_per_sentence=3))


def test_second_writer_is_refused(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    with IndexWriter(db, params), pytest.raises(IndexLockedError, match="another 'unspun index'"):
        IndexWriter(db, params)


def test_reader_sees_articles_added_after_it_opened(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    writer = IndexWriter(db, params)
    writer.add(_prepared(1, params))
    writer.flush()
    with IndexReader(db) as reader:
        assert reader.stats().articles == 1
        writer.add(_prepared(2, params))
        writer.flush()
        assert len(_find(reader, ["story", "number", "2"])) == 1
    writer.close()


def test_merges_keep_every_posting(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    _write(db, params, range(20), flush_each=True, max_segments=3)
    with IndexReader(db) as reader:
        assert reader.stats().segments <= 3
        for n in range(20):
            assert len(_find(reader, ["story", "number", str(n)])) == 1


def test_orphan_segment_is_removed(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    with IndexWriter(db, params) as writer:
        writer.add(_prepared(1, params))
    orphan = db / "seg-deadbeef.npy"
    np.save(orphan, np.arange(4, dtype=np.uint64))
    with IndexWriter(db, params):
        pass
    assert not orphan.exists()


def test_not_an_index(tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="not an unspun index"):
        IndexReader(tmp_path / "stuff")
    with pytest.raises(StoreError, match="no index here yet"):
        IndexReader(tmp_path / "empty")
    (tmp_path / "file.db").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        IndexWriter(tmp_path / "file.db", IndexParams())


def test_lookup_gathers_runs_across_segments_and_skips_absent_and_common_keys(
    tmp_path: Path, params: IndexParams
) -> None:
    db = tmp_path / "db"
    # One segment per article: runs span segments.
    _write(db, params, range(6), flush_each=True, max_segments=100)
    title_key = int(index_keys(["story", "number", "3"], params)[0])
    with IndexReader(db) as reader:
        assert reader.lookup(np.array([12345, 67890], dtype=np.uint64), max_postings=10) == {}
        assert reader.lookup(np.empty(0, dtype=np.uint64), max_postings=10) == {}
        hits = reader.lookup(np.array([title_key, 99], dtype=np.uint64), max_postings=100)
        assert 99 not in hits
        assert len(hits[title_key]) == 1
        assert reader.lookup(np.array([title_key], dtype=np.uint64), max_postings=0) == {}
        # The same key read through every segment equals the union of per-article runs.
        all_keys = np.unique(
            np.concatenate([_prepared(n, params).postings >> np.uint64(32) for n in range(6)])
        )
        hits = reader.lookup(all_keys, max_postings=1000)
        total = sum(len(v) for v in hits.values())
        assert total == sum(len(_prepared(n, params).postings) for n in range(6))


def test_search_by_title_and_outlet_treats_wildcards_as_text(
    tmp_path: Path, params: IndexParams
) -> None:
    db = tmp_path / "db"
    _write(db, params, range(12))
    with IndexReader(db) as reader:
        found = reader.search("title", "NUMBER 1", limit=10)
        assert [a.id for a in found] == ["a1", "a10", "a11"]  # earliest published first
        assert len(reader.search("outlet", "harbor", limit=5)) == 5
        assert reader.search("title", "%", limit=10) == []
        assert reader.search("title", "story_number", limit=10) == []
        with pytest.raises(ValueError, match="cannot search articles by 'text'"):
            reader.search("text", "x", limit=1)  # type: ignore[arg-type]


def test_blocks_map_sentences_and_keep_sketches_through_merges(
    tmp_path: Path, params: IndexParams
) -> None:
    db = tmp_path / "db"
    # One block per article, merged as they pile up.
    _write(db, params, range(20), flush_each=True, max_segments=3)
    with IndexReader(db) as reader:
        assert len(list(db.glob("sen-*.npy"))) <= 3
        arts = sorted(reader.articles(range(1, 21)).values(), key=lambda a: a.sid0)
        assert [a.id for a in arts] == [f"a{n}" for n in range(20)]
        for n, art in enumerate(arts):
            sids = [art.sid0 + local for local in range(3)]
            assert reader.articles_for_sids(sids) == {
                sid: (art.rowid, sid - art.sid0) for sid in sids
            }
            assert np.array_equal(reader.sketches(sids), _prepared(n, params).sketches)
        beyond = arts[-1].sid0 + 3
        assert reader.articles_for_sids([beyond]) == {}


def test_orphan_block_and_temporary_files_are_removed(tmp_path: Path, params: IndexParams) -> None:
    db = tmp_path / "db"
    with IndexWriter(db, params) as writer:
        writer.add(_prepared(1, params))
    orphans = [db / "sen-deadbeef.npy", db / ".tmp-seg-cafe.npy"]
    for orphan in orphans:
        np.save(orphan, np.arange(4, dtype=np.uint8))
    with IndexWriter(db, params):
        pass
    assert not any(o.exists() for o in orphans)
    with IndexReader(db) as reader:
        assert reader.stats().articles == 1


def test_a_large_flush_trains_a_dictionary_and_earlier_bodies_still_read(
    tmp_path: Path, params: IndexParams
) -> None:
    db = tmp_path / "db"
    _write(db, params, range(3))
    early = IndexReader(db)  # opened before any dictionary exists
    _write(db, params, range(3, 3 + DICT_MIN_ARTICLES))
    with IndexReader(db) as reader:
        assert reader._conn.execute("SELECT COUNT(*) FROM dictionaries").fetchone()[0] == 1
        texts = {a.id: a.text for a in iter_all_articles(reader)}
    assert len(texts) == 3 + DICT_MIN_ARTICLES
    for n in (0, 2, 3, 3 + DICT_MIN_ARTICLES - 1):
        assert texts[f"a{n}"] == _prepared(n, params).article.text
    late = early.article_by_id(f"a{DICT_MIN_ARTICLES}")
    assert late is not None and late.text == _prepared(DICT_MIN_ARTICLES, params).article.text
    early.close()


def test_sketches_of_another_shape_are_refused(params: IndexParams) -> None:
    prep = _prepared(1, params)
    with pytest.raises(ValueError, match=r"need sketches of shape \(3, 17\)"):
        PreparedArticle(prep.article, prep.spans, prep.postings, prep.sketches[:2])
