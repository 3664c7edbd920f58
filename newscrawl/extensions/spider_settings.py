"""``SpiderSettings``: the settings a spider's arguments imply, set before they freeze.

A Scrapy add-on (``ADDONS``): Scrapy builds it once the spider exists and before the
crawl's settings are frozen, so the spiders never write settings themselves. A site
profile's time zone becomes ``NEWSCRAWL_DEFAULT_TIMEZONE`` and ``-a max_items=N``
becomes ``CLOSESPIDER_ITEMCOUNT``, at spider priority (``-s`` values win).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class SpiderSettings:
    """See the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        spider = self.crawler.spider
        profile = getattr(spider, "profile", None)
        timezone = getattr(profile, "timezone", None)
        if timezone:
            settings.set("NEWSCRAWL_DEFAULT_TIMEZONE", timezone, priority="spider")
        max_items = getattr(spider, "max_items", 0)
        if max_items:
            settings.set("CLOSESPIDER_ITEMCOUNT", max_items, priority="spider")
