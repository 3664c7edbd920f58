"""``scrapy crawl news -a start=URL``: crawl sitemaps, feeds and section pages.

Each START's kind is read from the response: a sitemap index (its child sitemaps are
read the same way), a urlset or Google News sitemap, an RSS/Atom/RDF feed, an HTML
section or home page (its article-shaped links), or an article. A bare site root also
reads the feeds it announces and the sitemaps its robots.txt names. Every article a
START lists is hop 0; ``-a depth=N`` follows the articles' own read_more links.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy import Request

from newscrawl.discovery.documents import Entry, Kind
from newscrawl.discovery.listings import read_listing
from newscrawl.discovery.pagesignals import page_signals
from newscrawl.discovery.since import published_before
from newscrawl.discovery.sitemaps import robots_sitemaps
from newscrawl.discovery.starts import parse_starts
from newscrawl.discovery.urlshape import is_site_root, looks_like_article_url
from newscrawl.spiders.newscrawl_spider import NewscrawlSpider
from newscrawl.urls import offsite_reason, strip_tracking

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from newscrawl.items import Article

logger = logging.getLogger(__name__)


class NewsSpider(NewscrawlSpider):
    """``-a start=URL`` (several: space- or comma-separated, or ``@FILE``), optional
    ``-a depth=N``, ``-a since=DATE``, ``-a max_items=N``, ``-a site=NAME``."""

    name = "news"

    def __init__(self, *args: Any, start: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.starts = parse_starts(start)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.starts and spider.profile is not None:
            spider.starts = list(spider.profile.start_urls)
        if not spider.starts:
            raise ValueError("the news spider needs -a start=URL (or -a site=NAME)")
        spider.set_hosts(spider.starts)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.starts:
            for request in self.start_requests_for(url):
                yield request

    def start_requests_for(self, url: str) -> Iterator[Request]:
        """The requests one START makes: the START itself and, for a site root, its
        robots.txt (for the sitemaps it names)."""
        yield self.listing_request(url)
        if is_site_root(url):
            yield Request(
                urljoin(url, "/robots.txt"),
                callback=self.parse_robots,
                errback=self.robots_missing,
                dont_filter=True,
            )

    def listing_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_start, errback=self.on_error)

    # --- callbacks --------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        text = response.body.decode("utf-8", "replace")
        for url in robots_sitemaps(text, response.url):
            if offsite_reason(url, self.allowed_hosts) is None:
                yield self.listing_request(url)

    def robots_missing(self, failure: Failure) -> None:
        logger.debug("no robots.txt to read sitemaps from: %(f)s", {"f": failure.value})

    def parse_start(self, response: Response) -> Iterator[Article | Request]:
        """Any START or discovered listing: detect its kind and read what it lists."""
        listing = read_listing(response.body, response.url)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/discovery/{listing.kind}")
        if listing.kind is Kind.OTHER:
            self.reject(response.url, "not_html", "not a sitemap, feed or HTML page")
        elif listing.kind is Kind.SITEMAP_INDEX:
            yield from self.child_sitemaps(listing.entries)
        elif listing.kind is Kind.HTML and self.is_article_page(response):
            self._hops.setdefault(response.url, 0)
            yield from self.parse_article(response)
        else:
            if listing.kind is Kind.HTML and is_site_root(response.url):
                yield from (self.listing_request(f) for f in listing.feeds)
            yield from self.follow_entries(listing.entries)

    def is_article_page(self, response: Response) -> bool:
        """An HTML START is an article when it says so, or has an article's URL and
        does not say it is a listing."""
        signals = page_signals(response.body)
        if signals.says_article:
            return True
        if signals.listing_reason(response.url):
            return False
        return looks_like_article_url(response.url) and not is_site_root(response.url)

    def child_sitemaps(self, entries: Iterable[Entry]) -> Iterator[Request]:
        for entry in entries:
            if self.since is not None and published_before(entry.date, self.since):
                logger.debug("skipping sitemap %(url)s: lastmod before --since", {"url": entry.url})
                continue
            if offsite_reason(entry.url, self.allowed_hosts) is None:
                yield self.listing_request(entry.url)

    def follow_entries(self, entries: Iterable[Entry]) -> Iterator[Request]:
        """Article requests (hop 0) for listed pages; off-site and ``--since`` entries are
        rejected without a download."""
        for entry in entries:
            url = strip_tracking(entry.url)
            offsite = offsite_reason(url, self.allowed_hosts)
            if offsite:
                self.reject(url, "offsite", offsite)
            elif self.since is not None and published_before(entry.date, self.since):
                self.reject(url, "old", f"listed as published {entry.date}, before --since")
            else:
                yield from self.article_requests(url, hop=0)
