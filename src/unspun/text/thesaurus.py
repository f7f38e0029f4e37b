"""An OpenOffice MyThes thesaurus, read from its ``.dat`` file.

MyThes files (the Debian package ``mythes-en-us`` installs the English one) list
senses and synonyms for about 145,000 headwords, multiword terms included. The
benchmark's spinner draws its synonym swaps from it, and the spin forensics read it
to find words that have a much more common synonym.
"""

from __future__ import annotations

import codecs
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
    walking the whole ``.dat`` file (0.1 s instead of 0.6 s on the reference machine).

    Attributes:
        path: The ``.dat`` file read.
    """

    path: Path
    _data: bytes = field(repr=False, compare=False)
    _encoding: str = field(repr=False, compare=False)
    _heads: Mapping[str, tuple[int, ...]] = field(repr=False, compare=False)
    _lowercase_heads: frozenset[str] = field(repr=False, compare=False)
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
        grouped: dict[str, list[int]] = {}
        lowercase: set[str] = set()
        for head, offset in heads:
            grouped.setdefault(head.lower(), []).append(offset)
            if head.islower():
                lowercase.add(head)
        return cls(
            path=file,
            _data=data,
            _encoding=encoding,
            _heads=MappingProxyType({k: tuple(v) for k, v in grouped.items()}),
            _lowercase_heads=frozenset(lowercase),
        )

    def __len__(self) -> int:
        return len(self._heads)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self._heads

    def is_common_word(self, word: str) -> bool:
        """Whether ``word`` in lower case is a headword (a common, not a proper, noun)."""
        return word.lower() in self._lowercase_heads

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
        for offset in self._heads.get(word.lower(), ()):
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


def _scan_heads(data: bytes, encoding: str) -> list[tuple[str, int]]:
    """Every headword of a ``.dat`` file with the byte offset of its ``word|N`` line."""
    heads: list[tuple[str, int]] = []
    offset = data.find(b"\n") + 1  # past the encoding line
    while 0 < offset < len(data):
        line_start = offset
        end = data.find(b"\n", line_start)
        end = len(data) if end < 0 else end
        head, bar, count = data[line_start:end].rstrip(b"\r").rpartition(b"|")
        offset = end + 1
        if not bar or not count.isdigit() or not head:
            continue
        heads.append((head.decode(encoding, errors="replace"), line_start))
        for _ in range(int(count)):  # skip the sense lines
            end = data.find(b"\n", offset)
            offset = len(data) if end < 0 else end + 1
    return heads


def _heads_from_index(idx: Path, data: bytes, encoding: str) -> list[tuple[str, int]] | None:
    """Headwords and offsets from a MyThes ``.idx`` file (``word|offset`` lines after the
    encoding and count lines); ``None`` when it is missing or does not match ``data``."""
    try:
        lines = idx.read_bytes().decode(encoding, errors="replace").split("\n")
    except OSError:
        return None
    heads: list[tuple[str, int]] = []
    for line in lines[2:]:
        head, bar, number = line.rstrip("\r").rpartition("|")
        if bar and head and number.isdigit():
            heads.append((head, int(number)))
    # A stale index would point into the middle of entries: check a spread of them.
    step = max(1, len(heads) // 50)
    for head, offset in heads[::step] + heads[-1:]:
        start = head.encode(encoding, errors="replace") + b"|"
        if data[offset : offset + len(start)] != start or (offset and data[offset - 1] != 10):
            return None
    return heads or None
