"""What a page says it is: ``og:type`` and JSON-LD types (article or listing)."""

from __future__ import annotations

import attrs

from newscrawl.discovery.documents import html_tree, unique
from newscrawl.discovery.urlshape import looks_like_article_url
from newscrawl.parsers.structured import ARTICLE_TYPES, read_jsonld, type_names


@attrs.frozen
class PageSignals:
    """What a page says about itself: ``og:type`` and its JSON-LD types (lower-cased)."""

    og_type: str | None = None
    ld_types: tuple[str, ...] = ()

    @property
    def says_article(self) -> bool:
        return self.og_type == "article" or any(t in _ARTICLE_LD for t in self.ld_types)

    def listing_reason(self, url: str = "") -> str | None:
        """Why the page presents itself as a listing, not an article (``None`` if not).

        ``og:type`` "website" alone is believed only when the URL does not have an
        article's shape either (many article templates leave the site-wide default).
        """
        if self.says_article:
            return None
        listing = [t for t in self.ld_types if t in _LISTING_LD]
        if listing:
            return f"the page declares itself a {listing[0]} (JSON-LD)"
        if self.og_type in _LISTING_OG and not (url and looks_like_article_url(url)):
            return f"og:type is {self.og_type!r}"
        return None


_ARTICLE_LD = frozenset(ARTICLE_TYPES) - {"creativework", "webpage"}


_LISTING_OG = frozenset({"website", "profile", "video.other", "video.movie"})


_LISTING_LD = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "aboutpage", "contactpage"}
)


#: What the signals are read from: an og:type meta and JSON-LD scripts (either type name).
_SIGNAL_MARKERS = (b"og:type", b"ld+json", b"json+ld")


def _signal_part(body: bytes) -> bytes:
    """The part of a page its signals can be in: the head alone when no og:type or JSON-LD
    marker appears after it (a whole page's tree is costly in a crawl), else the page."""
    lowered = body.lower()
    end = lowered.find(b"</head")
    if end < 0 or any(lowered.find(marker, end) >= 0 for marker in _SIGNAL_MARKERS):
        return body
    return body[:end]


def page_signals(body: bytes) -> PageSignals:
    """Read ``og:type`` and the JSON-LD ``@type`` names of an HTML page."""
    tree = html_tree(_signal_part(body))
    if tree is None:
        return PageSignals()
    og_type = None
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type":
            og_type = (meta.get("content") or "").strip().lower() or None
            break
    types = [t for obj in read_jsonld(tree) for t in type_names(obj)]
    return PageSignals(og_type, tuple(unique(types)))
