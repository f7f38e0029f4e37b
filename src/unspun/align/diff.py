"""Word-level alignment of a source sentence with a traced sentence.

The diff is a list of :class:`WordOp` (equal / replace / insert / delete) over two word
lists. Invariant, checked by property tests: ``apply_ops(ops, source) == target`` --
the ops alone, given the source words, rebuild the traced sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from unspun.records import Edit
from unspun.text import STOPWORDS


@dataclass(frozen=True, slots=True)
class WordOp:
    """One step turning ``source[src_start:src_end]`` into ``words``.

    ``tag`` is ``equal``, ``replace``, ``insert`` or ``delete``; for ``equal`` and
    ``delete`` ``words`` is empty (the source words are kept or dropped).
    """

    tag: str
    src_start: int
    src_end: int
    dst_start: int
    dst_end: int
    words: tuple[str, ...] = ()


def diff_words(source: Sequence[str], target: Sequence[str]) -> list[WordOp]:
    """Word-level diff of two token lists.

    The alignment keeps the longest common subsequence of words (insertions and
    deletions only); a deletion next to an insertion is then read as a replacement.
    This keeps unchanged words aligned even when a phrase grows or shrinks, which a
    substitution-friendly (Levenshtein) alignment smears across neighbours.

    >>> [op.tag for op in diff_words(["he", "said", "no"], ["he", "stated", "no"])]
    ['equal', 'replace', 'equal']
    """
    ops: list[WordOp] = []
    for op in Indel.opcodes(list(source), list(target)):
        words = () if op.tag in ("equal", "delete") else tuple(target[op.dest_start : op.dest_end])
        ops.append(WordOp(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end, words))
    return _merge_adjacent(ops)


def _merge_adjacent(ops: list[WordOp]) -> list[WordOp]:
    """Fuse neighbouring non-equal ops into one replace, so edits read as phrases."""
    merged: list[WordOp] = []
    for op in ops:
        if merged and op.tag != "equal" and merged[-1].tag != "equal":
            prev = merged.pop()
            src_empty = prev.src_start == prev.src_end and op.src_start == op.src_end
            words = prev.words + op.words
            tag = "insert" if src_empty else ("delete" if not words else "replace")
            merged.append(
                WordOp(tag, prev.src_start, op.src_end, prev.dst_start, op.dst_end, words)
            )
        else:
            merged.append(op)
    return merged


def apply_ops(ops: Sequence[WordOp], source: Sequence[str]) -> list[str]:
    """Rebuild the target from the source words and the ops.

    >>> src = ["prices", "rose", "sharply"]
    >>> apply_ops(diff_words(src, ["prices", "climbed", "sharply"]), src)
    ['prices', 'climbed', 'sharply']
    """
    out: list[str] = []
    for op in ops:
        if op.tag == "equal":
            out.extend(source[op.src_start : op.src_end])
        elif op.tag in ("replace", "insert"):
            out.extend(op.words)
    return out


def edits_of(
    ops: Sequence[WordOp], source: Sequence[str], target: Sequence[str]
) -> tuple[Edit, ...]:
    """The changes of a diff as report edits (``from`` / ``to`` phrases).

    ``source`` and ``target`` may be the words as printed (same lengths as the
    normalised words the diff was computed on), so edits show the original spelling.
    """
    return tuple(
        Edit(
            " ".join(source[op.src_start : op.src_end]),
            " ".join(target[op.dst_start : op.dst_end]),
        )
        for op in ops
        if op.tag != "equal"
    )


def sequence_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """2 * longest common word subsequence / total words, in [0, 1].

    >>> sequence_similarity(["a", "b"], ["a", "b"])
    1.0
    """
    if not a and not b:
        return 1.0
    return float(Indel.normalized_similarity(list(a), list(b)))


def content_words(words: Iterable[str]) -> frozenset[str]:
    """The distinct words of a sentence that are not stopwords.

    >>> sorted(content_words(["the", "strike", "ended", "the", "strike"]))
    ['ended', 'strike']
    """
    return frozenset(w for w in words if w not in STOPWORDS)


def content_overlap(a: Sequence[str], b: Sequence[str]) -> tuple[float, int]:
    """Shared content words (multiset) as a share of the shorter sentence's, and the count.

    Word order is ignored, so reordered clauses keep their overlap.

    >>> content_overlap(["the", "strike", "ended"], ["strike", "ended", "today"])
    (1.0, 2)
    """
    ca = Counter(w for w in a if w not in STOPWORDS)
    cb = Counter(w for w in b if w not in STOPWORDS)
    shared = sum((ca & cb).values())
    shorter = min(sum(ca.values()), sum(cb.values()))
    return (shared / shorter if shorter else 0.0), shared
