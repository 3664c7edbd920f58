"""Page metadata: description, section, site name, tags, language, canonical URL."""

from __future__ import annotations

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.metadata import (
    extract_canonical,
    extract_description,
    extract_language,
    extract_section,
    extract_site_name,
    extract_tags,
)

URL = "https://www.example.com/world/story-42?utm_source=x&fbclid=abc"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def header(before: str = "", after: str = "") -> str:
    return (
        f'<main><div class="article-header">{before}<h1>Storm hits the coast</h1>{after}</div>'
        "<p>Text.</p></main>"
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page('<meta property="og:description" content="Rain &amp; wind.">'), "Rain & wind."),
        (
            page(
                body=header(
                    after='<h2 class="article-description">Four soldiers were killed in'
                    " clashes on Sunday, the ministry said.</h2>"
                )
            ),
            "Four soldiers were killed in clashes on Sunday, the ministry said.",
        ),
        (page(body=header(after='<p class="intro">Too short.</p>')), None),
    ],
    ids=["og-description", "standfirst-under-headline", "too-short-is-no-standfirst"],
)
def test_extract_description(html: str, expected: str | None) -> None:
    assert extract_description(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            page('<meta property="article:section" content="Politics &amp;amp; Law">'),
            "Politics & Law",
        ),
        (
            page(
                body=header(
                    before='<div class="meta"><a class="category-label" href="/world">World</a></div>'
                )
            ),
            "World",
        ),
        (
            page(
                body='<nav class="breadcrumb"><ol><li><a href="/">Startseite</a></li>'
                '<li><a href="/lokales/">Lokales</a></li></ol></nav>' + header()
            ),
            "Lokales",
        ),
        (
            page(
                body='<nav><a href="/world">World</a></nav>'
                + header(before='<a href="https://other.org/x">Ad</a>')
            ),
            None,
        ),
    ],
    ids=["meta", "label-above-headline", "breadcrumb", "navigation-and-foreign-links-ignored"],
)
def test_extract_section(html: str, expected: str | None) -> None:
    assert extract_section(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page('<meta property="og:site_name" content="TRT World">'), "TRT World"),
        (
            page(body='<a class="site-logo" href="/"><img src="/l.svg" alt="TRT World"></a>'),
            "TRT World",
        ),
        (page("<title>Storm hits the coast - Northstar News</title>"), "Northstar News"),
        (
            page(
                '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
                ' "headline": "H", "publisher": {"@id": "https://t.lu/#org"}}, {"@type":'
                ' "Organization", "@id": "https://t.lu/#org", "name": "Tageblatt"}]}</script>'
            ),
            "Tageblatt",
        ),
        (
            page(
                '<meta name="twitter:site" content="@handle">',
                '<footer><a class="logo" href="/"><img alt="Footer Name"></a></footer>',
            ),
            None,
        ),
    ],
    ids=["og-site-name", "logo-alt", "title-suffix", "publisher-reference", "footer-logo-ignored"],
)
def test_extract_site_name(html: str, expected: str | None) -> None:
    assert extract_site_name(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            page('<meta name="keywords" content="Azerbaijan, Armenia; OSCE">'),
            ["Azerbaijan", "Armenia", "OSCE"],
        ),
        (
            page(
                '<meta property="article:tag" content="A"><meta property="article:tag" content="a">'
            ),
            ["A"],
        ),
    ],
)
def test_extract_tags(html: str, expected: list[str]) -> None:
    assert extract_tags(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page(lang="en-us"), "en-US"),
        (page('<meta property="og:locale" content="tr_TR">', lang=""), "tr-TR"),
    ],
)
def test_extract_language(html: str, expected: str) -> None:
    assert extract_language(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page(), "https://www.example.com/world/story-42"),
        (
            page('<link rel="canonical" href="/world/story-42-amp-free">'),
            "https://www.example.com/world/story-42-amp-free",
        ),
        (
            page('<link rel="canonical" href="https://elsewhere.org/x">'),
            "https://www.example.com/world/story-42",
        ),
    ],
    ids=["fetched-url-cleaned", "same-site-canonical", "foreign-canonical-ignored"],
)
def test_extract_canonical(html: str, expected: str) -> None:
    assert extract_canonical(load_page(html, URL)) == expected
