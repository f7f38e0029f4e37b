"""An OpenOffice MyThes thesaurus, read from its ``.dat`` file.

MyThes files (the Debian package ``mythes-en-us`` installs the English one) list
senses and synonyms for about 145,000 headwords, multiword terms included. The
benchmark's spinner draws its synonym swaps from it, and the spin forensics read it
to find words that have a much more common synonym.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = ["DEFAULT_THESAURUS", "THESAURUS_PACKAGE", "Thesaurus", "ThesaurusMissingError"]

#: Where Debian's ``mythes-en-us`` package installs the English thesaurus.
DEFAULT_THESAURUS = Path("/usr/share/mythes/th_en_US_v2.dat")
#: The Debian package providing :data:`DEFAULT_THESAURUS`.
THESAURUS_PACKAGE = "mythes-en-us"

_MARKERS = MappingProxyType(
    {
        "(similar term)": "similar",
        "(related term)": "related",
        "(generic term)": "generic",
        "(antonym)": "antonym",
    }
)


class ThesaurusMissingError(FileNotFoundError):
    """The MyThes thesaurus file is not installed."""


@dataclass(frozen=True)
class _Term:
    word: str
    pos: str
    kind: str  # "" (plain synonym), "similar", "related" or "generic"


@dataclass(frozen=True)
class Thesaurus:
    """An OpenOffice MyThes thesaurus, read once and parsed entry by entry on demand.

    The file starts with a line naming its encoding, then holds entries of the form
    ``word|N`` followed by ``N`` sense lines ``(pos)|syn1|syn2 (generic term)|...``.
    Its ``.idx`` companion (same name, installed beside it) lists each headword with the
    byte offset of its entry; when present, loading reads headwords from it instead of
    walking the whole ``.dat`` file, and entries are parsed only when looked up.

    Attributes:
        path: The ``.dat`` file read.
    """

    path: Path
    _data: bytes = field(repr=False, compare=False)
    _encoding: str = field(repr=False, compare=False)
    _exact: Mapping[str, str] = field(repr=False, compare=False)
    """Headword as written -> byte offset (digits) of its entry."""
    _folded: Mapping[str, tuple[int, ...]] = field(repr=False, compare=False)
    """Lower-cased headword -> offsets, for the few written otherwise or more than once."""
    _size: int = field(repr=False, compare=False)
    _cache: dict[tuple[str, str | None, bool], tuple[str, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def load(cls, path: Path | str | None = None) -> Thesaurus:
        """Read a MyThes ``.dat`` file (and its ``.idx`` file when there is one).

        Args:
            path: The file; :data:`DEFAULT_THESAURUS` when omitted.

        Returns:
            The thesaurus.

        Raises:
            ThesaurusMissingError: The file does not exist (install the Debian
                package ``mythes-en-us``).
        """
        file = Path(path) if path is not None else DEFAULT_THESAURUS
        if not file.is_file():
            raise ThesaurusMissingError(
                f"thesaurus {file} not found: install the Debian package "
                f"{THESAURUS_PACKAGE} (apt-get install -y {THESAURUS_PACKAGE}) "
                "or pass the path of a MyThes .dat file"
            )
        data = file.read_bytes()
        first, _, _ = data.partition(b"\n")
        encoding = first.strip().decode("ascii", errors="replace") or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = "utf-8"
        heads = _heads_from_index(file.with_suffix(".idx"), data, encoding)
        if heads is None:
            heads = _scan_heads(data, encoding)
        exact = dict(heads)
        # Built with comprehensions over C-level checks: a Python loop doing the same
        # work for each of the 145,000 headwords took most of the load time.
        odd = [(h, o) for h, o in heads if h != h.lower()]
        keys = {h.lower() for h, _ in odd}
        if len(exact) != len(heads):  # a headword written twice
            keys |= {h.lower() for h, n in Counter(h for h, _ in heads).items() if n > 1}
        folded: dict[str, list[int]] = {k: [] for k in keys}
        for h, o in odd + [(h, o) for h, o in heads if h in keys]:
            folded[h.lower()].append(int(o))
        size = len(exact) - len({h for h, _ in odd}) + len(keys - exact.keys())
        return cls(
            path=file,
            _data=data,
            _encoding=encoding,
            _exact=MappingProxyType(exact),
            _folded=MappingProxyType({k: tuple(sorted(set(v))) for k, v in folded.items()}),
            _size=size,
        )

    def __len__(self) -> int:
        return self._size

    def _offsets(self, word: str) -> tuple[int, ...]:
        """Byte offsets of the entries of ``word``, looked up case-insensitively."""
        key = word.lower()
        folded = self._folded.get(key)
        if folded is not None:
            return folded
        offset = self._exact.get(key)
        return () if offset is None else (int(offset),)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self._offsets(word))

    def is_common_word(self, word: str) -> bool:
        """Whether ``word`` in lower case is a headword (a common, not a proper, noun)."""
        key = word.lower()
        return key.islower() and key in self._exact

    def _sense_lines(self, offset: int) -> list[str]:
        """The sense lines of the entry whose ``word|N`` line starts at ``offset``."""
        data = self._data
        end = data.find(b"\n", offset)
        end = len(data) if end < 0 else end
        _, _, count = data[offset:end].rstrip(b"\r").rpartition(b"|")
        out: list[str] = []
        for _ in range(int(count) if count.isdigit() else 0):
            start, end = end + 1, data.find(b"\n", end + 1)
            end = len(data) if end < 0 else end
            out.append(data[start:end].rstrip(b"\r").decode(self._encoding, errors="replace"))
        return out

    def _terms(self, word: str) -> list[_Term]:
        out: list[_Term] = []
        for offset in self._offsets(word):
            for line in self._sense_lines(offset):
                fields = line.split("|")
                pos = fields[0].strip().strip("()")
                for raw in fields[1:]:
                    term = raw.strip()
                    kind = ""
                    for marker, name in _MARKERS.items():
                        if term.endswith(marker):
                            term, kind = term[: -len(marker)].strip(), name
                            break
                    if term:
                        out.append(_Term(term, pos, kind))
        return out

    def synonyms(self, word: str, *, pos: str | None = None, strict: bool = False) -> list[str]:
        """Single-word synonyms of ``word``, in the file's order.

        The look-up is case-insensitive. Antonyms, multiword or hyphenated terms,
        terms with digits or punctuation, and the word itself are left out; each
        synonym appears once.

        Args:
            word: The word to look up.
            pos: Keep only senses of this part of speech (``noun``, ``verb``,
                ``adj``, ``adv``).
            strict: Keep only plain synonyms and "similar terms", not the
                "related" or "generic" (broader) terms.

        Returns:
            The synonyms (possibly empty).

        >>> th = Thesaurus.load()  # doctest: +SKIP
        >>> th.synonyms("happy", strict=True)[:3]  # doctest: +SKIP
        ['blessed', 'blissful', 'bright']
        """
        key = (word.lower(), pos, strict)
        cached = self._cache.get(key)
        if cached is None:
            seen: set[str] = {key[0]}
            found: list[str] = []
            for term in self._terms(key[0]):
                if term.kind == "antonym" or (pos is not None and term.pos != pos):
                    continue
                if strict and term.kind not in ("", "similar"):
                    continue
                if not term.word.isalpha() or term.word.lower() in seen:
                    continue
                seen.add(term.word.lower())
                found.append(term.word)
            cached = tuple(found)
            self._cache[key] = cached
        return list(cached)

    def equivalents(self, term: str) -> list[str]:
        """Plain synonyms of ``term`` as the file writes them, multiword ones included.

        Unlike :meth:`synonyms` this keeps case, punctuation and spaces
        (``United States of America`` -> ``US``, ``U.S.``, ``America``...), so that
        names and their short forms can be matched; broader, related and similar
        terms are left out. Each term appears once, the headword itself not at all.

        Args:
            term: A headword, looked up case-insensitively.

        Returns:
            The equivalents (possibly empty).
        """
        seen = {term.lower()}
        found: list[str] = []
        for t in self._terms(term):
            if t.kind == "" and t.word.lower() not in seen:
                seen.add(t.word.lower())
                found.append(t.word)
        return found


def _scan_heads(data: bytes, encoding: str) -> list[tuple[str, str]]:
    """Every headword of a ``.dat`` file with the byte offset (digits) of its ``word|N``
    line."""
    heads: list[tuple[str, str]] = []
    offset = data.find(b"\n") + 1  # past the encoding line
    while 0 < offset < len(data):
        line_start = offset
        end = data.find(b"\n", line_start)
        end = len(data) if end < 0 else end
        head, bar, count = data[line_start:end].rstrip(b"\r").rpartition(b"|")
        offset = end + 1
        if not bar or not count.isdigit() or not head:
            continue
        heads.append((head.decode(encoding, errors="replace"), str(line_start)))
        for _ in range(int(count)):  # skip the sense lines
            end = data.find(b"\n", offset)
            offset = len(data) if end < 0 else end + 1
    return heads


def _heads_from_index(idx: Path, data: bytes, encoding: str) -> list[tuple[str, str]] | None:
    """Headwords and offsets (digits) from a MyThes ``.idx`` file (``word|offset`` lines
    after the encoding and count lines); ``None`` when it is missing or does not match
    ``data``."""
    try:
        text = idx.read_bytes().decode(encoding, errors="replace")
    except OSError:
        return None
    heads: list[tuple[str, str]] = _INDEX_LINE.findall(text)
    # A stale index would point into the middle of entries: check a spread of them.
    step = max(1, len(heads) // 50)
    for head, number in heads[::step] + heads[-1:]:
        offset = int(number)
        start = head.encode(encoding, errors="replace") + b"|"
        if data[offset : offset + len(start)] != start or (offset and data[offset - 1] != 10):
            return None
    return heads or None


_INDEX_LINE = re.compile(r"^(.+)\|(\d+)\r?$", re.MULTILINE)
