"""extract_authors / extract_byline / split_authors: inline pages, one per class of byline."""

from __future__ import annotations

import json

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.byline import (
    body_signature,
    clean_author,
    extract_authors,
    extract_byline,
    split_authors,
)

URL = "https://www.dailyexample.com/world/story-1"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def ld(author: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "author": author}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


HEADER = "<article><header><h1>Mayor resigns after audit</h1>{}</header><p>Text.</p></article>"
TEASER = (
    '<div class="card"><a href="/other"><h4>Another story entirely</h4></a>'
    '<span class="author-name">By Mehmet Emre Kahraman</span></div>'
)

AUTHOR_CASES = [
    pytest.param(
        page(ld([{"@type": "Person", "name": "Ana Lee"}, {"@type": "Person", "name": "Bo Chen"}])),
        ["Ana Lee", "Bo Chen"],
        id="jsonld-persons",
    ),
    pytest.param(
        page(ld([{"@type": "Person", "givenName": "Anna Giulia", "familyName": "Fink"}])),
        ["Anna Giulia Fink"],
        id="jsonld-given-and-family-name",
    ),
    pytest.param(
        page(ld({"@type": "Person", "name": "Elena Oberholzer (obe)"})),
        ["Elena Oberholzer"],
        id="initials-in-brackets-dropped",
    ),
    pytest.param(
        page(
            ld({"@type": "Organization", "name": "Daily Example"}),
            HEADER.format('<span class="article__author">Von Seb Dumitru</span>'),
        ),
        ["Seb Dumitru"],
        id="site-organisation-loses-to-visible-person",
    ),
    pytest.param(
        page('<meta name="author" content="Daily Example">'),
        ["Daily Example"],
        id="site-name-when-nobody-else-is-named",
    ),
    pytest.param(
        page('<meta name="author" content="TRT World and Agencies">'),
        [],
        id="site-and-agencies-names-nobody",
    ),
    pytest.param(
        page('<meta name="author" content="jane.doe@dailyexample.com">', HEADER.format(TEASER)),
        [],
        id="teaser-byline-and-email-ignored",
    ),
    pytest.param(
        page(body=HEADER.format('<p class="byline">By Jane Doe and John Roe, Reporters</p>')),
        ["Jane Doe", "John Roe"],
        id="visible-byline-split",
    ),
    pytest.param(
        page(
            body=HEADER.format(
                '<div class="bylines"><a rel="author" href="/a/1">Ingrid Treborg</a>'
                '<a rel="author" href="/a/2">Marlene Holm</a></div>'
            )
        ),
        ["Ingrid Treborg", "Marlene Holm"],
        id="one-link-per-person",
    ),
    pytest.param(
        page(
            body=HEADER.format("<p>Text</p>")
            + '<section class="comments"><span class="comment-author">GuterMensch</span></section>'
        ),
        [],
        id="comment-author-ignored",
    ),
    pytest.param(
        page('<meta name="author" content="Sebastian Meier">', HEADER.format("")),
        ["Sebastian Meier"],
        id="author-meta",
    ),
    pytest.param(
        page(
            ld(
                [
                    {"@type": "Person", "name": "Paula Steiger"},
                    {"@type": "Organization", "name": "SDA"},
                ]
            )
        ),
        ["Paula Steiger", "SDA"],
        id="agency-beside-a-person",
    ),
    pytest.param(
        page(body=HEADER.format('<p class="meta">By TPN, in News, Business · 31 Jan 2025</p>')),
        ["TPN"],
        id="unmarked-by-line-under-headline",
    ),
    pytest.param(
        page(body="<ul><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>"),
        ["Roman Goncharenko"],
        id="labelled-metadata-line",
    ),
    pytest.param(
        page(body=HEADER.format('<span class="author">Themen bearbeiten</span>')),
        [],
        id="control-label-is-not-a-name",
    ),
]


@pytest.mark.parametrize(("html", "expected"), AUTHOR_CASES)
def test_extract_authors(html: str, expected: list[str]) -> None:
    assert extract_authors(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            page(body=HEADER.format('<p class="byline">By Jane Doe | 13 May 2024</p>')),
            "By Jane Doe | 13 May 2024",
        ),
        (
            page(body=HEADER.format('<div class="author"><a href="/jd">Jane Doe</a></div>')),
            "Jane Doe",
        ),
        (page(body=HEADER.format(TEASER)), None),
    ],
    ids=["printed-with-date", "link-inside", "teaser-is-not-a-byline"],
)
def test_extract_byline(html: str, expected: str | None) -> None:
    assert extract_byline(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Anna Schmidt und Jörg Meier", ["Anna Schmidt", "Jörg Meier"]),
        ("capital von Jemima Kelly", ["Jemima Kelly"]),
        ("Holger Zschäpitz, Leitender Wirtschaftsredakteur", ["Holger Zschäpitz"]),
        ("신현주 기자", ["신현주"]),
        ("By Jane Doe Updated 13.05.2024", ["Jane Doe"]),
        ("Diana Resnik", ["Diana Resnik"]),
        ("@janedoe", []),
        ("Sie haben einen Fehler gefunden?", []),
    ],
)
def test_split_authors(raw: str, expected: list[str]) -> None:
    assert split_authors(raw) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Text of the story.</p><p><strong>Lê Phương</strong></p>", ["Lê Phương"]),
        ("<p>Text of the story.</p><p><em>IN-Redaktion</em></p>", ["IN-Redaktion"]),
        ("<p><strong>İKİNCİ OPERASYON</strong></p><p>Text.</p>", []),
        ("<p><b>Fazit</b></p><p>Text.</p>", []),
    ],
    ids=["bold-name", "italic-desk", "capitals-subheading", "one-word-subheading"],
)
def test_body_signature(body: str, expected: list[str]) -> None:
    import lxml.html

    assert body_signature(lxml.html.fromstring(f"<div>{body}</div>")) == expected


def test_clean_author_rejects_labels() -> None:
    assert clean_author("news") is None
    assert clean_author("ndr.de") == "ndr.de"
