"""The fleet of one distributed crawl in Redis: its run, its live workers, its settings.

See docs/ARCHITECTURE.md for the keys a fleet shares and the life of a run.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import attrs

from newscrawl.state.redis_store import (
    DEFAULT_LEASE,
    SCHEMES,
    CrawlKeys,
    RedisLocation,
    check_name,
    connect,
    delete_matching,
)
from newscrawl.urls import normalize_host

if TYPE_CHECKING:
    from collections.abc import Iterable

    import redis


# KEYS: run, workers, requests, dupefilter, start_urls, busy. ARGV: worker, lease ms,
# idle ms, START... Register the worker (and mark the fleet busy); the first of a run
# empties the request keys and pushes the STARTs.
JOIN_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('SET', KEYS[6], ARGV[1], 'PX', ARGV[3])
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
  for i = 4, #ARGV do redis.call('RPUSH', KEYS[5], ARGV[i]) end
  return 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
"""


# KEYS: run, workers. ARGV: worker, lease ms. Renew the worker's lease and the run's.
HEARTBEAT_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
"""


# KEYS: run, workers. ARGV: worker. Leave; the last live worker ends the run (returns 1).
LEAVE_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def crawl_name(starts: Iterable[str], site: str | None = None) -> str:
    """The default crawl name: the site profile's name, else the START hosts.

    >>> crawl_name(["https://www.ex.com/sitemap.xml", "https://ex.com/feed"])
    'ex.com'
    >>> crawl_name(["http://127.0.0.1:8080/", "https://b.example/"])
    '127.0.0.1_8080+b.example'
    """
    if site:
        return check_name(_UNSAFE.sub("_", site))
    hosts = sorted({_UNSAFE.sub("_", normalize_host(urlsplit(u).netloc)) for u in starts})
    name = "+".join(h for h in hosts if h) or "default"
    if len(name) > 60:
        name = "crawl-" + hashlib.sha1(name.encode()).hexdigest()[:12]
    return check_name(name)


def start_entry(url: str) -> str:
    """A START URL as pushed to the start-URL key (scrapy-redis's JSON form).

    >>> start_entry("https://ex.com/feed")
    '{"url": "https://ex.com/feed"}'
    """
    return json.dumps({"url": url})


def scheduler_settings(keys: CrawlKeys, url: str, per_domain: int) -> dict[str, Any]:
    """The scrapy-redis settings of a crawl: shared queue, dupefilter, start-URL key.

    ``CONCURRENT_REQUESTS`` becomes ``per_domain`` (``CONCURRENT_REQUESTS_PER_DOMAIN``):
    Scrapy's engine takes requests from the scheduler until the downloader holds that
    many, so with a higher total one worker would pull a single site's queue into its own
    download slot and leave the other workers idle.
    """
    return {
        "CONCURRENT_REQUESTS": per_domain,
        "SCHEDULER": "newscrawl.distributed.scheduler.SharedScheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "newscrawl.distributed.dupefilter.ExpiringDupeFilter",
        "REDIS_URL": url,
        "REDIS_PARAMS": {"redis_cls": "newscrawl.distributed.scheduler.RedisClient"},
        "REDIS_START_URLS_KEY": keys.start_urls,
        "REDIS_START_URLS_AS_SET": False,
        "REDIS_START_URLS_AS_ZSET": False,
    }


def distributed_overrides(
    url: str, starts: Iterable[str], site: str | None, idle_timeout: float, given: dict[str, Any]
) -> dict[str, Any]:
    """The settings ``newscrawl crawl --redis URL`` adds to the ``given`` ones (``-s``
    values of ``NEWSCRAWL_REDIS_CRAWL``, ``NEWSCRAWL_REDIS_LEASE`` and ``NEWSCRAWL_STATE``
    are kept). Raises :class:`ValueError` (or :class:`StateError`) for bad values.
    """
    if not url.startswith(SCHEMES):
        raise ValueError(f"--redis: not a redis://, rediss:// or unix:// URL: {url!r}")
    state = str(given.get("NEWSCRAWL_STATE") or "")
    if state and not state.startswith(SCHEMES):
        raise ValueError(
            "--state: distributed mode keeps the state in Redis; leave --state out"
            " (or give a redis:// store)"
        )
    keys = CrawlKeys(str(given.get("NEWSCRAWL_REDIS_CRAWL") or crawl_name(starts, site)))
    try:
        lease = float(given.get("NEWSCRAWL_REDIS_LEASE") or DEFAULT_LEASE)
    except ValueError:
        raise ValueError("NEWSCRAWL_REDIS_LEASE must be a number of seconds") from None
    return {
        "NEWSCRAWL_REDIS_URL": url,
        "NEWSCRAWL_REDIS_CRAWL": keys.name,
        "NEWSCRAWL_REDIS_IDLE_TIMEOUT": idle_timeout,
        "NEWSCRAWL_STATE": state or store_location(url, keys, lease),
    }


def store_location(url: str, keys: CrawlKeys, lease: float) -> str:
    """The ``NEWSCRAWL_STATE`` of a distributed crawl: the Redis store of its keys.

    >>> store_location("redis://h:6379/0", CrawlKeys("news"), 30)
    'redis://h:6379/0?crawl=news'
    """
    return str(RedisLocation(url=url, crawl=keys.name, lease=lease))


@attrs.frozen
class FleetStatus:
    """What ``newscrawl redis status`` shows of one crawl."""

    crawl: str
    run: str | None
    workers: tuple[str, ...]
    queued: int
    seen: int
    start_urls: int
    articles: int
    pending: int
    seen_ttl: int

    def lines(self) -> list[str]:
        ttl = "no expiry" if self.seen_ttl < 0 else f"expires in {self.seen_ttl}s"
        return [
            f"crawl {self.crawl}: "
            + (f"run begun by {self.run}" if self.run else "no run in progress"),
            f"  live workers   {len(self.workers)}"
            + (f" ({', '.join(self.workers)})" if self.workers else ""),
            f"  queued         {self.queued} requests, {self.start_urls} START URLs",
            f"  seen requests  {self.seen} ({ttl})",
            f"  articles       {self.articles} emitted, {self.pending} being written",
        ]


class Fleet:
    """The run and worker registry of one crawl (see the module docstring)."""

    def __init__(
        self,
        client: redis.Redis,
        keys: CrawlKeys,
        worker: str,
        lease: float,
        idle_timeout: float = 30.0,
    ) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker
        self.lease_ms = max(1, int(lease * 1000))
        self.idle_ms = max(1, int(idle_timeout * 1000))
        self._join = client.register_script(JOIN_SCRIPT)
        self._heartbeat = client.register_script(HEARTBEAT_SCRIPT)
        self._leave = client.register_script(LEAVE_SCRIPT)

    @classmethod
    def connect(
        cls,
        url: str,
        keys: CrawlKeys,
        worker: str = "",
        lease: float = DEFAULT_LEASE,
        idle_timeout: float = 30.0,
    ) -> Fleet:
        """A fleet handle on the Redis at ``url`` (:class:`StateError` when unreachable)."""
        return cls(connect(url), keys, worker, lease, idle_timeout)

    def join(self, starts: Iterable[str]) -> bool:
        """Join the run; ``True`` when this worker began it (and pushed ``starts``)."""
        keys = self.keys
        began = self._join(
            keys=[
                keys.run,
                keys.workers,
                keys.requests,
                keys.dupefilter,
                keys.start_urls,
                keys.busy,
            ],
            args=[self.worker, self.lease_ms, self.idle_ms, *(start_entry(u) for u in starts)],
        )
        return bool(began)

    def mark_busy(self) -> None:
        """Tell the fleet this worker is working: no worker counts as idle for the next
        idle timeout (a worker that found the queue empty may still be making requests)."""
        self.client.set(self.keys.busy, self.worker, px=self.idle_ms)

    def busy_elsewhere(self) -> bool:
        """Whether a worker (or a joining one) was working within the idle timeout."""
        return bool(self.client.exists(self.keys.busy))

    def heartbeat(self) -> None:
        self._heartbeat(keys=[self.keys.run, self.keys.workers], args=[self.worker, self.lease_ms])

    def leave(self) -> bool:
        """Leave the run; ``True`` when this was the last live worker (the run ended)."""
        return bool(self._leave(keys=[self.keys.run, self.keys.workers], args=[self.worker]))

    def feed(self, urls: Iterable[str]) -> int:
        """Push START URLs to the start-URL key; the number pushed."""
        entries = [start_entry(u) for u in urls]
        if entries:
            self.client.rpush(self.keys.start_urls, *entries)
        return len(entries)

    def live_workers(self) -> tuple[str, ...]:
        now_ms = _server_ms(self.client)
        members = self.client.zrangebyscore(self.keys.workers, now_ms, "+inf")
        return tuple(sorted(_text(m) for m in members))

    def status(self) -> FleetStatus:
        keys, client = self.keys, self.client
        run = client.get(keys.run)
        pages = client.hget(keys.meta, "pages")
        return FleetStatus(
            crawl=keys.name,
            run=_text(run) if run is not None else None,
            workers=self.live_workers(),
            queued=int(client.zcard(keys.requests)),
            seen=int(client.scard(keys.dupefilter)),
            start_urls=int(client.llen(keys.start_urls)),
            articles=int(pages or 0),
            pending=int(client.scard(keys.pendings)),
            seen_ttl=int(client.ttl(keys.dupefilter)),
        )

    def clear(self, requests_only: bool = False) -> int:
        """Delete the crawl's keys (only the queue, dupefilter, START URLs and run with
        ``requests_only``); the number of keys deleted."""
        keys = self.keys
        if requests_only:
            return int(
                self.client.unlink(keys.requests, keys.dupefilter, keys.start_urls, keys.run)
            )
        return delete_matching(self.client, keys.pattern)

    def close(self) -> None:
        self.client.close()


def _server_ms(client: redis.Redis) -> int:
    seconds, micros = client.time()
    return int(seconds) * 1000 + int(micros) // 1000


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
