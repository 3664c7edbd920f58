"""``newscrawl crawl START... --redis URL`` (``scrapy crawl news-redis``): a fleet worker.

The news spider with scrapy-redis's :class:`~scrapy_redis.spiders.RedisMixin`: START URLs
from the crawl's start-URL key, requests through the shared queue and dupefilter. Its
settings come from the ``FleetSettings`` add-on, its life in the fleet from the
``FleetWorker`` extension. A read_more hop travels in ``request.meta`` (``newscrawl_hop``),
so ``--depth`` holds whichever worker downloads the page.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import signals
from scrapy_redis.spiders import RedisMixin

from newscrawl.discovery.starts import StartError, parse_starts
from newscrawl.spiders.news_spider import NewsSpider
from newscrawl.spiders.newscrawl_spider import KEY
from newscrawl.urls import site_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from newscrawl.items import Article

logger = logging.getLogger(__name__)

#: ``request.meta`` key: the read_more hop an article request was made at.
HOP = "newscrawl_hop"


def url_of_entry(data: bytes | str) -> str:
    """The URL of a start-URL key entry: ``{"url": ...}`` JSON or a bare URL.

    >>> url_of_entry(b'{"url": "https://ex.com/feed"}'), url_of_entry(" https://ex.com/ ")
    ('https://ex.com/feed', 'https://ex.com/')
    """
    text = (data.decode("utf-8", "replace") if isinstance(data, bytes) else data).strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, dict):
            return str(value.get("url") or "").strip()
    return text


class DistributedNewsSpider(RedisMixin, NewsSpider):  # type: ignore[misc]
    """The news spider as one worker of a fleet sharing a Redis; see the module docstring."""

    name = "news-redis"
    #: Read by the ``FleetSettings`` add-on and the ``FleetWorker`` extension.
    fleet_worker: ClassVar[bool] = True

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DistributedNewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, DistributedNewsSpider)
        crawler.signals.connect(spider.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.spider_closed, signal=signals.spider_closed)
        return spider

    def spider_opened(self) -> None:
        """Connect to the crawl's START-URL key (the settings are final now)."""
        self.setup_redis(self.crawler)

    def spider_idle(self) -> None:
        """Replaces RedisMixin's, which would keep the spider open forever: the
        ``FleetWorker`` extension reads waiting STARTs and decides when to close."""

    def spider_closed(self) -> None:
        if self.server is not None:
            self.server.close()

    # --- START URLs from Redis --------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> list[Request]:
        """The requests of one START read from Redis (its host joins the crawl)."""
        try:
            urls = parse_starts([url_of_entry(data)])
        except StartError as exc:
            logger.warning("ignoring a START from Redis: %(e)s", {"e": exc})
            return []
        requests: list[Request] = []
        for url in urls:
            self.allow_host(url)
            requests.extend(self.start_requests_for(url))
        return requests

    def allow_host(self, url: str) -> None:
        host = site_key(url)
        if self.allowed_hosts and host:
            self.allowed_hosts = self.allowed_hosts | {host}

    # --- hops across workers ------------------------------------------------------------

    def article_requests(self, url: str, hop: int) -> Iterator[Request]:
        for request in super().article_requests(url, hop):
            request.meta[HOP] = self._hops.get(str(request.meta.get(KEY, request.url)), hop)
            yield request

    def parse_article(self, response: Response) -> Iterator[Article | Request]:
        if HOP in response.meta:
            key = str(response.meta.get(KEY, response.url))
            self._hops.setdefault(key, int(response.meta[HOP]))
        return super().parse_article(response)
