"""newscrawl.discovery: kinds detected from content, entries read from each kind."""

from __future__ import annotations

import gzip

import pytest

from newscrawl.discovery.documents import Entry, Kind, detect_kind, gunzip
from newscrawl.discovery.listings import read_listing
from newscrawl.discovery.pagesignals import PageSignals, page_signals
from newscrawl.discovery.since import parse_since, published_before
from newscrawl.discovery.sitemaps import robots_sitemaps
from newscrawl.discovery.urlshape import is_site_root, looks_like_article_url
from newscrawl.parsers import parse_article, parse_page
from tests.conftest import FIXTURES, require_dataset

BASE = "https://news.example"

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-news.xml</loc><lastmod>2024-03-14</lastmod></sitemap>
  <sitemap><loc> /sitemap-2023.xml.gz </loc></sitemap>
</sitemapindex>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://news.example/world/2024/03/14/summit-ends</loc>
    <lastmod>2024-03-15T08:00:00Z</lastmod>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-03-14T09:30:00+01:00</news:publication_date>
      <news:title>Summit ends</news:title>
    </news:news>
  </url>
  <url><loc>https://news.example/business/markets-rally-on-rate-news</loc><lastmod>2024-03-13</lastmod></url>
  <url><loc>ftp://news.example/file.txt</loc></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>"""

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example</title><link>https://news.example/</link>
  <item><title>A</title><link>/world/2024/03/14/summit-ends</link>
    <pubDate>Thu, 14 Mar 2024 09:30:00 +0100</pubDate></item>
  <item><title>B</title><guid isPermaLink="true">https://news.example/b-story-here-1</guid></item>
  <item><title>C</title><guid isPermaLink="false">tag:news.example,2024:3</guid></item>
  <item><title>D</title><guid>https://news.example/d-story-here-2</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/world/">
  <title>World</title>
  <entry><title>A</title><link rel="alternate" type="text/html" href="2024/03/14/summit-ends"/>
    <link rel="enclosure" href="/media/a.jpg"/><updated>2024-03-15T00:00:00Z</updated>
    <published>2024-03-14T09:30:00Z</published></entry>
  <entry><title>B</title><link href="/culture/new-museum-opens-doors"/><updated>2024-03-12</updated></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example/"><title>Example</title></channel>
  <item rdf:about="https://news.example/x-story-one"><title>X</title>
    <link>https://news.example/x-story-one</link><dc:date>2024-03-10T10:00:00Z</dc:date></item>
</rdf:RDF>"""

SECTION = b"""<!doctype html><html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.rss">
<link rel="alternate" type="application/atom+xml" href="https://news.example/feed.atom">
<link rel="alternate" hreflang="de" href="/de/">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/tag/turkey">Turkey</a>
  <a href="/author/jane-doe">Jane Doe</a> <a href="/search?q=x">Search</a></nav>
<a href="/world/2024/03/14/summit-ends?utm_source=home&amp;utm_medium=teaser">Summit ends</a>
<a href="/world/2024/03/14/summit-ends#comments">Comments</a>
<a href="world/markets-rally-on-rate-news-55123">Markets</a>
<a href="https://other.example/world/2024/03/14/elsewhere-story">Elsewhere</a>
<a href="/video/2024/03/14/summit-in-pictures">Video</a>
<a href="/world/page/2">Older</a> <a href="/world?page=3">Page 3</a>
<a href="mailto:desk@news.example">Mail</a> <a href="/world/2024/03/">March</a>
</body></html>"""


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (SITEMAP_INDEX, Kind.SITEMAP_INDEX),
        (NEWS_SITEMAP, Kind.URLSET),
        (gzip.compress(NEWS_SITEMAP), Kind.URLSET),
        (RSS, Kind.FEED),
        (ATOM, Kind.FEED),
        (RDF, Kind.FEED),
        (SECTION, Kind.HTML),
        (
            b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            Kind.HTML,
        ),
        (b"\xef\xbb\xbf<urlset/>", Kind.URLSET),
        (b"%PDF-1.7 binary", Kind.OTHER),
        (b'{"json": true}', Kind.OTHER),
        (b"", Kind.OTHER),
    ],
)
def test_detect_kind_reads_content_not_url(body, kind):
    assert detect_kind(body) is kind


def test_sitemap_index_lists_child_sitemaps_absolute():
    listing = read_listing(SITEMAP_INDEX, f"{BASE}/sitemap.xml")
    assert listing.kind is Kind.SITEMAP_INDEX
    assert listing.entries == (
        Entry(f"{BASE}/sitemap-news.xml", "2024-03-14"),
        Entry(f"{BASE}/sitemap-2023.xml.gz", None),
    )


@pytest.mark.parametrize("body", [NEWS_SITEMAP, gzip.compress(NEWS_SITEMAP)])
def test_news_sitemap_prefers_publication_date_and_drops_non_web_links(body):
    listing = read_listing(body, f"{BASE}/sitemap-news.xml")
    assert listing.kind is Kind.URLSET
    assert listing.entries == (
        Entry(f"{BASE}/world/2024/03/14/summit-ends", "2024-03-14T09:30:00+01:00"),
        Entry(f"{BASE}/business/markets-rally-on-rate-news", "2024-03-13"),
    )


def test_rss_relative_links_and_guid_permalinks():
    listing = read_listing(RSS, f"{BASE}/feed.rss")
    assert listing.kind is Kind.FEED
    assert listing.entries == (
        Entry(f"{BASE}/world/2024/03/14/summit-ends", "2024-03-14T09:30:00+01:00"),
        Entry(f"{BASE}/b-story-here-1"),
        Entry(f"{BASE}/d-story-here-2"),
    )


def test_atom_alternate_links_resolved_against_xml_base():
    listing = read_listing(ATOM, f"{BASE}/feed.atom")
    assert listing.entries == (
        Entry(f"{BASE}/world/2024/03/14/summit-ends", "2024-03-14T09:30:00+00:00"),
        Entry(f"{BASE}/culture/new-museum-opens-doors", "2024-03-12"),
    )


def test_rdf_feed_items():
    listing = read_listing(RDF, f"{BASE}/index.rdf")
    assert listing.entries == (Entry(f"{BASE}/x-story-one", "2024-03-10T10:00:00+00:00"),)


def test_section_page_lists_same_host_article_links_without_tracking():
    listing = read_listing(SECTION, f"{BASE}/")
    assert listing.kind is Kind.HTML
    assert [e.url for e in listing.entries] == [
        f"{BASE}/world/2024/03/14/summit-ends",
        f"{BASE}/world/markets-rally-on-rate-news-55123",
    ]
    assert listing.feeds == (f"{BASE}/feed.rss", f"{BASE}/feed.atom")


def test_xml_entities_are_not_expanded():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY file SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://news.example/&c;</loc></url><url><loc>&file;</loc></url></urlset>"""
    listing = read_listing(bomb, f"{BASE}/s.xml")
    assert all(len(e.url) < 200 for e in listing.entries)
    assert not any("root:" in e.url for e in listing.entries)


def test_gunzip_is_bounded_and_tolerates_garbage():
    big = gzip.compress(b"<urlset>" + b" " * 10_000 + b"</urlset>")
    assert len(gunzip(big, max_size=100)) == 100
    assert gunzip(b"\x1f\x8bnot really gzip") == b""


def test_robots_sitemap_lines():
    text = "User-agent: *\nDisallow: /private/\nSitemap: /sitemap_index.xml # main\n"
    assert robots_sitemaps(text, f"{BASE}/robots.txt") == [f"{BASE}/sitemap_index.xml"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ex.com/world/2024/03/14/summit-ends", True),
        ("https://ex.com/2024-03-14/summit", True),
        ("https://ex.com/news/20240314_summit", True),
        ("https://ex.com/middle-east/turkey-hosts-regional-talks-41234", True),
        ("https://ex.com/story/1234567", True),
        ("https://ex.com/news/summit-ends-without-deal.html", True),
        ("https://ex.com/article.php?id=4411", True),
        ("https://ex.com/", False),
        ("https://ex.com/world", False),
        ("https://ex.com/world/europe", False),
        ("https://ex.com/world/2024/03/", False),
        ("https://ex.com/tag/turkey-and-the-eu", False),
        ("https://ex.com/author/jane-doe-smith", False),
        ("https://ex.com/search?q=summit-ends-today", False),
        ("https://ex.com/login/return-to-the-article", False),
        ("https://ex.com/video/2024/03/14/summit-ends", False),
        ("https://ex.com/world/page/2", False),
        ("https://ex.com/world/2024/03/14/summit-ends?page=2", False),
        ("https://ex.com/media/2024/03/14/lead-photo-of-summit.jpg", False),
    ],
)
def test_article_url_shapes(url, expected):
    assert looks_like_article_url(url) is expected


@pytest.mark.parametrize(
    ("html", "says_article", "listing"),
    [
        (b'<html><head><meta property="og:type" content="article"></head></html>', True, None),
        (
            (
                b'<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
                b'<meta property="og:type" content="website"></head></html>'
            ),
            True,
            None,
        ),
        (
            b'<html><head><meta property="og:type" content="website"></head></html>',
            False,
            "og:type is 'website'",
        ),
        (
            (
                b'<html><head><script type="application/ld+json">'
                b'{"@graph": [{"@type": "CollectionPage"}]}</script></head></html>'
            ),
            False,
            "the page declares itself a collectionpage (JSON-LD)",
        ),
        (b"<html><body><p>plain</p></body></html>", False, None),
    ],
)
def test_page_signals(html, says_article, listing):
    signals = page_signals(html)
    assert signals.says_article is says_article
    assert signals.listing_reason() == listing


@pytest.mark.parametrize(
    ("after_head", "listing"),
    [
        # signals after </head> are read too (the head-only shortcut must not skip them)
        (b'<script type="application/ld+json">{"@type": "ItemList"}</script>', "itemlist"),
        (b'<script type="application/json+ld">{"@type": "ItemList"}</script>', "itemlist"),
        (b'<meta property="OG:TYPE" content="profile">', "og:type is 'profile'"),
        (b"<p>plain text, nothing declared</p>", None),
    ],
)
def test_page_signals_after_the_head(after_head, listing):
    head = b"<html><head><title>x</title><script>var h = '</head>';</script></head>"
    reason = page_signals(head + b"<body>" + after_head + b"</body></html>").listing_reason()
    assert reason == listing or (listing is not None and listing in (reason or ""))


_HEAD_ARTICLE = b'<html><head><meta property="og:type" content="article"></head><body>'
_HEAD_PLAIN = b"<html><head><title>t</title></head><body>"
_LD_LIST = b'<script type="application/ld+json">{"@type": "CollectionPage"}</script>'


def _parser_signals(html: bytes) -> PageSignals:
    parsed = parse_page(html, "https://ex.com/world")
    assert parsed.article == parse_article(html, "https://ex.com/world")
    return PageSignals(parsed.og_type, parsed.ld_types)


_SIGNAL_PAGES = [
    _HEAD_ARTICLE + _LD_LIST + b"</body></html>",
    _HEAD_PLAIN + _LD_LIST + b"</body></html>",
    _HEAD_PLAIN + b"<p>nothing</p></body></html>",
    b"<html><HEAD><meta property='og:type' content='website'></HEAD><p>x</p></html>",
    b'<html><head><meta name="og:type" content=" Video.Other "></head><p>x</p></html>',
    _HEAD_PLAIN + b'<script type="application/json+ld">[{"@type": ["ItemList", "x/WebPage"]}]',
    b"<p>no head at all</p>",
]


@pytest.mark.parametrize(
    "html", [*_SIGNAL_PAGES, *(path.read_bytes() for path in sorted(FIXTURES.rglob("*.html")))]
)
def test_the_parser_reads_the_same_page_signals(html):
    """The crawl takes the listing signals from the parser's pass (``parse_page``)."""
    assert _parser_signals(html) == page_signals(html)


def test_the_parser_reads_the_same_page_signals_on_real_pages():
    folder = require_dataset("fundus")
    differ = []
    for path in sorted(folder.glob("**/*.html.gz")):
        html = gzip.decompress(path.read_bytes())
        if _parser_signals(html) != page_signals(html):
            differ.append(path.name)
    assert not differ


def test_since_comparisons():
    since = parse_since("2024-03-01T00:00:00+03:00")
    assert published_before("2024-02-29T20:59:00Z", since)
    assert not published_before("2024-02-29T21:00:00Z", since)
    assert not published_before("2024-03-01", parse_since("2024-03-01"))
    with pytest.raises(ValueError, match="not a date"):
        parse_since("yesterday")


def test_site_root():
    assert is_site_root("http://127.0.0.1:8000/")
    assert not is_site_root("http://127.0.0.1:8000/?s=x")


def test_og_website_alone_is_not_believed_on_an_article_shaped_url():
    signals = page_signals(b'<html><head><meta property="og:type" content="website"></head></html>')
    assert signals.listing_reason("https://ex.com/world/2024/03/14/summit-ends") is None
    assert signals.listing_reason("https://ex.com/world") == "og:type is 'website'"
