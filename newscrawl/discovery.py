"""Discovery: what kind of document a crawl START is, and which pages it lists.

Pure functions over bytes already downloaded: no Scrapy, no network, no clock. The
kind of a document is read from its content (gzip magic, XML root element, HTML),
never from its URL. Listed pages come out as :class:`Entry` values (URL plus the
publication or ``lastmod`` date the listing gives, for ``--since``).

XML is parsed without entity expansion, DTD loading or network access.
"""

from __future__ import annotations

import enum
import logging
import re
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urljoin, urlsplit

import attrs
from lxml import etree

from newscrawl.errors import NotHTMLError
from newscrawl.parsers.decode import decode_html, looks_like_html, parse_tree
from newscrawl.parsers.structured import ARTICLE_TYPES, read_jsonld, type_names
from newscrawl.urls import absolutize, host_of, strip_tracking

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


# --- reading bytes ------------------------------------------------------------------------


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


def _local(element: etree._Element) -> str:
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
        if root is not None and _local(root) in _XML_KINDS:
            return _XML_KINDS[_local(root)]
    return Kind.HTML if looks_like_html(data) else Kind.OTHER


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


# --- dates --------------------------------------------------------------------------------


def iso_date(text: str | None) -> str | None:
    """A listing date as ISO 8601: W3C datetime (sitemaps, Atom) or RFC 822 (RSS).

    >>> iso_date("2024-03-14T09:30:00Z")
    '2024-03-14T09:30:00+00:00'
    >>> iso_date("Thu, 14 Mar 2024 09:30:00 +0100")
    '2024-03-14T09:30:00+01:00'
    >>> iso_date("2024-03-14"), iso_date("soon")
    ('2024-03-14', None)
    """
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        logger.debug("unreadable listing date %(text)r", {"text": text})
        return None


def parse_since(text: str) -> datetime:
    """``--since``: a date or an ISO 8601 timestamp, as an aware UTC datetime.

    Raises ``ValueError`` naming the bad value.

    >>> parse_since("2024-03-01")
    datetime.datetime(2024, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date (use YYYY-MM-DD or an ISO 8601 time): {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def published_before(value: str | None, since: datetime) -> bool:
    """True when the ISO date ``value`` is before ``since`` (unknown dates never are).

    >>> since = parse_since("2024-03-01")
    >>> published_before("2024-02-29T23:00:00-02:00", since), published_before("2024-02-28", since)
    (False, True)
    >>> published_before(None, since)
    False
    """
    if not value:
        return False
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when < since


# --- sitemaps and feeds ------------------------------------------------------------------------


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        if _local(child) in names:
            yield child


def _child_text(element: etree._Element, *names: str) -> str | None:
    """Text of the first descendant with one of the local ``names`` (in ``names`` order)."""
    for name in names:
        for node in element.iter():
            if _local(node) == name and (node.text or "").strip():
                return (node.text or "").strip()
    return None


def _entry(href: str | None, base: str, when: str | None) -> Entry | None:
    url = absolutize(href, base)
    return Entry(url, iso_date(when)) if url else None


def read_sitemap(root: etree._Element, url: str) -> Iterator[Entry]:
    """Entries of a urlset (publication date first, else lastmod) or of a sitemap index."""
    for node in _children(root, "url", "sitemap"):
        loc = _child_text(node, "loc")
        entry = _entry(loc, url, _child_text(node, "publication_date", "lastmod"))
        if entry is not None:
            yield entry


def _feed_item_link(item: etree._Element) -> str | None:
    link = _child_text(item, "link")
    if link:
        return link
    for guid in _children(item, "guid"):
        permalink = (guid.get("isPermaLink") or "true").strip().lower() == "true"
        if permalink and (guid.text or "").strip():
            return (guid.text or "").strip()
    return None


def _atom_link(entry: etree._Element) -> str | None:
    for link in _children(entry, "link"):
        if (link.get("rel") or "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def read_feed(root: etree._Element, url: str) -> Iterator[Entry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; relative links resolved
    against ``xml:base`` or the feed's URL."""
    if _local(root) == "feed":
        for node in _children(root, "entry"):
            base = node.base or url
            entry = _entry(_atom_link(node), base, _child_text(node, "published", "updated"))
            if entry is not None:
                yield entry
        return
    items = root.iter() if _local(root) == "rdf" else _channel_items(root)
    for node in items:
        if _local(node) != "item":
            continue
        when = _child_text(node, "pubdate", "date", "published")
        entry = _entry(_feed_item_link(node), node.base or url, when)
        if entry is not None:
            yield entry


def _channel_items(root: etree._Element) -> Iterator[etree._Element]:
    for channel in _children(root, "channel"):
        yield from _children(channel, "item")


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


# --- HTML pages ----------------------------------------------------------------------------

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def _html_tree(body: bytes) -> lxml.html.HtmlElement | None:
    try:
        return parse_tree(decode_html(body))
    except NotHTMLError as exc:
        logger.debug("not an HTML page: %(exc)s", {"exc": exc})
        return None


def read_html_listing(body: bytes, url: str) -> Listing:
    """An HTML section or home page: the links that look like articles on the same
    host (tracking parameters removed, page order) and the feeds it announces."""
    tree = _html_tree(body)
    if tree is None:
        return Listing(Kind.OTHER)
    base = _base_href(tree, url)
    links = (absolutize(a.get("href"), base) for a in tree.iter("a"))
    entries = [Entry(u) for u in _unique(strip_tracking(x) for x in links if x) if _listed(u, url)]
    feeds = [
        absolutize(link.get("href"), base)
        for link in tree.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").strip().lower() in _FEED_TYPES
    ]
    return Listing(Kind.HTML, tuple(entries), tuple(_unique(f for f in feeds if f)))


def _base_href(tree: lxml.html.HtmlElement, url: str) -> str:
    for base in tree.iter("base"):
        href = base.get("href")
        if href:
            return str(urljoin(url, href.strip()))
    return url


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _listed(link: str, page_url: str) -> bool:
    return host_of(link) == host_of(page_url) and looks_like_article_url(link)


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
    marker appears after it (a whole page's tree costs ~1 ms in a crawl), else the page."""
    lowered = body.lower()
    end = lowered.find(b"</head")
    if end < 0 or any(lowered.find(marker, end) >= 0 for marker in _SIGNAL_MARKERS):
        return body
    return body[:end]


def page_signals(body: bytes) -> PageSignals:
    """Read ``og:type`` and the JSON-LD ``@type`` names of an HTML page."""
    tree = _html_tree(_signal_part(body))
    if tree is None:
        return PageSignals()
    og_type = None
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type":
            og_type = (meta.get("content") or "").strip().lower() or None
            break
    types = [t for obj in read_jsonld(tree) for t in type_names(obj)]
    return PageSignals(og_type, tuple(_unique(types)))


# --- URL shapes ----------------------------------------------------------------------------

#: Path segments of pages that are never articles (tags, people, search, accounts,
#: video hubs, pagination, site furniture).
NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag", "tags", "topic", "topics", "author", "authors", "contributor", "contributors",
        "search", "login", "signin", "sign-in", "logout", "register", "signup", "sign-up",
        "subscribe", "subscription", "account", "profile", "video", "videos", "watch",
        "live-tv", "livetv", "tv", "page", "feed", "rss", "newsletter", "newsletters",
        "about", "about-us", "contact", "contact-us", "privacy", "privacy-policy", "terms",
        "cookies", "cookie-policy", "careers", "jobs", "advertise", "archive", "archives",
        "wp-admin", "wp-login.php", "cdn-cgi",
    }
)  # fmt: skip
_NOT_PAGE_EXTENSIONS = frozenset(
    {
        "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "pdf", "zip", "gz", "mp3", "mp4",
        "webm", "mov", "css", "js", "json", "xml", "rss", "atom", "txt", "woff", "woff2",
    }
)  # fmt: skip
_DATE_PATH = re.compile(
    r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?(?:/|-)"
)
_COMPACT_DATE = re.compile(
    r"(?:^|[/_-])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:$|[/_.-])"
)
_NUMERIC_ID = re.compile(r"(?:^|[-_./])\d{5,}(?:$|[-_./])")
_SLUG_WORD = re.compile(r"[^\W\d_]{2,}")
_PAGINATION_PARAMS = frozenset({"page", "paged", "pg", "offset", "start"})
_ID_PARAMS = frozenset({"id", "p", "story", "article", "articleid", "storyid", "newsid"})


def _is_slug(segment: str) -> bool:
    stem = segment.rsplit(".", 1)[0]
    words = re.split(r"[-_+]", stem)
    return len(words) >= 3 and sum(bool(_SLUG_WORD.search(w)) for w in words) >= 3


def looks_like_article_url(url: str) -> bool:
    """Whether a URL has the shape of an article (dated path, slug or numeric id) and
    not of a tag, author, search, login, video, pagination or static-file address.

    >>> looks_like_article_url("https://ex.com/world/2024/03/14/summit-ends")
    True
    >>> looks_like_article_url("https://ex.com/middle-east/turkey-hosts-regional-talks-41234")
    True
    >>> looks_like_article_url("https://ex.com/world")
    False
    >>> looks_like_article_url("https://ex.com/tag/turkey-and-the-eu-talks")
    False
    >>> looks_like_article_url("https://ex.com/world/page/2")
    False
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or any(s in NOT_ARTICLE_SEGMENTS for s in segments):
        return False
    if segments[-1].rsplit(".", 1)[-1] in _NOT_PAGE_EXTENSIONS and "." in segments[-1]:
        return False
    query = dict(parse_qsl(parts.query.lower()))
    if _PAGINATION_PARAMS & query.keys():
        return False
    if segments[-1].isdigit() and len(segments[-1]) < 5:
        return False  # a date archive (/2024/03/) or a page number
    path = "/" + "/".join(segments)
    return bool(
        _DATE_PATH.search(path + "/")
        or _COMPACT_DATE.search(path)
        or _NUMERIC_ID.search(path)
        or _is_slug(segments[-1])
        or any(query.get(k, "").isdigit() for k in _ID_PARAMS)
    )


def is_site_root(url: str) -> bool:
    """True for a bare site address (``https://host/``), which also announces feeds and
    sitemaps.

    >>> is_site_root("https://ex.com"), is_site_root("https://ex.com/world")
    (True, False)
    """
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query
