"""``GcTuning``: the garbage collector set for a long crawl (``NEWSCRAWL_GC_TUNING_ENABLED``).

When the spider opens, every object alive then (Scrapy, Twisted, lxml, the compiled
selectors) is frozen out of the collector's sight (``gc.freeze``) and the young-generation
threshold is raised to ``NEWSCRAWL_GC_THRESHOLD``; both are undone when it closes. Pages
are freed by reference counting, so memory stays the same (cost: bench/crawl.py).
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class GcTuning:
    """Freezes the start-up objects and spaces young collections; see the module docstring."""

    def __init__(self, threshold: int) -> None:
        if threshold <= 0:
            raise NotConfigured(f"NEWSCRAWL_GC_THRESHOLD must be positive, not {threshold}")
        self.threshold = threshold
        self._saved: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_GC_TUNING_ENABLED"):
            raise NotConfigured("NEWSCRAWL_GC_TUNING_ENABLED is off")
        extension = cls(settings.getint("NEWSCRAWL_GC_THRESHOLD"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(self.threshold, *self._saved[1:])
        logger.debug(
            "gc: %(n)d objects frozen, young threshold %(t)d",
            {"n": gc.get_freeze_count(), "t": self.threshold},
        )

    def spider_closed(self) -> None:
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        self._saved = None
