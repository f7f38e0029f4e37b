"""Tests of unspun.ingest.records: turning mappings into articles."""

from __future__ import annotations

import re

import pytest

from unspun.ingest.records import (
    article_from_mapping,
    content_id,
    normalise_published,
    outlet_from_url,
)
from unspun.records import Article, Rejected

TITLE = "Lighthouse keeper retires after forty winters"
TEXT = (
    "Marta Olsk switched off the lamp at Cape Tern for the last time on Sunday.\n\n"
    "She had kept the light burning through forty winters and two shipwrecks."
)


def _article(obj: dict[str, object]) -> Article:
    result = article_from_mapping(obj, origin="feed.jsonl:3")
    assert isinstance(result, Article), result
    return result


def _rejected(obj: dict[str, object]) -> Rejected:
    result = article_from_mapping(obj, origin="feed.jsonl:3")
    assert isinstance(result, Rejected), result
    return result


def test_full_record_keeps_every_field() -> None:
    article = _article(
        {
            "id": "tern-001",
            "title": f"  {TITLE} ",
            "text": TEXT,
            "url": "https://www.capetern-courier.test/news/keeper",
            "outlet": "Cape Tern Courier",
            "published": "2024-02-11",
            "author": "ignored",
        }
    )
    assert article == Article(
        id="tern-001",
        title=TITLE,
        text=TEXT,
        url="https://www.capetern-courier.test/news/keeper",
        outlet="Cape Tern Courier",
        published="2024-02-11",
        origin="feed.jsonl:3",
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [("outlet", "Courier"), ("source", "Courier"), ("site_name", "Courier")],
    ids=["outlet", "source", "site_name"],
)
def test_outlet_aliases(key: str, value: str) -> None:
    assert _article({"text": TEXT, key: value}).outlet == "Courier"


def test_outlet_alias_order_and_empty_values_skipped() -> None:
    article = _article({"text": TEXT, "outlet": "  ", "source": "Wire", "site_name": "Site"})
    assert article.outlet == "Wire"


def test_outlet_nested_source_name() -> None:
    assert _article({"text": TEXT, "source": {"id": None, "name": "Wire"}}).outlet == "Wire"


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.Capetern-Courier.TEST/news/1", "capetern-courier.test"),
        ("http://news.example.test:8080/a?b=c", "news.example.test"),
        ("https://wwwnews.example.test/", "wwwnews.example.test"),
        ("not a url", None),
        (None, None),
    ],
    ids=["www-stripped-lowercased", "port-dropped", "www-prefix-only", "no-host", "none"],
)
def test_outlet_from_url(url: str | None, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet
    record: dict[str, object] = {"text": TEXT, "url": url}
    assert _article(record).outlet == outlet


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("published", "2024-02-11", "2024-02-11"),
        ("date", "2024-02-11T09:15:00", "2024-02-11T09:15:00"),
        ("publish_date", "2024-02-11T09:15:00Z", "2024-02-11T09:15:00+00:00"),
        ("published", "2024-02-11T09:15:00.123456+02:00", "2024-02-11T07:15:00+00:00"),
        ("published", "2024-02-11 09:15:00", "2024-02-11T09:15:00"),
        ("published", " 2024-02-11 ", "2024-02-11"),
        ("published", "yesterday", None),
        ("published", "11/02/2024", None),
        ("published", 1707642900, None),
        ("published", "", None),
    ],
    ids=[
        "date",
        "naive-datetime",
        "zulu",
        "offset-to-utc",
        "space-separator",
        "padded",
        "word",
        "slashes",
        "number",
        "empty",
    ],
)
def test_published_aliases_and_normalisation(key: str, value: object, expected: str | None) -> None:
    assert _article({"text": TEXT, key: value}).published == expected
    assert normalise_published(value) == expected


def test_unparsable_date_falls_through_to_next_alias() -> None:
    article = _article({"text": TEXT, "published": "soon", "date": "2023-12-01"})
    assert article.published == "2023-12-01"


def test_missing_id_becomes_stable_content_hash() -> None:
    first = _article({"title": TITLE, "text": TEXT})
    assert re.fullmatch(r"sha1-[0-9a-f]{16}", first.id)
    again = _article({"title": TITLE, "text": TEXT, "url": "https://elsewhere.test/"})
    assert again.id == first.id
    assert first.id == content_id(TITLE, TEXT)


def test_content_hash_ignores_case_and_whitespace() -> None:
    rewrapped = TEXT.replace(" ", "  ").replace("\n\n", "\n").upper()
    assert content_id(f" {TITLE.upper()} ", rewrapped) == content_id(TITLE, TEXT)


def test_content_hash_depends_on_title_and_text() -> None:
    assert content_id("Other headline", TEXT) != content_id(TITLE, TEXT)
    assert content_id(TITLE, TEXT + " More.") != content_id(TITLE, TEXT)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, "42"), ("  abc  ", "abc"), ("", None), ("   ", None), (None, None)],
    ids=["int", "padded-string", "empty", "blank", "null"],
)
def test_id_values(value: object, expected: str | None) -> None:
    article = _article({"id": value, "title": TITLE, "text": TEXT})
    assert article.id == (expected or content_id(TITLE, TEXT))


@pytest.mark.parametrize(
    "title",
    [None, ""],
    ids=["null", "empty"],
)
def test_title_may_be_missing(title: object) -> None:
    assert _article({"title": title, "text": TEXT}).title == ""
    assert _article({"text": TEXT}).title == ""


def test_url_empty_string_is_none() -> None:
    article = _article({"text": TEXT, "url": ""})
    assert article.url is None
    assert article.outlet is None


def test_text_kept_verbatim() -> None:
    text = "  First line.\n\nSecond line.  \n"
    assert _article({"text": text}).text == text


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"title": TITLE}, "missing or empty 'text' field"),
        ({"text": None}, "missing or empty 'text' field"),
        ({"text": ""}, "missing or empty 'text' field"),
        ({"text": " \n\t "}, "missing or empty 'text' field"),
        ({"text": ["a", "b"]}, "'text' must be a string, got array"),
        ({"text": 12}, "'text' must be a string, got integer"),
        ({"text": TEXT, "title": ["x"]}, "'title' must be a string or null, got array"),
        ({"text": TEXT, "id": 1.5}, "'id' must be a string or integer, got number"),
        ({"text": TEXT, "id": True}, "'id' must be a string or integer, got boolean"),
        ({"text": TEXT, "id": {"a": 1}}, "'id' must be a string or integer, got object"),
        ({"text": TEXT, "url": 7}, "'url' must be a string or null, got integer"),
        ({"text": TEXT, "outlet": ["x"]}, "'outlet' must be a string or null, got array"),
        ({"text": TEXT, "source": {"name": 3}}, "'source.name' must be a string or null"),
    ],
    ids=[
        "text-missing",
        "text-null",
        "text-empty",
        "text-blank",
        "text-list",
        "text-int",
        "title-list",
        "id-float",
        "id-bool",
        "id-object",
        "url-int",
        "outlet-list",
        "source-name-int",
    ],
)
def test_bad_records_are_rejected(obj: dict[str, object], reason: str) -> None:
    rejected = _rejected(obj)
    assert rejected.origin == "feed.jsonl:3"
    assert rejected.reason.startswith(reason)
