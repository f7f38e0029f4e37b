"""Tests of unspun.ingest._warcstream, the byte stream under the WARC reader."""

from __future__ import annotations

import gzip
import io
import re
import tracemalloc
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from unspun.ingest._warcstream import TAIL_BYTES, ArchiveStream
from unspun.ingest.warc import read_warc
from unspun.records import Article, Rejected

HEADER = b"WARC/1.0\r\n"
SEARCH_CHUNK = 16 * 1024  # the stream's read size while searching


def write(tmp_path: Path, data: bytes, *, gz: bool) -> Path:
    path = tmp_path / ("data.warc.gz" if gz else "data.warc")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def read_all(stream: ArchiveStream) -> bytes:
    parts = []
    while chunk := stream.read(5000):
        parts.append(chunk)
    return b"".join(parts)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("split", range(len(HEADER) + 1))
@pytest.mark.parametrize("boundary", [4096, SEARCH_CHUNK])
def test_header_straddling_two_reads_is_found(
    tmp_path: Path, gz: bool, split: int, boundary: int
) -> None:
    # Reads end at 4096 (a plain file's first, buffered, read) or at the search chunk.
    data = (b"\x00junk" * 4000)[: boundary - split] + HEADER + b"WARC-Type: response\r\n"
    with ArchiveStream(write(tmp_path, data, gz=gz)) as stream:
        assert stream.skip_to_header() == boundary - split
        assert stream.tell() == boundary - split
        assert read_all(stream) == HEADER + b"WARC-Type: response\r\n"


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_no_header_ends_the_search(tmp_path: Path, gz: bool) -> None:
    data = b"WARC/1.0 is not followed by a line end here, nor WARC/2.0\r\n" * 500
    with ArchiveStream(write(tmp_path, data, gz=gz)) as stream:
        assert stream.skip_to_header() is None
        assert stream.tell() == len(data)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("back", [0, 10, 20_000, TAIL_BYTES, TAIL_BYTES + 1, 1_536_000])
def test_moving_back_serves_the_same_bytes(tmp_path: Path, gz: bool, back: int) -> None:
    data = bytes(range(256)) * 6000  # 1.5 MB: past the kept tail
    with ArchiveStream(write(tmp_path, data, gz=gz)) as stream:
        assert read_all(stream) == data
        stream.move_to(len(data) - back)
        assert stream.tell() == len(data) - back
        assert read_all(stream) == data[len(data) - back :]
        assert stream.error is None


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_moving_ahead_drops_the_bytes_between(tmp_path: Path, gz: bool) -> None:
    data = bytes(range(256)) * 1200
    with ArchiveStream(write(tmp_path, data, gz=gz)) as stream:
        assert stream.read(100) == data[:100]
        stream.move_to(200_000)
        assert stream.tell() == 200_000
        assert read_all(stream) == data[200_000:]
        stream.move_to(len(data) + 50)  # past the end: stays at the end
        assert stream.tell() == len(data)
        assert stream.read(10) == b""


def test_truncated_gzip_is_an_error_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(gzip.compress(bytes(range(256)) * 400)[:-40])
    with ArchiveStream(path) as stream:
        data = read_all(stream)
    assert 0 < len(data) < 256 * 400
    assert stream.error == "truncated WARC: the gzip stream ends in the middle of a member"


def _record(uri: str, body: bytes, content_type: str) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
    )
    return out.getvalue()


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip-members"])
def test_lying_record_read_in_bounded_memory(tmp_path: Path, gz: bool) -> None:
    story = (
        b"<html><head><title>Ferry timetable changes</title></head><body><article>"
        b"<p>The Ostby ferry will leave twenty minutes earlier from Monday, the harbour "
        b"office said, so that it meets the first train to the city.</p></article></body></html>"
    )
    liar = re.sub(
        rb"Content-Length: \d+",
        b"Content-Length: 10737418240",
        _record("https://ostby-tidende.test/a", story, "text/html"),
        count=1,
    )
    picture = _record("https://ostby-tidende.test/p.png", bytes(range(256)) * 400, "image/png")
    parts = [liar, *[picture] * 40, _record("https://ostby-tidende.test/b", story, "text/html")]
    path = tmp_path / ("big.warc.gz" if gz else "big.warc")
    path.write_bytes(b"".join(gzip.compress(p) for p in parts) if gz else b"".join(parts))
    list(read_warc(path))  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        results = list(read_warc(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [type(r) for r in results] == [Rejected, Article]
    assert peak < TAIL_BYTES + 512 * 1024  # the file holds 4 MB after the lying record
