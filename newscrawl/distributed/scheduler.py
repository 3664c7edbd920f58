"""``SharedScheduler``: scrapy-redis's scheduler on the crawl's shared request queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import redis
from scrapy_redis.scheduler import Scheduler

if TYPE_CHECKING:
    from scrapy import Request


class RedisClient(redis.Redis):
    """The client scrapy-redis makes (``REDIS_PARAMS["redis_cls"]``), without the
    ``retry_on_timeout`` of its default parameters that redis-py >= 6 deprecates (it
    retries timeouts by default)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("retry_on_timeout", None)
        super().__init__(*args, **kwargs)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> redis.Redis:
        kwargs.pop("retry_on_timeout", None)
        return super().from_url(url, **kwargs)


class SharedScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, counting its stats the Scrapy >= 2.14 way (without the
    deprecated ``spider`` argument)."""

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is not None and self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
