"""``newscrawl crawl START... --redis URL`` (``scrapy crawl news-redis``): a fleet worker.

:class:`DistributedNewsSpider` is the news spider (same discovery, same callbacks) with
scrapy-redis's :class:`~scrapy_redis.spiders.RedisMixin`: its START URLs come from the
crawl's start-URL key, where the first worker of a run pushed them (see
:mod:`newscrawl.distributed`) and where ``newscrawl redis feed`` adds more, and its
requests go through the shared queue and dupefilter in Redis. ``from_crawler`` sets the
scrapy-redis settings and the Redis state store of the crawl (spider priority: ``-s``
overrides win).

Every ``NEWSCRAWL_REDIS_POLL_INTERVAL`` seconds a tick renews the worker's lease, reads
START URLs waiting in Redis, wakes the engine when other workers queued requests while
this one had nothing to do (Scrapy itself looks only every 5 s), tells the fleet when
this worker is busy, and closes the spider once the shared queue has stayed empty for
``NEWSCRAWL_REDIS_IDLE_TIMEOUT`` seconds with no worker busy meanwhile.

A read_more hop count travels in ``request.meta`` (``newscrawl_hop``), so ``--depth``
holds whichever worker downloads the page.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy_redis.spiders import RedisMixin
from twisted.internet.task import LoopingCall

from newscrawl.distributed import Fleet, crawl_name, scheduler_settings, store_location
from newscrawl.middlewares import site_key
from newscrawl.spiders.base import KEY, StartError, parse_starts
from newscrawl.spiders.news import NewsSpider
from newscrawl.state import is_redis
from newscrawl.state.redis import CrawlKeys, worker_id

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from newscrawl.items import Article

logger = logging.getLogger(__name__)

#: ``request.meta`` key: the read_more hop an article request was made at.
HOP = "newscrawl_hop"


def url_of_entry(data: bytes | str) -> str:
    """The URL of a start-URL key entry: ``{"url": ...}`` JSON or a bare URL.

    >>> url_of_entry(b'{"url": "https://ex.com/feed"}'), url_of_entry(" https://ex.com/ ")
    ('https://ex.com/feed', 'https://ex.com/')
    """
    text = (data.decode("utf-8", "replace") if isinstance(data, bytes) else data).strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, dict):
            return str(value.get("url") or "").strip()
    return text


class DistributedNewsSpider(RedisMixin, NewsSpider):  # type: ignore[misc]
    """The news spider as one worker of a fleet sharing a Redis; see the module docstring."""

    name = "news-redis"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fleet: Fleet | None = None
        self.keys: CrawlKeys | None = None
        self.idle_timeout = 30.0
        self.poll_interval = 0.5
        self.began_run = False
        self._last_busy = time.monotonic()
        self._busy_unsaid = False
        self._last_beat = time.monotonic()
        self._tick: LoopingCall | None = None
        self._waiting: Any = None
        self._closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DistributedNewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, DistributedNewsSpider)
        spider.join_fleet(crawler)
        return spider

    def join_fleet(self, crawler: Crawler) -> None:
        """Set the crawl's scrapy-redis settings and state store, connect to Redis."""
        settings = crawler.settings
        url = settings.get("NEWSCRAWL_REDIS_URL") or ""
        if not url:
            raise ValueError("the news-redis spider needs NEWSCRAWL_REDIS_URL (--redis URL)")
        state = settings.get("NEWSCRAWL_STATE") or ""
        if state and not is_redis(state):
            raise ValueError(
                "distributed mode keeps the state in Redis: NEWSCRAWL_STATE must be empty"
                " or a redis:// URL"
            )
        name = settings.get("NEWSCRAWL_REDIS_CRAWL") or crawl_name(self.starts, self.site_name)
        keys = CrawlKeys(name)
        lease = settings.getfloat("NEWSCRAWL_REDIS_LEASE")
        values = scheduler_settings(keys, url, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        if not state:
            values["NEWSCRAWL_STATE"] = store_location(url, keys, lease)
        if settings.frozen:
            if settings.get("SCHEDULER") != values["SCHEDULER"]:
                raise ValueError("the crawler settings are frozen: cannot set up scrapy-redis")
        else:
            for setting, value in values.items():
                settings.set(setting, value, priority="spider")
        self.keys = keys
        self.idle_timeout = settings.getfloat("NEWSCRAWL_REDIS_IDLE_TIMEOUT")
        self.fleet = Fleet.connect(url, keys, worker_id(), lease, self.idle_timeout)
        self.poll_interval = settings.getfloat("NEWSCRAWL_REDIS_POLL_INTERVAL")
        self.setup_redis(crawler)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.busy, signal=signals.response_received)

    # --- START URLs from Redis --------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        assert self.fleet is not None
        self.began_run = self.fleet.join(self.starts)
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
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> list[Request]:
        """The requests of one START read from Redis (its host joins the crawl)."""
        try:
            urls = parse_starts([url_of_entry(data)])
        except StartError as exc:
            logger.warning("ignoring a START from Redis: %(e)s", {"e": exc})
            return []
        requests: list[Request] = []
        for url in urls:
            self.allow_host(url)
            requests.extend(self.start_requests_for(url))
        return requests

    def allow_host(self, url: str) -> None:
        host = site_key(url)
        if self.allowed_hosts and host:
            self.allowed_hosts = self.allowed_hosts | {host}

    # --- hops across workers ------------------------------------------------------------

    def article_requests(self, url: str, hop: int) -> Iterator[Request]:
        for request in super().article_requests(url, hop):
            request.meta[HOP] = self._hops.get(str(request.meta.get(KEY, request.url)), hop)
            yield request

    def parse_article(self, response: Response) -> Iterator[Article | Request]:
        if HOP in response.meta:
            key = str(response.meta.get(KEY, response.url))
            self._hops.setdefault(key, int(response.meta[HOP]))
        return super().parse_article(response)

    # --- idle, ticks, lifetime ----------------------------------------------------------

    def busy(self) -> None:
        self._last_busy = time.monotonic()
        self._busy_unsaid = True

    def idle_for(self) -> float:
        return time.monotonic() - self._last_busy

    def done(self) -> bool:
        """Idle for the idle timeout, and so is the rest of the fleet."""
        assert self.fleet is not None
        return self.idle_for() >= self.idle_timeout and not self.fleet.busy_elsewhere()

    def spider_idle(self) -> None:
        """Scrapy's idle signal: read waiting START URLs; stay open until :meth:`done`."""
        if self.count_size(self.redis_key) > 0:
            self.busy()
            self.schedule_next_requests()
        if not self.done():
            raise DontCloseSpider

    def spider_opened(self) -> None:
        settings = self.crawler.settings
        queue_cls = load_object(settings.get("SCHEDULER_QUEUE_CLASS") or _DEFAULT_QUEUE)
        serializer = settings.get("SCHEDULER_SERIALIZER")
        if isinstance(serializer, str):
            serializer = importlib.import_module(serializer)
        assert self.keys is not None
        self._waiting = queue_cls(
            server=self.server, spider=self, key=self.keys.requests, serializer=serializer
        )
        self.busy()
        self._tick = LoopingCall(self.tick)
        self._tick.start(self.poll_interval, now=False)

    def tick(self) -> None:
        """See the module docstring; a Redis error is logged and the next tick retries."""
        try:
            self._tick_once()
        except RedisError as exc:
            logger.warning("Redis tick failed: %(e)s", {"e": exc})

    def _tick_once(self) -> None:
        assert self.fleet is not None
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
        if self.count_size(self.redis_key) > 0:
            self.busy()
            self.schedule_next_requests()
        elif len(self._waiting) > 0:
            self._wake(engine)
        elif engine.spider_is_idle() and self.done():
            self._closing = True
            logger.info("shared queue empty for %(s)ss: closing", {"s": f"{self.idle_timeout:g}"})
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

    def spider_closed(self) -> None:
        if self._tick is not None and self._tick.running:
            self._tick.stop()
        if self.fleet is None:
            return
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
        if self.server is not None:
            self.server.close()


_DEFAULT_QUEUE = "scrapy_redis.queue.PriorityQueue"
