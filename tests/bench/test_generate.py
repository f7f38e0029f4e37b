"""The benchmark generator (bench.generate, bench.spin, bench.corpora) on real news.

These tests read ../shared/data and the MyThes thesaurus of the Debian package
mythes-en-us. Either missing skips them with the reason, except under CI=true where
that is a failure. A 3,000-article Reuters slice keeps them fast.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.corpora import DataMissingError, load_all, load_corpus, require_data
from bench.generate import (
    Benchmark,
    GeneratedArticle,
    build_benchmark,
    load_queries,
    write_benchmark,
)
from bench.spin import (
    DEFAULT_THESAURUS,
    THESAURUS_PACKAGE,
    Thesaurus,
    ThesaurusMissingError,
    change_ratio,
    spin_sentence,
)
from unspun.records import Article
from unspun.text import split_sentences, words

pytestmark = pytest.mark.data

REPO = Path(__file__).resolve().parents[2]
N_ARTICLES = 3000
N_QUERIES = 40
SPUN = ("light", "heavy", "paraphrase")
LEVELS = ("verbatim", *SPUN)

Build = Callable[..., Benchmark]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true forbids skipping")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    if not DEFAULT_THESAURUS.is_file():
        _unavailable(
            f"{DEFAULT_THESAURUS} not present (install the Debian package {THESAURUS_PACKAGE})"
        )
    return Thesaurus.load()


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    try:
        require_data(names=("reuters",))
    except DataMissingError as exc:
        _unavailable(str(exc))
    return load_corpus("reuters", limit=N_ARTICLES)


@pytest.fixture(scope="module")
def build(articles: list[Article], thesaurus: Thesaurus) -> Build:
    """Benchmarks by (level, seed), each built once per module."""
    cache: dict[tuple[str, int], Benchmark] = {}

    def get(level: str, seed: int = 1) -> Benchmark:
        if (level, seed) not in cache:
            cache[level, seed] = build_benchmark(
                articles, n_queries=N_QUERIES, level=level, seed=seed, thesaurus=thesaurus
            )
        return cache[level, seed]

    return get


def _joined(text: str) -> str:
    return "\x00" + "\x00".join(words(text)) + "\x00"


@pytest.fixture(scope="module")
def joined(articles: list[Article]) -> dict[str, str]:
    """Each article's normalised words, NUL-joined (id -> text), for run containment."""
    return {a.id: _joined(a.text) for a in articles}


def _holders(bench: Benchmark, joined: dict[str, str], sentence: str) -> set[str]:
    """Reference: indexed articles whose words hold the sentence's words as a run."""
    needle = _joined(sentence)
    return {a.id for a in bench.indexed if needle in joined[a.id]}


# --------------------------------------------------------------------------- thesaurus


def test_thesaurus_gives_synonyms_for_common_words(thesaurus: Thesaurus) -> None:
    assert len(thesaurus) > 100_000
    for word in ("happy", "big", "increase", "buy", "company", "quickly"):
        syns = thesaurus.synonyms(word)
        assert syns, word
        assert all(s.isalpha() and s.lower() != word for s in syns), syns
    assert "glad" in thesaurus.synonyms("happy")
    assert "unhappy" not in thesaurus.synonyms("happy")  # an antonym
    assert thesaurus.synonyms("Happy") == thesaurus.synonyms("happy")
    assert set(thesaurus.synonyms("happy", strict=True)) <= set(thesaurus.synonyms("happy"))
    assert thesaurus.synonyms("buy", pos="verb")
    assert thesaurus.synonyms("zzzqqq") == []


def test_thesaurus_reads_a_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "th.dat"
    text = (
        "ISO8859-1\n"
        "café|2\n"
        "(noun)|bistro|coffee shop|restaurant (generic term)|Café\n"
        "(noun)|coffeehouse|tearoom (related term)|teahouse (antonym)\n"
        "fast|1\n"
        "(adj)|quick|rapid (similar term)|well-known|slow (antonym)\n"
    )
    path.write_bytes(text.encode("latin-1"))
    th = Thesaurus.load(path)
    assert th.synonyms("CAFÉ") == ["bistro", "restaurant", "coffeehouse", "tearoom"]
    assert th.synonyms("café", strict=True) == ["bistro", "coffeehouse"]
    assert th.synonyms("fast") == ["quick", "rapid"]
    assert th.synonyms("fast", pos="noun") == []


def test_missing_thesaurus_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(ThesaurusMissingError, match=THESAURUS_PACKAGE):
        Thesaurus.load(tmp_path / "absent.dat")


# --------------------------------------------------------------------------- spinner

SENTENCES = (
    "The company reported a net loss of 5 mln dlrs in the fourth quarter, compared "
    "with a profit a year earlier.",
    "However, the U.S. Treasury expects some 1,200 jobs to be cut because demand for "
    "oil has fallen 5 percent, analysts said.",
    "Comissaria Smith said spot bean prices rose to 340 to 350 cruzados per arroba.",
)


def test_spin_levels_on_sentences(thesaurus: Thesaurus) -> None:
    for sentence in SENTENCES:
        same = spin_sentence(sentence, "verbatim", random.Random(0), thesaurus)
        assert (same.text, same.changes, same.ratio) == (sentence, [], 0.0)
        for level, ceiling in (("light", 0.15), ("heavy", 0.42), ("paraphrase", 0.55)):
            first = spin_sentence(sentence, level, random.Random(5), thesaurus)
            again = spin_sentence(sentence, level, random.Random(5), thesaurus)
            assert first == again
            assert first.text != sentence
            assert first.ratio == round(change_ratio(sentence, first.text), 4)
            assert 0 < first.ratio <= ceiling
            assert len(split_sentences(first.text)) == 1


def test_spin_rejects_unknown_level(thesaurus: Thesaurus) -> None:
    with pytest.raises(ValueError, match="unknown spin level"):
        spin_sentence("Prices rose.", "extreme", random.Random(0), thesaurus)


def test_change_ratio_ignores_order_and_normalised_formats() -> None:
    assert change_ratio("Prices rose 1,200 dlrs, it said.", "It said prices rose 1200 dlrs.") == 0
    assert change_ratio("Up 5 percent.", "Up 5%.") == 0
    assert change_ratio("a b c d", "a b c e") == 0.25


# --------------------------------------------------------------------------- benchmark


def test_same_seed_same_benchmark_other_seed_differs(
    build: Build, articles: list[Article], thesaurus: Thesaurus
) -> None:
    again = build_benchmark(
        articles, n_queries=N_QUERIES, level="heavy", seed=1, thesaurus=thesaurus
    )
    assert again == build("heavy", 1)
    other = build("heavy", 2)
    assert other.queries != again.queries
    assert {a.id for a in other.held_out} != {a.id for a in again.held_out}


def test_split_is_level_independent_and_held_out_is_never_indexed(build: Build) -> None:
    base = build("verbatim")
    indexed = {a.id for a in base.indexed}
    assert not indexed & {a.id for a in base.held_out}
    assert len(base.held_out) == round(N_ARTICLES * 0.1)
    for level in SPUN:
        assert build(level).indexed == base.indexed


@pytest.mark.parametrize("level", LEVELS)
def test_spans_slice_text_and_resegmentation_keeps_sentences(build: Build, level: str) -> None:
    bench = build(level)
    assert len(bench.queries) == N_QUERIES
    for q in bench.queries:
        assert q.level == level
        spans = [(s.start, s.end) for s in split_sentences(q.text)]
        assert spans == [(t.start, t.end) for t in q.sentences]
        for t in q.sentences:
            assert q.text[t.start : t.end] == t.text
            assert t.spin == level
            assert len(words(t.original_text)) >= 6
        assert "\n" not in q.title


@pytest.mark.parametrize("level", LEVELS)
def test_truth_sources_are_complete_and_originals_unheld(
    build: Build, joined: dict[str, str], level: str
) -> None:
    bench = build(level)
    held_out = {a.id for a in bench.held_out}
    indexed = {a.id for a in bench.indexed}
    for q in bench.queries:
        origins = {t.origin_article for t in q.sentences if t.sources}
        assert 2 <= len(origins) <= 6
        assert origins <= indexed
        for t in q.sentences:
            assert t.sources == frozenset(_holders(bench, joined, t.original_text))
            if t.sources:
                assert t.origin_article in t.sources
            else:
                assert t.origin_article in held_out


def test_every_query_mixes_sources_and_some_have_originals(build: Build) -> None:
    bench = build("heavy")
    originals = sum(not t.sources for q in bench.queries for t in q.sentences)
    assert originals > 0
    assert all(sum(bool(t.sources) for t in q.sentences) >= 2 for q in bench.queries)


def test_verbatim_sentences_are_held_by_their_origin(build: Build) -> None:
    bench = build("verbatim")
    by_id = {a.id: a for a in bench.indexed}
    for q in bench.queries:
        assert q.title == q.original_title
        for t in q.sentences:
            assert t.text == t.original_text and t.ratio == 0.0
            if t.sources:
                assert t.origin_article is not None
                assert _joined(t.text) in _joined(by_id[t.origin_article].text)


def test_headline_source_holds_the_borrowed_title(build: Build) -> None:
    bench = build("light")
    by_id = {a.id: a for a in bench.indexed}
    for q in bench.queries:
        assert q.headline_source
        for art_id in q.headline_source:
            assert words(by_id[art_id].title) == words(q.original_title)


@pytest.mark.parametrize("level", SPUN)
def test_spun_sentences_differ_from_originals(build: Build, level: str) -> None:
    for q in build(level).queries:
        for t in q.sentences:
            assert t.text != t.original_text
            assert t.ratio == round(change_ratio(t.original_text, t.text), 4)


def test_spin_ratios_per_level(build: Build) -> None:
    def ratios(level: str) -> list[float]:
        return [t.ratio for q in build(level).queries for t in q.sentences]

    light = ratios("light")
    assert max(light) <= 0.15
    assert 0.08 <= statistics.fmean(light) <= 0.15
    heavy = ratios("heavy")
    assert 0.2 <= statistics.fmean(heavy) <= 0.45
    assert statistics.fmean(ratios("paraphrase")) >= statistics.fmean(heavy)


def test_write_and_load_round_trip(build: Build, tmp_path: Path) -> None:
    bench = build("paraphrase")
    write_benchmark(bench, tmp_path / "out")
    loaded = load_queries(tmp_path / "out")
    assert loaded == bench.queries
    assert all(isinstance(q, GeneratedArticle) for q in loaded)
    lines = (tmp_path / "out" / "indexed.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(bench.indexed)


def test_cli_output_is_byte_identical_across_hash_seeds(
    articles: list[Article], thesaurus: Thesaurus, tmp_path: Path
) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "bench.generate", "--corpus", "reuters"]
        command += ["--level", "heavy", "--queries", "8", "--seed", "3", "--limit", "1500"]
        command += ["--out", str(out)]
        subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
        outputs.append([(out / name).read_bytes() for name in ("indexed.jsonl", "queries.jsonl")])
    assert outputs[0] == outputs[1]
    assert len(load_queries(tmp_path / "run1")) == 8


def test_load_all_drops_fakenewsnet_copies_of_buzzfeed(articles: list[Article]) -> None:
    try:
        require_data(names=("buzzfeed", "fakenewsnet"))
    except DataMissingError as exc:
        _unavailable(str(exc))
    both = load_all(("buzzfeed", "fakenewsnet"))
    alone = load_corpus("fakenewsnet")
    kept = [a for a in both if a.id.startswith("fakenewsnet")]
    assert 0 < len(kept) < len(alone) - 150
    buzzfeed_titles = {tuple(words(a.title)) for a in both if a.id.startswith("bfwebis")}
    assert not any(tuple(words(a.title)) in buzzfeed_titles for a in kept if a.title)
    assert len({a.id for a in both}) == len(both)
