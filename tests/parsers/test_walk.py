"""The one pass over a page (parsers/walk.py) finds what plain scans of the tree find."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from lxml import etree as lxml_etree

from newscrawl.parsers import selectors
from newscrawl.parsers.article import load_page
from newscrawl.parsers.common import headline_candidates
from newscrawl.parsers.decode import parse_bytes
from newscrawl.parsers.walk import walk_page
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from lxml import etree

_WORDS = re.compile(
    "|".join(
        map(
            re.escape,
            selectors.BYLINE_CLASS_WORDS + selectors.DATE_CLASS_WORDS + selectors.PAGE_CLASS_WORDS,
        )
    )
)
SYNTHETIC = """<!doctype html><html class="no-js"><head><title>T</title>
<link rel="author" href="/a"><meta itemprop="datePublished" content="2024-01-02">
<script type="application/ld+json">{}</script><script id="published-data"></script></head>
<body><header class="site-header"><a class="Logo" href="/"><img src="/l.png" alt="Site"></a>
<nav class="breadcrumb"><a href="/w">World</a></nav></header>
<article><h1>Head</h1><div class="ByLine">By <a rel="author" href="/x">Ann</a></div>
<time datetime="2024-01-02">2 Jan</time><p>Source: text <span class="date">1.2.2024</span></p>
<svg class="icon"><g class="logo-mark"><title>Site</title></g></svg>
<figure><img src="/p.jpg"><figcaption>Cap: tion</figcaption></figure>
<p>One<br class="share-count">two<br>three</p><h2>Sub</h2><amp-img src="/a.jpg"></amp-img>
<div itemscope itemprop="author"><span itemprop="name">Bo</span></div>
<meta itemprop="headline" content="M"><h2 itemprop="headline">H2</h2></article>
<main><h1 class="Page-Title">Two</h1><h1 id="mainHeadline">Three</h1></main>
<footer id="page-footer"><p>Quelle: AA</p></footer></body></html>"""


def _pages() -> list[bytes]:
    files = sorted(FIXTURES.glob("**/*.html"))
    return [SYNTHETIC.encode(), *(f.read_bytes() for f in files)]


def _marked(tree: etree._Element) -> list[etree._Element]:
    """The marked elements by their definition, scanning every element."""
    found = []
    for node in tree.iter():
        words = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if (
            node.tag in ("h1", "time")
            or node.get("itemprop") in selectors.MARKED_ITEMPROPS
            or "author" in (node.get("rel") or "").split()
            or ((node.get("class") or node.get("id")) and _WORDS.search(words))
        ):
            found.append(node)
    return found


@pytest.mark.parametrize("index", range(len(_pages())))
def test_walk_finds_what_scans_find(index: int) -> None:
    tree = parse_bytes(_pages()[index])
    walk = walk_page(tree)
    assert walk.marked == _marked(tree)
    assert walk.tagged("img") == list(tree.iter(*selectors.IMAGE_TAGS))
    for tag in ("script", "meta", "link"):
        assert walk.tagged(tag) == list(tree.iter(tag))
    assert walk.tagged("heading") == list(tree.iter(*selectors.TEASER_HEADING_TAGS))
    assert walk.itemscope == any(e.get("itemscope") is not None for e in tree.iter())
    body = tree.find("body")
    labels = [
        e
        for e in (body if body is not None else tree).iter(*selectors.SOURCE_LABEL_TAGS)
        if e.text and (":" in e.text or "\uff1a" in e.text)
    ]
    assert walk.tagged("label") == labels


def test_blocks_of_the_synthetic_page() -> None:
    texts = [b.text for b in walk_page(parse_bytes(SYNTHETIC.encode())).blocks]
    # a <br> with a share-widget class is a widget, not a line break; the header, figure
    # and footer give no text
    assert "Onetwo three" in texts
    assert "Sub" in texts
    assert not any("Cap" in t or "Quelle" in t or "World" in t for t in texts)


def test_the_fixtures_are_walked_too() -> None:
    assert len(_pages()) > 10


_LOWER = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
#: The headline tiers as the XPaths they were before the one pass found them.
HEADLINE_XPATHS = [
    "//*[@itemprop='headline' and not(self::meta)]",
    "//article//h1 | //main//h1",
    "//h1["
    + " or ".join(
        f"contains(concat(' ', {_LOWER}, ' ', @id), '{w}')"
        for w in ("title", "headline", "heading")
    )
    + "]",
    "//h1",
]


@pytest.mark.parametrize("index", range(len(_pages())))
def test_headline_tiers_are_the_xpaths(index: int) -> None:
    page = load_page(_pages()[index], "https://news.example/a")
    for tier, xpath in zip(selectors.HEADLINE, HEADLINE_XPATHS, strict=True):
        assert headline_candidates(page, tier) == lxml_etree.XPath(xpath)(page.tree)
