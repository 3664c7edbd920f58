"""Description, section and site name on plain pages (issue #14)."""

from __future__ import annotations

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.metadata import extract_description, extract_section, extract_site_name

URL = "https://www.harbourgazette.example/world/truce-broken-4711"

LEAD = "The ministry says four soldiers were killed in clashes near the river on Sunday."
BODY = "<p>First paragraph of the story, long enough to be a paragraph of text.</p>"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


DESCRIPTIONS = [
    pytest.param(
        page(body=f"<main><div><h1>Truce broken</h1><h2>{LEAD}</h2></div><div>{BODY}</div></main>"),
        LEAD,
        id="standfirst-h2-after-the-h1",
    ),
    pytest.param(
        page(body=f"<main><header><h1>Truce broken</h1><p>{LEAD}</p></header>{BODY}</main>"),
        LEAD,
        id="lone-paragraph-beside-the-h1",
    ),
    pytest.param(
        page(body=f"<main><h1>Truce broken</h1><div></div><h3>{LEAD}</h3>{BODY}</main>"),
        LEAD,
        id="empty-element-between-skipped",
    ),
    pytest.param(
        page(body=f"<article><h1>Truce broken</h1><p>{LEAD}</p>{BODY}{BODY}</article>"),
        None,
        id="first-body-paragraph-is-no-standfirst",
    ),
    pytest.param(
        page(body=f"<main><div><h1>Truce broken</h1><h2>Sunday</h2></div>{BODY}</main>"),
        None,
        id="short-heading-is-no-standfirst",
    ),
    pytest.param(
        page(
            body="<main><div><h1>Truce broken</h1><p>By Ana Lee and Bo Chen on December 13, 2020"
            f" in World news</p></div>{BODY}</main>"
        ),
        None,
        id="byline-line-is-no-standfirst",
    ),
    pytest.param(
        page(
            body='<main><div><h1>Truce broken</h1><p class="meta">5343 views | 32 comments so'
            f" far on this story</p></div>{BODY}</main>"
        ),
        None,
        id="counter-line-is-no-standfirst",
    ),
    pytest.param(
        page(
            body='<main><div><h1>Truce broken</h1><p><time datetime="2020-12-13">Sunday 13'
            f" December 2020, at noon local time</time></p></div>{BODY}</main>"
        ),
        None,
        id="date-line-is-no-standfirst",
    ),
    pytest.param(
        page(
            body='<header><h1><a href="/">Harbour Notes</a></h1><h2>Making connections where'
            f" none existed before, since 2009</h2></header><main>{BODY}</main>"
        ),
        None,
        id="blog-tagline-after-a-site-name-h1",
    ),
    pytest.param(
        page(
            '<meta name="description" content="Meta lead.">',
            f"<main><div><h1>Truce broken</h1><h2>{LEAD}</h2></div>{BODY}</main>",
        ),
        "Meta lead.",
        id="declared-description-first",
    ),
]


@pytest.mark.parametrize(("html", "expected"), DESCRIPTIONS)
def test_description_plain(html: str, expected: str | None) -> None:
    assert extract_description(load_page(html, URL)) == expected


SECTIONS = [
    pytest.param(
        page(
            '<meta property="og:site_name" content="Harbour Gazette">',
            '<main><div><a href="/">Harbour Gazette</a></div><div><a href="/world">World</a>'
            "<h1>Truce broken</h1></div></main>",
        ),
        "World",
        id="section-link-above-the-h1",
    ),
    pytest.param(
        page(
            '<meta property="og:site_name" content="Harbour Gazette">',
            '<main><div><a href="/">Harbour Gazette</a><h1>Truce broken</h1></div></main>',
        ),
        None,
        id="logo-link-above-the-h1-is-no-section",
    ),
    pytest.param(
        page(
            '<meta property="og:site_name" content="The Balance Sheet">'
            '<meta property="article:section" content="The Balance Sheet">',
            '<main><nav class="breadcrumb"><a href="/">Home</a> <a href="/money">Money</a>'
            "</nav><h1>Truce broken</h1></main>",
        ),
        "Money",
        id="section-meta-naming-the-site-skipped",
    ),
    pytest.param(
        page(body='<main><div><a href="/start">Home</a><h1>Truce broken</h1></div></main>'),
        None,
        id="home-label-is-no-section",
    ),
]


@pytest.mark.parametrize(("html", "expected"), SECTIONS)
def test_section_plain(html: str, expected: str | None) -> None:
    assert extract_section(load_page(html, URL)) == expected


def test_site_name_entities_decoded() -> None:
    html = page('<meta property="og:site_name" content="Gazette Verlag &amp;amp; Co. KG">')
    assert extract_site_name(load_page(html, URL)) == "Gazette Verlag & Co. KG"


SITE_NAMES = [
    pytest.param(
        page(
            body='<div class="logo"><a href="/"><img alt="Logo Harbour Gazette" src="l.svg"></a></div>'
        ),
        "Harbour Gazette",
        id="logo-word-dropped-from-the-alt-text",
    ),
    pytest.param(
        page(
            body='<div class="logo"><a href="/"><img alt="Gazette-Logo (Link zur Startseite)" src="l.svg"></a></div>'
        ),
        "Gazette",
        id="link-description-dropped-from-the-alt-text",
    ),
    pytest.param(
        page(
            "<title>Ferry timetable cut | Harbour Gazette</title>",
            '<div class="logo"><a href="/"><img alt="Startseite" src="l.svg"></a></div>',
        ),
        "Harbour Gazette",
        id="home-label-logo-skipped-for-the-title-suffix",
    ),
    pytest.param(
        page(body='<div class="logo"><img alt="Logo" src="l.svg"></div>'),
        None,
        id="bare-logo-alt-is-no-name",
    ),
]


@pytest.mark.parametrize(("html", "expected"), SITE_NAMES)
def test_site_name_plain(html: str, expected: str | None) -> None:
    assert extract_site_name(load_page(html, URL)) == expected
