"""extract_dates / parse_date: inline pages, one per class of date source."""

from __future__ import annotations

import json

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.dates import Dates, extract_dates, parse_date

URL = "https://news.example.com/world/story"


def page(head: str = "", article: str = "", before: str = "", after: str = "") -> str:
    body = f"{before}<article><h1>Storm hits the coast</h1>{article}<p>Text.</p></article>{after}"
    return f"<html><head>{head}</head><body>{body}</body></html>"


def ld(**fields: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


CASES = [
    pytest.param(
        page(
            ld(datePublished="2020-12-13T11:41:00+03:00", dateModified="2020-12-13T15:07:12+03:00")
        ),
        Dates(
            "2020-12-13T11:41:00+03:00", "2020-12-13T15:07:12+03:00", "2020-12-13T11:41:00+03:00"
        ),
        id="jsonld",
    ),
    pytest.param(
        page(
            ld(datePublished="2020-12-13T11:41:00+03:00"),
            '<span class="updated-date">December 13, 2020</span>',
        ),
        Dates("2020-12-13T11:41:00+03:00", None, "December 13, 2020"),
        id="raw-is-the-printed-date-that-agrees",
    ),
    pytest.param(
        page('<meta property="article:published:time" content="2024-10-23T15:48:15+00:00">'),
        Dates("2024-10-23T15:48:15+00:00", None, "2024-10-23T15:48:15+00:00"),
        id="meta-name-variant",
    ),
    pytest.param(
        page(article='<span class="updated-date">December 13, 2020</span>'),
        Dates("2020-12-13", None, "December 13, 2020"),
        id="visible-day-only",
    ),
    pytest.param(
        page(
            article='<time class="article__date">13.12.2020, 18:30 Uhr</time>'
            '<span class="article__updated">Aktualisiert: 14.12.2020, 07:12 Uhr</span>'
        ),
        Dates("2020-12-13T18:30:00", "2020-12-14T07:12:00", "13.12.2020, 18:30 Uhr"),
        id="local-time-has-no-offset",
    ),
    pytest.param(
        page(
            article='<ul><li class="timestamp"><span>Updated</span> <time>Dec. 13, 2020, 6:42'
            ' p.m. ET</time></li><li class="timestamp"><span>Published</span> <time>Dec. 13,'
            " 2020, 5:15 p.m. ET</time></li></ul>"
        ),
        Dates(
            "2020-12-13T17:15:00-05:00", "2020-12-13T18:42:00-05:00", "Dec. 13, 2020, 5:15 p.m. ET"
        ),
        id="labels-and-us-eastern-zone",
    ),
    pytest.param(
        page(article='<span class="dateline">Sun 13 Dec 2020 14.05 GMT</span>'),
        Dates("2020-12-13T14:05:00+00:00", None, "Sun 13 Dec 2020 14.05 GMT"),
        id="dotted-time-and-gmt",
    ),
    pytest.param(
        page(
            article='<figure><img src="a.jpg"><figcaption><span class="date">December 7,'
            " 2020</span></figcaption></figure>",
            after='<aside class="related"><time datetime="2018-10-28">28 October 2018</time></aside>'
            '<section class="comments"><time datetime="2020-12-14">14 Dec 2020</time></section>',
        ),
        Dates(None, None, None),
        id="captions-related-and-comments-ignored",
    ),
    pytest.param(
        page(
            before='<div class="top-bar__date">Monday, 14 December 2020</div>',
            article='<p class="date">13 December 2020</p>',
        ),
        Dates("2020-12-13", None, "13 December 2020"),
        id="date-after-headline-beats-site-header",
    ),
    pytest.param(
        page(article='<span class="date">Updated 2 hours ago</span>'),
        Dates(None, None, None),
        id="relative-dates-never-read",
    ),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_extract_dates(html: str, expected: Dates) -> None:
    assert extract_dates(load_page(html, URL), "en") == expected


def test_url_date_is_the_last_resort() -> None:
    html = page(
        after='<aside class="related"><time datetime="2018-10-28">28 Oct 2018</time></aside>'
    )
    got = extract_dates(load_page(html, "https://news.example.com/2020/12/13/story"), "en")
    assert got == Dates("2020-12-13", None, None)


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        ("2020-12-13T09:47:00Z", None, "2020-12-13T09:47:00+00:00"),
        ("2026-05-13 15:44", None, "2026-05-13T15:44:00"),
        ("2020-12-13", None, "2020-12-13"),
        ("13 Aralık 2020 Pazar 10:22", "tr", "2020-12-13T10:22:00"),
        ("2020年12月13日 10時22分", "ja", "2020-12-13T10:22:00"),
        ("13 December 2020, 06:00 CET", "en", "2020-12-13T06:00:00+01:00"),
        ("December 13, 2020 9:47 AM UTC", "en", "2020-12-13T09:47:00+00:00"),
        ("Live coverage started 13 December 2020", "en", "2020-12-13"),
        ("16:45", "en", None),
        ("3 Min", "de", None),
    ],
)
def test_parse_date(raw: str, language: str | None, expected: str | None) -> None:
    assert parse_date(raw, language) == expected
