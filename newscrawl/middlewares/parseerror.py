"""``ParseErrorMiddleware``: a callback error costs one page, recorded as ``parse_error``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import CloseSpider

from newscrawl.record.rejects import Reject, page_rejected

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class ParseErrorMiddleware:
    """Spider middleware: a callback that raises (a parser bug on an odd page) costs that
    page only. The page is recorded as a ``parse_error`` reject and the error is logged
    with its traceback; the crawl goes on."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> list[Any] | None:
        if isinstance(exception, CloseSpider):
            return None  # a request to stop, not an error
        logger.error(
            "error parsing %(url)s",
            {"url": response.url},
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        detail = f"{type(exception).__name__}: {exception}"
        reject = Reject(url=response.url, reason="parse_error", detail=detail[:300])
        self.crawler.signals.send_catch_log(page_rejected, reject=reject)
        return []
