"""``FleetSettings``: the scrapy-redis settings and Redis state of a fleet worker's crawl.

A Scrapy add-on (``ADDONS``) for the ``news-redis`` spider: once the spider exists and
before the settings freeze, it sets the shared scheduler, dupefilter and START-URL key
of the crawl (:func:`~newscrawl.distributed.fleet.scheduler_settings`), the crawl name
and, unless one is given, the Redis state store of the crawl, all at spider priority
(``-s`` values win). ``newscrawl crawl --redis`` gives the same values on the command
line (:func:`~newscrawl.distributed.fleet.distributed_overrides`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

from newscrawl.distributed.fleet import crawl_name, scheduler_settings, store_location
from newscrawl.state.locations import is_redis
from newscrawl.state.redis_store import CrawlKeys

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class FleetSettings:
    """See the module docstring; does nothing for a spider that is no fleet worker."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not getattr(crawler.spider, "fleet_worker", False):
            raise NotConfigured
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSCRAWL_REDIS_URL") or ""
        if not url:
            raise ValueError("the news-redis spider needs NEWSCRAWL_REDIS_URL (--redis URL)")
        state = settings.get("NEWSCRAWL_STATE") or ""
        if state and not is_redis(state):
            raise ValueError(
                "distributed mode keeps the state in Redis: NEWSCRAWL_STATE must be empty"
                " or a redis:// URL"
            )
        spider = self.crawler.spider
        name = settings.get("NEWSCRAWL_REDIS_CRAWL") or crawl_name(
            getattr(spider, "starts", ()), getattr(spider, "site_name", None)
        )
        keys = CrawlKeys(name)
        per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        values = scheduler_settings(keys, url, per_domain)
        values["NEWSCRAWL_REDIS_CRAWL"] = keys.name
        if not state:
            values["NEWSCRAWL_STATE"] = store_location(
                url, keys, settings.getfloat("NEWSCRAWL_REDIS_LEASE")
            )
        for setting, value in values.items():
            settings.set(setting, value, priority="spider")
