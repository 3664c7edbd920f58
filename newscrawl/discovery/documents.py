"""What a fetched document is (sitemap index, urlset, feed, HTML), read from its bytes.

Pure: no Scrapy, no network. XML is parsed without entity expansion, DTD loading or
network access.
"""

from __future__ import annotations

import enum
import logging
import re
import zlib
from typing import TYPE_CHECKING

import attrs
from lxml import etree

from newscrawl.discovery.since import iso_date
from newscrawl.errors import NotHTMLError
from newscrawl.parsers.decode import decode_html, looks_like_html, parse_tree
from newscrawl.urls import absolutize

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import lxml.html

logger = logging.getLogger(__name__)


#: Largest document (after gunzip) read as a sitemap or feed: the sitemaps.org limit is 50 MB.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class Kind(enum.StrEnum):
    """What a fetched document is."""

    SITEMAP_INDEX = "sitemap_index"
    URLSET = "urlset"
    FEED = "feed"
    HTML = "html"
    OTHER = "other"


@attrs.frozen
class Entry:
    """One page a listing names: its absolute URL and the date given for it."""

    url: str
    date: str | None = None
    """ISO 8601 (``YYYY-MM-DD`` or a full timestamp), from ``news:publication_date``,
    ``lastmod``, ``pubDate``, ``published``/``updated`` or ``dc:date``."""


@attrs.frozen
class Listing:
    """What a document lists. For a sitemap index the entries are child sitemaps."""

    kind: Kind
    entries: tuple[Entry, ...] = ()
    feeds: tuple[str, ...] = ()
    """Feeds an HTML page announces with ``<link rel="alternate">``."""


def gunzip(body: bytes, max_size: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Decompress gzip data, at most ``max_size`` bytes; other bytes are returned unchanged.

    >>> import gzip
    >>> gunzip(gzip.compress(b"<urlset/>"))
    b'<urlset/>'
    >>> gunzip(b"<rss/>")
    b'<rss/>'
    """
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_size)
    except zlib.error as exc:
        logger.debug("unreadable gzip data: %(exc)s", {"exc": exc})
        return b""
    if inflater.unconsumed_tail:
        logger.warning("gzip document larger than %(max)d bytes: cut", {"max": max_size})
    return data


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(body: bytes, url: str = "") -> etree._Element | None:
    """The root element of an XML document, or ``None`` when it is not XML."""
    try:
        if url:
            root = etree.fromstring(body, _xml_parser(), base_url=url)
        else:
            root = etree.fromstring(body, _xml_parser())
    except etree.XMLSyntaxError:
        return None
    return root if isinstance(root, etree._Element) else None


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


_XML_KINDS = {
    "sitemapindex": Kind.SITEMAP_INDEX,
    "urlset": Kind.URLSET,
    "rss": Kind.FEED,
    "feed": Kind.FEED,
    "rdf": Kind.FEED,
}


_XML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml|!--|!doctype|(?:\w+:)?(?:urlset|sitemapindex|rss|feed|rdf)\b)",
    re.IGNORECASE,
)


def detect_kind(body: bytes) -> Kind:
    """The kind of a (possibly gzipped) document, from its content.

    >>> detect_kind(b'<?xml version="1.0"?><urlset xmlns="x"><url/></urlset>')
    <Kind.URLSET: 'urlset'>
    >>> detect_kind(b"<!doctype html><html><body>hi</body></html>")
    <Kind.HTML: 'html'>
    >>> detect_kind(b"%PDF-1.7")
    <Kind.OTHER: 'other'>
    """
    data = gunzip(body)
    if _XML_START.match(data[:512]):
        root = parse_xml(data)
        if root is not None and local_name(root) in _XML_KINDS:
            return _XML_KINDS[local_name(root)]
    return Kind.HTML if looks_like_html(data) else Kind.OTHER


def children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        if local_name(child) in names:
            yield child


def child_text(element: etree._Element, *names: str) -> str | None:
    """Text of the first descendant with one of the local ``names`` (in ``names`` order)."""
    for name in names:
        for node in element.iter():
            if local_name(node) == name and (node.text or "").strip():
                return (node.text or "").strip()
    return None


def listed_entry(href: str | None, base: str, when: str | None) -> Entry | None:
    url = absolutize(href, base)
    return Entry(url, iso_date(when)) if url else None


def html_tree(body: bytes) -> lxml.html.HtmlElement | None:
    try:
        return parse_tree(decode_html(body))
    except NotHTMLError as exc:
        logger.debug("not an HTML page: %(exc)s", {"exc": exc})
        return None


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
