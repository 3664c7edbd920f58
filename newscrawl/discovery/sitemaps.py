"""Sitemaps: the pages (or child sitemaps) a sitemap lists, and the sitemaps robots.txt names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.discovery.documents import Entry, child_text, children, listed_entry
from newscrawl.urls import absolutize

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml import etree


def read_sitemap(root: etree._Element, url: str) -> Iterator[Entry]:
    """Entries of a urlset (publication date first, else lastmod) or of a sitemap index."""
    for node in children(root, "url", "sitemap"):
        loc = child_text(node, "loc")
        entry = listed_entry(loc, url, child_text(node, "publication_date", "lastmod"))
        if entry is not None:
            yield entry


def robots_sitemaps(text: str, url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt file, absolute.

    >>> robots_sitemaps("User-agent: *\\nSitemap: /s.xml\\nsitemap: https://b.org/t.xml", "https://a.org/robots.txt")
    ['https://a.org/s.xml', 'https://b.org/t.xml']
    """
    found: list[str] = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap":
            absolute = absolutize(value.split("#", 1)[0].strip(), url)
            if absolute and absolute not in found:
                found.append(absolute)
    return found
