"""An OpenOffice MyThes thesaurus, read from its ``.dat`` file.

MyThes files (the Debian package ``mythes-en-us`` installs the English one) list
senses and synonyms for about 145,000 headwords, multiword terms included. The
benchmark's spinner draws its synonym swaps from it, and the spin forensics read it
to find words that have a much more common synonym.
"""

from __future__ import annotations

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

    Attributes:
        path: The ``.dat`` file read.
    """

    path: Path
    _lines: tuple[str, ...] = field(repr=False, compare=False)
    _heads: Mapping[str, tuple[tuple[int, int], ...]] = field(repr=False, compare=False)
    _lowercase_heads: frozenset[str] = field(repr=False, compare=False)
    _cache: dict[tuple[str, str | None, bool], tuple[str, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def load(cls, path: Path | str | None = None) -> Thesaurus:
        """Read a MyThes ``.dat`` file.

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
            text = data.decode(encoding, errors="replace")
        except LookupError:
            text = data.decode("utf-8", errors="replace")
        lines = tuple(text.split("\n"))
        heads: dict[str, list[tuple[int, int]]] = {}
        lowercase: set[str] = set()
        i = 1
        while i < len(lines):
            head, bar, count = lines[i].rstrip("\r").rpartition("|")
            if not bar or not count.isdigit() or not head:
                i += 1
                continue
            n = int(count)
            heads.setdefault(head.lower(), []).append((i + 1, n))
            if head.islower():
                lowercase.add(head)
            i += 1 + n
        return cls(
            path=file,
            _lines=lines,
            _heads=MappingProxyType({k: tuple(v) for k, v in heads.items()}),
            _lowercase_heads=frozenset(lowercase),
        )

    def __len__(self) -> int:
        return len(self._heads)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self._heads

    def is_common_word(self, word: str) -> bool:
        """Whether ``word`` in lower case is a headword (a common, not a proper, noun)."""
        return word.lower() in self._lowercase_heads

    def _terms(self, word: str) -> list[_Term]:
        out: list[_Term] = []
        for first, n in self._heads.get(word.lower(), ()):
            for line in self._lines[first : first + n]:
                fields = line.rstrip("\r").split("|")
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
