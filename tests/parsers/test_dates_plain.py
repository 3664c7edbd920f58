"""Dates of plain pages and of UTC timestamps: one table per class of error (issue 14)."""

from __future__ import annotations

import json

import lxml.html
import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.dates import Dates, _url_date, extract_dates, parse_human


def page(head: str = "", article: str = "", lang: str = "en") -> str:
    body = f"<article><h1>Harbour bridge reopens</h1>{article}<p>The bridge is open.</p></article>"
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def ld(**fields: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


NUMERIC = [
    pytest.param("02/10/2020", "en-GB", None, "2020-10-02", id="en-gb-day-first"),
    pytest.param("02/10/2020", "en-US", None, "2020-02-10", id="en-us-month-first"),
    pytest.param("10/05/2022 05:22 pm", "es", None, "2022-05-10T17:22:00", id="spanish-day-first"),
    pytest.param("10.12.2022, 07:00:03", None, None, "2022-12-10T07:00:03", id="dots-seconds"),
    pytest.param("Di., 25.01.2022 - 14:45", "de", None, "2022-01-25T14:45:00", id="weekday-dots"),
    pytest.param("02/10/2020", "en-US", "2020-10-02", "2020-10-02", id="url-day-settles-order"),
    pytest.param("25/12/2020", "en-US", None, "2020-12-25", id="day-over-12-is-the-day"),
]


@pytest.mark.parametrize(("text", "language", "hint", "expected"), NUMERIC)
def test_numeric_order(text: str, language: str | None, hint: str | None, expected: str) -> None:
    parsed = parse_human(text, language, hint)
    assert parsed is not None
    assert parsed.isoformat() == expected


URLS = [
    pytest.param("https://blog.example.org/2016/12/python-release.html", None, id="year-month"),
    pytest.param("https://news.example.com/2023/11/08/story/", "2023-11-08", id="slashes"),
    pytest.param("https://news.example.com/2023-11-08-story", "2023-11-08", id="dashes"),
    pytest.param("https://news.example.com/20231108/story", "2023-11-08", id="compact"),
    pytest.param("https://news.example.com/2011/12/kein-titel/", None, id="no-day"),
]


@pytest.mark.parametrize(("url", "expected"), URLS)
def test_url_day(url: str, expected: str | None) -> None:
    found = _url_date(url)
    assert (found.iso if found else None) == expected


US_URL = "https://metro.example.com/2023/11/08/council-vote/"
ZONES = [
    pytest.param(
        page(
            ld(datePublished="2023-11-09T01:49:09Z"),
            '<div class="time">PUBLISHED: <time datetime="2023-11-08 17:49:09">'
            "November 8, 2023 at 5:49 p.m.</time></div>",
        ),
        US_URL,
        Dates("2023-11-08T17:49:09-08:00", None, "November 8, 2023 at 5:49 p.m."),
        id="printed-wall-time-gives-the-offset",
    ),
    pytest.param(
        page(
            ld(datePublished="2023-11-09T06:35:29+00:00"),
            '<p class="date">Nov 8, 2023 / 10:35 PM PST</p>',
        ),
        "https://tv.example.com/news/arrest-made/",
        Dates("2023-11-08T22:35:29-08:00", None, "Nov 8, 2023 / 10:35 PM PST"),
        id="printed-zone-name-same-instant",
    ),
    pytest.param(
        page(
            ld(datePublished="2023-11-09T02:11:03+00:00")
            + '<script type="application/ld+json">{"@type": "VideoObject",'
            ' "uploadDate": "2023-11-08T21:11:03-05:00"}</script>'
        ),
        "https://tv.example.com/news/stabbing/",
        Dates("2023-11-08T21:11:03-05:00", None, "2023-11-09T02:11:03+00:00"),
        id="offset-stated-by-another-date",
    ),
    pytest.param(
        page(
            '<meta property="article:published_time" content="2023-11-01T23:01:00Z">',
            '<p class="update">Aggiornato alle <time datetime="2023-11-02T15:58:23Z">16:58</time></p>'
            '<p><time class="date" datetime="2023-11-01T23:01:00Z">02 Novembre 2023</time></p>',
            lang="it",
        ),
        "https://giornale.example.it/2023/11/02/diretta/",
        Dates("2023-11-02T00:01:00+01:00", None, "02 Novembre 2023"),
        id="time-of-day-printed-for-utc-datetime",
    ),
    pytest.param(
        page(ld(datePublished="2023-11-09T01:49:09Z")),
        US_URL,
        Dates("2023-11-09T01:49:09+00:00", None, "2023-11-09T01:49:09Z"),
        id="no-offset-anywhere-keeps-utc",
    ),
]


@pytest.mark.parametrize(("html", "url", "expected"), ZONES)
def test_utc_in_page_offset(html: str, url: str, expected: Dates) -> None:
    assert extract_dates(load_page(html, url), "en") == expected


PLAIN_URL = "https://smallblog.example.net/harbour-bridge"
PLAIN = [
    pytest.param(
        page(
            '<figure><img src="b.jpg"><figcaption>The bridge.</figcaption></figure>'
            "<div><span>December 13, 2020</span></div>"
        ),
        Dates("2020-12-13", None, "December 13, 2020"),
        id="bare-span-under-lead-image",
    ),
    pytest.param(
        page("<p>Posted on 3 May 2021</p>"),
        Dates("2021-05-03", None, "3 May 2021"),
        id="posted-on-line",
    ),
    pytest.param(
        page(
            '<ul><li><a href="/2019/04/">April 2019 (2)</a></li></ul><div>14.06.2021</div>',
            lang="de",
        ),
        Dates("2021-06-14", None, "14.06.2021"),
        id="archive-link-is-not-the-date",
    ),
    pytest.param(
        page("<p>Updated: 5 May 2021</p>"),
        Dates("2021-05-05", "2021-05-05", "5 May 2021"),
        id="only-updated-is-published-and-modified",
    ),
    pytest.param(
        page(
            '<figure><img src="c.jpg"><figcaption><span class="date">7 December 2020'
            "</span></figcaption></figure>"
        ),
        Dates(None, None, None),
        id="caption-date-is-a-photos",
    ),
]


@pytest.mark.parametrize(("html", "expected"), PLAIN)
def test_plain_dates(html: str, expected: Dates) -> None:
    assert extract_dates(load_page(html, PLAIN_URL), "en") == expected


RUNS = [
    pytest.param(
        "<p>Ein Beitrag vom 15.2.2018 in der Rubrik Technik, geschrieben von Jana.</p>",
        "https://blog.example.de/2018/02/15/emulator/",
        "15.2.2018",
        id="numeric-inside-a-sentence",
    ),
    pytest.param(
        "<div>Written by Sam on June 28th, 2018 in Travel</div>",
        "https://travel.example.com/2018/06/28/ferry/",
        "June 28th, 2018",
        id="ordinal-day",
    ),
    pytest.param(
        "<div>Sam wrote this in 2018, on the 3rd, a rainy day.</div>",
        "https://travel.example.com/2018/06/28/ferry/",
        None,
        id="no-printed-form",
    ),
]


@pytest.mark.parametrize(("article", "url", "raw"), RUNS)
def test_printed_form_of_a_day_found_elsewhere(article: str, url: str, raw: str | None) -> None:
    found = extract_dates(load_page(page(article), url), "en")
    url_day = "-".join(url.split("/")[3:6])  # these URLs name the day: /2018/02/15/
    assert (found.published, found.raw) == (url_day, raw)


def test_plain_updated_only_prefers_the_url_day() -> None:
    html = page("<p>Updated: 5 May 2021</p>")
    found = extract_dates(load_page(html, "https://smallblog.example.net/2021/05/01/bridge/"), "en")
    assert found == Dates("2021-05-01", "2021-05-05", None)


def test_htmldate_leaves_the_tree_alone() -> None:
    # no date anywhere: the page goes through htmldate's whole search (it prunes its copy)
    html = page('<div class="comments"><p>Nice post!</p></div><script>var x = 1;</script>')
    loaded = load_page(html, PLAIN_URL)
    before = lxml.html.tostring(loaded.tree)
    assert extract_dates(loaded, "en") == Dates(None, None, None)
    assert lxml.html.tostring(loaded.tree) == before
