"""The real news corpora of ``../shared/data``, read as :class:`~unspun.records.Article`.

Three corpora share one JSONL schema (see ``shared/data/README.md``):

* ``reuters``: Reuters-21578 newswire (1987), 19,779 articles with repeated wire
  stories;
* ``buzzfeed``: BuzzFeed-Webis Fake News Corpus 2016, 1,627 articles from 9 outlets;
* ``fakenewsnet``: FakeNewsNet 2017, 422 articles, about 200 of which repeat a
  BuzzFeed-Webis article (:func:`load_all` drops those when both are loaded).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from unspun.ingest.records import article_from_mapping
from unspun.records import Article
from unspun.text import words

__all__ = [
    "CORPORA",
    "DataMissingError",
    "corpus_path",
    "data_dir",
    "load_all",
    "load_corpus",
    "require_data",
]

#: Corpus name -> folder under the data directory (each holds ``articles.jsonl.gz``).
CORPORA: Mapping[str, str] = MappingProxyType(
    {
        "reuters": "reuters21578",
        "buzzfeed": "buzzfeed_webis2016",
        "fakenewsnet": "fakenewsnet2017",
    }
)

# " – Eagle Rising", " | CNN Politics", " ⋆ US Herald": an outlet appended to a title.
_OUTLET_SUFFIX = re.compile(r"\s+[-–—|⋆*]\s+[^-–—|⋆*]{1,40}$")


class DataMissingError(FileNotFoundError):
    """The shared news corpora are not where they were looked for."""


def data_dir() -> Path:
    """The default data folder: ``shared/data`` beside the repository.

    Returns:
        ``<repo>/../shared/data`` (it may not exist).
    """
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def corpus_path(name: str, folder: Path | None = None) -> Path:
    """The ``articles.jsonl.gz`` file of a corpus.

    Args:
        name: ``reuters``, ``buzzfeed`` or ``fakenewsnet``.
        folder: The data folder; :func:`data_dir` when omitted.

    Returns:
        The path (not checked).

    Raises:
        ValueError: ``name`` is not a known corpus.
    """
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; expected one of {', '.join(CORPORA)}")
    base = data_dir() if folder is None else Path(folder)
    return base / CORPORA[name] / "articles.jsonl.gz"


def require_data(folder: Path | None = None, names: Iterable[str] = tuple(CORPORA)) -> Path:
    """Check that the data folder holds the named corpora.

    Args:
        folder: The data folder; :func:`data_dir` when omitted.
        names: Corpora that must be present.

    Returns:
        The data folder.

    Raises:
        DataMissingError: The folder or one of the corpus files is missing.
    """
    base = data_dir() if folder is None else Path(folder)
    missing = [str(corpus_path(n, base)) for n in names if not corpus_path(n, base).is_file()]
    if missing:
        raise DataMissingError(
            f"news corpora missing under {base}: {', '.join(missing)} "
            "(the benchmark reads the real corpora of ../shared/data; pass data_dir= "
            "or --data-dir to read them elsewhere)"
        )
    return base


def load_corpus(
    name: str, *, data_dir: Path | None = None, limit: int | None = None
) -> list[Article]:
    """Read one corpus, skipping records that cannot be ingested.

    Args:
        name: ``reuters``, ``buzzfeed`` or ``fakenewsnet``.
        data_dir: The data folder; the default :func:`data_dir` when omitted.
        limit: Keep at most this many articles (the first ones of the file).

    Returns:
        The articles in file order; ``origin`` is ``<name>:<line>``.

    Raises:
        DataMissingError: The corpus file is missing.
        ValueError: ``name`` is not a known corpus.
    """
    path = corpus_path(name, require_data(data_dir, (name,)))
    out: list[Article] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if limit is not None and len(out) >= limit:
                break
            if not line.strip():
                continue
            item = article_from_mapping(json.loads(line), origin=f"{name}:{n}")
            if isinstance(item, Article):
                out.append(item)
    return out


def _title_keys(title: str) -> set[tuple[str, ...]]:
    """The normalised title, with and without an appended outlet name."""
    keys = {tuple(words(title)), tuple(words(_OUTLET_SUFFIX.sub("", title)))}
    keys.discard(())
    return keys


def load_all(
    names: Iterable[str] = tuple(CORPORA),
    *,
    data_dir: Path | None = None,
    limit: int | None = None,
) -> list[Article]:
    """Read several corpora, without the FakeNewsNet copies of BuzzFeed-Webis articles.

    A FakeNewsNet article is dropped when its title (normalised, with or without an
    appended outlet name such as `` – Eagle Rising``) equals a BuzzFeed-Webis title,
    and both corpora are loaded. Articles whose id was already read are dropped too.

    Args:
        names: Corpora to read, in this order.
        data_dir: The data folder; the default :func:`data_dir` when omitted.
        limit: At most this many articles per corpus.

    Returns:
        The articles, corpus after corpus.
    """
    chosen = list(dict.fromkeys(names))
    loaded = {name: load_corpus(name, data_dir=data_dir, limit=limit) for name in chosen}
    if "buzzfeed" in loaded and "fakenewsnet" in loaded:
        seen_titles: set[tuple[str, ...]] = set()
        for art in loaded["buzzfeed"]:
            seen_titles |= _title_keys(art.title)
        loaded["fakenewsnet"] = [
            a for a in loaded["fakenewsnet"] if not (_title_keys(a.title) & seen_titles)
        ]
    out: list[Article] = []
    ids: set[str] = set()
    for name in chosen:
        for art in loaded[name]:
            if art.id not in ids:
                ids.add(art.id)
                out.append(art)
    return out
