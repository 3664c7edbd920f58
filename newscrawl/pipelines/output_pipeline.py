"""``OutputPipeline``: each article appended as one whole JSON line, two-phase with the state."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from newscrawl.dedup.emission import write_claimed
from newscrawl.extensions.state_extension import StateExtension
from newscrawl.items import Article
from newscrawl.output.jsonl import append_line, cut_torn_tail
from newscrawl.pipelines.drops import RejectItem, SkipItem, count
from newscrawl.state.store import ClaimLost

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class OutputPipeline:
    """Appends each article as one whole JSON line to ``NEWSCRAWL_OUTPUT``.

    Not Scrapy's FEEDS: with a state store the line and the state are committed together
    (:func:`~newscrawl.dedup.emission.write_claimed`), so one component owns both. A torn
    last line left by a killed run is cut when the spider opens.
    """

    def __init__(
        self,
        path: Path,
        state: StateExtension | None = None,
        stats: StatsCollector | None = None,
        max_items: int = 0,
    ) -> None:
        self.path = path
        self.state = state
        self.stats = stats
        self.max_items = max_items
        self.written = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        output = crawler.settings.get("NEWSCRAWL_OUTPUT")
        if not output:
            raise NotConfigured("NEWSCRAWL_OUTPUT is not set")
        max_items = crawler.settings.getint("CLOSESPIDER_ITEMCOUNT")
        state = crawler.get_extension(StateExtension)
        return cls(Path(output), state, crawler.stats, max_items)

    def open_spider(self) -> None:
        cut = cut_torn_tail(self.path)
        if cut:
            logger.warning(
                "%(path)s ended with a torn line: %(n)d bytes cut", {"path": self.path, "n": cut}
            )
            if self.stats is not None:
                self.stats.set_value("newscrawl/output/torn_bytes_cut", cut)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if self.max_items and self.written >= self.max_items:
            # Items already in flight when the limit closes the spider: not written, not
            # committed to the state (a later run emits them), counted.
            count(self.stats, "newscrawl/output/over_max_items")
            raise SkipItem(f"max items ({self.max_items}) already written")
        claim = self.state.take_claim(item.canonical_url or item.url) if self.state else None
        if claim is None or self.state is None:
            # one write() never leaves a torn line; fsync only pairs a line with the state
            append_line(self.path, item.to_dict(), fsync=False)
        else:
            try:
                version = write_claimed(self.path, item, claim, self.state.store)
            except ClaimLost as exc:  # another worker of the fleet emitted it first
                raise RejectItem(exc.reject) from exc
            if self.stats is not None:
                self.stats.max_value("newscrawl/state/max_version", version)
        self.written += 1
        count(self.stats, "newscrawl/output/written")
        return item
