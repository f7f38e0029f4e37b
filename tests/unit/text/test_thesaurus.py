"""The MyThes reader: headwords found through the ``.idx`` file or by walking the ``.dat``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from unspun.text.thesaurus import DEFAULT_THESAURUS, Thesaurus

# A small thesaurus written for these tests, with a multiword head and a capitalised one.
_ENTRIES = (
    ("harbour", ["(noun)|port|haven|seaport (related term)", "(verb)|shelter|hide"]),
    ("ferry boat", ["(noun)|ferry|boat (generic term)"]),
    ("Kesterwick", ["(noun)|Kesterwick town|town (generic term)"]),
    ("kesterwick", ["(adj)|local"]),
    ("slow", ["(adj)|unhurried|fast (antonym)"]),
    ("Tarvo", ["(noun)|Tarvo mill"]),
    ("Tarvo", ["(noun)|mill town"]),  # a headword written twice
)


def _write(folder: Path, *, index: str | None) -> Path:
    """Write the thesaurus (and an index: "good", "stale" or none) and return the .dat."""
    dat = bytearray(b"UTF-8\n")
    offsets: list[tuple[str, int]] = []
    for head, senses in _ENTRIES:
        offsets.append((head, len(dat)))
        dat += f"{head}|{len(senses)}\n".encode()
        for sense in senses:
            dat += f"{sense}\n".encode()
    path = folder / "th.dat"
    path.write_bytes(bytes(dat))
    if index is not None:
        shift = 0 if index == "good" else 3
        rows = [f"{h}|{o + shift}" for h, o in sorted(offsets)]
        (folder / "th.idx").write_text("UTF-8\n" + f"{len(rows)}\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("index", [None, "good", "stale"])
def test_same_entries_with_or_without_an_index(tmp_path: Path, index: str | None) -> None:
    th = Thesaurus.load(_write(tmp_path, index=index))
    assert len(th) == 5  # "Kesterwick" and "kesterwick" share a lower-case key
    assert th.equivalents("tarvo") == ["Tarvo mill", "mill town"]  # both entries
    assert not th.is_common_word("Tarvo")
    assert th.synonyms("Harbour") == ["port", "haven", "seaport", "shelter", "hide"]
    assert th.synonyms("harbour", pos="verb") == ["shelter", "hide"]
    assert th.synonyms("harbour", strict=True) == ["port", "haven", "shelter", "hide"]
    assert th.equivalents("ferry boat") == ["ferry"]
    assert th.synonyms("kesterwick") == ["town", "local"]
    assert th.synonyms("slow") == ["unhurried"]
    assert th.is_common_word("Slow") and not th.is_common_word("ferry")
    assert "FERRY BOAT" in th and "quay" not in th
    assert th.synonyms("quay") == []


@pytest.mark.skipif(
    not DEFAULT_THESAURUS.is_file() and os.environ.get("CI") != "true",
    reason="the Debian package mythes-en-us is not installed",
)
def test_installed_index_matches_a_walk_of_the_file(tmp_path: Path) -> None:
    """The index Debian installs gives exactly the entries a full walk finds."""
    copy = tmp_path / "th.dat"
    copy.write_bytes(DEFAULT_THESAURUS.read_bytes())  # no .idx beside the copy
    walked, indexed = Thesaurus.load(copy), Thesaurus.load(DEFAULT_THESAURUS)
    assert len(walked) == len(indexed) > 100_000
    for word in ("happy", "ship", "march", "company", "united states of america"):
        assert walked.synonyms(word) == indexed.synonyms(word)
        assert walked.equivalents(word) == indexed.equivalents(word)
