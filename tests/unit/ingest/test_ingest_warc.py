"""Tests of unspun.ingest.warc: HTML pages from web archives."""

from __future__ import annotations

import gzip
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from unspun.ingest.html import NO_TEXT_REASON
from unspun.ingest.warc import read_warc
from unspun.records import Article, Rejected

STORIES = {
    "fire": (
        "Barn fire contained",
        [
            "Volunteer firefighters from Ostby contained a barn fire on the Lund farm late on "
            "Thursday before it reached the house.",
            "Nobody was hurt, and the farmer's forty sheep had been moved to a far pasture "
            "earlier in the week.",
        ],
    ),
    "choir": (
        "Choir wins national title",
        [
            "The Ostby youth choir won the national title in the capital on Saturday, "
            "beating nineteen other choirs in the final round.",
            "Conductor Lena Brask said the singers had rehearsed three evenings a week "
            "since the autumn.",
        ],
    ),
    "market": (
        "Market square repaved",
        [
            "Workers finished repaving the Ostby market square on Friday, two weeks after "
            "the old cobbles were lifted.",
            "Stallholders said the smooth new surface would make it easier to move their carts.",
        ],
    ),
}


def page(key: str, head: str = "") -> bytes:
    """A short fictional news page for one of the stories."""
    title, paragraphs = STORIES[key]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


@dataclass(frozen=True)
class Response:
    """What to put in one response record."""

    uri: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    warc_date: str = "2024-05-20T06:00:00Z"
    extra_headers: tuple[tuple[str, str], ...] = ()


def write_warc(path: Path, responses: list[Response], *, gz: bool, extras: bool = False) -> None:
    """Write an archive holding the responses (plus unrelated records if ``extras``)."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        if extras:
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for item in responses:
            if extras:
                request = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "ostby.test")], protocol="HTTP/1.1"
                )
                writer.write_record(
                    writer.create_warc_record(item.uri, "request", http_headers=request)
                )
            http = StatusAndHeaders(
                item.status,
                [("Content-Type", item.content_type), *item.extra_headers],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                item.uri,
                "response",
                payload=io.BytesIO(item.body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": item.warc_date},
            )
            writer.write_record(record)


def three_pages() -> list[Response]:
    return [Response(f"https://ostby-tidende.test/{key}", page(key)) for key in STORIES]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_reads_html_responses(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, three_pages(), gz=gz, extras=True)
    results = list(read_warc(path))
    assert all(isinstance(r, Article) for r in results)
    titles = [r.title for r in results if isinstance(r, Article)]
    assert titles == [title for title, _ in STORIES.values()]
    first = results[0]
    assert isinstance(first, Article)
    assert first.url == "https://ostby-tidende.test/fire"
    assert first.outlet == "ostby-tidende.test"
    assert first.text == "\n\n".join(STORIES["fire"][1])
    assert first.published == "2024-05-20T06:00:00+00:00"


def test_origin_is_path_at_record_offset(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path, three_pages(), gz=False, extras=True)
    data = path.read_bytes()
    offsets = []
    for result in read_warc(path):
        match = re.fullmatch(re.escape(str(path)) + r"@(\d+)", result.origin)
        assert match, result.origin
        offsets.append(int(match.group(1)))
    assert offsets == sorted(offsets)
    for offset in offsets:
        record_head = data[offset : offset + 200]
        assert record_head.startswith(b"WARC/1.0")
        assert b"WARC-Type: response" in record_head


def test_page_date_preferred_over_warc_date(tmp_path: Path) -> None:
    dated = page("choir", '<meta property="article:published_time" content="2024-04-13">')
    responses = [
        Response("https://ostby-tidende.test/choir", dated, warc_date="2024-05-01T12:00:00Z"),
        Response("https://ostby-tidende.test/fire", page("fire"), warc_date="2024-05-02T08:30:00Z"),
    ]
    path = tmp_path / "crawl.warc"
    write_warc(path, responses, gz=False)
    choir, fire = list(read_warc(path))
    assert isinstance(choir, Article)
    assert isinstance(fire, Article)
    assert choir.published == "2024-04-13"
    assert fire.published == "2024-05-02T08:30:00+00:00"


def test_canonical_url_becomes_id(tmp_path: Path) -> None:
    head = '<link rel="canonical" href="https://www.ostby-tidende.test/news/choir">'
    responses = [Response("https://ostby-tidende.test/choir?utm=feed", page("choir", head))]
    path = tmp_path / "crawl.warc"
    write_warc(path, responses, gz=False)
    (article,) = list(read_warc(path))
    assert isinstance(article, Article)
    assert article.id == "https://www.ostby-tidende.test/news/choir"
    assert article.url == "https://www.ostby-tidende.test/news/choir"


@pytest.mark.parametrize(
    "response",
    [
        Response("https://ostby-tidende.test/gone", page("fire"), status="404 Not Found"),
        Response("https://ostby-tidende.test/moved", page("fire"), status="301 Moved"),
        Response("https://ostby-tidende.test/logo.png", b"\x89PNG\r\n", content_type="image/png"),
        Response("https://ostby-tidende.test/a.css", b"body{}", content_type="text/css"),
        Response("https://ostby-tidende.test/feed", b"{}", content_type="application/json"),
    ],
    ids=["404", "301", "png", "css", "json"],
)
def test_other_records_skipped_silently(tmp_path: Path, response: Response) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [response, three_pages()[0]], gz=True)
    results = list(read_warc(path))
    assert len(results) == 1
    assert isinstance(results[0], Article)


def test_xhtml_and_content_encoding_handled(tmp_path: Path) -> None:
    responses = [
        Response(
            "https://ostby-tidende.test/choir",
            page("choir"),
            content_type="application/xhtml+xml",
        ),
        Response(
            "https://ostby-tidende.test/fire",
            gzip.compress(page("fire")),
            extra_headers=(("Content-Encoding", "gzip"),),
        ),
    ]
    path = tmp_path / "crawl.warc"
    write_warc(path, responses, gz=False)
    titles = [r.title for r in read_warc(path) if isinstance(r, Article)]
    assert titles == ["Choir wins national title", "Barn fire contained"]


def test_charset_from_content_type(tmp_path: Path) -> None:
    body = page("market").replace(b"Stallholders", "Torghandlarna – stallholders".encode("cp1252"))
    responses = [
        Response(
            "https://ostby-tidende.test/market",
            body,
            content_type="text/html; charset=windows-1252",
        )
    ]
    path = tmp_path / "crawl.warc"
    write_warc(path, responses, gz=False)
    (article,) = list(read_warc(path))
    assert isinstance(article, Article)
    assert "Torghandlarna – stallholders" in article.text


def test_html_without_text_rejected_with_offset_and_url(tmp_path: Path) -> None:
    responses = [
        Response("https://ostby-tidende.test/empty", b"<html><body></body></html>"),
        three_pages()[1],
    ]
    path = tmp_path / "crawl.warc"
    write_warc(path, responses, gz=False)
    rejected, article = list(read_warc(path))
    assert rejected == Rejected(f"{path}@0", f"{NO_TEXT_REASON} (https://ostby-tidende.test/empty)")
    assert isinstance(article, Article)


def test_oversized_page_rejected_and_next_read(tmp_path: Path) -> None:
    big = page("fire").replace(b"</article>", b"<p>" + b"filler words " * 100 + b"</p></article>")
    responses = [Response("https://ostby-tidende.test/big", big), three_pages()[2]]
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, responses, gz=True)
    rejected, article = list(read_warc(path, max_record_bytes=1000))
    assert isinstance(rejected, Rejected)
    assert rejected.reason == "record larger than 1000 bytes (limit), skipped"
    assert isinstance(article, Article)


def test_truncated_warc_gz_keeps_complete_records(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, three_pages(), gz=True)
    data = whole.read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) - 150])
    *articles, last = list(read_warc(path))
    assert [a.title for a in articles if isinstance(a, Article)] == [
        "Barn fire contained",
        "Choir wins national title",
    ]
    assert isinstance(last, Rejected)
    assert last.reason.startswith("truncated WARC")
    assert last.origin.startswith(f"{path}@")


@pytest.mark.parametrize(
    ("marker", "skip"),
    [(b"WARC/1.0\r\n", 40), (b"HTTP/1.1 200", 20), (b"<article>", 30)],
    ids=["in-warc-headers", "in-http-headers", "in-payload"],
)
def test_truncated_plain_warc(tmp_path: Path, marker: bytes, skip: int) -> None:
    whole = tmp_path / "whole.warc"
    write_warc(whole, three_pages(), gz=False)
    data = whole.read_bytes()
    cut = data.rindex(marker) + skip  # inside the third record
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:cut])
    results = list(read_warc(path))
    assert [type(r) for r in results] == [Article, Article, Rejected]
    last = results[-1]
    assert isinstance(last, Rejected)
    assert last.reason.startswith("truncated WARC")


def test_whole_file_gzip_is_read(tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    write_warc(plain, three_pages(), gz=False)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert [type(r) for r in read_warc(path)] == [Article, Article, Article]


@pytest.mark.parametrize(
    ("name", "content", "prefix"),
    [
        ("junk.warc", b"<html>this is not an archive</html>\n" * 3, "corrupt WARC"),
        ("junk.warc.gz", b"plain bytes, not gzip\n", "corrupt WARC"),
        ("cut.warc", b"WARC/1.0\r\nWARC-Type: resp", "truncated WARC"),
    ],
    ids=["html-as-warc", "not-gzip", "header-only"],
)
def test_damaged_files_rejected_without_exception(
    tmp_path: Path, name: str, content: bytes, prefix: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    results = list(read_warc(path))
    assert len(results) == 1
    assert isinstance(results[0], Rejected)
    assert results[0].reason.startswith(prefix)


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc"
    path.write_bytes(b"")
    assert list(read_warc(path)) == []


# --- Damaged archives: reading resumes at the next record header ------------------

#: How the records are stored: plain, one gzip member per record (as crawlers
#: write), or one gzip member for the whole archive.
PACKINGS = ["warc", "gz-members", "gz-single"]


def records(responses: list[Response]) -> list[bytes]:
    """Each response as the bytes of one uncompressed WARC record."""
    parts = []
    for item in responses:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", item.content_type)], "HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                item.uri, "response", payload=io.BytesIO(item.body), http_headers=http
            )
        )
        parts.append(out.getvalue())
    return parts


def lie(record: bytes, claim: int) -> bytes:
    """The record with its WARC Content-Length (the first one) replaced by ``claim``."""
    return re.sub(rb"Content-Length: \d+", b"Content-Length: %d" % claim, record, count=1)


def save(tmp_path: Path, parts: list[bytes], packing: str) -> Path:
    if packing == "warc":
        path, data = tmp_path / "crawl.warc", b"".join(parts)
    elif packing == "gz-members":
        path, data = tmp_path / "crawl.warc.gz", b"".join(gzip.compress(p) for p in parts)
    else:
        path, data = tmp_path / "crawl.warc.gz", gzip.compress(b"".join(parts))
    path.write_bytes(data)
    return path


def titles_and_reasons(results: list[Article | Rejected]) -> list[str]:
    return [r.title if isinstance(r, Article) else f"{r.origin}: {r.reason}" for r in results]


@pytest.mark.parametrize("packing", PACKINGS)
@pytest.mark.parametrize("claim", [10 * 1024**3, 5 * 1024 * 1024], ids=["10GB", "5MB"])
def test_record_claiming_too_much_does_not_swallow_the_next(
    tmp_path: Path, claim: int, packing: str
) -> None:
    fire, choir, market = records(three_pages())
    liar = lie(choir, claim)
    path = save(tmp_path, [fire, liar, market], packing)
    next_offset = len(fire) + len(liar)
    assert titles_and_reasons(list(read_warc(path))) == [
        "Barn fire contained",
        f"{path}@{len(fire)}: corrupt WARC: Content-Length {claim} runs past the next record "
        f"at offset {next_offset}",
        "Market square repaved",
    ]


@pytest.mark.parametrize("packing", PACKINGS)
def test_record_claiming_too_little_is_rejected_quietly(
    tmp_path: Path, packing: str, capfd: pytest.CaptureFixture[str]
) -> None:
    fire, choir, market = records(three_pages())
    liar = lie(choir, 200)  # the cut falls inside the page's one line of HTML
    path = save(tmp_path, [fire, liar, market], packing)
    assert titles_and_reasons(list(read_warc(path))) == [
        "Barn fire contained",
        f"{path}@{len(fire)}: corrupt WARC: Content-Length 200 does not end the record "
        f"(no blank line follows); the next record is at offset {len(fire) + len(liar)}",
        "Market square repaved",
    ]
    assert capfd.readouterr().err == ""  # warcio's own warning is not printed


@pytest.mark.parametrize(
    "junk",
    [b"a stray line\r\n", b"xyz", b"\x00\xff\xfe" * 40 + b"\n\n", b"\x1f\x8b\x08\x00"],
    ids=["line", "glued-to-header", "binary", "gzip-magic"],
)
@pytest.mark.parametrize("packing", PACKINGS)
def test_garbage_between_records_is_skipped(tmp_path: Path, junk: bytes, packing: str) -> None:
    lead = b"not an archive\n"
    fire, choir, market = records(three_pages())
    path = save(tmp_path, [lead, fire, junk, choir, market], packing)
    results = list(read_warc(path))
    assert [type(r) for r in results] == [Rejected, Article, Rejected, Article, Article]
    first, _, second, _, _ = results
    assert first == Rejected(
        f"{path}@0",
        "corrupt WARC: not a WARC record (ArchiveLoadFailed: Unknown archive format, first line: "
        f"['not', 'an', 'archive']); the next record is at offset {len(lead)}",
    )
    assert isinstance(second, Rejected)
    assert second.origin == f"{path}@{len(lead) + len(fire)}"
    assert second.reason == (
        "corrupt WARC: not a WARC record; the next record is at offset "
        f"{len(lead) + len(fire) + len(junk)}"
    )


@pytest.mark.parametrize("packing", PACKINGS)
@pytest.mark.parametrize(
    "keep", [b"WARC-Type:", b"WARC-Type: response\r\n"], ids=["mid-line", "eol"]
)
def test_record_cut_inside_its_headers_does_not_hide_the_next(
    tmp_path: Path, keep: bytes, packing: str
) -> None:
    # warcio reads the cut headers and the next record's as one header block.
    fire, choir, market = records(three_pages())
    cut = fire[: fire.index(keep) + len(keep)]
    path = save(tmp_path, [cut, choir, market], packing)
    assert titles_and_reasons(list(read_warc(path))) == [
        f"{path}@0: corrupt WARC: record headers cut short; the next record is at offset "
        f"{len(cut)}",
        "Choir wins national title",
        "Market square repaved",
    ]


@pytest.mark.parametrize("packing", PACKINGS)
def test_record_ending_on_a_line_end_inside_the_next_does_not_hide_it(
    tmp_path: Path, packing: str
) -> None:
    fire, choir, market = records(three_pages())
    # 12 bytes short: Content-Length takes "WARC/1.0" from the next record, and
    # that record's "\r\n" looks like the blank line that ends a record.
    cut = fire[:-12]
    declared = re.search(rb"Content-Length: (\d+)", fire)
    assert declared is not None
    path = save(tmp_path, [cut, choir, market], packing)
    assert titles_and_reasons(list(read_warc(path))) == [
        f"{path}@0: corrupt WARC: Content-Length {declared.group(1).decode()} runs past the "
        f"next record at offset {len(cut)}",
        "Choir wins national title",
        "Market square repaved",
    ]


FAKE_HEADER = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"


@pytest.mark.parametrize("packing", PACKINGS)
def test_honest_oversized_record_skipped_whole(tmp_path: Path, packing: str) -> None:
    filler = f"<p>An archive record begins like this: {FAKE_HEADER} and so on.</p>" * 20
    big = page("fire").replace(b"</article>", filler.encode() + b"</article>")
    big_record, market = records(
        [Response("https://ostby-tidende.test/big", big), three_pages()[2]]
    )
    path = save(tmp_path, [big_record, market], packing)
    assert titles_and_reasons(list(read_warc(path, max_record_bytes=2000))) == [
        f"{path}@0: record larger than 2000 bytes (limit), skipped",
        "Market square repaved",
    ]


@pytest.mark.parametrize("packing", PACKINGS)
def test_payload_holding_a_record_header_stays_whole(tmp_path: Path, packing: str) -> None:
    quoted = f"<p>The archivist showed how a record begins: {FAKE_HEADER} It was plain text.</p>"
    body = page("fire").replace(b"<p>Nobody", quoted.encode() + b"<p>Nobody")
    fire, choir = records([Response("https://ostby-tidende.test/fire", body), three_pages()[1]])
    path = save(tmp_path, [fire, choir], packing)
    results = list(read_warc(path))
    assert titles_and_reasons(results) == ["Barn fire contained", "Choir wins national title"]
    assert isinstance(results[0], Article)
    assert "The archivist showed how a record begins" in results[0].text
    assert results[0].text.endswith(STORIES["fire"][1][1])


def test_many_false_headers_end_without_looping(tmp_path: Path) -> None:
    path = tmp_path / "headers.warc"
    path.write_bytes(b"WARC/1.0\r\n" * 300 + b"WARC/1.1\n" * 300)
    results = list(read_warc(path))
    assert all(isinstance(r, Rejected) for r in results)
    offsets = [int(r.origin.rsplit("@", 1)[1]) for r in results]
    assert offsets == sorted(set(offsets))
    assert len(results) <= 600


def test_gzip_content_read_whatever_the_name(tmp_path: Path) -> None:
    parts = records(three_pages())
    gzipped, plain = tmp_path / "gzipped.warc", tmp_path / "plain.warc.gz"
    gzipped.write_bytes(gzip.compress(b"".join(parts)))
    plain.write_bytes(b"".join(parts))
    expected = [title for title, _ in STORIES.values()]
    assert titles_and_reasons(list(read_warc(gzipped))) == expected
    assert titles_and_reasons(list(read_warc(plain))) == expected


# --- Bombs: headers and blank lines cost neither memory nor a read per line ---------


def with_header(record: bytes, header: bytes) -> bytes:
    """The record with ``header`` (lines ending in CRLF) added to its WARC headers."""
    return record.replace(b"\r\n", b"\r\n" + header, 1)


@pytest.mark.parametrize(
    "header",
    [b"X-Padding: " + b"a" * (8 * 1024 * 1024) + b"\r\n", b"X-Padding: a\r\n" * 200_000],
    ids=["one-line-of-8MiB", "200000-lines"],
)
def test_headers_longer_than_the_limit_reject_the_record_only(
    tmp_path: Path, header: bytes
) -> None:
    fire, choir, market = records(three_pages())
    padded = with_header(choir, header)
    path = save(tmp_path, [fire, padded, market], "gz-single")
    started = time.monotonic()
    results = titles_and_reasons(list(read_warc(path)))
    assert time.monotonic() - started < 5  # the long line took warcio a quadratic 10 s
    assert results == [
        "Barn fire contained",
        f"{path}@{len(fire)}: corrupt WARC: record headers longer than 1 MB; the next record "
        f"is at offset {len(fire) + len(padded)}",
        "Market square repaved",
    ]


def test_headers_under_the_limit_are_read(tmp_path: Path) -> None:
    fire, choir, market = records(three_pages())
    padded = with_header(choir, b"X-Padding: " + b"a" * 900_000 + b"\r\n")
    path = save(tmp_path, [fire, padded, market], "warc")
    assert titles_and_reasons(list(read_warc(path))) == [t for t, _ in STORIES.values()]


def test_a_gzip_bomb_of_blank_lines_between_records_is_skipped_fast(tmp_path: Path) -> None:
    fire, choir, market = records(three_pages())
    path = save(tmp_path, [fire, b"\r\n" * (32 * 1024 * 1024), choir, market], "gz-single")
    started = time.monotonic()
    results = titles_and_reasons(list(read_warc(path)))
    assert time.monotonic() - started < 5  # a readline per blank line took 15 s
    assert results == [title for title, _ in STORIES.values()]
