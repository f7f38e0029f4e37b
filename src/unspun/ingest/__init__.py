"""Read news articles from files and folders.

Readers are generators of :class:`~unspun.records.Article` and
:class:`~unspun.records.Rejected` values: a record that cannot be used is
reported as a value and reading carries on. Only a path that does not exist at
all raises (:class:`~unspun.errors.InputError`).

Supported files: ``.txt`` (title line, then text), ``.json`` (an object or an
array of objects), ``.jsonl`` / ``.jsonl.gz`` (one object per line), ``.html`` /
``.htm`` (one page) and ``.warc`` / ``.warc.gz`` (archived HTML pages).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from unspun.errors import InputError
from unspun.ingest._files import DEFAULT_MAX_RECORD_BYTES, check_limit, os_error_reason
from unspun.ingest.jsonl import read_json, read_jsonl
from unspun.ingest.records import article_from_mapping, content_id
from unspun.ingest.txt import read_txt
from unspun.records import Article, Rejected

# The HTML and WARC readers pull in trafilatura and warcio (about 0.2 s of start-up);
# they are imported when a page or an archive is read, not when a .txt is traced.


def article_from_html(html: str, *, url: str | None, origin: str) -> Article | Rejected:
    """Extract an article from an HTML page (see :mod:`unspun.ingest.html`)."""
    from unspun.ingest import html as html_reader

    return html_reader.article_from_html(html, url=url, origin=origin)


__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "SUPPORTED_SUFFIXES",
    "article_from_html",
    "article_from_mapping",
    "content_id",
    "read_path",
    "read_paths",
    "supported_suffix",
]

#: File name endings read, longest first within each family; matched case-insensitively.
SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".txt",
    ".json",
    ".jsonl",
    ".jsonl.gz",
    ".html",
    ".htm",
    ".warc",
    ".warc.gz",
)


def supported_suffix(path: Path) -> str | None:
    """Return which of :data:`SUPPORTED_SUFFIXES` a file name ends with.

    Args:
        path: Any path; only its name is looked at.

    Returns:
        The matching suffix (the longest, so ``.jsonl.gz`` rather than ``.gz``),
        or ``None``.
    """
    name = path.name.lower()
    matches = [suffix for suffix in SUPPORTED_SUFFIXES if name.endswith(suffix)]
    return max(matches, key=len) if matches else None


def _unsupported_reason(path: Path) -> str:
    shown = f"'{path.suffix}'" if path.suffix else "without a suffix"
    return f"unsupported file type {shown} (expected {', '.join(SUPPORTED_SUFFIXES)})"


def _missing(path: Path) -> InputError:
    return InputError(f"{path}: no such file or directory")


def read_path(
    path: Path, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read one file with the reader its suffix calls for.

    Args:
        path: The file.
        max_record_bytes: Largest record read into memory (a JSONL line, a text
            or HTML file, a page in a WARC); larger ones are rejected and skipped.
            A ``.json`` file is parsed whole, so the limit applies to the file.

    Yields:
        The file's articles and rejected records, in file order. A file with an
        unsupported suffix, or that is a folder or not a regular file, yields one
        ``Rejected``.

    Raises:
        InputError: ``path`` does not exist (raised on the first ``next``).
        ValueError: ``max_record_bytes`` is not positive.
    """
    check_limit(max_record_bytes)
    if not path.exists():
        raise _missing(path)
    if path.is_dir():
        yield Rejected(str(path), "is a folder, not a file (read folders with read_paths)")
        return
    if not path.is_file():
        yield Rejected(str(path), "not a regular file")
        return
    suffix = supported_suffix(path)
    if suffix == ".txt":
        yield from read_txt(path, max_record_bytes=max_record_bytes)
    elif suffix == ".json":
        yield from read_json(path, max_record_bytes=max_record_bytes)
    elif suffix in (".jsonl", ".jsonl.gz"):
        yield from read_jsonl(path, max_record_bytes=max_record_bytes)
    elif suffix in (".html", ".htm"):
        from unspun.ingest.html import read_html

        yield from read_html(path, max_record_bytes=max_record_bytes)
    elif suffix in (".warc", ".warc.gz"):
        from unspun.ingest.warc import read_warc

        yield from read_warc(path, max_record_bytes=max_record_bytes)
    else:
        yield Rejected(str(path), _unsupported_reason(path))


def _listing(folder: Path) -> list[os.DirEntry[str]] | Rejected:
    """The entries of ``folder`` in name order, or why it cannot be read."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as err:
        return Rejected(str(folder), f"cannot read folder: {err.strerror or err}")


def _walk(folder: Path) -> Iterator[Path | Rejected]:
    """Supported, non-hidden files under ``folder`` in name order, depth first.

    Symbolic links to folders are not followed (they could loop); links to files are.
    The folders being read are kept on a stack, not in nested calls: folders can nest
    deeper than Python's recursion limit.
    """
    top = _listing(folder)
    if isinstance(top, Rejected):
        yield top
        return
    stack = [(folder, iter(top))]
    while stack:
        parent, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        child = parent / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                listing = _listing(child)
                if isinstance(listing, Rejected):
                    yield listing
                else:
                    stack.append((child, iter(listing)))
            elif entry.is_file() and supported_suffix(child) is not None:
                yield child
        except OSError as err:
            yield Rejected(str(child), os_error_reason(err))


def read_paths(
    paths: Iterable[Path], *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[Article | Rejected]:
    """Read files and folders given on the command line.

    Folders are walked recursively in name order; hidden entries (names starting
    with ``.``) and files with unsupported suffixes inside them are skipped
    silently. A file named explicitly is always read, and an unsupported one is
    reported as a ``Rejected``.

    Args:
        paths: Files and folders, read in the order given.
        max_record_bytes: See :func:`read_path`.

    Yields:
        Articles and rejected records from every file, in order.

    Raises:
        InputError: One of ``paths`` does not exist. All are checked before
            anything is read (on the first ``next``).
        ValueError: ``max_record_bytes`` is not positive.
    """
    check_limit(max_record_bytes)
    given = list(paths)
    for path in given:
        if not path.exists():
            raise _missing(path)
    for path in given:
        if path.is_dir():
            for item in _walk(path):
                if isinstance(item, Rejected):
                    yield item
                else:
                    yield from read_path(item, max_record_bytes=max_record_bytes)
        else:
            yield from read_path(path, max_record_bytes=max_record_bytes)
