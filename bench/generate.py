"""Generate the benchmark's queries: stitched, spun articles with complete ground truth.

Each query imitates a content farm's article. From real news (``bench.corpora``):

1. the articles are split, seeded, into an *indexed* set and a *held-out* set that is
   never indexed;
2. a seed article is drawn from the indexed set, and 1-5 indexed articles that share
   rare content words with it (an inverted index with IDF weights) join it as the
   query's 2-6 sources;
3. one of their headlines is borrowed, 1-4 sentences (of 6 words or more) are taken
   from each source, and 0-2 *original* sentences are added from held-out articles
   (checked to occur in no indexed article);
4. the sentences are shuffled, spun at the level (:func:`bench.spin.spin_sentence`;
   the headline at ``light`` unless the level is ``verbatim``) and joined into
   paragraphs of 2-3 sentences.

The truth of a taken sentence lists *every* indexed article holding it: the ids of all
articles whose normalised words (:func:`unspun.text.words`) contain the sentence's
normalised words as a contiguous run, since wire copies make every holder a correct
answer. A dateline that opens a source sentence is not carried over (republishers drop
it), so the sentence is taken without it.

The same inputs and seed give byte-identical output; the split does not depend on the
level, so benchmarks built at several levels with one seed share their indexed set.

    .venv/bin/python -m bench.generate --corpus reuters --level heavy --queries 200 \\
        --seed 1 --out /tmp/x
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import CORPORA, DataMissingError, load_all, load_corpus
from bench.spin import LEVELS, SpinResult, Thesaurus, ThesaurusMissingError, spin_sentence
from unspun.records import Article
from unspun.text import STOPWORDS, dateline_end, split_sentences, words

__all__ = [
    "Benchmark",
    "GeneratedArticle",
    "TruthSentence",
    "build_benchmark",
    "load_queries",
    "main",
    "query_from_record",
    "query_record",
    "summarize",
    "write_benchmark",
]

#: Fewest and most words of a sentence taken into a query.
MIN_WORDS = 6
MAX_WORDS = 70
#: An original sentence shares no run of this many words with any indexed article.
ORIGINAL_RUN = 5
_TAG = "unspun-bench"
_PROBE = "Zyx went."


@dataclass(frozen=True)
class TruthSentence:
    """One sentence of a generated article, with where it came from.

    Attributes:
        text: The sentence as it appears in the generated text (spun).
        start: Its start offset in the generated text.
        end: Its end offset (exclusive).
        sources: Ids of all indexed articles holding the original sentence (its
            normalised words as a contiguous run); empty for an original sentence.
        origin_article: The article the sentence was taken from (a held-out article
            for an original sentence).
        spin: The spin level applied.
        original_text: The sentence before spinning.
        ratio: Measured share of words changed by spinning.
    """

    text: str
    start: int
    end: int
    sources: frozenset[str]
    origin_article: str | None
    spin: str
    original_text: str
    ratio: float


@dataclass(frozen=True)
class GeneratedArticle:
    """A generated (stitched and spun) article with its ground truth.

    Attributes:
        id: Query id.
        title: The headline (borrowed from a source, spun at ``light`` unless the
            level is ``verbatim``).
        text: The body, paragraphs separated by a blank line.
        headline_source: Ids of the indexed articles whose title is the borrowed
            headline (normalised words equal).
        sentences: Every sentence of ``text``, in order.
        level: The spin level.
        original_title: The borrowed headline before spinning.
    """

    id: str
    title: str
    text: str
    headline_source: frozenset[str]
    sentences: tuple[TruthSentence, ...]
    level: str
    original_title: str = ""


@dataclass(frozen=True)
class Benchmark:
    """Indexed articles, held-out articles (never indexed) and generated queries."""

    indexed: list[Article]
    held_out: list[Article]
    queries: list[GeneratedArticle]


# --------------------------------------------------------------------------- indexes


def _joined(ws: Sequence[str]) -> str:
    return "\x00" + "\x00".join(ws) + "\x00"


def _content(w: str) -> bool:
    return w not in STOPWORDS


class _WordIndex:
    """Normalised words of some articles: exact run containment and shared rare words."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self.joined: list[str] = []
        self.vocab: list[frozenset[str]] = []
        postings: dict[str, list[int]] = {}
        for i, art in enumerate(articles):
            ws = words(art.text)
            self.joined.append(_joined(ws))
            vocab = frozenset(w for w in ws if _content(w))
            self.vocab.append(vocab)
            for w in vocab:
                postings.setdefault(w, []).append(i)
        self.postings = postings

    def df(self, word: str) -> int:
        return len(self.postings.get(word, ()))

    def holders(self, ws: Sequence[str]) -> list[int]:
        """Articles whose words contain ``ws`` as a contiguous run."""
        keys = [w for w in ws if _content(w)]
        candidates: Iterable[int]
        if keys:
            rarest = min(keys, key=lambda w: (self.df(w), w))
            candidates = self.postings.get(rarest, ())
        else:
            candidates = range(len(self.joined))
        needle = _joined(ws)
        return [i for i in candidates if needle in self.joined[i]]

    def shares_run(self, ws: Sequence[str], n: int) -> bool:
        """True when some article holds one of the ``n``-word runs of ``ws``."""
        if len(ws) < n:
            return bool(self.holders(ws))
        # Runs made only of stopwords ("it is one of the") are no evidence of copying.
        runs = (ws[i : i + n] for i in range(len(ws) - n + 1))
        return any(self.holders(r) for r in runs if any(_content(w) for w in r))

    def scores(self, terms: Iterable[tuple[str, float]]) -> dict[int, tuple[float, int]]:
        """Sum of term weights and number of terms shared, per article."""
        out: dict[int, tuple[float, int]] = {}
        for w, weight in terms:
            for i in self.postings.get(w, ()):
                score, count = out.get(i, (0.0, 0))
                out[i] = (score + weight, count + 1)
        return out


def _candidate_sentences(text: str) -> list[str]:
    """Sentences of an article fit to be taken: prose, 6-70 words, dateline removed."""
    out: list[str] = []
    for span in split_sentences(text):
        sent = span.slice(text)
        cut = dateline_end(sent)
        if cut:
            sent = sent[cut:].strip()
        first = sent[1:2] if sent[:1] in ('"', "“") else sent[:1]
        if not (first.isupper() or first.isdigit()) or sent[-1] not in '.!?"”':
            continue
        ws = words(sent)
        if not MIN_WORDS <= len(ws) <= MAX_WORDS or sum(map(_content, ws)) < 3:
            continue
        letters = [c for c in sent if c.isalpha()]
        if sum(c.isupper() for c in letters) > 0.4 * len(letters):
            continue
        if _stays_one_sentence(sent):
            out.append(sent)
    return out


def _stays_one_sentence(text: str) -> bool:
    """Whether ``text`` is segmented as one whole sentence between two others."""
    probe = f"{_PROBE} {text} {_PROBE}"
    spans = split_sentences(probe)
    start = len(_PROBE) + 1
    return (
        len(spans) == 3
        and spans[1].start == start
        and spans[1].end == start + len(text)
        and "\n" not in text
    )


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Taken:
    original: str
    spun: SpinResult
    origin: str
    sources: frozenset[str]


class _Builder:
    """Everything one benchmark build needs, with per-article caches."""

    def __init__(
        self,
        indexed: Sequence[Article],
        held_out: Sequence[Article],
        level: str,
        seed: int,
        thesaurus: Thesaurus,
    ) -> None:
        self.indexed = _WordIndex(indexed)
        self.held = _WordIndex(held_out)
        self.level = level
        self.seed = seed
        self.thesaurus = thesaurus
        self.df_cap = max(50, len(indexed) // 50)
        self._sentences: dict[tuple[bool, int], list[str]] = {}
        titles: dict[tuple[str, ...], list[str]] = {}
        for art in indexed:
            key = tuple(words(art.title))
            if key:
                titles.setdefault(key, []).append(art.id)
        self.titles = titles

    def sentences(self, i: int, held: bool = False) -> list[str]:
        key = (held, i)
        found = self._sentences.get(key)
        if found is None:
            source = self.held if held else self.indexed
            found = _candidate_sentences(source.articles[i].text)
            self._sentences[key] = found
        return found

    def _rare_terms(self, i: int, min_df: int) -> list[tuple[str, float]]:
        n = len(self.indexed.articles)
        terms = [
            w
            for w in self.indexed.vocab[i]
            if w.isalpha() and len(w) >= 3 and min_df <= self.indexed.df(w) <= self.df_cap
        ]
        terms.sort(key=lambda w: (self.indexed.df(w), w))
        return [(w, math.log(n / self.indexed.df(w))) for w in terms[:30]]

    def related(self, i: int) -> list[int]:
        """Indexed articles sharing at least two rare words with article ``i``, best first."""
        scores = self.indexed.scores(self._rare_terms(i, 2))
        own = self.indexed.joined[i]
        ranked = sorted(
            (-score, j)
            for j, (score, count) in scores.items()
            if j != i and count >= 2 and self.indexed.joined[j] != own
        )
        return [j for _, j in ranked]

    def related_held(self, i: int) -> list[int]:
        """Held-out articles sharing at least two rare words with indexed article ``i``."""
        scores = self.held.scores(self._rare_terms(i, 1))
        ranked = sorted((-score, j) for j, (score, count) in scores.items() if count >= 2)
        return [j for _, j in ranked]

    def spin(self, sentence: str, rng: random.Random) -> SpinResult | None:
        """Spin a sentence, retrying until it changed and still reads as one sentence."""
        for _ in range(4):
            result = spin_sentence(sentence, self.level, rng, self.thesaurus)
            if self.level != "verbatim" and result.text == sentence:
                continue
            if _stays_one_sentence(result.text):
                return result
        return None

    def take(
        self,
        i: int,
        count: int,
        seen: set[tuple[str, ...]],
        rng: random.Random,
        spin_rng: random.Random,
    ) -> list[_Taken]:
        """Up to ``count`` spun sentences of indexed article ``i``."""
        pool = list(self.sentences(i))
        rng.shuffle(pool)
        out: list[_Taken] = []
        for sent in pool:
            if len(out) == count:
                break
            ws = tuple(words(sent))
            if ws in seen:
                continue
            holders = self.indexed.holders(ws)
            if i not in holders:
                continue
            spun = self.spin(sent, spin_rng)
            if spun is None:
                continue
            seen.add(ws)
            ids = frozenset(self.indexed.articles[h].id for h in holders)
            out.append(_Taken(sent, spun, self.indexed.articles[i].id, ids))
        return out

    def original(
        self, seed_i: int, seen: set[tuple[str, ...]], rng: random.Random, spin_rng: random.Random
    ) -> _Taken | None:
        """A spun sentence of a held-out article that shares no word run with the index.

        An original must not be a near-copy either: it shares no run of
        :data:`ORIGINAL_RUN` words with any indexed article (the usual criterion of
        plagiarism corpora; Reuters repeats its templates and updates its stories).
        """
        n_held = len(self.held.articles)
        if n_held == 0:
            return None
        near = self.related_held(seed_i)[:10]
        for attempt in range(12):
            h = rng.choice(near) if near and attempt < 6 else rng.randrange(n_held)
            pool = self.sentences(h, held=True)
            if not pool:
                continue
            sent = rng.choice(pool)
            ws = tuple(words(sent))
            if ws in seen or self.indexed.shares_run(ws, ORIGINAL_RUN):
                continue
            spun = self.spin(sent, spin_rng)
            if spun is None:
                continue
            seen.add(ws)
            return _Taken(sent, spun, self.held.articles[h].id, frozenset())
        return None

    def query(self, qid: str, seed_i: int) -> GeneratedArticle | None:
        """Build one query around indexed article ``seed_i`` (``None`` when it cannot)."""
        seed_id = self.indexed.articles[seed_i].id
        rng = random.Random(f"{_TAG}:{self.seed}:query:{seed_id}")
        spin_rng = random.Random(f"{_TAG}:{self.seed}:spin:{self.level}:{seed_id}")
        if not self.sentences(seed_i):
            return None
        related = self.related(seed_i)
        if not related:
            return None
        k = rng.randint(2, 6)
        pool = related[: max(2 * (k - 1), 6)]
        rng.shuffle(pool)
        seen: set[tuple[str, ...]] = set()
        taken: list[_Taken] = []
        sources: list[int] = []
        texts: set[str] = set()
        for j in [seed_i, *pool]:
            if len(sources) == k:
                break
            if self.indexed.joined[j] in texts:
                continue
            got = self.take(j, rng.randint(1, 4), seen, rng, spin_rng)
            if not got:
                if j == seed_i:
                    return None
                continue
            sources.append(j)
            texts.add(self.indexed.joined[j])
            taken += got
        if len(sources) < 2:
            return None
        for _ in range(rng.randint(0, 2)):
            extra = self.original(seed_i, seen, rng, spin_rng)
            if extra is not None:
                taken.append(extra)

        titled = [j for j in sources if len(words(self.indexed.articles[j].title)) >= 2]
        original_title = ""
        if titled:
            original_title = " ".join(self.indexed.articles[rng.choice(titled)].title.split())
        title = original_title
        if title and self.level != "verbatim":
            title = spin_sentence(title, "light", spin_rng, self.thesaurus).text
        headline = frozenset(self.titles.get(tuple(words(original_title)), ()))

        for _ in range(6):
            order = list(taken)
            rng.shuffle(order)
            text, spans = _assemble([t.spun.text for t in order], rng)
            if [(s.start, s.end) for s in split_sentences(text)] == spans:
                break
        else:
            return None
        truth = tuple(
            TruthSentence(
                text=t.spun.text,
                start=start,
                end=end,
                sources=t.sources,
                origin_article=t.origin,
                spin=self.level,
                original_text=t.original,
                ratio=t.spun.ratio,
            )
            for t, (start, end) in zip(order, spans, strict=True)
        )
        return GeneratedArticle(
            id=qid,
            title=title,
            text=text,
            headline_source=headline,
            sentences=truth,
            level=self.level,
            original_title=original_title,
        )


def _assemble(sentences: Sequence[str], rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """Join sentences into paragraphs of 2-3; returns the text and each sentence's span."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    i = 0
    while i < len(sentences):
        size = rng.choice((2, 3))
        if parts:
            parts.append("\n\n")
            pos += 2
        for n, sent in enumerate(sentences[i : i + size]):
            if n:
                parts.append(" ")
                pos += 1
            spans.append((pos, pos + len(sent)))
            parts.append(sent)
            pos += len(sent)
        i += size
    return "".join(parts), spans


def split_articles(
    articles: Sequence[Article], *, seed: int, held_out_fraction: float = 0.1
) -> tuple[list[Article], list[Article]]:
    """Split articles (seeded, level-independent) into indexed and held-out sets.

    Articles repeating an earlier id are dropped first. Both parts keep input order.

    Args:
        articles: The articles.
        seed: The benchmark seed.
        held_out_fraction: Share of articles held out (never indexed).

    Returns:
        ``(indexed, held_out)``.
    """
    if not 0.0 <= held_out_fraction < 1.0:
        raise ValueError(f"held_out_fraction must be in [0, 1), got {held_out_fraction}")
    unique = list({a.id: a for a in reversed(articles)}.values())[::-1]
    rng = random.Random(f"{_TAG}:{seed}:split")
    held = set(rng.sample(range(len(unique)), round(len(unique) * held_out_fraction)))
    indexed = [a for i, a in enumerate(unique) if i not in held]
    held_out = [a for i, a in enumerate(unique) if i in held]
    return indexed, held_out


def build_benchmark(
    articles: list[Article],
    *,
    n_queries: int,
    level: str,
    seed: int,
    thesaurus: Thesaurus,
    held_out_fraction: float = 0.1,
) -> Benchmark:
    """Split articles and generate stitched, spun queries with ground truth.

    Args:
        articles: Real news articles (e.g. from :func:`bench.corpora.load_all`).
        n_queries: Number of queries to generate.
        level: Spin level, one of :data:`bench.spin.LEVELS`.
        seed: Seed of every random choice; the same inputs and seed give the same
            benchmark.
        thesaurus: Synonyms for the spinner.
        held_out_fraction: Share of articles held out of the index; original
            sentences come from them.

    Returns:
        The benchmark.

    Raises:
        ValueError: Unknown level, or too few usable articles for ``n_queries``.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown spin level {level!r}; expected one of {', '.join(LEVELS)}")
    indexed, held_out = split_articles(articles, seed=seed, held_out_fraction=held_out_fraction)
    builder = _Builder(indexed, held_out, level, seed, thesaurus)
    order = list(range(len(indexed)))
    random.Random(f"{_TAG}:{seed}:seeds").shuffle(order)
    queries: list[GeneratedArticle] = []
    for i in order:
        if len(queries) >= n_queries:
            break
        query = builder.query(f"{level}-{seed}-{len(queries):05d}", i)
        if query is not None:
            queries.append(query)
    if len(queries) < n_queries:
        raise ValueError(
            f"only {len(queries)} of {n_queries} queries could be built from "
            f"{len(indexed)} indexed articles"
        )
    return Benchmark(indexed=indexed, held_out=held_out, queries=queries)


# --------------------------------------------------------------------------- files


def article_record(art: Article) -> dict[str, object]:
    """An article as a JSON-ready mapping (the JSONL record unspun reads)."""
    return {
        "id": art.id,
        "title": art.title,
        "text": art.text,
        "url": art.url,
        "outlet": art.outlet,
        "published": art.published,
    }


def query_record(query: GeneratedArticle) -> dict[str, object]:
    """A query and its truth as a JSON-ready mapping (sets as sorted lists)."""
    return {
        "id": query.id,
        "title": query.title,
        "original_title": query.original_title,
        "text": query.text,
        "level": query.level,
        "headline_source": sorted(query.headline_source),
        "sentences": [
            {
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "sources": sorted(t.sources),
                "origin_article": t.origin_article,
                "spin": t.spin,
                "original_text": t.original_text,
                "ratio": t.ratio,
            }
            for t in query.sentences
        ],
    }


def _str(obj: dict[str, object], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string, got {type(value).__name__}")
    return value


def _ids(obj: dict[str, object], key: str) -> frozenset[str]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return frozenset(str(v) for v in value)


def _int(obj: dict[str, object], key: str) -> int:
    value = obj[key]
    if not isinstance(value, int):
        raise ValueError(f"{key!r} must be an integer")
    return value


def query_from_record(obj: dict[str, object]) -> GeneratedArticle:
    """Rebuild a query from :func:`query_record`'s mapping.

    Raises:
        ValueError: A field is missing or has the wrong type.
    """
    rows = obj.get("sentences")
    if not isinstance(rows, list):
        raise ValueError("'sentences' must be a list")
    sentences: list[TruthSentence] = []
    for row in rows:
        if not isinstance(row, dict):
            raise ValueError("each sentence must be an object")
        origin = row.get("origin_article")
        ratio = row.get("ratio", 0.0)
        if not isinstance(ratio, int | float):
            raise ValueError("'ratio' must be a number")
        sentences.append(
            TruthSentence(
                text=_str(row, "text"),
                start=_int(row, "start"),
                end=_int(row, "end"),
                sources=_ids(row, "sources"),
                origin_article=origin if isinstance(origin, str) else None,
                spin=_str(row, "spin"),
                original_text=_str(row, "original_text"),
                ratio=float(ratio),
            )
        )
    original_title = obj.get("original_title", "")
    return GeneratedArticle(
        id=_str(obj, "id"),
        title=_str(obj, "title"),
        text=_str(obj, "text"),
        headline_source=_ids(obj, "headline_source"),
        sentences=tuple(sentences),
        level=_str(obj, "level"),
        original_title=original_title if isinstance(original_title, str) else "",
    )


def _write_jsonl(path: Path, rows: Iterable[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def write_benchmark(bench: Benchmark, folder: Path) -> None:
    """Write ``indexed.jsonl``, ``held_out.jsonl`` and ``queries.jsonl`` to a folder.

    The article files use the ingest schema (``id``, ``title``, ``text``, ``url``,
    ``outlet``, ``published``), so ``unspun index`` reads ``indexed.jsonl`` as is.

    Args:
        bench: The benchmark.
        folder: Created when missing; existing files are replaced.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_jsonl(folder / "indexed.jsonl", (article_record(a) for a in bench.indexed))
    _write_jsonl(folder / "held_out.jsonl", (article_record(a) for a in bench.held_out))
    _write_jsonl(folder / "queries.jsonl", (query_record(q) for q in bench.queries))


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError(f"{path}:{n}: expected a JSON object")
                yield obj


def load_queries(path: Path) -> list[GeneratedArticle]:
    """Read queries written by :func:`write_benchmark`.

    Args:
        path: ``queries.jsonl``, or the folder holding it.

    Returns:
        The queries, in file order.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "queries.jsonl"
    return [query_from_record(obj) for obj in _read_jsonl(path)]


# --------------------------------------------------------------------------- CLI


def summarize(bench: Benchmark) -> dict[str, object]:
    """Counts and mean spin ratio of a benchmark, for logs and reports."""
    sentences = [t for q in bench.queries for t in q.sentences]
    originals = [t for t in sentences if not t.sources]
    return {
        "indexed": len(bench.indexed),
        "held_out": len(bench.held_out),
        "queries": len(bench.queries),
        "sentences": len(sentences),
        "original_sentences": len(originals),
        "mean_sources_per_query": round(
            statistics.fmean(
                len({t.origin_article for t in q.sentences if t.sources}) for q in bench.queries
            ),
            3,
        )
        if bench.queries
        else 0.0,
        "mean_ratio": round(statistics.fmean(t.ratio for t in sentences), 4) if sentences else 0.0,
        "multi_holder_sentences": sum(len(t.sources) > 1 for t in sentences),
        "queries_with_headline_source": sum(bool(q.headline_source) for q in bench.queries),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build a benchmark and write it to a folder.

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="reuters")
    parser.add_argument("--level", choices=LEVELS, default="heavy")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="articles per corpus")
    parser.add_argument("--thesaurus", type=Path, default=None, help="MyThes .dat file")
    parser.add_argument("--held-out-fraction", type=float, default=0.1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.corpus == "all":
            articles = load_all(data_dir=args.data_dir, limit=args.limit)
        else:
            articles = load_corpus(args.corpus, data_dir=args.data_dir, limit=args.limit)
        thesaurus = Thesaurus.load(args.thesaurus)
    except (DataMissingError, ThesaurusMissingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    loaded = time.perf_counter()
    try:
        bench = build_benchmark(
            articles,
            n_queries=args.queries,
            level=args.level,
            seed=args.seed,
            thesaurus=thesaurus,
            held_out_fraction=args.held_out_fraction,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    built = time.perf_counter()
    write_benchmark(bench, args.out)
    summary = summarize(bench)
    summary.update(
        level=args.level,
        seed=args.seed,
        load_s=round(loaded - started, 2),
        build_s=round(built - loaded, 2),
        out=str(args.out),
    )
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
