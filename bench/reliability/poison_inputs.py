"""The hostile file contents of the poison part, and the sizes of those whose size is
the point.

Every input is generated here (made-up words from :data:`bench.faults.VOCAB`, or bytes
made for the purpose), small on disk unless its size is the point: a gzip bomb is a
megabyte that expands to a gibibyte. Each builder writes one input into an empty
folder and returns the path to give the CLI; :mod:`bench.reliability.poison_paths`
has the odd paths (FIFOs, links, names), :mod:`bench.reliability.poison_cases` the
catalogue.
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path

from bench.faults import VOCAB
from unspun.config import MAX_ARTICLE_CHARS

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
#: The reader's record limit (``unspun.ingest.DEFAULT_MAX_RECORD_BYTES``), as the user sees it.
RECORD_LIMIT = 8 * MIB


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big the inputs whose size is the point are.

    Attributes:
        bomb: Bytes a gzip bomb expands to.
        records: Tiny records in one JSON Lines file.
        sentence: Characters of the one-sentence article given to ``unspun index``.
        words: Characters of one-word sentences given to ``unspun index`` (under
            ``unspun.pipeline.MAX_INDEX_SENTENCES`` sentences).
        dense: Records of 99,000 one-letter lines in one JSON Lines file.
        letters: Characters of one letter repeated, without a space.
        traced: Characters of the long articles given to ``trace`` and ``check``
            (under :data:`~unspun.config.MAX_ARTICLE_CHARS`).
        marks: Combining marks stacked on one letter of a headline.
        sparse: Apparent size of a sparse file (it holds no data on disk).
        depth: Folders nested in one another.
    """

    bomb: int
    records: int
    sentence: int
    words: int
    dense: int
    letters: int
    traced: int
    marks: int
    sparse: int
    depth: int

    def shown(self) -> dict[str, str]:
        """The sizes as the case names write them."""
        return {
            "bomb": _bytes_shown(self.bomb),
            "records": f"{self.records:,}",
            "sentence": _bytes_shown(self.sentence),
            "words": _bytes_shown(self.words),
            "dense": f"{self.dense:,}",
            "letters": f"{self.letters:,}",
            "traced": f"{self.traced:,}",
            "marks": f"{self.marks:,}",
            "sparse": _bytes_shown(self.sparse),
            "depth": f"{self.depth:,}",
        }


FULL = Sizes(
    bomb=GIB,
    records=1_000_000,
    sentence=7_500_000,
    words=3_400_000,
    dense=40,
    letters=1_000_000,
    traced=999_000,
    marks=990_000,
    sparse=10 * GIB,
    depth=1_500,
)


QUICK = Sizes(
    bomb=32 * MIB,
    records=20_000,
    sentence=1_000_000,
    words=200_000,
    dense=4,
    letters=200_000,
    traced=100_000,
    marks=20_000,
    sparse=GIB,
    depth=1_500,
)


def _bytes_shown(n: int) -> str:
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if n >= unit and n % unit == 0:
            return f"{n // unit} {name}"
    return f"{n / 1e6:g} MB" if n >= 1_000_000 else f"{n:,} bytes"


# --- generated text ----------------------------------------------------------------


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(VOCAB, k=count))


def _sentence(rng: random.Random) -> str:
    return _words(rng, rng.randint(8, 14)).capitalize() + "."


def _prose(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _headline(rng: random.Random) -> str:
    return f"Notice on the {rng.choice(VOCAB)} and the {rng.choice(VOCAB)}"


def story_of(rng: random.Random, paragraphs: int = 4) -> str:
    """A plain-text article: a headline line, then paragraphs."""
    return _headline(rng) + "\n\n" + "\n\n".join(_prose(rng) for _ in range(paragraphs))


def record_of(rng: random.Random) -> dict[str, str]:
    return {"title": _headline(rng), "text": _prose(rng, 8), "source": "Poison Gazette"}


def jsonl_line(obj: object) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def _page(rng: random.Random, *, head: str = "", attrs: str = "") -> str:
    """An HTML article page that trafilatura extracts."""
    title = _headline(rng)
    body = "".join(f"<p>{_prose(rng)}</p>\n" for _ in range(5))
    return (
        f"<!doctype html><html><head>{head}<title>{title}</title></head><body{attrs}>"
        f"<article><h1>{title}</h1>\n{body}</article></body></html>"
    )


def write_good(path: Path, seed: int) -> Path:
    """The good file given after each poisoned one: one article, unlike any other."""
    rng = random.Random(seed)
    record = {"id": "poison-good", **record_of(rng)}
    path.write_bytes(jsonl_line(record))
    return path


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _gzip_of(path: Path, head: bytes, unit: bytes, size: int, tail: bytes = b"") -> Path:
    """Gzip ``head``, then ``unit`` repeated to ``size`` bytes, then ``tail``."""
    block = unit * (MIB // len(unit))
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(head)
        left = size
        while left > 0:
            piece = block[:left]
            out.write(piece)
            left -= len(piece)
        out.write(tail)
    return path


def _warc_record(rng: random.Random, html: bytes, *, declared: int | None = None) -> bytes:
    """A WARC response record holding ``html`` (its Content-Length may lie)."""
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(html)}\r\n\r\n".encode()
        + html
    )
    return _warc_head(rng, len(http) if declared is None else declared) + http + b"\r\n\r\n"


def _warc_head(rng: random.Random, length: int) -> bytes:
    return (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>\r\n"
        f"WARC-Target-URI: https://poison.example/{rng.randrange(10**6)}\r\n"
        "WARC-Date: 2031-03-04T05:06:07Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


# --- inputs for unspun index ---------------------------------------------------------


def empty_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "empty.txt", b"")


def nul_bytes_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "nul.txt", story_of(rng).replace(" ", " \x00", 9))


def invalid_utf8_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    story = story_of(rng).encode()
    return write(folder / "latin.txt", story[:200] + b"\xff\xfe\xc3\x28" + story[200:])


def utf16_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "utf16.txt", story_of(rng).encode("utf-16-le"))


def pdf_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    stream = zlib.compress(_prose(rng, 40).encode())
    data = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return write(folder / "report.txt", data)


def over_limit_line(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A JSON Lines record one byte over the limit (its line break aside), between two
    good ones."""
    path = folder / "big-line.jsonl"
    head = b'{"title": "Over the limit", "text": "'
    tail = b'"}'
    filler = RECORD_LIMIT + 1 - len(head) - len(tail)
    with path.open("wb") as out:
        out.write(jsonl_line(record_of(rng)))
        text = (_words(rng, filler // 4).encode() + b" " * filler)[:filler]
        out.write(head + text + tail + b"\n")
        out.write(jsonl_line(record_of(rng)))
    return path


def newline_bomb(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return _gzip_of(folder / "blank.jsonl.gz", b"", b"\n", sizes.bomb)


def endless_line_bomb(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return _gzip_of(folder / "endless.jsonl.gz", b'{"text": "', b"a", sizes.bomb)


def truncated_gzip(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    data = gzip.compress(b"".join(jsonl_line(record_of(rng)) for _ in range(60)))
    return write(folder / "cut.jsonl.gz", data[: len(data) * 3 // 5])


def not_gzip(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "plain.jsonl.gz", jsonl_line(record_of(rng)))


def nested_arrays_json(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "nested.json", "[" * 100_000 + "]" * 100_000)


def huge_number_json(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    record = json.dumps(record_of(rng))[:-1] + ', "views": 1' + "0" * 5_000 + "}"
    return write(folder / "number.json", record)


def huge_key_json(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    record = {("k" * MIB): 1, **record_of(rng)}
    return write(folder / "key.json", json.dumps(record))


def duplicate_keys_json(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    first = json.dumps({"text": {"nested": [1, 2]}, "title": 7})[:-1]
    return write(folder / "twice.json", first + ", " + json.dumps(record_of(rng))[1:])


def tiny_records(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "tiny.jsonl", b"{}\n" * sizes.records)


def nested_divs_html(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    inner = f"<p>{_prose(rng)}</p>"
    page = "<html><body>" + "<div>" * 100_000 + inner + "</div>" * 100_000 + "</body></html>"
    return write(folder / "divs.html", page)


def one_paragraph_html(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A page just under the limit: one paragraph of ordinary sentences."""
    head = f"<html><head><title>{_headline(rng)}</title></head><body><article><p>"
    tail = "</p></article></body></html>"
    room = RECORD_LIMIT - 64 * KIB - len(head) - len(tail)
    sentences: list[str] = []
    size = 0
    while size < room:
        sentences.append(_sentence(rng))
        size += len(sentences[-1]) + 1
    return write(folder / "paragraph.html", head + " ".join(sentences)[:room] + tail)


def big_attribute_html(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    attrs = f' data-blob="{"x" * (5 * MIB)}"'
    return write(folder / "attribute.html", _page(rng, attrs=attrs))


def bogus_charset_html(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "bogus.html", _page(rng, head='<meta charset="x-no-such-thing">'))


def codec_charset_html(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A page whose charset names a Python codec that is not a text encoding."""
    return write(folder / "codec.html", _page(rng, head='<meta charset="hex">'))


def ten_gb_warc(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A record that claims 10 GB, then a whole record that must still be read."""
    liar = _warc_record(rng, _page(rng).encode(), declared=10 * 10**9)
    return write(folder / "liar.warc", liar + _warc_record(rng, _page(rng).encode()))


def garbage_warc(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "garbage.warc", b"\x00" + rng.randbytes(256 * KIB))


def warc_gz_bomb(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A record whose page expands to ``sizes.bomb`` bytes, as its header says."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    head = _warc_head(rng, len(http) + sizes.bomb) + http
    return _gzip_of(folder / "bomb.warc.gz", head, b"a", sizes.bomb, b"\r\n\r\n")


def encoded_bomb_warc(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A page sent with ``Content-Encoding: gzip`` that decodes to ``sizes.bomb`` bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"a" * MIB
    body = packer.compress(b"<html><body><p>")
    for _ in range(sizes.bomb // MIB):
        body += packer.compress(block)
    body += packer.flush()
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    return write(folder / "encoded.warc", _warc_head(rng, len(http)) + http + b"\r\n\r\n")


def one_sentence_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "sentence.txt", _long_sentence_story(rng, sizes.sentence))


def _long_sentence_story(rng: random.Random, chars: int) -> str:
    title = _headline(rng)
    room = chars - len(title) - 3
    text = _words(rng, room // 5 + 1)[: room - 1].rstrip() + "."
    return f"{title}\n\n{text}"


def one_letter_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "letter.txt", "Letters\n" + "a" * sizes.letters)


def one_word_sentences_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "words.txt", _one_word_story(rng, sizes.words))


def one_letter_lines_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A file just under the limit of one-letter lines (4 million sentences)."""
    return write(folder / "lines.txt", "Lines\n" + "a\n" * ((RECORD_LIMIT - 64) // 2))


def one_letter_lines_records(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """Records of 99,000 one-letter lines each (under the indexer's sentence limit)."""
    path = folder / "lines.jsonl"
    with path.open("wb") as out:
        for number in range(sizes.dense):
            out.write(
                jsonl_line({"id": f"lines-{number}", "title": "Lines", "text": "a\n" * 99_000})
            )
    return path


def many_paragraphs_html(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A page just under the limit of one-letter paragraphs (a million elements)."""
    head = f"<html><head><title>{_headline(rng)}</title></head><body><article>"
    tail = "</article></body></html>"
    count = (RECORD_LIMIT - len(head) - len(tail)) // len("<p>a</p>")
    return write(folder / "paragraphs.html", head + "<p>a</p>" * count + tail)


def warc_header_line_bomb(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A record whose header block is one line of ``sizes.bomb`` bytes, then a good one."""
    head = b"WARC/1.0\r\nWARC-Type: response\r\nX-Padding: "
    tail = b"\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n" + _warc_record(rng, _page(rng).encode())
    return _gzip_of(folder / "header.warc.gz", head, b"a", sizes.bomb, tail)


def warc_header_lines_bomb(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A record whose header block is ``sizes.bomb`` bytes of short lines, then a good one."""
    head = b"WARC/1.0\r\nWARC-Type: response\r\n"
    tail = b"Content-Length: 4\r\n\r\nabcd\r\n\r\n" + _warc_record(rng, _page(rng).encode())
    return _gzip_of(folder / "headers.warc.gz", head, b"X-Pad: a\r\n", sizes.bomb, tail)


def warc_blank_lines_bomb(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """Two good records with ``sizes.bomb`` bytes of blank lines between them."""
    first = _warc_record(rng, _page(rng).encode())
    second = _warc_record(rng, _page(rng).encode())
    return _gzip_of(folder / "blank.warc.gz", first, b"\r\n", sizes.bomb, second)


def _one_word_story(rng: random.Random, chars: int) -> str:
    title = "Words"
    pieces: list[str] = []
    size = len(title) + 1
    while size < chars:
        pieces.append(rng.choice(VOCAB).capitalize() + ".")
        size += len(pieces[-1]) + 1
    return title + "\n" + " ".join(pieces)[: chars - len(title) - 1]


def marks_title_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "marks.txt", _marks_story(rng, sizes.marks))


def _marks_story(rng: random.Random, marks: int) -> str:
    # Two marks of different combining classes, alternating: the canonical reordering
    # inside Unicode normalisation sorts them.
    stack = "a" + "\u0301\u0323" * (marks // 2)
    return f"Ferry {stack} notice\n\n" + _prose(rng)


# --- inputs for trace and check ------------------------------------------------------


def long_sentence_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "sentence.txt", _long_sentence_story(rng, sizes.traced))


def over_max_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    title = _headline(rng)
    parts: list[str] = []
    size = 0
    while size <= MAX_ARTICLE_CHARS:
        parts.append(_prose(rng, 50))
        size += len(parts[-1]) + 2
    return write(folder / "long.txt", title + "\n\n" + "\n\n".join(parts))


def one_letter_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "letter.txt", "Letters\n" + "a" * sizes.traced)


def one_word_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "words.txt", _one_word_story(rng, sizes.traced))


def marks_title_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "marks.txt", _marks_story(rng, sizes.marks))


def periods_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "periods.txt", "Periods\n" + "." * sizes.traced)


def one_letter_lines_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "lines.txt", "Lines\n" + "a\n" * (sizes.traced // 2))


def lines_under_the_cap(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """48,000 one-letter lines: just under the sentences ``trace`` and ``check`` take."""
    return write(folder / "dense.txt", "Lines\n" + "a\n" * 48_000)


def sentences_under_the_cap(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """45,000 one-word sentences on one line, under the sentence cap."""
    words = ["Ferry.", "Tide.", "Quay.", "Mill.", "Rope."]
    return write(
        folder / "short.txt", "Short\n" + " ".join(rng.choice(words) for _ in range(45_000))
    )


def tab_separated_article(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """Short sentences separated by tabs: one line without a space."""
    return write(folder / "tabs.txt", "Tabs\n" + "Ab.\tCd.\t" * (sizes.traced // 8))


def two_articles(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return write(folder / "two.jsonl", jsonl_line(record_of(rng)) + jsonl_line(record_of(rng)))


def hostile_text(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """Markup, escape sequences and bidirectional overrides in an article."""
    text = (
        "Bells \x1b[31mring\x1b[0m [bold]tonight[/bold]\n\n"
        f'{_prose(rng, 3)} The warden said "[/] the dock [/bold] stays shut" on Monday.\n\n'
        f"{_prose(rng, 3)} Boats \x1b]0;retitled\x07 wait \u202eoutside. \x08\x08\x7f\n\n"
        f"{_prose(rng, 4)} [link=https://poison.example]More[/link]."
    )
    return write(folder / "hostile.txt", text)
