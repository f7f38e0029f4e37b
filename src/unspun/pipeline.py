"""Composes the stages: ingest -> prepare -> store, article -> trace -> report, and
article -> forensic check.

Functions here take the store as an argument or open it from a path; they never print.
Progress is reported through an optional callback so the CLI can draw a bar.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from unspun.config import MAX_ARTICLE_CHARS, MAX_ARTICLE_SENTENCES, IndexParams, TraceParams
from unspun.errors import TooLongError, WorkerError
from unspun.index.disk import disk_errors
from unspun.index.fingerprint import fingerprints_many
from unspun.index.store import IndexReader, IndexWriter, PreparedArticle, stamped_params
from unspun.ingest import read_paths
from unspun.records import (
    Article,
    CheckReport,
    Quote,
    QuoteChange,
    Rejected,
    Signal,
    TraceReport,
)
from unspun.text import dateline_end, sentence_bound, split_sentences, words

if TYPE_CHECKING:
    from unspun.align.semantic import SentenceEmbedder
    from unspun.stance.cross import CombinedStanceModel
    from unspun.stance.model import StanceModel

logger = logging.getLogger(__name__)

REJECTS_NAME = "rejects.tsv"
REJECTS_KEPT = 100  # rejects kept in memory for display; the file has them all
#: Most characters of text handed to a worker at once (about 2,000 ordinary articles:
#: the article count decides for ordinary corpora, this for corpora of huge records).
BATCH_CHARS = 4_000_000
#: Most characters of text queued before a flush, whatever ``flush_every`` says: with
#: the batches in flight, this bounds the indexer's memory when records are huge.
FLUSH_CHARS = 32_000_000
#: Most sentences queued before a flush: a queued sentence costs about 150 bytes (its
#: span, postings and sketch) however short it is, so text of one-word sentences would
#: otherwise queue over a gigabyte within :data:`FLUSH_CHARS` (ordinary news reaches
#: FLUSH_CHARS first, at about 250,000 sentences).
FLUSH_SENTENCES = 400_000
#: Most characters of text being prepared by the workers at once.
IN_FLIGHT_CHARS = 8_000_000
#: What a sentence costs to prepare, in characters of ordinary text: batches and the
#: text in flight are measured in the larger of characters and this times the
#: sentences (:func:`~unspun.text.sentence_bound`), so that text of one-letter lines
#: is not prepared a few megabytes at a time.
SENTENCE_CHARS = 12
#: Most sentences (as :func:`~unspun.text.sentence_bound` counts them) an indexed
#: article may hold: segmenting alone 4 million one-letter lines (an 8 MB file) took a
#: gigabyte, preparing them 2.4 GB. The longest real news articles hold a few hundred.
MAX_INDEX_SENTENCES = 500_000


def prepare(article: Article, params: IndexParams) -> PreparedArticle:
    """Segment an article and fingerprint its title and sentences (pure)."""
    return prepare_many([article], params)[0]


def prepare_many(articles: Sequence[Article], params: IndexParams) -> list[PreparedArticle]:
    """:func:`prepare` of each article, fingerprinting them all in one vectorised pass."""
    spans = [split_sentences(a.text) for a in articles]
    groups = [
        [words(a.title)] + [words(a.text[dateline_end(a.text, s.start) : s.end]) for s in sp]
        for a, sp in zip(articles, spans, strict=True)
    ]
    return [
        PreparedArticle(a, tuple((s.start, s.end) for s in sp), keys, sketches)
        for a, sp, (keys, sketches) in zip(
            articles, spans, fingerprints_many(groups, params), strict=True
        )
    ]


def _one_field(value: str) -> str:
    """A value safe for one TSV field (tabs and line breaks become spaces)."""
    return " ".join(value.split("\t")).replace("\r", " ").replace("\n", " ")


def _prepare_batch(batch: list[Article], params: IndexParams) -> list[PreparedArticle]:
    return prepare_many(batch, params)


@contextmanager
def _broken_pool_explained(broken: type[Exception]) -> Iterator[None]:
    """Turn a worker pool's sudden end into a :class:`WorkerError` that says what to do."""
    try:
        yield
    except broken as exc:
        raise WorkerError(
            "a worker process ended abruptly (killed, or out of memory; from a script, "
            "guard its entry point with 'if __name__ == \"__main__\":'); everything "
            "committed is kept: rerun to finish, or use one worker"
        ) from exc


def _watch_parent(parent: int, every: float = 0.2) -> None:
    """Worker initializer: exit as soon as the indexer that started this worker is gone.

    A worker whose indexer was killed (SIGKILL gives it no chance to stop its pool) would
    otherwise wait forever, blocked on a pipe nobody reads.
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="unspun-parent-watch", daemon=True).start()


@dataclass(slots=True)
class IndexCounts:
    """What an indexing run did."""

    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejects: list[Rejected] = field(default_factory=list)
    """The first :data:`REJECTS_KEPT` rejects (all of them are in the rejects file)."""


Progress = Callable[[IndexCounts, str], None]


def _too_many_sentences(article: Article, bound: int) -> Rejected:
    return Rejected(
        article.origin or article.id,
        f"up to {bound:,} sentences (line breaks and sentence ends); unspun indexes "
        f"articles of at most {MAX_INDEX_SENTENCES:,}",
    )


def _batches(
    items: Iterable[Article | Rejected],
    writer: IndexWriter,
    counts: IndexCounts,
    size: int,
    on_reject: Callable[[Rejected], None],
) -> Iterator[tuple[list[Article], int]]:
    """Batches of new articles, each with its cost in characters (see SENTENCE_CHARS)."""
    batch: list[Article] = []
    chars = 0
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Rejected):
            counts.rejected += 1
            on_reject(item)
            continue
        if item.id in seen or writer.contains(item.id):
            counts.duplicates += 1
            continue
        bound = sentence_bound(item.text)
        if bound > MAX_INDEX_SENTENCES:
            counts.rejected += 1
            on_reject(_too_many_sentences(item, bound))
            continue
        seen.add(item.id)
        batch.append(item)
        chars += max(len(item.text), SENTENCE_CHARS * bound)
        if len(batch) >= size or chars >= BATCH_CHARS:
            yield batch, chars
            batch = []
            chars = 0
            seen.clear()
    if batch:
        yield batch, chars


def index_paths(
    paths: Iterable[Path],
    db: Path,
    *,
    params: IndexParams | None = None,
    workers: int | None = None,
    batch_size: int = 256,
    flush_every: int = 20_000,
    progress: Progress | None = None,
) -> IndexCounts:
    """Add every article under ``paths`` to the index at ``db``.

    Rejected records are counted and appended to ``db/rejects.tsv`` (origin, reason).
    Articles are committed in batches of ``flush_every`` (or of :data:`FLUSH_CHARS`
    characters of text or :data:`FLUSH_SENTENCES` sentences, when fewer articles hold
    that much): a kill loses at most the current batch, which a rerun adds (ids
    already stored are skipped).

    Args:
        paths: Files or folders to read.
        db: Index folder (created if missing).
        params: Fingerprint parameters (default: those stamped in an existing index,
            else :class:`IndexParams`); other than the stamp is an error.
        workers: Processes preparing articles (default: CPU count, at most 4; 1 = inline).
            They are started with ``spawn``: a script that calls this with more than one
            worker must guard its entry point with ``if __name__ == "__main__":``.
        batch_size: Articles handed to a worker at a time.
        flush_every: Articles per committed segment.
        progress: Called with the counts and the current origin after each batch.
    """
    params = params or stamped_params(db) or IndexParams()
    workers = workers or min(4, os.cpu_count() or 1)
    counts = IndexCounts()
    items = read_paths(paths)
    with IndexWriter(db, params) as writer:
        rejects_file = db / REJECTS_NAME

        def on_reject(rej: Rejected) -> None:
            if len(counts.rejects) < REJECTS_KEPT:
                counts.rejects.append(rej)
            # A file name that is not UTF-8 holds surrogates: written as \udcff escapes.
            with (
                disk_errors(db, f"writing {REJECTS_NAME}"),
                open(rejects_file, "a", encoding="utf-8", errors="backslashreplace") as fh,
            ):
                fh.write(f"{_one_field(rej.origin)}\t{_one_field(rej.reason)}\n")

        batches = _batches(items, writer, counts, batch_size, on_reject)

        queued = sentences = 0  # characters of text, and sentences, queued in the writer

        def store(prepared: list[PreparedArticle]) -> None:
            nonlocal queued, sentences
            for prep in prepared:
                if writer.add(prep):
                    counts.added += 1
                    queued += len(prep.article.text)
                    sentences += len(prep.spans) + 1
                else:
                    counts.duplicates += 1
            if (
                writer.pending >= flush_every
                or queued >= FLUSH_CHARS
                or sentences >= FLUSH_SENTENCES
            ):
                writer.flush()
                queued = sentences = 0
            if progress is not None and prepared:
                progress(counts, prepared[-1].article.origin)

        if workers <= 1:
            for batch, _ in batches:
                store(_prepare_batch(batch, params))
        else:
            # Imported here: `unspun trace` never starts workers (saves ~30 ms of start-up).
            import multiprocessing
            from concurrent.futures import Future, ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            # Spawned, not forked: a forked worker would inherit the write lock's file
            # and hold the index locked after the indexer itself was killed.
            try:
                pool = ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_watch_parent,
                    initargs=(os.getpid(),),
                )
            except OSError as exc:
                raise WorkerError(f"cannot start worker processes ({exc})") from exc
            with pool, _broken_pool_explained(BrokenProcessPool):
                # Keep a bounded number of batches, and of characters, in flight so
                # memory stays flat (however large the records).
                in_flight: list[tuple[Future[list[PreparedArticle]], int]] = []
                for batch, size in batches:
                    while in_flight and (
                        len(in_flight) >= workers * 2
                        or sum(n for _, n in in_flight) + size > IN_FLIGHT_CHARS
                    ):
                        store(in_flight.pop(0)[0].result())
                    in_flight.append((pool.submit(_prepare_batch, batch, params), size))
                for fut, _ in in_flight:
                    store(fut.result())
    return counts


def _embedder(semantic: bool) -> SentenceEmbedder | None:
    """The sentence embedder when ``semantic`` (loads torch: seconds), else None."""
    if not semantic:
        return None
    from unspun.align.semantic import SentenceEmbedder

    return SentenceEmbedder.load()


def _stance_model(semantic: bool, cross: Path | None) -> StanceModel | CombinedStanceModel:
    """The trees alone, or with the cross-encoder when ``semantic`` (loads torch)."""
    if not semantic:
        from unspun.stance.model import load_model

        return load_model()
    from unspun.stance.cross import load_combined

    return load_combined(cross)


def trace_article(
    article: Article, db: Path, *, params: TraceParams | None = None, semantic: bool = False
) -> TraceReport:
    """Trace one article against the index at ``db``.

    ``semantic`` adds the embedding stage (needs the ``embed`` extra; raises
    :class:`~unspun.errors.MissingExtraError` without it). An article longer than
    :data:`~unspun.config.MAX_ARTICLE_CHARS` raises :class:`~unspun.errors.TooLongError`.
    """
    from unspun.align.trace import Tracer

    check_length(article)
    embedder = _embedder(semantic)
    with IndexReader(db) as reader:
        return flag_altered_quotes(Tracer(reader, params, embedder).trace(article))


def check_length(article: Article) -> None:
    """Refuse an article too long to trace or check (:data:`MAX_ARTICLE_CHARS`
    characters, :data:`MAX_ARTICLE_SENTENCES` sentence ends and line breaks).

    Raises:
        TooLongError: Its title and text hold more characters, or its text more
            sentence ends and line breaks, than that.
    """
    size = len(article.text) + len(article.title)
    where = f"{article.origin}: " if article.origin else ""
    if size <= MAX_ARTICLE_CHARS and (ends := sentence_bound(article.text)) > MAX_ARTICLE_SENTENCES:
        raise TooLongError(
            f"{where}the article holds {ends:,} sentence ends and line breaks; unspun "
            f"traces and checks articles of up to {MAX_ARTICLE_SENTENCES:,} (a list or a "
            "whole collection? add it to an index with 'unspun index')"
        )
    if size > MAX_ARTICLE_CHARS:
        raise TooLongError(
            f"{where}the article is {size:,} characters long; unspun traces and checks "
            f"articles of up to {MAX_ARTICLE_CHARS:,} (a whole collection? add it to an "
            "index with 'unspun index')"
        )


def flag_altered_quotes(report: TraceReport) -> TraceReport:
    """The report with each sentence's quotes compared with its origin's quotes: a quote
    whose words were changed is listed (offsets into the traced body)."""
    from dataclasses import replace

    from unspun.forensics.quotes import altered_quotes

    sentences = []
    for s in report.sentences:
        changed: tuple[QuoteChange, ...] = ()
        if s.sources and s.verdict != "copied":
            changed = tuple(
                replace(q, start=q.start + s.start, end=q.end + s.start)
                for q in altered_quotes(s.text, s.sources[0].sentence)
            )
        sentences.append(replace(s, altered_quotes=changed) if changed else s)
    return replace(report, sentences=tuple(sentences))


def forensic_signals(
    article: Article,
    *,
    embedder: SentenceEmbedder | None = None,
    quotes: Sequence[Quote] | None = None,
) -> tuple[Signal, ...]:
    """Every corpus-free signal of an article (stitching, quotes, spin), unordered.

    ``quotes``: the article's quotes when already found (else they are found here).
    """
    from unspun.forensics.quotes import find_quotes, unintroduced_speakers
    from unspun.forensics.spin import spin_signals
    from unspun.forensics.stitching import stitching_signals

    title, text = article.title, article.text
    return (
        *stitching_signals(title, text, embedder=embedder),
        unintroduced_speakers(text, find_quotes(text) if quotes is None else quotes),
        *spin_signals(title, text),
    )


def check_article(
    article: Article, *, semantic: bool = False, cross: Path | None = None
) -> CheckReport:
    """Forensic reading of one article from its text alone (no index).

    Signals strongest first; the stance of the body towards the headline when there is
    a headline and the body has :data:`~unspun.stance.model.MIN_PROSE_SENTENCES`
    sentences of prose (a table of figures shares no words with its own headline, and
    the model would call it unrelated); quotes with their speakers; the combined
    verdict. ``semantic`` also compares adjacent sentences by meaning when looking for
    topic jumps, and reads the stance with the MiniLM cross-encoder beside the trees
    (:class:`~unspun.stance.cross.CombinedStanceModel`; its weights from ``cross``,
    else the shipped file). Both models load first, whatever the article.

    Raises:
        MissingExtraError: ``semantic`` without the ``embed`` extra.
        MissingModelError: ``semantic`` without ``cross`` and no shipped weights.
        InputError: ``cross`` cannot be read as cross-encoder weights.
        TooLongError: The article is longer than :data:`~unspun.config.MAX_ARTICLE_CHARS`.
        ValueError: ``cross`` without ``semantic``.
    """
    from unspun.forensics.quotes import find_quotes
    from unspun.forensics.verdict import combine, load_verdict_model
    from unspun.stance.model import MIN_PROSE_SENTENCES, prose_sentences

    if cross is not None and not semantic:
        raise ValueError("cross-encoder weights are read only with semantic=True")
    check_length(article)
    # The stance model first: a bad weights file is refused before torch is imported.
    stance_model = _stance_model(semantic, cross)
    embedder = _embedder(semantic)
    title, text = article.title, article.text
    quotes = tuple(find_quotes(text))
    signals = forensic_signals(article, embedder=embedder, quotes=quotes)
    stance, stance_note = None, ""
    if not title.strip():
        stance_note = "not read: the article has no headline"
    elif (prose := prose_sentences(text)) < MIN_PROSE_SENTENCES:
        stance_note = (
            f"not read: the body has {prose} sentence{'s' if prose != 1 else ''} of prose "
            f"(a table or list?); the stance model needs {MIN_PROSE_SENTENCES}"
        )
    else:
        stance = stance_model.predict(title, text)
    model = load_verdict_model()
    verdict = combine(signals, stance, model, semantic=semantic)
    ordered = tuple(sorted(signals, key=lambda s: (-s.score, s.name)))
    ordinary = dict(model.ordinary_levels(semantic=semantic))
    return CheckReport(title, text, ordered, quotes, verdict, stance, stance_note, ordinary)
