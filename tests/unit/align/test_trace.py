"""The tracer on a small index of fictional articles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fiction import FICTION
from unspun.align.semantic import SentenceEmbedder
from unspun.align.trace import Tracer
from unspun.config import IndexParams
from unspun.index.store import IndexReader, IndexWriter
from unspun.ingest.records import article_from_mapping
from unspun.pipeline import prepare
from unspun.records import Article

EXTRA = [
    # A later, undated copy and an earlier copy of the frost story, to test ordering.
    {**FICTION[2], "id": "undated-copy", "date": None, "source": "Hill Post"},
    {**FICTION[2], "id": "early-copy", "date": "2032-05-01", "source": "Vale Times"},
]


def _article(obj: dict[str, object]) -> Article:
    item = article_from_mapping(obj, origin="test")
    assert isinstance(item, Article)
    return item


@pytest.fixture
def tracer(tmp_path: Path) -> Iterator[Tracer]:
    params = IndexParams()
    with IndexWriter(tmp_path / "db", params) as writer:
        for obj in [*FICTION, *EXTRA]:
            writer.add(prepare(_article(obj), params))
    with IndexReader(tmp_path / "db") as reader:
        yield Tracer(reader)


def _trace(tracer: Tracer, text: str, title: str = "") -> list[tuple[str, list[str]]]:
    report = tracer.trace(Article(id="q", title=title, text=text))
    return [(s.verdict, [m.article_id for m in s.sources]) for s in report.sentences]


def test_holders_are_listed_earliest_first_undated_last(tracer: Tracer) -> None:
    text = "The regional growers' association estimated losses at 12 million crowns."
    [(verdict, ids)] = _trace(tracer, text)
    assert verdict == "copied"
    assert ids == ["early-copy", "tw-2", "undated-copy"]


def test_a_third_of_the_words_swapped_is_still_found(tracer: Tracer) -> None:
    # Source: "Ferry crews in Port Alder walked out on Friday after talks over new rosters
    # broke down, stranding about 3,000 commuters." Every third word replaced.
    spun = (
        "Boat crews in Harbour Alder walked away on Friday once talks over fresh rosters "
        "collapsed down, leaving about 3000 travellers."
    )
    [(verdict, ids)] = _trace(tracer, spun)
    assert verdict == "edited"
    assert ids[0] == "tw-1"


def test_unrelated_sentences_are_original(tracer: Tracer) -> None:
    text = (
        "A choir from the hill villages sang at the opening of the new library.\n\n"
        "He said the crews were tired."
    )
    assert _trace(tracer, text) == [("original", []), ("original", [])]


def test_headline_source_and_single_source_copy_is_not_stitched(tracer: Tracer) -> None:
    report = tracer.trace(
        Article(
            id="q",
            title="Ferry crews in Port Alder walk out over rosters",
            text="Ferry crews in Port Alder walked out on Friday after talks over new "
            "rosters broke down, stranding about 3,000 commuters.",
        )
    )
    assert report.headline_source is not None
    assert report.headline_source.article_id == "tw-1"
    assert report.headline_source.similarity == 1.0
    assert report.summary.source_count == 1
    assert report.summary.stitched is False


def test_reordered_clauses_are_traced(tracer: Tracer) -> None:
    text = (
        "Stranding about 3,000 commuters, ferry crews in Port Alder walked out on Friday "
        "after talks over new rosters broke down."
    )
    [(verdict, ids)] = _trace(tracer, text)
    assert verdict == "edited"
    assert ids[0] == "tw-1"


def test_edits_include_insertions_and_deletions(tracer: Tracer) -> None:
    text = (
        "The operator, Alder Sound Ferries, called the walkout entirely unnecessary and said "
        "it had offered to review the rosters."
    )
    report = tracer.trace(Article(id="q", title="", text=text))
    edits = {(e.from_, e.to) for e in report.sentences[0].sources[0].edits}
    assert ("", "entirely") in edits
    assert ("in June", "") in edits


def test_a_different_weekday_or_number_is_a_different_fact(tracer: Tracer) -> None:
    # Source: "Ferry crews in Port Alder walked out on Friday after talks over new rosters
    # broke down, stranding about 3,000 commuters."
    same = (
        "Ferry crews in Port Alder walked out on Friday after talks over new rosters "
        "broke down, stranding about 3,000 commuters."
    )

    def matched(text: str) -> list[str]:
        [sentence] = tracer.trace(Article(id="q", title="", text=text)).sentences
        return [m.sentence for m in sentence.sources]

    assert same in matched(same)
    # Only the fact-free headline ("... walk out over rosters") may still match.
    for changed in (same.replace("Friday", "Tuesday"), same.replace("3,000", "5,000")):
        assert not [m for m in matched(changed) if "Friday" in m], changed
    # Leaving a fact out is an edit, not a contradiction.
    assert same in matched(same.replace(" on Friday", ""))


def test_semantic_stage_finds_a_paraphrase_the_lexical_stage_misses(
    tracer: Tracer, embedder: SentenceEmbedder
) -> None:
    # Source (tw-2 and its two copies): "Apple growers in the Verrin valley said a late
    # frost had destroyed up to a third of this year's blossom."
    text = (
        "The regional growers' association estimated losses at 12 million crowns.\n\n"
        "Growers of apples in the valley of Verrin reported that a late cold snap wiped "
        "out as much as one third of the blossom this year.\n\n"
        "A choir from the hill villages sang at the opening of the new library."
    )
    article = Article(id="q", title="", text=text)
    lexical = tracer.trace(article).sentences
    assert [s.verdict for s in lexical] == ["copied", "original", "original"]

    semantic = Tracer(tracer.reader, tracer.params, embedder).trace(article).sentences
    assert [s.verdict for s in semantic] == ["copied", "paraphrased", "original"]
    first = semantic[1].sources[0]
    assert first.article_id == "early-copy"  # the earliest holder, as for copies
    assert first.sentence.endswith("destroyed up to a third of this year's blossom.")
    assert 0 < first.similarity <= 1


def test_semantic_stage_respects_contradicting_facts(
    tracer: Tracer, embedder: SentenceEmbedder
) -> None:
    # Source (tw-1, bg-7): "Ferry crews in Port Alder walked out on Friday after talks
    # over new rosters broke down, stranding about 3,000 commuters."
    text = (
        "The crews' union said the operator wanted to cut rest breaks on the night "
        "crossings.\n\nSome 3,000 passengers were left stranded in Port Alder on Friday "
        "when ferry staff went on strike after roster negotiations collapsed."
    )
    with_model = Tracer(tracer.reader, tracer.params, embedder)
    [_, same] = with_model.trace(Article("q", "", text)).sentences
    assert same.verdict == "paraphrased"
    assert {m.article_id for m in same.sources} == {"tw-1", "bg-7"}
    # Another count is another report, however close in meaning.
    [_, other] = with_model.trace(Article("q", "", text.replace("3,000", "5,000"))).sentences
    assert other.verdict == "original"


# A verbatim copy of the ferry story with one loosely reworded frost sentence in it.
MOSTLY_VERBATIM = (
    "Ferry crews in Port Alder walked out on Friday after talks over new rosters broke "
    "down, stranding about 3,000 commuters.\n\n"
    "The crews' union said the operator wanted to cut rest breaks on the night crossings. "
    '"We will not sail tired," said Odile Brannagh, the union\'s secretary.\n\n'
    "Apple farmers in the Verrin area said a late cold snap had ruined about a third of "
    "the blossom this year.\n\n"
    "The operator, Alder Sound Ferries, called the walkout unnecessary and said it had "
    "offered to review the rosters in June."
)


def test_a_lone_weak_match_in_a_verbatim_copy_is_left_original(tmp_path: Path) -> None:
    from dataclasses import replace

    from unspun.config import TraceParams

    params = IndexParams()
    with IndexWriter(tmp_path / "db", params) as writer:
        for obj in FICTION:
            writer.add(prepare(_article(obj), params))
    with IndexReader(tmp_path / "db") as reader:
        article = Article(id="q", title="", text=MOSTLY_VERBATIM)
        without = Tracer(reader, replace(TraceParams(), article_margin=None)).trace(article)
        with_rule = Tracer(reader).trace(article)
    weak = without.sentences[3]
    assert weak.sources and weak.sources[0].article_id == "tw-2"
    assert weak.sources[0].similarity < 0.75  # far below the verbatim sentences' 1.0
    assert with_rule.sentences[3].verdict == "original"
    # The verbatim sentences keep their sources.
    assert [s.verdict for s in with_rule.sentences] == [
        "copied",
        "copied",
        "copied",
        "original",
        "copied",
    ]


# Long sentences that repeat the spun sentence's phrases among many other words: each
# shares more keys with it than its true source does (so they rank first), and none is
# alike enough to pass scoring.
PHRASE_SOUP = [
    "Reporters {n} noted that crews in Alder walked away on Friday, that talks over "
    "fresh rosters collapsed, and that about 3000 travellers waited at the piers while "
    "managers, pilots, clerks and cooks of fleet {n} argued about pensions, parking, "
    "uniforms and the canteen."
]


def test_a_source_ranked_below_the_deeper_look_is_found_by_its_sketch(tmp_path: Path) -> None:
    from dataclasses import replace

    from unspun.config import TraceParams

    params = IndexParams()
    soup = [
        {"id": f"soup-{n}", "title": f"Fleet {n} notes", "text": PHRASE_SOUP[0].format(n=n)}
        for n in range(8)
    ]
    with IndexWriter(tmp_path / "db", params) as writer:
        for obj in [*FICTION, *soup]:
            writer.add(prepare(_article(obj), params))
    spun = (
        "Boat crews in Harbour Alder walked away on Friday once talks over fresh rosters "
        "collapsed down, leaving about 3000 travellers."
    )
    shallow = replace(TraceParams(), candidates=2, deep_candidates=4)
    with IndexReader(tmp_path / "db") as reader:
        without = Tracer(reader, replace(shallow, sketch_verify=0)).trace(
            Article(id="q", title="", text=spun)
        )
        found = Tracer(reader, shallow).trace(Article(id="q", title="", text=spun))
        short = Tracer(reader, replace(shallow, sketch_min_words=30)).trace(
            Article(id="q", title="", text=spun)
        )
    # The premise: the soup outranks the source, and the deeper look stops short of it.
    assert without.sentences[0].verdict == "original"
    assert found.sentences[0].verdict == "edited"
    assert found.sentences[0].sources[0].article_id == "tw-1"
    # Sentences shorter than sketch_min_words skip the sketch look.
    assert short.sentences[0].verdict == "original"


def test_separator_lines_are_not_sentences_and_match_nothing(tmp_path: Path) -> None:
    """'***' or '—' between paragraphs is not a sentence: not traced, not counted, and
    never 'copied' from the many articles with an empty title."""
    params = IndexParams()
    untitled = {**FICTION[1], "id": "untitled", "title": ""}
    with IndexWriter(tmp_path / "db", params) as writer:
        for obj in [*FICTION, untitled]:
            writer.add(prepare(_article(obj), params))
    text = (
        "The organisers said the lantern walk would go ahead.\n\n***\n\n"
        "Ferry crews in Port Alder walked out on Friday after talks over new rosters broke "
        "down, stranding about 3,000 commuters.\n\n—\n\n{\n"
    )
    with IndexReader(tmp_path / "db") as reader:
        report = Tracer(reader).trace(Article(id="q", title="* * *", text=text))
    assert [s.text for s in report.sentences] == [
        "The organisers said the lantern walk would go ahead.",
        text.split("\n\n")[2],
    ]
    assert [s.verdict for s in report.sentences] == ["original", "copied"]
    assert report.headline_source is None
    assert report.summary.copied_fraction == 0.5


def test_batching_long_articles_changes_no_result(
    tracer: Tracer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long article is traced a batch of sentences at a time, letting go of the
    articles read for unmatched candidates: the report is the one traced whole."""
    import unspun.align.trace as trace_module

    text = "\n\n".join(str(a["text"]) for a in FICTION) + "\n\nThe lantern walk was cancelled."
    whole = tracer.trace(Article(id="q", title=str(FICTION[0]["title"]), text=text))
    monkeypatch.setattr(trace_module, "TRACE_BATCH_WORDS", 7)
    monkeypatch.setattr(trace_module, "CACHE_KEPT", 0)
    monkeypatch.setattr(trace_module, "WORDS_KEPT", 0)
    batched = tracer.trace(Article(id="q", title=str(FICTION[0]["title"]), text=text))
    assert batched == whole
    assert any(s.sources for s in whole.sentences)


def test_a_run_too_long_for_one_sentence_is_read_in_pieces_and_said_so(tracer: Tracer) -> None:
    words = str(FICTION[0]["text"]).replace(".", " ").replace(",", " ").split()
    run = " ".join(words * 40)  # thousands of characters without a sentence break
    report = tracer.trace(Article(id="q", title="", text=run))
    assert len(report.sentences) >= -(-len(run) // 3000) >= 2
    assert all(s.end - s.start <= 3000 for s in report.sentences)
    [note] = report.notes
    assert note.startswith(f"sentences 0-{len(report.sentences) - 1} are one run of {len(run):,}")
