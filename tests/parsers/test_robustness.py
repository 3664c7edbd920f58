"""parse_article on hostile input: only newscrawl's own errors, records always schema-shaped.

Property-based (hypothesis) over generated markup and over mutations of a real-looking page,
plus fixed pathological pages (deep nesting, huge tables, JSON-LD bombs, broken dates).
"""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl import parse_article
from newscrawl.errors import NewscrawlError
from newscrawl.record.schema_check import record_errors

URL = "https://news.example/world/2026/11/20/a-story"
BASE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Quake hits coastal town | Example News</title>
<meta property="og:title" content="Quake hits coastal town">
<meta property="article:published_time" content="2026-11-20T08:30:00+01:00">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Quake hits coastal town", "datePublished": "2026-11-20T08:30:00+01:00",
"author": [{"@type": "Person", "name": "Ana Lee"}], "image": ["/img/quake.jpg"]}</script>
</head><body><header><nav><a href="/">Home</a><a href="/world">World</a></nav></header>
<main><article><h1>Quake hits coastal town</h1><p class="byline">By Ana Lee</p>
<time datetime="2026-11-20T08:30:00+01:00">20 November 2026</time>
<figure><img src="/img/quake.jpg" alt="Rubble"><figcaption>Rescuers at work. / Reuters</figcaption></figure>
<p>A strong earthquake struck the coastal town early on Friday, damaging dozens of homes.</p>
<h2>Rescue teams</h2><p>Rescue teams worked through the night to reach people trapped.</p>
<p>Read more: <a href="/world/2026/11/19/earlier-quake">Earlier quake</a></p>
</article></main><footer>© Example News</footer></body></html>"""

TAGS = [
    "div",
    "p",
    "h1",
    "h2",
    "span",
    "article",
    "main",
    "figure",
    "figcaption",
    "img",
    "a",
    "time",
    "script",
    "table",
    "tr",
    "td",
    "li",
    "ul",
    "blockquote",
    "br",
    "meta",
    "title",
]
ATTRS = [
    'class="byline"',
    'class="article-body"',
    'itemprop="articleBody"',
    'datetime="x"',
    'datetime="2026-13-45"',
    'type="application/ld+json"',
    'href="javascript:x"',
    'href="//evil.example/"',
    'src="data:,"',
    'property="og:title" content=""',
    'lang="zz"',
    'rel="canonical" href="http://[::1"',
]


def check(html: str | bytes) -> None:
    """The properties every input must satisfy."""
    try:
        article = parse_article(html, URL)
    except NewscrawlError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        assert "\n" not in message
        return
    record = attrs.evolve(article, scraped_at="2026-11-25T00:00:00+00:00").to_dict()
    errors = record_errors(record)
    if not article.headline:
        errors = [e for e in errors if not e.startswith("headline:")]
    assert errors == [], errors
    json.dumps(record)


@st.composite
def markup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(TAGS))
        attr = draw(st.sampled_from(["", *ATTRS]))
        text = draw(st.text(max_size=30))
        closing = draw(st.booleans())
        parts.append(f"<{tag} {attr}>{text}" + (f"</{tag}>" if closing else ""))
    return "".join(parts)


SLOW = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SLOW
@given(st.binary(max_size=2000))
def test_any_bytes(data):
    check(data)


@SLOW
@given(markup())
def test_generated_markup(html):
    check(html)


@SLOW
@given(st.data())
def test_mutated_real_page(data):
    page = BASE_PAGE.encode()
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(page) - 1))
        op = data.draw(st.sampled_from(["delete", "insert", "flip"]))
        if op == "delete":
            page = page[:pos] + page[pos + data.draw(st.integers(1, 40)) :]
        elif op == "insert":
            page = page[:pos] + data.draw(st.binary(min_size=1, max_size=20)) + page[pos:]
        else:
            page = page[:pos] + bytes([page[pos] ^ 0xFF]) + page[pos + 1 :]
    check(page)


def test_base_page_is_an_article():
    article = parse_article(BASE_PAGE, URL)
    assert article.headline == "Quake hits coastal town"
    assert article.date_published == "2026-11-20T08:30:00+01:00"


PATHOLOGICAL = {
    "deep_nesting": "<html><body>" + "<div>" * 200_000 + "<p>deep</p>" + "</div>" * 200_000,
    "jsonld_bomb": "<script type='application/ld+json'>"
    + "[" * 100_000
    + "]" * 100_000
    + "</script><h1>T</h1>",
    "jsonld_garbage": '<script type=\'application/ld+json\'>{"@type": "NewsArticle", '
    '"headline": {"a": [1, {}]}, "datePublished": [[]], "author": 7}</script>',
    "huge_table": "<table>" + "<tr>" + "<td>cell text</td>" * 40 + "</tr>" * 1 * 3000 + "</table>",
    "long_date_text": "<time>" + "1 " * 50_000 + "</time><h1>T</h1>",
    "long_title": "<title>" + "a - " * 50_000 + "</title>",
    "many_paragraphs": "<article><h1>T</h1>" + "<p>a few words of text</p>" * 20_000 + "</article>",
    "only_comment": "<!-- nothing here -->",
    "xml_entities": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><html><body><p>&b;&b;</p></body></html>',
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_pages(name):
    check(PATHOLOGICAL[name])
