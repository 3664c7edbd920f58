"""Record normalisation (newscrawl/record/normalize.py): pure functions, table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
import scrapy

from newscrawl.dedup.fingerprints import content_hash
from newscrawl.items import Article, Image, RelatedLink
from newscrawl.record.normalize import (
    as_article,
    normalize_article,
    normalize_date,
    normalize_language,
    utc_seconds,
)
from newscrawl.record.schema_check import record_errors

NOW = datetime(2024, 5, 1, 12, 30, 45, 123456, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2020-12-13T10:22:00Z", None, "2020-12-13T10:22:00+00:00"),
        ("2020-12-13T10:22:00.5+03:00", None, "2020-12-13T10:22:00+03:00"),
        ("2020-12-13", None, "2020-12-13"),
        ("20201213", None, "2020-12-13"),
        ("2020-12-13", ISTANBUL, "2020-12-13"),  # a day stays a day
        ("2020-12-13 10:22", None, "2020-12-13T10:22:00"),  # no offset invented
        ("2020-12-13 10:22", ISTANBUL, "2020-12-13T10:22:00+03:00"),
        ("2020-07-01T10:22:00", NEW_YORK, "2020-07-01T10:22:00-04:00"),  # DST-aware
        ("2020-01-01T10:22:00", NEW_YORK, "2020-01-01T10:22:00-05:00"),
        ("2020-12-13T10:22:00+01:00", ISTANBUL, "2020-12-13T10:22:00+01:00"),  # stated wins
        ("December 13, 2020", None, "2020-12-13"),
        ("13 December 2020 10:22", ISTANBUL, "2020-12-13T10:22:00+03:00"),
        ("Sun, 13 Dec 2020 10:22:00 +0300", NEW_YORK, "2020-12-13T10:22:00+03:00"),
        ("  13\u00a0Dec  2020 ", None, "2020-12-13"),
        (datetime(2020, 12, 13, 10, 22, 5, 999), None, "2020-12-13T10:22:05"),
        (datetime(2020, 12, 13, 10, 22), ISTANBUL, "2020-12-13T10:22:00+03:00"),
        (date(2020, 12, 13), ISTANBUL, "2020-12-13"),
        ("soon", None, None),
        ("", None, None),
        (None, ISTANBUL, None),
        (12345, None, None),
        ("x" * 200, None, None),
    ],
)
def test_normalize_date(value, zone, expected):
    assert normalize_date(value, zone) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "2024-05-01T12:30:45+00:00"),
        ("garbage", "2024-05-01T12:30:45+00:00"),
        ("2024-04-30T10:00:00", "2024-05-01T12:30:45+00:00"),  # naive: not trusted
        ("2024-04-30T10:00:00.9Z", "2024-04-30T10:00:00+00:00"),
        ("2024-04-30T13:00:00+03:00", "2024-04-30T10:00:00+00:00"),
        (
            datetime(2024, 4, 30, 13, tzinfo=timezone(timedelta(hours=3))),
            "2024-04-30T10:00:00+00:00",
        ),
    ],
)
def test_utc_seconds(value, expected):
    assert utc_seconds(value, NOW) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "en"), ("EN_us", "en-US"), ("pt-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"),
     ("english", None), ("", None), (None, None), ("e", None)],
)  # fmt: skip
def test_normalize_language(code, expected):
    assert normalize_language(code) == expected


class UserItem(scrapy.Item):
    url = scrapy.Field()
    headline = scrapy.Field()
    body = scrapy.Field()


def test_as_article_accepts_dicts_and_items():
    assert as_article({"url": "https://ex.com/a", "junk": 1}).url == "https://ex.com/a"
    item = UserItem(url="https://ex.com/b", headline="H", body="B")
    assert as_article(item).headline == "H"
    article = Article(url="https://ex.com/c")
    assert as_article(article) is article


@pytest.mark.parametrize(
    ("item", "message"),
    [({"headline": "no url"}, "url"), ({"url": "https://ex.com/", "authors": 3}, "schema"),
     ("text", "not an item")],
)  # fmt: skip
def test_as_article_refuses_what_cannot_be_an_article(item, message):
    with pytest.raises(ValueError, match=message):
        as_article(item)


RAW = Article(
    url=" https://WWW.Example.com/world/story-1?utm_source=rss&id=7#comments ",
    canonical_url=None,
    headline="  Cafe\u0301   opens\n again ",
    description="  ",
    authors=["Ana  Lee", "ana lee", "", "Bo Chen"],
    byline=" By Ana Lee ",
    date_published="13 December 2020 10:22",
    date_modified="2020-12-14T08:00:00Z",
    date_raw=" 13 December 2020 10:22 ",
    tags=["World", " world ", "Cafés"],
    language="EN",
    body="First  paragraph\u00a0here.\n\n\n\n  Second\tparagraph.  \n",
    images=[
        Image(url="https://ex.com/a.jpg", caption=" A  cap "),
        Image(url="https://ex.com/a.jpg"),
        Image(url="data:image/png;base64,xx"),
    ],
    read_more=[
        RelatedLink(url="https://ex.com/r?fbclid=1", title=" Read  "),
        RelatedLink(url="/x"),
    ],
    content_hash="sha256:bogus",
)


def test_normalize_article_puts_every_field_in_record_format():
    out = normalize_article(RAW, now=NOW, default_tz=ISTANBUL)
    assert out.url == "https://WWW.Example.com/world/story-1?utm_source=rss&id=7#comments"
    assert out.canonical_url == "https://www.example.com/world/story-1?id=7"
    assert out.headline == "Café opens again"
    assert out.description is None
    assert out.authors == ("Ana Lee", "Bo Chen")
    assert out.byline == "By Ana Lee"
    assert out.date_published == "2020-12-13T10:22:00+03:00"
    assert out.date_modified == "2020-12-14T08:00:00+00:00"
    assert out.date_raw == "13 December 2020 10:22"
    assert out.tags == ("World", "Cafés")
    assert out.language == "en"
    assert out.body == "First paragraph here.\n\nSecond paragraph."
    assert out.word_count == 5
    assert out.content_hash == content_hash("Café opens again", out.body)
    assert out.scraped_at == "2024-05-01T12:30:45+00:00"
    assert [i.url for i in out.images] == ["https://ex.com/a.jpg"]
    assert out.images[0].caption == "A cap"
    assert out.read_more == (RelatedLink(url="https://ex.com/r", title="Read"),)
    assert record_errors(out.to_dict()) == []


def test_normalize_is_idempotent_and_keeps_scraped_at():
    once = normalize_article(RAW, now=NOW)
    twice = normalize_article(once, now=NOW + timedelta(days=3))
    assert twice == once


def test_extra_tracking_params_and_canonical_from_the_page():
    article = Article(url="https://ex.com/a?src=x", canonical_url="https://EX.com/a?b=2&a=1&src=y")
    out = normalize_article(article, now=NOW, tracking_params=("src",))
    assert out.canonical_url == "https://ex.com/a?a=1&b=2"


def test_content_hash_is_the_same_for_cosmetic_differences():
    a = normalize_article(Article(url="https://ex.com/1", headline="A b", body="C d."), now=NOW)
    b = attrs.evolve(a, url="https://ex.com/2", headline=" a  B ", body="c\u00a0D.")
    assert normalize_article(b, now=NOW).content_hash == a.content_hash


def test_a_malformed_url_is_left_for_the_schema_check():
    out = normalize_article(Article(url="http://ex.com:99999/a", headline="H"), now=NOW)
    assert out.canonical_url == "http://ex.com:99999/a"
    assert (
        normalize_article(Article(url="ftp://ex.com/a"), now=NOW).canonical_url == "ftp://ex.com/a"
    )
