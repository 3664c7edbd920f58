"""``HostGuardMiddleware``: keeps the crawl on its hosts and on http(s).

It replaces Scrapy's ``OffsiteMiddleware``: every request whose scheme is not http(s)
(``file:``, ``ftp:``, ``data:``) or whose host is not one of the spider's
``allowed_hosts`` is refused, redirects included (a redirect is a new request).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest

from newscrawl.urls import offsite_reason

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

logger = logging.getLogger(__name__)


class OffsiteRequest(IgnoreRequest):
    """A request outside the crawl: another host, or a scheme that is not http(s)."""


class HostGuardMiddleware:
    """Refuses requests outside the spider's ``allowed_hosts`` with :class:`OffsiteRequest`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        allowed = getattr(self.crawler.spider, "allowed_hosts", ()) or ()
        reason = offsite_reason(request.url, allowed)
        if reason is None:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/offsite/filtered")
        logger.debug("refused %(url)s: %(reason)s", {"url": request.url, "reason": reason})
        raise OffsiteRequest(reason)
