"""What a START lists: any document read by its kind, HTML section pages by their links."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from newscrawl.discovery.documents import (
    Entry,
    Kind,
    Listing,
    detect_kind,
    gunzip,
    html_tree,
    parse_xml,
    unique,
)
from newscrawl.discovery.feeds import read_feed
from newscrawl.discovery.sitemaps import read_sitemap
from newscrawl.discovery.urlshape import looks_like_article_url
from newscrawl.urls import absolutize, host_of, strip_tracking

if TYPE_CHECKING:
    import lxml.html


def read_listing(body: bytes, url: str) -> Listing:
    """Detect the kind of the document at ``url`` and read what it lists."""
    data = gunzip(body)
    kind = detect_kind(data)
    if kind is Kind.HTML:
        return read_html_listing(data, url)
    if kind is Kind.OTHER:
        return Listing(kind)
    root = parse_xml(data, url)
    if root is None:  # pragma: no cover - detect_kind parsed it already
        return Listing(Kind.OTHER)
    if kind is Kind.FEED:
        return Listing(kind, tuple(read_feed(root, url)))
    return Listing(kind, tuple(read_sitemap(root, url)))


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def read_html_listing(body: bytes, url: str) -> Listing:
    """An HTML section or home page: the links that look like articles on the same
    host (tracking parameters removed, page order) and the feeds it announces."""
    tree = html_tree(body)
    if tree is None:
        return Listing(Kind.OTHER)
    base = _base_href(tree, url)
    links = (absolutize(a.get("href"), base) for a in tree.iter("a"))
    entries = [Entry(u) for u in unique(strip_tracking(x) for x in links if x) if _listed(u, url)]
    feeds = [
        absolutize(link.get("href"), base)
        for link in tree.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").strip().lower() in _FEED_TYPES
    ]
    return Listing(Kind.HTML, tuple(entries), tuple(unique(f for f in feeds if f)))


def _base_href(tree: lxml.html.HtmlElement, url: str) -> str:
    for base in tree.iter("base"):
        href = base.get("href")
        if href:
            return str(urljoin(url, href.strip()))
    return url


def _listed(link: str, page_url: str) -> bool:
    return host_of(link) == host_of(page_url) and looks_like_article_url(link)
