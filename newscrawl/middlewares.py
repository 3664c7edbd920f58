"""Downloader middlewares: keep the crawl on its hosts, and honour ``Retry-After``.

``HostGuardMiddleware`` replaces Scrapy's ``OffsiteMiddleware``: it refuses every request
whose scheme is not http(s) (``file:``, ``ftp:``, ``data:``) or whose host is not one of
the spider's ``allowed_hosts`` — redirects included, since a redirect is a new request.
``RetryAfterMiddleware`` sits just before Scrapy's ``RetryMiddleware`` and waits out a
``Retry-After`` header (bounded) before the retry is scheduled.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy.exceptions import CloseSpider, IgnoreRequest, NotConfigured

from newscrawl.rejects import Reject, page_rejected

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


class OffsiteRequest(IgnoreRequest):
    """A request outside the crawl: another host, or a scheme that is not http(s)."""


def normalize_host(host: str) -> str:
    """Lower-case host name without ``www.`` and without a trailing dot.

    >>> normalize_host("WWW.TrtWorld.com.")
    'trtworld.com'
    """
    return host.strip().lower().rstrip(".").removeprefix("www.")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_key(url: str) -> str:
    """The host of ``url`` as the host guard compares it: :func:`normalize_host`, plus
    ``:port`` when the URL names a port other than its scheme's default (another port
    on the same host is another service, not the site).

    >>> site_key("https://WWW.ex.com:443/a"), site_key("http://127.0.0.1:8080/x")
    ('ex.com', '127.0.0.1:8080')
    """
    parts = urlsplit(url)
    host = normalize_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:  # out of range: no service there either
        port = None
    if not host or port is None or port == _DEFAULT_PORTS.get(parts.scheme):
        return host
    return f"{host}:{port}"


def offsite_reason(url: str, allowed: Iterable[str]) -> str | None:
    """Why ``url`` is outside the crawl (``None`` when it is inside).

    An empty ``allowed`` lets every http(s) host in.

    >>> offsite_reason("https://www.ex.com/a", {"ex.com"}) is None
    True
    >>> offsite_reason("file:///etc/passwd", {"ex.com"})
    "scheme 'file' is never followed"
    >>> offsite_reason("https://other.org/a", {"ex.com"})
    "host 'other.org' is outside the crawl"
    >>> offsite_reason("http://ex.com:6379/", {"ex.com"})
    "host 'ex.com:6379' is outside the crawl"
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is never followed"
    hosts = {normalize_host(h) for h in allowed}
    host = site_key(url)
    if hosts and host not in hosts:
        return f"host {host!r} is outside the crawl"
    return None


class HostGuardMiddleware:
    """Refuses requests outside the spider's ``allowed_hosts`` with :class:`OffsiteRequest`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        allowed = getattr(self.crawler.spider, "allowed_hosts", ()) or ()
        reason = offsite_reason(request.url, allowed)
        if reason is None:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/offsite/filtered")
        logger.debug("refused %(url)s: %(reason)s", {"url": request.url, "reason": reason})
        raise OffsiteRequest(reason)


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


class ParseErrorMiddleware:
    """Spider middleware: a callback that raises (a parser bug on an odd page) costs that
    page only. The page is recorded as a ``parse_error`` reject and the error is logged
    with its traceback; the crawl goes on."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> list[Any] | None:
        if isinstance(exception, CloseSpider):
            return None  # a request to stop, not an error
        logger.error(
            "error parsing %(url)s",
            {"url": response.url},
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        detail = f"{type(exception).__name__}: {exception}"
        reject = Reject(url=response.url, reason="parse_error", detail=detail[:300])
        self.crawler.signals.send_catch_log(page_rejected, reject=reject)
        return []


#: Bytes of inflated output read per step while checking a gzip stream (memory bound).
_GZIP_CHECK_CHUNK = 1 << 20


def gzip_complete(body: bytes, max_output: int = 1 << 30) -> bool:
    """Whether a gzip body holds whole members up to its trailer (a connection cut
    mid-body inflates without error to what arrived: the check is the stream's end).
    Past ``max_output`` inflated bytes it stops and answers ``True``: the size limit of
    HttpCompressionMiddleware then rejects the body (a gzip bomb costs no more here).

    >>> import gzip
    >>> data = gzip.compress(b"<p>" + b"x" * 5000 + b"</p>")
    >>> gzip_complete(data), gzip_complete(data[: len(data) // 2])
    (True, False)
    >>> bomb = gzip.compress(b"\\0" * 3_000_000)
    >>> gzip_complete(bomb[:-8], max_output=1_000_000)
    True
    """
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    data = body
    inflated = 0
    try:
        while inflated <= max_output:
            inflated += len(inflater.decompress(data, _GZIP_CHECK_CHUNK))
            data = inflater.unconsumed_tail
            if inflater.eof:
                rest = inflater.unused_data.lstrip(b"\0")
                if not rest:
                    return True
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                data = rest
            elif not data:
                return False
    except zlib.error:
        return False
    return True


class TruncatedGzipMiddleware:
    """Drops a gzip response whose stream ends before its trailer (a connection reset
    mid-body), so half an article is never emitted as if whole: the page becomes a
    ``fetch_error`` reject. Runs before Scrapy's HttpCompressionMiddleware (590)."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size or (1 << 30)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Response:
        encoding = (response.headers.get("Content-Encoding") or b"").lower()
        if encoding not in (b"gzip", b"x-gzip") or gzip_complete(response.body, self.max_size):
            return response
        raise IgnoreRequest(f"truncated gzip stream ({len(response.body)} bytes, no trailer)")
