"""``ExpiringDupeFilter``: the shared seen-request set, expiring when a crawl is abandoned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy_redis.dupefilter import RFPDupeFilter

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider


class ExpiringDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's request dupefilter whose key expires ``ttl`` seconds after the last
    new fingerprint (``NEWSCRAWL_REDIS_SEEN_TTL``; 0 keeps it until cleared)."""

    def __init__(self, server: redis.Redis, key: str, debug: bool = False, ttl: int = 0) -> None:
        super().__init__(server, key, debug)
        self.ttl = ttl

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        settings = spider.settings
        dupefilter = super().from_spider(spider)
        return cls(
            dupefilter.server,
            dupefilter.key,
            dupefilter.debug,
            ttl=settings.getint("NEWSCRAWL_REDIS_SEEN_TTL"),
        )

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        if not self.ttl:
            return int(self.server.sadd(self.key, fingerprint)) == 0
        with self.server.pipeline(transaction=False) as pipe:
            pipe.sadd(self.key, fingerprint)
            pipe.expire(self.key, self.ttl)
            added, _ = pipe.execute()
        return int(added) == 0

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: the other workers still use them (scrapy-redis's
        dupefilter deletes its key here)."""
