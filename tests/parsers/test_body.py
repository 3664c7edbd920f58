"""extract_body on inline pages: what is body text and what is not."""

from __future__ import annotations

import json
import re

import pytest

from newscrawl.parsers import selectors
from newscrawl.parsers.article import load_page
from newscrawl.parsers.body import extract_body, is_boilerplate_line

URL = "https://news.example/world/harbour-ferry-line-12345"
P1 = (
    "The harbour authority said on Tuesday that the new ferry line would start in spring, "
    "linking the two islands with four daily crossings."
)
P2 = (
    "Officials expect about two thousand passengers a day once the timetable is complete, "
    "and the operator has ordered two more boats for the summer season."
)
P3 = (
    "Residents of the smaller island have asked for a ferry connection for more than a "
    "decade, and the council approved the budget last autumn after a long debate."
)
P4 = (
    "The first crossing is planned for the second week of April, weather permitting, with "
    "a ceremony at the old pier that the mayor will attend."
)


def page(body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html lang='en'><head><title>Ferry line</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>{body}"
        "<footer><p>Copyright Harbour News. Contact us at the harbour office any weekday."
        "</p></footer></body></html>"
    )


def body_of(html: str) -> list[str]:
    text = extract_body(load_page(html, URL)).text
    return text.split("\n\n") if text else []


def ld_head(obj: dict[str, object]) -> str:
    return f"<script type='application/ld+json'>{json.dumps(obj)}</script>"


CASES = [
    pytest.param(
        page(
            f"<article><h1>Ferry line</h1><p>{P1}</p><p>{P2}</p></article><aside><p>{P3}</p></aside>"
        ),
        [P1, P2],
        id="article-paragraphs-without-nav-footer-aside",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><h2>A long wait</h2><p>{P2}</p><h3>Next steps</h3><p>{P3}</p></article>"
        ),
        [P1, "A long wait", P2, "Next steps", P3],
        id="subheadings-kept-in-order",
    ),
    pytest.param(
        page(f"<div class='story'>{P1}<br><br>{P2}<br><br>{P3}</div>"),
        [P1, P2, P3],
        id="div-text-split-on-double-br",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><ul><li>Four crossings a day</li><li>Two new boats</li></ul>"
            f"<blockquote><p>{P3}</p></blockquote><p>{P2}</p></article>"
        ),
        [P1, "Four crossings a day", "Two new boats", P3, P2],
        id="lists-and-quotes-kept",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><div class='share-bar'><span>Share this article</span>"
            "<a href='https://facebook.com/x'>Facebook</a></div>"
            f"<div class='newsletter-signup'><p>{P4}</p></div><p>{P2}</p>"
            f"<div class='related-stories'><p>{P3}</p></div></article>"
        ),
        [P1, P2],
        id="share-newsletter-related-by-class",
    ),
    pytest.param(
        page(f"<article><p>{P1}</p><p>Advertisement</p><p>ANZEIGE</p><p>{P2}</p></article>"),
        [P1, P2],
        id="ad-label-lines",
    ),
    pytest.param(
        page(f"<article><p class='standfirst'>{P4}</p><p>{P1}</p><p>{P2}</p></article>"),
        [P1, P2],
        id="standfirst-by-class-is-description",
    ),
    pytest.param(
        page(
            f"<article><h2>{P4}</h2><div class='text'><p>{P1}</p><p>{P2}</p></div></article>",
            head=f"<meta name='description' content='{P4}'>",
        ),
        [P1, P2],
        id="lead-equal-to-description-set-apart",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><p>{P2}</p><p>{P3}</p></article>",
            head=f"<meta name='description' content='{P1}'>",
        ),
        [P1, P2, P3],
        id="description-copied-from-first-paragraph-stays",
    ),
    pytest.param(
        page(
            "<main><div class='chunk'><div class='article-body'>"
            f"<p class='para'>{P1}</p><p class='para'>{P2}</p></div></div>"
            "<div class='ad-slot'>Advertisement</div>"
            f"<div class='chunk'><div class='article-body'><p class='para'>{P3}</p>"
            f"<p class='para'>{P4}</p></div></div></main>"
        ),
        [P1, P2, P3, P4],
        id="body-split-by-an-ad",
    ),
    pytest.param(
        page(
            f"<article><div class='content'><p>{P1}</p><p>{P2}</p></div>"
            f"<section class='comments'><p>{P3}</p><p>{P4}</p></section></article>"
        ),
        [P1, P2],
        id="comments-dropped",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><blockquote class='twitter-tweet'><p>{P4}</p>"
            "<p>— Ana Lee (@analee) <a href='https://x.example/1'>July 18, 2026</a></p>"
            f"</blockquote><p>{P2}</p></article>"
        ),
        [P1, P2],
        id="embedded-post-dropped",
    ),
    pytest.param(
        page(f"<div hidden><article><p>{P1}</p><p>{P2}</p></article></div>"),
        [P1, P2],
        id="hidden-wrapper-of-a-streamed-page",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><figure><img src='/a.jpg'><figcaption>{P4}</figcaption>"
            f"</figure><p>{P2}</p></article>"
        ),
        [P1, P2],
        id="figure-captions-are-not-body",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><p>{P2}</p><ul class='topics'>"
            "<li><a href='/t/ferries'>Ferries</a></li><li><a href='/t/islands'>Islands</a></li>"
            "</ul></article>"
        ),
        [P1, P2],
        id="link-lists-dropped",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><p>{P2}</p></article><section>"
            "<a href='/a'><h3>Another story about boats and harbours</h3></a>"
            "<a href='/b'><h3>A third story about the island council</h3></a></section>"
        ),
        [P1, P2],
        id="linked-teaser-headings-dropped",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><p>SOURCE: Harbour News and agencies</p>"
            "<p>READ MORE: <a href='/world/other-1'>Other story</a></p></article>"
        ),
        [P1],
        id="source-and-read-more-lines-set-aside",
    ),
    pytest.param(
        page(
            f"<article><p>{P1}</p><p><strong>A new timetable</strong></p><p>{P2}</p>"
            "<p>Lifestyle</p><p>£120</p><h2>Most popular</h2></article>"
        ),
        [P1, "A new timetable", P2],
        id="bold-subheading-kept-labels-and-trailing-heading-dropped",
    ),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_body(html: str, expected: list[str]) -> None:
    assert body_of(html) == expected


def test_articlebody_from_json_ld_when_the_page_has_none() -> None:
    text = f"{P1}\n{P2}\n{P3}\n{P4}"
    html = page("<div id='app'></div>", head=ld_head({"@type": "NewsArticle", "articleBody": text}))
    assert body_of(html) == [P1, P2, P3, P4]


def test_articlebody_guides_to_the_full_body() -> None:
    text = f"{P1} {P2} {P3} {P4}"
    html = page(
        f"<div class='intro-box'><p>{P1}</p></div><div class='longform'>"
        f"<section><div><p>{P1}</p></div></section><section><div><p>{P2}</p></div></section>"
        f"<section><div><p>{P3}</p></div></section><section><div><p>{P4}</p></div></section>"
        "</div>",
        head=ld_head({"@type": "NewsArticle", "articleBody": text}),
    )
    assert body_of(html) == [P1, P2, P3, P4]


def test_the_article_under_the_headline_wins_over_a_longer_one_below() -> None:
    html = page(
        f"<main><article><div class='head'><h1>Ferry line</h1></div><div class='text'>"
        f"<p>{P1}</p><p>{P2}</p></div></article><div class='next'><article>"
        f"<h2>Another story</h2><div class='text'><p>{P3}</p><p>{P4}</p><p>{P3} Again.</p>"
        "</div></article></div></main>"
    )
    assert body_of(html) == [P1, P2]


def test_empty_page_has_empty_body() -> None:
    assert extract_body(load_page("<html><body></body></html>", URL)).text == ""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Advertisement", True),
        ("Anzeige", True),
        ("Share this article", True),
        ("Sign up for our daily newsletter and get the news first", True),
        ("© Harbour News 2020", True),
        ("5 min read", True),
        ("Stand: 28.04.2023 17:23 Uhr", True),
        ("14 hours ago", True),
        ("STR/AFP via Getty Images", True),
        ("Foto: dpa", True),
        ("Externer Inhalt nicht verfügbar", True),
        ("Personen-Box aufklappen Personen-Box zuklappen", True),
        ("この記事は会員限定です。", True),
        ("Article continues below", True),
        ("— Ana Lee (@analee) July 18, 2026", True),
        ("Reuters reported on Tuesday that the talks had stalled.", False),
        ("The advertisement ran for a week.", False),
        ("Shares in the operator rose 4% on Tuesday.", False),
    ],
)
def test_boilerplate_lines(line: str, expected: bool) -> None:
    assert is_boilerplate_line(line) is expected


BOILER_SAMPLES = [
    "Sign up to our newsletter",
    "Our weekly newsletter: the harbour news every Friday",
    "Read the newsletters archive",
    "All rights reserved.",
    "Harbour News 2026 - Alle Rechte vorbehalten",
    "La suite est réservée aux abonnés.",
    "Photo: STR / AFP",
    "A ferry leaves the harbour. Photo via Reuters",
    "Ferries via AFP and others are late again this week",
    "Externer Inhalt: ein Klick für den Datenschutz",
    "Show more",
    "Mehr anzeigen",
    "The ferry will show more boats in spring, officials said on Tuesday.",
    "有料会員になると続きを読めます",
    "Privacy settings",
    "20 km/h via the old harbour road",
    "newsletter" * 40,
]


@pytest.mark.parametrize("line", BOILER_SAMPLES)
def test_boilerplate_lines_match_the_plain_patterns(line: str) -> None:
    """The texts looked for before the floating patterns change no answer."""
    plain = re.compile("|".join(f"(?:{p})" for p in selectors.BOILERPLATE_LINES))
    expected = len(line) < 300 and plain.fullmatch(line.casefold()) is not None
    assert is_boilerplate_line(line) is expected
