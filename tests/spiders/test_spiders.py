"""NewsSpider and ArticleSpider callbacks fed with responses built in the test (no network)."""

from __future__ import annotations

import asyncio
import gzip

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet import error
from twisted.python.failure import Failure

from newscrawl.discovery.starts import StartError, parse_starts
from newscrawl.extensions.spider_settings import SpiderSettings
from newscrawl.items import Article, CrawledArticle
from newscrawl.middlewares.hostguard import OffsiteRequest
from newscrawl.pipelines.drops import RejectItem
from newscrawl.pipelines.validate_pipeline import ValidatePipeline
from newscrawl.record.rejects import page_rejected
from newscrawl.spiders.article_spider import ArticleSpider
from newscrawl.spiders.news_spider import NewsSpider
from newscrawl.spiders.newscrawl_spider import KEY, reject_for_failure
from tests.conftest import FIXTURES

BASE = "https://news.example"
SITE = FIXTURES / "site"
SUMMIT = f"{BASE}/world/2024/03/14/summit-ends-without-climate-deal.html"
GENEVA = f"{BASE}/world/2024/03/01/climate-talks-open-in-geneva.html"


def _spider(cls=NewsSpider, **kwargs):
    crawler = get_crawler(cls, {"ROBOTSTXT_OBEY": False})
    spider = cls.from_crawler(crawler, **kwargs)
    rejects = []
    crawler.signals.connect(lambda reject: rejects.append(reject), signal=page_rejected, weak=False)
    return spider, rejects


def _page(path: str) -> bytes:
    return (SITE / path.lstrip("/")).read_bytes().replace(b"{base}", BASE.encode())


def _html(url: str, body: bytes, meta: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url=url, body=body, request=Request(url, meta=meta or {}))


def _urls(results) -> list[str]:
    return [r.url for r in results if isinstance(r, Request)]


def test_start_arguments():
    spider, _ = _spider(start=f"{BASE}/feed.rss, {BASE}/  {BASE}/feed.rss", depth="2")
    assert spider.starts == [f"{BASE}/feed.rss", f"{BASE}/"]
    assert spider.depth == 2
    assert spider.allowed_hosts == {"news.example"}


def test_start_file(tmp_path):
    path = tmp_path / "starts.txt"
    path.write_text(f"# comment\n{BASE}/a\n\n{BASE}/b # trailing\n", "utf-8")
    assert parse_starts([f"@{path}"]) == [f"{BASE}/a", f"{BASE}/b"]
    with pytest.raises(StartError, match="neither an http"):
        parse_starts(["data:text/html,hi"])


@pytest.mark.parametrize(
    "kwargs", [{}, {"start": BASE, "depth": "x"}, {"start": BASE, "max_items": "-2"}]
)
def test_bad_spider_arguments(kwargs):
    with pytest.raises(ValueError, match=r"needs -a start|whole number|negative"):
        _spider(**kwargs)


def test_site_profile_supplies_starts_and_hosts():
    spider, _ = _spider(site="trtworld")
    assert spider.starts == ["https://www.trtworld.com/"]
    assert spider.allowed_hosts == {"trtworld.com"}
    assert "headline" in spider.selectors


def test_site_profile_time_zone_reaches_the_settings():
    settings = {"ROBOTSTXT_OBEY": False, "ADDONS": {SpiderSettings: 0}}
    crawler = Crawler(NewsSpider, settings)  # settings not frozen yet
    crawler.spider = NewsSpider.from_crawler(crawler, site="trtworld", max_items="3")
    assert crawler.settings.get("NEWSCRAWL_DEFAULT_TIMEZONE") is None  # the spider writes none
    crawler.addons.load_settings(crawler.settings)  # as Scrapy does before freezing them
    assert crawler.settings.get("NEWSCRAWL_DEFAULT_TIMEZONE") == "Europe/Istanbul"
    assert crawler.settings.getint("CLOSESPIDER_ITEMCOUNT") == 3


def test_site_root_start_also_reads_robots_txt():
    spider, _ = _spider(start=f"{BASE}/")

    async def collect():
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert [r.url for r in requests] == [f"{BASE}/", f"{BASE}/robots.txt"]


def test_robots_sitemaps_are_followed_on_site_only():
    spider, _ = _spider(start=f"{BASE}/")
    body = b"Sitemap: /sitemap_index.xml\nSitemap: https://other.example/s.xml\n"
    response = TextResponse(url=f"{BASE}/robots.txt", body=body)
    assert _urls(spider.parse_robots(response)) == [f"{BASE}/sitemap_index.xml"]


def test_sitemap_index_then_gzipped_urlset():
    spider, _ = _spider(start=f"{BASE}/sitemap_index.xml")
    index = XmlResponse(url=f"{BASE}/sitemap_index.xml", body=_page("/sitemap_index.xml"))
    assert _urls(spider.parse_start(index)) == [
        f"{BASE}/sitemap-news.xml",
        f"{BASE}/sitemap-archive.xml.gz",
    ]
    archive = gzip.decompress(_page("/sitemap-archive.xml.gz")).replace(b"{base}", BASE.encode())
    response = Response(url=f"{BASE}/sitemap-archive.xml.gz", body=gzip.compress(archive))
    assert _urls(spider.parse_start(response)) == [
        f"{BASE}/culture/2023/11/02/film-festival-opens-in-beyoglu.html",
        f"{BASE}/business/2023/10/20/tea-harvest-sets-record.html",
    ]


def test_feed_entries_offsite_and_since():
    spider, rejects = _spider(start=f"{BASE}/feed.rss", since="2024-03-11")
    response = XmlResponse(url=f"{BASE}/feed.rss", body=_page("/feed.rss"))
    assert _urls(spider.parse_start(response)) == [SUMMIT]  # tracking parameters removed
    assert [(r.url, r.reason) for r in rejects] == [
        (f"{BASE}/science/2024/03/10/telescope-spots-icy-moon-plumes.html", "old"),
        ("http://elsewhere.invalid/world/2024/03/10/story-on-another-site.html", "offsite"),
    ]


def test_section_page_lists_article_links_only():
    spider, _ = _spider(start=f"{BASE}/world/")
    response = _html(f"{BASE}/world/", _page("/world/index.html"))
    assert _urls(spider.parse_start(response)) == [
        SUMMIT,
        f"{BASE}/world/2024/03/14/summit-ends-without-climate-deal-amp.html",
        f"{BASE}/world/2024/03/12/river-bridge-reopens-to-traffic.html",
        f"{BASE}/world/2024/03/11/missing-story-page.html",
    ]


def test_home_page_start_adds_its_feeds():
    spider, _ = _spider(start=f"{BASE}/")
    urls = _urls(spider.parse_start(_html(f"{BASE}/", _page("/index.html"))))
    assert urls[:2] == [f"{BASE}/feed.rss", f"{BASE}/feed.atom"]
    assert f"{BASE}/business/2024/03/13/port-traffic-rebounds-after-strike.html" in urls
    assert not any("elsewhere" in u or "/tag/" in u or "/video/" in u for u in urls)


def test_article_start_is_parsed_and_read_more_followed_within_depth():
    spider, _ = _spider(start=SUMMIT, depth=1)
    results = list(spider.parse_start(_html(SUMMIT, _page(SUMMIT.removeprefix(BASE)))))
    (article,) = [r for r in results if isinstance(r, Article)]
    assert article.headline == "Summit ends without a climate deal"
    assert _urls(results) == [GENEVA]
    geneva = _html(GENEVA, _page(GENEVA.removeprefix(BASE)), meta={KEY: GENEVA})
    assert _urls(spider.parse_article(geneva)) == []  # hop 1 == depth


def test_listed_page_reached_first_through_read_more_is_hop_0():
    spider, _ = _spider(start=SUMMIT, depth=1)
    list(spider.article_requests(SUMMIT, hop=0))
    assert _urls(spider.article_requests(GENEVA, hop=1)) == [GENEVA]
    geneva = _html(GENEVA, _page(GENEVA.removeprefix(BASE)), meta={KEY: GENEVA})
    assert _urls(spider.parse_article(geneva)) == []
    # now a sitemap lists Geneva: its read_more link is followed from hop 0
    assert _urls(spider.article_requests(GENEVA, hop=0)) == [
        f"{BASE}/world/2024/02/20/negotiators-draft-first-text.html"
    ]


def test_non_article_and_non_html_pages_are_rejected():
    spider, rejects = _spider(start=BASE)
    about = f"{BASE}/about/contact-the-newsroom.html"
    (page,) = spider.parse_article(_html(about, _page("/about/contact-the-newsroom.html")))
    assert isinstance(page, CrawledArticle)  # the validation pipeline judges it
    assert page.og_type == "website"
    with pytest.raises(RejectItem) as dropped:
        ValidatePipeline(min_words=40).process_item(page)
    rejects.append(dropped.value.reject)
    pdf = Response(
        url=f"{BASE}/report-2024-annual.pdf",
        body=b"%PDF-1.7",
        headers={"Content-Type": "application/pdf"},
    )
    assert list(spider.parse_article(pdf)) == []
    assert [r.reason for r in rejects] == ["not_article", "not_html"]
    assert rejects[0].detail.startswith("body has ")
    assert rejects[1].detail == "the response is not HTML (application/pdf)"


def test_article_older_than_since_is_rejected_after_download():
    spider, rejects = _spider(start=BASE, since="2024-03-20")
    assert list(spider.parse_article(_html(SUMMIT, _page(SUMMIT.removeprefix(BASE))))) == []
    assert [r.reason for r in rejects] == ["old"]


def test_article_spider_yields_one_article():
    spider, _ = _spider(ArticleSpider, url=SUMMIT)
    (article,) = list(spider.parse_article(_html(SUMMIT, _page(SUMMIT.removeprefix(BASE)))))
    assert article.url == SUMMIT
    with pytest.raises(ValueError, match="needs -a url"):
        _spider(ArticleSpider)


def _failure(exc: BaseException) -> Failure:
    try:
        raise exc
    except BaseException:
        return Failure()


@pytest.mark.parametrize(
    ("exc", "reason", "detail"),
    [
        (HttpError(HtmlResponse(f"{BASE}/x", status=404), "Ignoring"), "http_error", "HTTP 404"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots", "forbidden by robots.txt"),
        (
            OffsiteRequest("host 'b.example' is outside the crawl"),
            "offsite",
            "host 'b.example' is outside the crawl",
        ),
        (error.TimeoutError(), "timeout", None),
        (error.DNSLookupError("no.such.host"), "fetch_error", None),
        (error.ConnectionRefusedError(), "fetch_error", None),
    ],
)
def test_failures_become_rejects(exc, reason, detail):
    reject = reject_for_failure(_failure(exc), f"{BASE}/x")
    assert reject.reason == reason
    if detail is not None:
        assert reject.detail == detail


def test_rejects_are_sent_once_per_url():
    spider, rejects = _spider(start=BASE)
    spider.reject(f"{BASE}/a", "old", "first")
    spider.reject(f"{BASE}/a", "old", "again")
    assert [r.detail for r in rejects] == ["first"]
