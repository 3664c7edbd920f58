"""``FleetWorker``: the life of one ``news-redis`` worker in its fleet.

It joins the fleet when the spider opens, and on a tick (``NEWSCRAWL_REDIS_POLL_INTERVAL``)
renews its lease, has the spider read waiting START URLs, wakes the engine for requests
other workers queued, and closes the spider once the shared queue stayed empty for
``NEWSCRAWL_REDIS_IDLE_TIMEOUT`` with no worker busy. It leaves when the spider closes.
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import TYPE_CHECKING, Any, Self

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from twisted.internet.task import LoopingCall

from newscrawl.distributed.fleet import Fleet
from newscrawl.state.redis_store import CrawlKeys, worker_id

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_DEFAULT_QUEUE = "scrapy_redis.queue.PriorityQueue"


class FleetWorker:
    """See the module docstring."""

    def __init__(self, crawler: Crawler, fleet: Fleet, poll_interval: float) -> None:
        self.crawler = crawler
        self.fleet = fleet
        self.poll_interval = poll_interval
        self.began_run = False
        self._last_busy = time.monotonic()
        self._busy_unsaid = False
        self._last_beat = time.monotonic()
        self._tick: LoopingCall | None = None
        self._waiting: Any = None
        self._closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not getattr(crawler.spider, "fleet_worker", False):
            raise NotConfigured
        settings = crawler.settings
        keys = CrawlKeys(settings.get("NEWSCRAWL_REDIS_CRAWL") or "default")
        lease = settings.getfloat("NEWSCRAWL_REDIS_LEASE")
        idle_timeout = settings.getfloat("NEWSCRAWL_REDIS_IDLE_TIMEOUT")
        url = settings.get("NEWSCRAWL_REDIS_URL") or ""
        fleet = Fleet.connect(url, keys, worker_id(), lease, idle_timeout)
        worker = cls(crawler, fleet, settings.getfloat("NEWSCRAWL_REDIS_POLL_INTERVAL"))
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(worker.busy, signal=signals.response_received)
        return worker

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    # --- joining and leaving ----------------------------------------------------------

    def spider_opened(self) -> None:
        self.join()
        settings = self.crawler.settings
        queue_cls = load_object(settings.get("SCHEDULER_QUEUE_CLASS") or _DEFAULT_QUEUE)
        serializer = settings.get("SCHEDULER_SERIALIZER")
        if isinstance(serializer, str):
            serializer = importlib.import_module(serializer)
        self._waiting = queue_cls(
            server=self.fleet.client,
            spider=self.spider,
            key=self.fleet.keys.requests,
            serializer=serializer,
        )
        self.busy()
        self._tick = LoopingCall(self.tick)
        self._tick.start(self.poll_interval, now=False)

    def join(self) -> None:
        """Join the fleet (beginning the run when no worker is live)."""
        self.began_run = self.fleet.join(getattr(self.spider, "starts", ()))
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("newscrawl/redis/began_run", int(self.began_run))
        logger.info(
            "crawl %(crawl)s: %(what)s as worker %(worker)s",
            {
                "crawl": self.fleet.keys.name,
                "what": "began the run" if self.began_run else "joined the run",
                "worker": self.fleet.worker,
            },
        )

    def spider_closed(self) -> None:
        if self._tick is not None and self._tick.running:
            self._tick.stop()
        try:
            ended = self.fleet.leave()
        except RedisError as exc:
            logger.warning("could not leave the fleet: %(e)s", {"e": exc})
        else:
            if ended:
                logger.info(
                    "crawl %(crawl)s: last worker out, run ended", {"crawl": self.fleet.keys.name}
                )
        self.fleet.close()

    # --- idle, ticks ------------------------------------------------------------------

    def busy(self) -> None:
        self._last_busy = time.monotonic()
        self._busy_unsaid = True

    def idle_for(self) -> float:
        return time.monotonic() - self._last_busy

    def done(self) -> bool:
        """Idle for the idle timeout, and so is the rest of the fleet."""
        return self.idle_for() >= self.fleet.idle_ms / 1000 and not self.fleet.busy_elsewhere()

    def spider_idle(self) -> None:
        """Scrapy's idle signal: read waiting START URLs; stay open until :meth:`done`."""
        if self._starts_waiting():
            self.busy()
            self.spider.schedule_next_requests()
        if not self.done():
            raise DontCloseSpider

    def _starts_waiting(self) -> bool:
        return bool(self.spider.count_size(self.spider.redis_key) > 0)

    def tick(self) -> None:
        """See the module docstring; a Redis error is logged and the next tick retries."""
        try:
            self._tick_once()
        except RedisError as exc:
            logger.warning("Redis tick failed: %(e)s", {"e": exc})

    def _tick_once(self) -> None:
        now = time.monotonic()
        if now - self._last_beat >= self.fleet.lease_ms / 3000:
            self.fleet.heartbeat()
            self._last_beat = now
        if self._busy_unsaid:
            self.fleet.mark_busy()
            self._busy_unsaid = False
        engine = self.crawler.engine
        if engine is None or self._closing or engine.needs_backout():
            return
        if self._starts_waiting():
            self.busy()
            self.spider.schedule_next_requests()
        elif len(self._waiting) > 0:
            self._wake(engine)
        elif engine.spider_is_idle() and self.done():
            self._closing = True
            idle = f"{self.fleet.idle_ms / 1000:g}"
            logger.info("shared queue empty for %(s)ss: closing", {"s": idle})
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def _wake(self, engine: Any) -> None:
        """Pass one waiting request through this worker's engine, which then pulls more
        from the shared queue (the request was filtered once already)."""
        request = self._waiting.pop()
        if request is None:
            return
        self.busy()
        request.dont_filter = True
        engine.crawl(request)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/redis/woken")
