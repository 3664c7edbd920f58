"""Item pipelines: they only transform finished items (never see HTML or a response).

Order (``ITEM_PIPELINES`` in settings): stamp -> output.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import attrs
from scrapy.exceptions import NotConfigured

from newscrawl.items import Article
from newscrawl.jsonl import append_line

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class StampPipeline:
    """Adds the run-time fact ``scraped_at`` (UTC, seconds) to every article."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article) and item.scraped_at is None:
            now = datetime.now(UTC).replace(microsecond=0).isoformat()
            return attrs.evolve(item, scraped_at=now)
        return item


class OutputPipeline:
    """Appends each article as one whole JSON line to ``NEWSCRAWL_OUTPUT``.

    Not Scrapy's FEEDS: the line and the incremental-crawl state must be committed
    together for crash safety, so one component owns both.
    """

    def __init__(self, path: Path, stats: StatsCollector | None = None) -> None:
        self.path = path
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        output = crawler.settings.get("NEWSCRAWL_OUTPUT")
        if not output:
            raise NotConfigured("NEWSCRAWL_OUTPUT is not set")
        return cls(Path(output), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            append_line(self.path, item.to_dict())
            if self.stats is not None:
                self.stats.inc_value("newscrawl/output/written")
        return item
