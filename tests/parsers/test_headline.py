"""extract_headline: inline pages, one per class of headline source."""

from __future__ import annotations

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.headline import clean_title, extract_headline, strip_site_suffix

URL = "https://news.example.com/world/2024/05/03/story"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def ld(**fields: str) -> str:
    import json

    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


CASES = [
    pytest.param(
        page("<title>Storm hits coast | Example News</title>", "<h1>Storm hits coast</h1>"),
        "Storm hits coast",
        id="visible-h1-without-metadata",
    ),
    pytest.param(
        page("<title>Storm hits coast | Example News</title>"),
        "Storm hits coast",
        id="title-suffix-cut-when-nothing-else",
    ),
    pytest.param(
        page(ld(headline="Rates rise again") + '<meta property="og:title" content="Rates up">'),
        "Rates rise again",
        id="structured-first",
    ),
    pytest.param(
        page(
            ld(headline="Patent: Samsung soll zerst&ouml;ren - Golem.de")
            + '<meta property="og:site_name" content="Golem.de">'
        ),
        "Patent: Samsung soll zerstören",
        id="entities-decoded-and-host-suffix-cut",
    ),
    pytest.param(
        page(
            ld(headline="Neue Schule: Judy Lybke, ganz und gar nicht eigenartig")
            + '<meta property="og:title" content="Judy Lybke, ganz und gar nicht eigenartig">'
        ),
        "Judy Lybke, ganz und gar nicht eigenartig",
        id="kicker-dropped-when-og-prints-the-rest",
    ),
    pytest.param(
        page(
            ld(headline="Bubi-Bomber wieder da: Thioune fordert Geduld | Sport")
            + '<meta property="og:title" content="Bubi-Bomber wieder da: Thioune fordert Geduld">'
        ),
        "Bubi-Bomber wieder da: Thioune fordert Geduld",
        id="section-suffix-seen-in-another-source",
    ),
    pytest.param(
        page(
            ld(headline="Unrest in the north - \u00abWe were not warned in time\u00bb")
            + '<meta property="og:title" content="Flood disaster: \u00abWe were not warned'
            ' in time\u00bb">'
        ),
        "\u00abWe were not warned in time\u00bb",
        id="different-kickers-before-the-same-headline",
    ),
    pytest.param(
        page(
            ld(headline="Budget talks: the mayor and the council agree on cuts")
            + '<meta property="og:title" content="City hall: the mayor and the council agree'
            ' on cuts">'
        ),
        "Budget talks: the mayor and the council agree on cuts",
        id="shared-tail-without-kicker-separator-kept",
    ),
    pytest.param(
        page(
            '<meta name="headline" content="Rail strike called off">'
            '<meta property="og:title" content="Rail strike called off-Economy">'
        ),
        "Rail strike called off",
        id="headline-meta-when-no-json-ld",
    ),
    pytest.param(
        page(
            "",
            '<h1><span class="subline">Arms exports</span>'
            ' <span class="topline">Court hears the complaint of a farmer</span></h1>',
        ),
        "Arms exports Court hears the complaint of a farmer",
        id="misnamed-kicker-longer-than-the-rest-kept",
    ),
    pytest.param(
        page(
            "<title>Strike called off after talks</title>",
            '<h1><span class="kicker">Rail</span> Strike called off after talks</h1>',
        ),
        "Strike called off after talks",
        id="kicker-element-in-h1-skipped",
    ),
    pytest.param(
        page(
            ld(headline="Mayor quits after audit")
            + '<meta property="og:title" content="Mayor quits after audit">',
            "<h1>Mayor quits after a damning audit of city accounts</h1>",
        ),
        "Mayor quits after audit",
        id="declared-headline-before-the-h1-found",
    ),
    pytest.param(
        page(
            '<meta property="og:title" content="Mayor resigns after audit">',
            '<h1 class="logo">Example News</h1><h1>Log In</h1>',
        ),
        "Mayor resigns after audit",
        id="unrelated-h1-skipped",
    ),
    pytest.param(
        page(
            "<title>Mayor resigns after audit</title>",
            '<nav><h1 class="breadcrumb">Politics</h1></nav><article><h1>Mayor resigns after'
            " <em>audit</em></h1></article>",
        ),
        "Mayor resigns after audit",
        id="inline-markup-joined",
    ),
    pytest.param(
        page('<title>Example News</title><meta property="og:site_name" content="Example News">'),
        None,
        id="site-name-only-is-no-headline",
    ),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_extract_headline(html: str, expected: str | None) -> None:
    assert extract_headline(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("Storm | Example News", ["Example News"], "Storm"),
        ("Storm - News - Example", ["example", "News"], "Storm"),
        ("宮崎県で震度5弱：朝日新聞デジタル", ["朝日新聞デジタル"], "宮崎県で震度5弱"),
        ("US-Dollar steigt", ["dollar"], "US-Dollar steigt"),
        ("Example", ["Example"], "Example"),
    ],
)
def test_strip_site_suffix(title: str, names: list[str], expected: str) -> None:
    assert strip_site_suffix(title, names) == expected


def test_clean_title_folds_space() -> None:
    assert clean_title("  A\u00a0 b &amp; c ") == "A b & c"
