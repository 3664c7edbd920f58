"""Headline on plain pages: the printed <h1> against the page's other titles (issue #14)."""

from __future__ import annotations

import json

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.headline import extract_headline

URL = "https://blog.example.org/2023/05/the-post"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def og(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


def ld(kind: str = "NewsArticle", **fields: str) -> str:
    data = {"@context": "https://schema.org", "@type": kind, **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


CASES = [
    pytest.param(
        page(
            og("Heat pumps in old houses - when they pay off"),
            "<h1>Do heat pumps suit old houses?</h1>",
        ),
        "Do heat pumps suit old houses?",
        id="printed-h1-before-a-rewritten-og-title",
    ),
    pytest.param(
        page(
            og("Bears: a record year | Lake District National Park Authority"),
            "<h1>Bears: a record year</h1>",
        ),
        "Bears: a record year",
        id="printed-h1-without-an-unknown-site-suffix",
    ),
    pytest.param(
        page(
            ld("WebPage", name="Lemon cake on a tray - Baking Joy")
            + og("Lemon cake on a tray - Baking Joy"),
            "<h1>Lemon cake on a tray: simply lovely!</h1>",
        ),
        "Lemon cake on a tray: simply lovely!",
        id="webpage-name-is-no-declared-headline",
    ),
    pytest.param(
        page(
            og("Fans return to the stadiums"),
            "<h1><em>Remembrance day</em> Fans return to the stadiums</h1>",
        ),
        "Fans return to the stadiums",
        id="label-element-before-the-og-title-dropped",
    ),
    pytest.param(
        page(
            og("Fans return to the stadiums"),
            "<h1>Fans return to the stadiums<br><small>02.02.2022 \u2022 Club news</small></h1>",
        ),
        "Fans return to the stadiums",
        id="date-and-category-element-after-the-og-title-dropped",
    ),
    pytest.param(
        page(
            og("Colder nights ahead after the frost warning"),
            '<h1><a href="/">WORLD RADIO</a></h1><h1>Colder nights ahead after the frost warning</h1>',
        ),
        "Colder nights ahead after the frost warning",
        id="site-logo-h1-before-the-h1-printing-og-title",
    ),
    pytest.param(
        page(
            ld("BlogPosting", name="Rewriting the parser in a weekend")
            + og("Rewriting the parser in a weekend"),
            "<h1>THE TINKERER Notes from a shed</h1><h1>Rewriting the parser in a weekend</h1>",
        ),
        "Rewriting the parser in a weekend",
        id="blog-name-h1-when-json-ld-and-og-agree-on-another",
    ),
    pytest.param(
        page(
            "<title>Old House Notes</title>",
            '<h1><a href="https://blog.example.org/">Old House Notes</a></h1>',
        ),
        "Old House Notes",
        id="only-a-home-link-h1-and-title",
    ),
    pytest.param(
        page(
            og("Tram lines reopen in the north"),
            '<h1><a href="https://media.example.net/press/12">Press Portal</a></h1>',
        ),
        "Tram lines reopen in the north",
        id="h1-linking-to-another-page-after-og-title",
    ),
    pytest.param(
        page(
            ld("Article", headline="Chemist of the nineteenth century", name="Ada Brightwater")
            + og("Ada Brightwater"),
            "<h1>Ada Brightwater</h1>",
        ),
        "Ada Brightwater",
        id="json-ld-short-description-loses-to-its-name-and-the-h1",
    ),
    pytest.param(
        page(
            ld(
                headline="Why fight, he asked... then left",
                name='"Why fight," he asked... then left',
            ),
            '<h1>"Why fight," he asked... then left</h1>',
        ),
        "Why fight, he asked... then left",
        id="json-ld-headline-kept-when-name-differs-only-in-quotes",
    ),
    pytest.param(
        page(
            ld(headline="Firm in trouble \u2013 figures and advisers")
            + og("Firm in trouble - figures and advisers"),
            "<h1>Firm in trouble \u2013 figures and advisers</h1>",
        ),
        "Firm in trouble \u2013 figures and advisers",
        id="same-head-other-dash-is-no-kicker",
    ),
    pytest.param(
        page(
            "<title>EASY NEWS|New law bans smacking children</title>"
            '<meta property="og:site_name" content="EASY NEWS">'
        ),
        "New law bans smacking children",
        id="site-name-prefix-cut",
    ),
    pytest.param(
        page("<title>What free software means - Shed Talk Community Forum</title>"),
        "What free software means",
        id="short-dash-suffix-of-a-bare-title-cut",
    ),
    pytest.param(
        page("<title>Day trips on the lower river</title>", "<h1>West quarter</h1>"),
        "West quarter",
        id="single-h1-sharing-no-word-with-a-site-wide-title",
    ),
    pytest.param(
        page(
            "<title>Day trips on the lower river</title>",
            "<header><h1>Riverside Rambles</h1></header>",
        ),
        "Day trips on the lower river",
        id="single-h1-in-the-header-is-no-headline",
    ),
    pytest.param(
        page(
            ld(headline="Day trips on the lower river"),
            "<h1>West quarter</h1>",
        ),
        "Day trips on the lower river",
        id="declared-headline-kept-against-an-unrelated-h1",
    ),
    pytest.param(
        page(og("..."), "<h1>...</h1><p>Tach auch!</p>"),
        None,
        id="h1-without-a-word-is-no-headline",
    ),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_headline_plain(html: str, expected: str | None) -> None:
    assert extract_headline(load_page(html, URL)) == expected
