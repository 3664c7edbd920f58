"""Structured data readers: tolerant JSON-LD, @graph/arrays/mainEntity, microdata, meta."""

from __future__ import annotations

import pytest

from newscrawl.parsers import load_page
from newscrawl.parsers.structured import as_text, loads_tolerant, pick_article, type_names

URL = "https://news.example.com/a"


def page(*scripts: str, body: str = "") -> str:
    tags = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    return f"<html><head>{tags}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("html", "headline"),
    [
        pytest.param(page('{"@type": "NewsArticle", "headline": "Plain"}'), "Plain", id="object"),
        pytest.param(
            page(
                '{"@graph": [{"@type": "WebSite", "name": "Site"}, {"@type": "NewsArticle", "headline": "In graph"}]}'
            ),
            "In graph",
            id="graph",
        ),
        pytest.param(
            page(
                '[{"@type": "BreadcrumbList"}, {"@type": ["NewsArticle"], "headline": "In array"}]'
            ),
            "In array",
            id="array-and-type-list",
        ),
        pytest.param(
            page('{"@type": "WebPage", "mainEntity": {"@type": "Article", "headline": "Nested"}}'),
            "Nested",
            id="main-entity",
        ),
        pytest.param(
            page(
                '// generated\n{"@type": "NewsArticle", "headline": "Broken", /* c */ "x": [1,],}'
            ),
            "Broken",
            id="comments-and-trailing-commas",
        ),
        pytest.param(
            page("{oops", '{"@type": "NewsArticle", "headline": "Second block"}'),
            "Second block",
            id="unreadable-block-skipped",
        ),
        pytest.param(
            page(
                '{"@type": "VideoObject", "name": "A clip"}',
                '{"@type": "ReportageNewsArticle", "headline": "Specific"}',
            ),
            "Specific",
            id="article-type-preferred",
        ),
        pytest.param(
            page(
                body='<div itemscope itemtype="https://schema.org/NewsArticle">'
                '<h1 itemprop="headline">Microdata</h1></div>'
            ),
            "Microdata",
            id="microdata",
        ),
    ],
)
def test_article_object(html: str, headline: str) -> None:
    assert as_text(load_page(html, URL).ld.get("headline")) == headline


def test_meta_tags_are_read_lower_cased_in_order() -> None:
    html = (
        '<html><head><meta property="OG:Title" content="A"><meta name="og:title" content="B">'
        '<meta itemprop="datePublished" content="2020-12-13"></head></html>'
    )
    p = load_page(html, URL)
    assert p.meta["og:title"] == ["A", "B"]
    assert p.meta_first("datepublished") == "2020-12-13"


def test_loads_tolerant_control_characters() -> None:
    assert loads_tolerant('{"a": "line\x01break"}') == {"a": "line break"}


def test_pick_article_without_article_is_empty() -> None:
    assert pick_article([{"@type": "Organization", "name": "X"}]) == {}


def test_type_names() -> None:
    assert type_names({"@type": "http://schema.org/NewsArticle"}) == ["newsarticle"]
