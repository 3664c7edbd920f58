"""``NormalizePipeline``: every item in the record formats (:mod:`newscrawl.record.normalize`)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from newscrawl.pipelines.drops import article_of, count
from newscrawl.record.normalize import normalize_article, time_zone, tracking_params
from newscrawl.urls import TRACKING_PARAMS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.items import Article


class NormalizePipeline:
    """Puts every item in the record formats (:func:`~newscrawl.record.normalize.normalize_article`
    with the ``NEWSCRAWL_TRACKING_PARAMS`` and ``NEWSCRAWL_DEFAULT_TIMEZONE`` settings).

    Plain dicts and other items from a user's own spider become :class:`Article`; one that
    cannot (no ``url``, a value of the wrong shape) is rejected as ``invalid``.
    """

    def __init__(
        self,
        params: Sequence[str] = TRACKING_PARAMS,
        default_tz: tzinfo | None = None,
        stats: StatsCollector | None = None,
    ) -> None:
        self.params = tuple(params)
        self.default_tz = default_tz
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_NORMALIZE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_NORMALIZE_ENABLED is off")
        zone = time_zone(settings.get("NEWSCRAWL_DEFAULT_TIMEZONE") or "")
        params = tracking_params(settings.getlist("NEWSCRAWL_TRACKING_PARAMS"))
        return cls(params, zone, crawler.stats)

    def process_item(self, item: Any) -> Article:
        article = article_of(item, self.stats)
        count(self.stats, "newscrawl/normalize/items")
        return normalize_article(
            article, now=datetime.now(UTC), tracking_params=self.params, default_tz=self.default_tz
        )
