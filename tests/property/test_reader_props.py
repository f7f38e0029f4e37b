"""Fuzz the readers: random and mutated files through the real readers.

Every file is written to a temporary folder and read with ``read_path`` /
``read_paths`` (real gzip, warcio and trafilatura). Whatever the bytes:

* nothing escapes but the documented exceptions (``InputError`` for a missing
  path, ``ValueError`` for a bad limit), and every read ends (an example still
  reading after :data:`HANG_SECONDS` fails as a hang);
* every item is an ``Article`` (non-empty text, ``str`` fields) or a
  ``Rejected`` with a non-empty one-line reason;
* good records placed after damaged ones are still read: in JSON Lines after any
  damaged line, in a WARC after any damaged record or stray bytes (the resync).
  Damage there is to the content; a corrupt gzip stream ends a file, by design.

The inputs start from valid files that are then mutated (truncated, bytes
flipped, garbage inserted, slices duplicated, a WARC ``Content-Length`` lied
about), or are pure random bytes.

Budget: each test runs a few seconds by default; ``UNSPUN_FUZZ_EXAMPLES`` raises it
(:mod:`tests.property.fuzzing`), e.g. ``UNSPUN_FUZZ_EXAMPLES=5000 pytest
tests/property/test_reader_props.py`` for a reliability run of several minutes.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.property.fuzzing import budget
from unspun.errors import InputError
from unspun.ingest import DEFAULT_MAX_RECORD_BYTES, read_path, read_paths
from unspun.records import Article, Rejected

#: An example still reading after this many seconds is reported as a hang.
HANG_SECONDS = 60


class Hang(BaseException):
    """A read went on too long. A BaseException, so no reader's handler can swallow it."""


@contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_item(item: object) -> None:
    """Assert the item is a well-formed Article or Rejected."""
    if isinstance(item, Article):
        assert item.text.strip()
        for name in ("id", "title", "text", "origin"):
            assert isinstance(getattr(item, name), str), name
        for name in ("url", "outlet", "published"):
            assert getattr(item, name) is None or isinstance(getattr(item, name), str), name
        return
    assert isinstance(item, Rejected), type(item)
    assert isinstance(item.origin, str) and item.origin
    assert isinstance(item.reason, str) and item.reason.strip()
    assert len(item.reason.splitlines()) == 1, item.reason  # no line break of any kind


def read(path: Path, *, limit: int = DEFAULT_MAX_RECORD_BYTES) -> list[Article | Rejected]:
    """Read one file with the real readers and check every item."""
    with hang_guard():
        items = list(read_path(path, max_record_bytes=limit))
    for item in items:
        check_item(item)
    return items


@contextmanager
def written(name: str, data: bytes) -> Iterator[Path]:
    # A fresh folder per example: hypothesis runs many examples per test call.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


# --- Valid inputs: short fictional stories --------------------------------------

STORIES = [
    (
        "Lighthouse keeper retires",
        "After thirty-one years on Skarv Island, keeper Ivo Tammel climbed the tower stairs "
        "for the last time on Sunday and handed the keys to the coast authority.",
        "The light has been automatic since the spring, and the island will be opened to "
        "walkers in the summer months.",
    ),
    (
        "Bakery wins bread prize",
        "The Tollund corner bakery won the regional rye bread prize on Tuesday, the first "
        "award in its ninety years of trading.",
        "Owner Mette Horn said the recipe had come from her grandmother and had not been "
        "changed since the bakery opened.",
    ),
    (
        "Tram line extended to harbour",
        "The Velmar city tram will reach the harbour from September after the council "
        "approved the last stretch of track on Wednesday evening.",
        "Building work will close two streets near the fish market for about six weeks.",
    ),
]


def jsonl_line(index: int, ident: str) -> bytes:
    title, *paragraphs = STORIES[index % len(STORIES)]
    record = {
        "id": ident,
        "title": title,
        "text": "\n\n".join(paragraphs),
        "url": f"https://velmar-post.test/{ident}",
        "published": "2031-06-0" + str(1 + index % 9),
    }
    return json.dumps(record).encode() + b"\n"


def html_page(index: int) -> bytes:
    title, *paragraphs = STORIES[index % len(STORIES)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def warc_record(index: int, *, content_type: str = "text/html", body: bytes | None = None) -> bytes:
    """One uncompressed WARC response record holding story ``index``'s page."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
    payload = io.BytesIO(html_page(index) if body is None else body)
    uri = f"https://velmar-post.test/{index}"
    writer.write_record(
        writer.create_warc_record(uri, "response", payload=payload, http_headers=http)
    )
    return out.getvalue()


def pack(parts: list[bytes], packing: str) -> bytes:
    """Records as a plain WARC, one gzip member each, or one gzip member for all."""
    if packing == "warc":
        return b"".join(parts)
    if packing == "gz-members":
        return b"".join(gzip.compress(part) for part in parts)
    return gzip.compress(b"".join(parts))


def suffix_of(packing: str) -> str:
    return ".warc" if packing == "warc" else ".warc.gz"


PACKINGS = st.sampled_from(["warc", "gz-members", "gz-single"])
VALID_JSONL = b"".join(jsonl_line(i, f"base-{i}") for i in range(4))
VALID_WARC = b"".join(
    [warc_record(0), warc_record(1, content_type="image/png", body=b"\x89PNG\r\n"), warc_record(2)]
)

# --- Mutations ---------------------------------------------------------------------

#: Bytes that mean something to one reader or another, inserted as garbage.
TOKENS = [
    b"\n",
    b"\r\n",
    b"\r\n\r\n",
    b"WARC/1.0\r\n",
    b"WARC/1.1\n",
    b"Content-Length: 99999999999\r\n",
    b"Content-Length: -5\r\n",
    b"WARC-Type: response\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Encoding: gzip\r\n",
    b"\x1f\x8b\x08\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\x85\xe2\x80\xa8",
    b"{",
    b'{"text": ',
    b"[",
    b"<html><title>",
    b"<meta charset='utf-16'>",
]
garbage = st.one_of(st.binary(max_size=48), st.sampled_from(TOKENS))


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` after one to four random edits."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate", "lie"]))
        at = draw(st.integers(0, len(data)))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(garbage)
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        elif op == "lie":
            data = bytearray(lie(bytes(data), draw(claims), draw(st.integers(0, 8))))
    return bytes(data)


claims = st.one_of(st.integers(0, 2000), st.integers(0, 2**40), st.sampled_from([10 * 1024**3]))


def lie(data: bytes, claim: int, which: int) -> bytes:
    """``data`` with one ``Content-Length`` (chosen by ``which``) set to ``claim``."""
    found = list(re.finditer(rb"Content-Length: *\d+", data))
    if not found:
        return data
    match = found[which % len(found)]
    return data[: match.start()] + b"Content-Length: %d" % claim + data[match.end() :]


def maybe_gzip(draw: st.DrawFn, content: bytes) -> tuple[str, bytes]:
    """Content as-is or gzipped, perhaps with the compressed bytes mutated too."""
    if not draw(st.booleans()):
        return "", content
    compressed = gzip.compress(content)
    if draw(st.booleans()):
        compressed = draw(mutated(compressed))
    return ".gz", compressed


# --- JSON Lines -----------------------------------------------------------------


@given(st.data(), st.sampled_from([200, 1000, DEFAULT_MAX_RECORD_BYTES]))
@budget(150)
def test_jsonl_any_bytes(data: st.DataObject, limit: int) -> None:
    content = data.draw(st.one_of(st.binary(max_size=2000), mutated(VALID_JSONL)))
    gz, stored = maybe_gzip(data.draw, content)
    with written(f"feed.jsonl{gz}", stored) as path:
        read(path, limit=limit)


GOOD_LINES = [jsonl_line(i, f"after-{i}") for i in range(2)]


@given(
    st.one_of(st.binary(max_size=3000), mutated(VALID_JSONL)),
    st.booleans(),
    # From just long enough for the good lines, so longer damage is skipped as too long.
    st.sampled_from([max(map(len, GOOD_LINES)), 2000, DEFAULT_MAX_RECORD_BYTES]),
)
@budget(150)
def test_jsonl_good_lines_after_damage_are_read(damage: bytes, gz: bool, limit: int) -> None:
    content = damage + b"\n" + b"".join(GOOD_LINES)
    stored = gzip.compress(content) if gz else content
    with written("feed.jsonl.gz" if gz else "feed.jsonl", stored) as path:
        items = read(path, limit=limit)
    tail = items[-2:]
    assert [i.id if isinstance(i, Article) else i for i in tail] == ["after-0", "after-1"]


# --- JSON, text, HTML --------------------------------------------------------------

VALID_JSON = json.dumps(
    [json.loads(jsonl_line(i, f"doc-{i}")) for i in range(3)], indent=1
).encode()


@given(st.one_of(st.binary(max_size=2000), mutated(VALID_JSON)), st.sampled_from([300, 5000]))
@budget(150)
def test_json_any_bytes(content: bytes, limit: int) -> None:
    with written("doc.json", content) as path:
        items = read(path, limit=limit)
    assert items  # a .json file always yields something, if only a Rejected
    if len(content) > limit:
        assert len(items) == 1
        assert isinstance(items[0], Rejected)


VALID_TXT = "Lighthouse keeper retires\n\n" + "\n\n".join(STORIES[0][1:])


@given(
    st.one_of(
        st.binary(max_size=1000),
        st.text(max_size=300).map(str.encode),
        mutated(VALID_TXT.encode()),
    )
)
@budget(150)
def test_txt_any_bytes(content: bytes) -> None:
    with written("story.txt", content) as path:
        items = read(path)
    assert len(items) == 1


@given(st.one_of(st.binary(max_size=1500), mutated(html_page(1))))
@budget(40)
def test_html_any_bytes(content: bytes) -> None:
    with written("page.html", content) as path:
        items = read(path)
    assert len(items) == 1


# --- WARC ---------------------------------------------------------------------


@given(st.data(), PACKINGS)
@budget(40)
def test_warc_any_bytes(data: st.DataObject, packing: str) -> None:
    content = data.draw(st.one_of(st.binary(max_size=2000), mutated(VALID_WARC)))
    stored = pack([content], packing)
    if packing != "warc" and data.draw(st.booleans()):
        stored = data.draw(mutated(stored))  # damage the gzip stream itself
    with written("crawl" + suffix_of(packing), stored) as path:
        read(path)


def damaged_records() -> st.SearchStrategy[bytes]:
    """Bytes placed between good records: garbage, or a record broken some way."""
    record = warc_record(0)
    return st.one_of(
        garbage,
        st.binary(max_size=600),
        st.builds(lie, st.just(record), claims, st.integers(0, 1)),
        st.integers(1, len(record) - 1).map(lambda cut: record[:cut]),
        mutated(record),
    )


@given(damaged_records(), PACKINGS)
@budget(60)
def test_warc_good_records_after_damage_are_read(damage: bytes, packing: str) -> None:
    parts = [warc_record(1), damage, warc_record(2), warc_record(0)]
    with written("crawl" + suffix_of(packing), pack(parts, packing)) as path:
        items = read(path)
    titles = [i.title if isinstance(i, Article) else i for i in items]
    assert titles[0] == STORIES[1][0]
    assert titles[-2:] == [STORIES[2][0], STORIES[0][0]]


# --- Folders, and the documented exceptions ---------------------------------------

NAMES = ["a.txt", "b.json", "c.jsonl", "d.jsonl.gz", "e.html", "f.warc", "g.warc.gz"]


@given(st.lists(st.tuples(st.sampled_from(NAMES), st.binary(max_size=600)), max_size=7))
@budget(30)
def test_read_paths_on_a_folder_of_random_files(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files:
            (Path(folder) / name).write_bytes(content)
        with hang_guard():
            items = list(read_paths([Path(folder)]))
    for item in items:
        check_item(item)
    # These hold one document each, so each yields an item, if only a Rejected.
    for name in {name for name, _ in files if name.endswith((".txt", ".json", ".html"))}:
        assert any(item.origin.startswith(str(Path(folder) / name)) for item in items), name


@pytest.mark.parametrize("name", NAMES)
def test_only_documented_exceptions(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    for limit in (0, -1):
        with pytest.raises(ValueError, match="max_record_bytes"):
            list(read_paths([path], max_record_bytes=limit))
        with pytest.raises(ValueError, match="max_record_bytes"):
            list(read_path(path, max_record_bytes=limit))
    with pytest.raises(InputError):
        list(read_paths([tmp_path / "gone" / name]))
    with pytest.raises(InputError):
        list(read_path(tmp_path / "gone" / name))
