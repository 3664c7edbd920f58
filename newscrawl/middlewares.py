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
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import urlsplit

from isal import isal_zlib
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware,
)
from scrapy.exceptions import CloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import TextResponse
from scrapy.responsetypes import responsetypes

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


#: Bytes of inflated output produced per step while inflating a gzip stream.
_GZIP_CHUNK = 1 << 20
#: A gzip header and trailer around a deflate stream (zlib's convention).
_GZIP_WBITS = 16 + isal_zlib.MAX_WBITS
#: The inflate error class (isal's type stub declares an instance, hence the cast).
_INFLATE_ERROR = cast("type[Exception]", isal_zlib.error)


class GzipTooLarge(ValueError):
    """A gzip stream inflates past the size limit (a gzip bomb)."""

    def __init__(self, inflated: int, limit: int) -> None:
        super().__init__(f"{inflated} bytes inflated so far, more than {limit}")
        self.inflated = inflated
        self.limit = limit


def gunzip_whole(body: bytes, max_size: int = 1 << 30) -> bytes | None:
    """The inflated content of a gzip body, or ``None`` when the stream is cut before a
    member's trailer or is corrupt (a connection cut mid-body inflates without error to
    what arrived: the check is the stream's end). Members after the first (concatenated
    gzip) are inflated too; zero padding after the last one is ignored. ISA-L inflates
    (``isal``, 2.7 times as fast as zlib on news pages, the same bytes). Raises
    :class:`GzipTooLarge` past ``max_size`` inflated bytes, checked every megabyte, so a
    gzip bomb costs no more than the limit.

    >>> import gzip
    >>> data = gzip.compress(b"<p>" + b"x" * 5000 + b"</p>")
    >>> len(gunzip_whole(data)), gunzip_whole(data[: len(data) // 2])
    (5007, None)
    >>> gunzip_whole(data + gzip.compress(b"<p>more</p>") + b"\\0\\0")[-11:]
    b'<p>more</p>'
    >>> gunzip_whole(gzip.compress(b"\\0" * 3_000_000), max_size=1_000_000)
    Traceback (most recent call last):
    ...
    newscrawl.middlewares.GzipTooLarge: 1048576 bytes inflated so far, more than 1000000
    """
    parts: list[bytes] = []
    inflated = 0
    inflater = isal_zlib.decompressobj(wbits=_GZIP_WBITS)
    data = body
    try:
        while True:
            chunk = inflater.decompress(data, _GZIP_CHUNK)
            parts.append(chunk)
            inflated += len(chunk)
            if max_size and inflated > max_size:
                raise GzipTooLarge(inflated, max_size)
            data = inflater.unconsumed_tail
            if inflater.eof:
                data = inflater.unused_data.lstrip(b"\0")
                if not data:
                    return b"".join(parts)
                inflater = isal_zlib.decompressobj(wbits=_GZIP_WBITS)
            elif not data:
                return None
    except _INFLATE_ERROR:
        return None


def _single_gzip(response: Response) -> bool:
    encodings = response.headers.getlist("Content-Encoding")
    return len(encodings) == 1 and encodings[0].strip().lower() in (b"gzip", b"x-gzip")


class GzipMiddleware:
    """Inflates a gzip response in one pass, and drops one whose stream ends before its
    trailer (a connection reset mid-body), so half an article is never emitted as if
    whole: the page becomes a ``fetch_error`` reject; past ``DOWNLOAD_MAXSIZE`` inflated
    bytes it is a ``too_large`` one. Runs before Scrapy's HttpCompressionMiddleware (590),
    which still decodes the other encodings (deflate, br, zstd, stacked ones); the response
    it hands on carries no ``Content-Encoding``, so the body is inflated once, in C.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.warn_size = settings.getint("DOWNLOAD_WARNSIZE")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("COMPRESSION_ENABLED"):
            raise NotConfigured("COMPRESSION_ENABLED is off")
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD" or not response.body or not _single_gzip(response):
            return response
        max_size = int(request.meta.get("download_maxsize", self.max_size))
        try:
            body = gunzip_whole(response.body, max_size)
        except GzipTooLarge as exc:
            raise IgnoreRequest(
                f"gzip body inflates past DOWNLOAD_MAXSIZE ({max_size} bytes): {exc}"
            ) from exc
        if body is None:
            raise IgnoreRequest(
                f"gzip body cut before its trailer or corrupt ({len(response.body)} bytes)"
            )
        return self._inflated(response, body)

    def _inflated(self, response: Response, body: bytes) -> Response:
        if len(response.body) < self.warn_size <= len(body):
            logger.warning(
                "%(url)s inflates to %(size)d bytes (DOWNLOAD_WARNSIZE)",
                {"url": response.url, "size": len(body)},
            )
        if self.stats is not None:
            self.stats.inc_value("httpcompression/response_bytes", len(body))
            self.stats.inc_value("httpcompression/response_count")
        headers = response.headers.copy()
        del headers["Content-Encoding"]
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        kwargs: dict[str, Any] = {"cls": cls, "body": body, "headers": headers}
        if issubclass(cls, TextResponse):
            kwargs["encoding"] = None  # read again from the headers and the inflated body
        inflated: Response = response.replace(**kwargs)
        return inflated


#: Scrapy reads a meta refresh in the first 4,096 characters of a page: at most this many
#: bytes in UTF-8 or any legacy encoding (UTF-16/32 pages hold NUL bytes and are read as
#: Scrapy reads them).
_META_REFRESH_BYTES = 4 * 4096


class MetaRefreshMiddleware(ScrapyMetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, which decodes the whole page to look at its start,
    skipped for a page whose first bytes never say "refresh" (nearly every page).

    An ``http-equiv`` that spells "refresh" with character references is not seen.
    """

    # (Scrapy >= 2.14 calls it without the deprecated ``spider`` argument)
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        head = response.body[:_META_REFRESH_BYTES]
        if b"\0" not in head and b"refresh" not in head.lower():
            return response
        result: Request | Response = super().process_response(request, response)
        return result
