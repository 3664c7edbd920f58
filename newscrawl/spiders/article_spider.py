"""``scrapy crawl article -a url=URL``: fetch one article page and yield its record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscrawl.discovery.starts import parse_starts
from newscrawl.spiders.newscrawl_spider import NewscrawlSpider

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy import Request


class ArticleSpider(NewscrawlSpider):
    """One article: ``-a url=URL`` (several URLs space- or comma-separated, or ``@FILE``).

    ``-a depth=N`` also follows the article's read_more links N hops.
    """

    name = "article"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urls = parse_starts(url)
        if not self.urls:
            raise ValueError("the article spider needs -a url=URL")
        self.set_hosts(self.urls)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            for request in self.article_requests(url, hop=0):
                yield request
