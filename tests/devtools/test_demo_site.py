"""The bundled demo site is well-formed.

Every sitemap and feed URL resolves, every internal link resolves (except the
deliberate 404), EXPECTED_ARTICLES are exactly the article pages, and each article
parses into a record with a headline, a body of at least 100 words, a date and authors.
The site is copied with ``prepare_site`` and served by ``SiteServer`` on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest
from lxml import etree

from newscrawl import parse_article
from newscrawl.devtools import demo_site as demo
from newscrawl.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from importlib.resources.abc import Traversable
    from pathlib import Path

    from newscrawl.devtools.site_server import SiteServer
    from newscrawl.items import Article

ARTICLE_PATH = re.compile(
    r"^/(world|business|science|private)/(\d{4})/(\d{2})/(\d{2})/[a-z0-9-]+/$"
)
SECTIONS = ("world", "business", "science")
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
AGENCY = "Lantern Press Agency"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SiteServer]]:
    root = tmp_path_factory.mktemp("demo")
    with demo.serve_site(root) as server:
        yield root, server


@pytest.fixture(scope="module")
def root(served: tuple[Path, SiteServer]) -> Path:
    return served[0]


@pytest.fixture(scope="module")
def server(served: tuple[Path, SiteServer]) -> SiteServer:
    return served[1]


def fetch(url: str) -> tuple[int, str, bytes]:
    """Status, final URL (after redirects) and body of a GET."""
    assert url.startswith("http://127.0.0.1:"), url
    try:
        with _OPENER.open(url, timeout=10) as response:
            return response.status, response.geturl(), response.read()
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, url, b""


def page_path(file: Path, root: Path) -> str:
    """The URL path a site file is served at (a folder's index.html is the folder)."""
    rel = file.relative_to(root).as_posix()
    if rel == "index.html":
        return "/"
    return "/" + rel.removesuffix("index.html")


def html_pages(root: Path) -> dict[str, Path]:
    return {page_path(f, root): f for f in sorted(root.rglob("*.html"))}


def strings(node: etree._Element, xpath: str) -> list[str]:
    """The string results of an XPath (attribute values, text nodes)."""
    result = node.xpath(xpath, namespaces=NS)
    assert isinstance(result, list)
    return [str(r).strip() for r in result]


def xml_locs(body: bytes, xpath: str) -> list[str]:
    return strings(etree.fromstring(body, etree.XMLParser(resolve_entities=False)), xpath)


def path_of(url: str, server: SiteServer) -> str:
    assert url.startswith(server.base_url + "/"), url
    return url.removeprefix(server.base_url)


def parsed(root: Path, server: SiteServer, path: str) -> Article:
    file = root / path.lstrip("/") / "index.html"
    return parse_article(file.read_bytes(), server.url(path))


# --- the article set ---------------------------------------------------------------------


def test_expected_articles_are_exactly_the_article_pages(root: Path) -> None:
    shaped = {p for p in html_pages(root) if ARTICLE_PATH.match(p)}
    assert shaped - demo.PRIVATE_PAGES == demo.EXPECTED_ARTICLES
    assert shaped >= demo.PRIVATE_PAGES
    assert len(demo.EXPECTED_ARTICLES) >= 20
    for section in SECTIONS:
        assert sum(p.startswith(f"/{section}/") for p in demo.EXPECTED_ARTICLES) >= 5


def test_trap_pages_are_as_documented(root: Path) -> None:
    pages = html_pages(root)
    assert pages.keys() >= demo.NON_ARTICLE_PAGES
    assert not (demo.MISSING_PAGES & pages.keys())
    assert not (demo.REDIRECTS.keys() & pages.keys())
    assert set(demo.REDIRECTS.values()) <= demo.EXPECTED_ARTICLES
    assert set(demo.TRACKED_LINKS.values()) <= demo.EXPECTED_ARTICLES
    for tracked, clean in demo.TRACKED_LINKS.items():
        assert "utm_" in tracked
        assert canonical_url("http://h" + tracked) == canonical_url("http://h" + clean)


# --- robots.txt, sitemaps and feed ---------------------------------------------------------


def test_robots_txt_disallows_private_and_names_the_sitemap(server: SiteServer) -> None:
    status, _, body = fetch(server.url("/robots.txt"))
    assert status == 200
    robots = RobotFileParser()
    robots.parse(body.decode("utf-8").splitlines())
    assert robots.site_maps() == [server.url("/sitemap.xml")]
    for path in demo.PRIVATE_PAGES:
        assert not robots.can_fetch("newscrawl", server.url(path))
    for path in demo.EXPECTED_ARTICLES | demo.NON_ARTICLE_PAGES | {"/", "/feed.xml"}:
        assert robots.can_fetch("newscrawl", server.url(path)), path


def test_sitemap_index_lists_a_urlset_and_a_news_sitemap(server: SiteServer) -> None:
    _, _, body = fetch(server.url("/sitemap.xml"))
    children = xml_locs(body, "/sm:sitemapindex/sm:sitemap/sm:loc/text()")
    assert len(children) == 2
    news = 0
    for child in children:
        status, final, child_body = fetch(child)
        assert (status, final) == (200, child), child
        news += bool(xml_locs(child_body, "//news:news/news:title/text()"))
    assert news == 1


def listed_urls(server: SiteServer) -> list[str]:
    """Every page URL the sitemaps and the feed list, in document order."""
    _, _, index = fetch(server.url("/sitemap.xml"))
    urls: list[str] = []
    for child in xml_locs(index, "//sm:sitemap/sm:loc/text()"):
        urls += xml_locs(fetch(child)[2], "/sm:urlset/sm:url/sm:loc/text()")
    _, _, feed = fetch(server.url("/feed.xml"))
    return urls + xml_locs(feed, "/rss/channel/item/link/text()")


def test_every_sitemap_and_feed_url_resolves(server: SiteServer) -> None:
    urls = listed_urls(server)
    assert len(urls) >= len(demo.EXPECTED_ARTICLES)
    for url in sorted(set(urls)):
        status, final, _ = fetch(url)
        assert (status, final) == (200, url), url


def test_sitemaps_and_feed_list_every_article_and_nothing_private(server: SiteServer) -> None:
    paths = {path_of(canonical_url(u), server) for u in listed_urls(server)}
    assert paths == demo.EXPECTED_ARTICLES | demo.NON_ARTICLE_PAGES


def test_feed_links_one_story_with_tracking_parameters(server: SiteServer) -> None:
    _, _, feed = fetch(server.url("/feed.xml"))
    links = {path_of(u, server) for u in xml_locs(feed, "//item/link/text()")}
    _, _, urlset = fetch(server.url("/sitemaps/articles.xml"))
    in_sitemap = {path_of(u, server) for u in xml_locs(urlset, "//sm:loc/text()")}
    for tracked, clean in demo.TRACKED_LINKS.items():
        assert tracked in links
        assert clean not in links
        assert clean in in_sitemap
    assert not any("?" in p for p in in_sitemap)


def test_feed_is_rss_2_with_dated_items(server: SiteServer) -> None:
    status, _, feed = fetch(server.url("/feed.xml"))
    assert status == 200
    tree = etree.fromstring(feed)
    assert tree.tag == "rss"
    assert tree.get("version") == "2.0"
    items = tree.findall("channel/item")
    assert len(items) >= 10
    for item in items:
        assert item.findtext("title")
        assert item.findtext("pubDate")
        assert item.findtext("guid", "").startswith(server.base_url + "/")


# --- links inside pages ---------------------------------------------------------------------


def page_links(file: Path) -> list[str]:
    tree = lxml.html.fromstring(file.read_bytes())
    return strings(tree, "//a/@href | //link/@href | //img/@src")


def test_links_in_pages_are_relative(root: Path) -> None:
    for path, file in html_pages(root).items():
        for href in page_links(file):
            assert href.startswith("/"), (path, href)
            assert not href.startswith("//"), (path, href)


def test_every_internal_link_resolves_except_the_deliberate_404(
    root: Path, server: SiteServer
) -> None:
    targets = {href for file in html_pages(root).values() for href in page_links(file)}
    assert targets >= demo.MISSING_PAGES
    assert targets >= demo.PRIVATE_PAGES
    assert demo.REDIRECTS.keys() <= targets
    for href in sorted(targets):
        status, final, _ = fetch(server.url(href))
        if href in demo.MISSING_PAGES:
            assert status == 404, href
        elif href in demo.REDIRECTS:
            assert (status, final) == (200, server.url(demo.REDIRECTS[href])), href
        else:
            assert (status, final) == (200, server.url(href)), href


def test_home_page_links_sections_feed_and_top_stories(root: Path) -> None:
    tree = lxml.html.fromstring((root / "index.html").read_bytes())
    hrefs = set(strings(tree, "//a/@href"))
    assert {f"/{s}/" for s in SECTIONS} <= hrefs
    assert "/about/" in hrefs
    assert len(hrefs & demo.EXPECTED_ARTICLES) >= 10
    alternate = strings(tree, "//link[@rel='alternate' and @type='application/rss+xml']/@href")
    assert alternate == ["/feed.xml"]


@pytest.mark.parametrize("section", SECTIONS)
def test_section_page_lists_its_articles(root: Path, section: str) -> None:
    tree = lxml.html.fromstring((root / section / "index.html").read_bytes())
    listed = set(strings(tree, "//main//article//a/@href")) & demo.EXPECTED_ARTICLES
    assert listed == {p for p in demo.EXPECTED_ARTICLES if p.startswith(f"/{section}/")}


# --- the files themselves -------------------------------------------------------------------


def test_only_xml_and_robots_hold_the_base_placeholder() -> None:
    templated = 0
    for file in walk(demo.site_root()):
        data = file.read_bytes()
        if demo.is_templated(file.name):
            templated += 1
            assert demo.BASE_PLACEHOLDER.encode() in data, file.name
        else:
            assert demo.BASE_PLACEHOLDER.encode() not in data, file.name
    assert templated == 5  # robots.txt, sitemap index, urlset, news sitemap, feed


def walk(node: Traversable) -> Iterator[Traversable]:
    for entry in node.iterdir():
        if entry.is_dir():
            yield from walk(entry)
        else:
            yield entry


def test_prepared_copy_has_no_placeholder_left(root: Path, server: SiteServer) -> None:
    files = [f for f in root.rglob("*") if f.is_file()]
    assert len(files) == len(list(walk(demo.site_root())))
    for file in files:
        assert b"{base}" not in file.read_bytes(), file
    assert server.base_url.encode() in (root / "robots.txt").read_bytes()


def test_routes_file_is_valid_and_hidden(root: Path, server: SiteServer) -> None:
    routes = json.loads((root / "_routes.json").read_text("utf-8"))
    assert set(routes) == set(demo.REDIRECTS)
    assert fetch(server.url("/_routes.json"))[0] == 404


@pytest.mark.parametrize("base", ["", "127.0.0.1:80", "ftp://127.0.0.1", "{base}"])
def test_prepare_site_rejects_a_bad_base(tmp_path: Path, base: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        demo.prepare_site(tmp_path, base)


def test_prepare_site_drops_a_trailing_slash(tmp_path: Path) -> None:
    demo.prepare_site(tmp_path, "http://127.0.0.1:1234/")
    assert "Sitemap: http://127.0.0.1:1234/sitemap.xml" in (tmp_path / "robots.txt").read_text()


# --- each article parses -------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(demo.EXPECTED_ARTICLES))
def test_article_parses_into_a_complete_record(root: Path, server: SiteServer, path: str) -> None:
    article = parsed(root, server, path)
    match = ARTICLE_PATH.match(path)
    assert match is not None
    assert article.headline
    assert 100 <= article.word_count <= 500, article.word_count
    assert article.date_published is not None
    assert article.date_published.startswith("-".join(match.group(2, 3, 4)))
    assert article.authors
    assert article.canonical_url == server.url(path)
    assert article.caption
    assert article.images
    assert article.images[0].credit


def test_article_templates_and_bylines_vary(root: Path, server: SiteServer) -> None:
    structured, plain, subheaded = 0, 0, 0
    for path in demo.EXPECTED_ARTICLES:
        tree = lxml.html.fromstring((root / path.lstrip("/") / "index.html").read_bytes())
        ld = strings(tree, "//script[@type='application/ld+json']/text()")
        og = strings(tree, "//meta[@property='og:type']/@content")
        if ld:
            assert json.loads(ld[0])["@type"] == "NewsArticle"
            assert og == ["article"]
            structured += 1
        else:
            assert not og
            assert tree.xpath("//time[@datetime]")
            assert tree.xpath("//figure/figcaption//*[contains(@class, 'credit')]")
            plain += 1
        subheaded += bool(
            tree.xpath(
                "//*[contains(@class, 'body') or contains(@class, 'text')]//h2"
                " | //*[contains(@class, 'body') or contains(@class, 'text')]//h3"
            )
        )
    assert structured >= 5
    assert plain >= 5
    assert subheaded >= len(demo.EXPECTED_ARTICLES) - 1  # wire copy has none
    authors = [parsed(root, server, p).authors for p in sorted(demo.EXPECTED_ARTICLES)]
    assert sum(len(a) == 2 for a in authors) >= 2
    assert sum(list(a) == [AGENCY] for a in authors) == 1


def test_read_more_links_point_inside_the_site(root: Path, server: SiteServer) -> None:
    known = demo.EXPECTED_ARTICLES | demo.PRIVATE_PAGES | demo.MISSING_PAGES
    known |= demo.REDIRECTS.keys()
    with_links = 0
    for path in demo.EXPECTED_ARTICLES:
        links = parsed(root, server, path).read_more
        with_links += bool(links)
        for link in links:
            assert link.title
            assert path_of(link.url, server) in known
            assert path_of(link.url, server) != path
    assert with_links >= 5


def test_about_page_is_not_an_article(root: Path, server: SiteServer) -> None:
    for path in demo.NON_ARTICLE_PAGES:
        article = parsed(root, server, path)
        assert not article.authors
        assert article.date_published is None
        tree = lxml.html.fromstring((root / path.lstrip("/") / "index.html").read_bytes())
        assert strings(tree, "//meta[@property='og:type']/@content") == ["website"]
