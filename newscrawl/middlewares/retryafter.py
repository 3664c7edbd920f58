"""``RetryAfterMiddleware``: waits out a bounded ``Retry-After`` before Scrapy retries."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date).

    >>> now = datetime(2024, 3, 14, 12, 0, tzinfo=UTC)
    >>> retry_after_seconds("120", now), retry_after_seconds("Thu, 14 Mar 2024 12:00:30 GMT", now)
    (120.0, 30.0)
    >>> retry_after_seconds("soon", now) is None
    True
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Waits out ``Retry-After`` (at most ``NEWSCRAWL_RETRY_AFTER_MAX`` seconds) on a
    retryable status, so that Scrapy's ``RetryMiddleware`` retries no earlier than asked.

    Place it just after ``RetryMiddleware`` (a higher number): responses pass through it
    first. Nothing is waited when the retries are used up.
    """

    def __init__(self, max_wait: float, retry_codes: Iterable[int], max_retries: int) -> None:
        if max_wait <= 0:
            raise NotConfigured("NEWSCRAWL_RETRY_AFTER_MAX is 0")
        self.max_wait = max_wait
        self.retry_codes = frozenset(retry_codes)
        self.max_retries = max_retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        codes = [int(c) for c in settings.getlist("RETRY_HTTP_CODES")]
        max_wait = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        return cls(max_wait, codes, settings.getint("RETRY_TIMES"))

    def wait_for(self, request: Request, response: Response) -> float:
        """How long to wait before the retry of ``response`` (0 for none)."""
        if response.status not in self.retry_codes or request.meta.get("dont_retry"):
            return 0.0
        if request.meta.get("retry_times", 0) >= request.meta.get(
            "max_retry_times", self.max_retries
        ):
            return 0.0
        asked = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
        return min(asked, self.max_wait) if asked else 0.0

    async def process_response(self, request: Request, response: Response) -> Response:
        wait = self.wait_for(request, response)
        if wait > 0:
            logger.info(
                "%(url)s answered %(status)d: waiting %(wait).1fs (Retry-After) before the retry",
                {"url": request.url, "status": response.status, "wait": wait},
            )
            await asyncio.sleep(wait)
        return response
