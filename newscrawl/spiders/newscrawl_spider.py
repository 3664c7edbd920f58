"""What every newscrawl spider shares: START arguments, the article callback, rejects.

Spiders only crawl: they build requests, hand the downloaded bytes to
:func:`newscrawl.parsers.parse_page` (with the site profile's selectors), yield the
article with what its page says it is (:class:`~newscrawl.items.CrawledArticle`, which the
validation pipeline judges) and report every page they give up on with the
:data:`~newscrawl.record.rejects.page_rejected` signal.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

import attrs
from scrapy import Request, Spider, signals
from scrapy.exceptions import (
    CloseSpider,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer, error
from w3lib.encoding import http_content_type_encoding

from newscrawl.discovery.documents import Kind, detect_kind
from newscrawl.discovery.since import parse_since, published_before
from newscrawl.errors import NotHTMLError
from newscrawl.items import CrawledArticle
from newscrawl.middlewares.conditional import NotModified
from newscrawl.middlewares.hostguard import OffsiteRequest
from newscrawl.parsers import parse_page
from newscrawl.record.rejects import Reject, page_rejected
from newscrawl.sites import SiteProfile, load_profile
from newscrawl.urls import normalize_host, offsite_reason, site_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import datetime

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from newscrawl.items import Article

logger = logging.getLogger(__name__)


#: Request meta keys newscrawl uses.
KEY = "newscrawl_key"


def int_arg(value: Any, name: str) -> int:
    """A non-negative integer spider argument (``-a depth=2`` gives a string)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative: {number}")
    return number


def reject_for_failure(failure: Failure, url: str) -> Reject:
    """The reject recording a failed request (after retries)."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return Reject(url=url, reason="http_error", detail=f"HTTP {status}")
    if isinstance(exc, OffsiteRequest):
        return Reject(url=url, reason="offsite", detail=str(exc))
    if isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc):  # a gzip bomb, cut
        return Reject(url=url, reason="too_large", detail=str(exc))
    if isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
        return Reject(url=url, reason="robots", detail="forbidden by robots.txt")
    detail = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if isinstance(exc, _TIMEOUTS):
        return Reject(url=url, reason="timeout", detail=detail)
    if isinstance(exc, _TOO_LARGE):
        return Reject(url=url, reason="too_large", detail=detail)
    return Reject(url=url, reason="fetch_error", detail=detail)


_TIMEOUTS: tuple[type[BaseException], ...] = (
    DownloadTimeoutError,
    error.TimeoutError,
    error.TCPTimedOutError,
    TimeoutError,
)


#: DOWNLOAD_MAXSIZE exceeded: announced size (DownloadCancelledError) or while streaming.
_TOO_LARGE: tuple[type[BaseException], ...] = (DownloadCancelledError, defer.CancelledError)


class NewscrawlSpider(Spider):
    """Base of the newscrawl spiders: profile, hosts, depth, ``--since`` and the article
    callback. Subclasses provide ``start()``."""

    #: Host names the crawl may visit (START hosts plus the profile's).
    allowed_hosts: frozenset[str] = frozenset()

    def __init__(
        self,
        *args: Any,
        depth: Any = 0,
        since: Any = None,
        max_items: Any = 0,
        site: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.depth = int_arg(depth, "depth")
        self.max_items = int_arg(max_items, "max_items")
        self.since: datetime | None = parse_since(str(since)) if since else None
        self.site_name = site or None
        self.profile: SiteProfile | None = None
        self.emitted = 0
        self._decided: set[str] = set()
        #: URL asked for -> lowest hop it was asked for at (listed pages are hop 0).
        self._hops: dict[str, int] = {}
        #: URL of a parsed article -> its on-site read_more URLs (kept when depth > 0).
        self._read_more: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.site_name:
            sites_dir = crawler.settings.get("NEWSCRAWL_SITES_DIR") or None
            spider.profile = load_profile(spider.site_name, sites_dir)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    @property
    def selectors(self) -> dict[str, tuple[str, ...]]:
        return dict(self.profile.selectors) if self.profile else {}

    def set_hosts(self, urls: Iterable[str]) -> None:
        hosts = {site_key(u) for u in urls}  # host[:port]: other ports are other services
        if self.profile is not None:
            hosts.update(normalize_host(h) for h in self.profile.allowed_hosts)
        self.allowed_hosts = frozenset(h for h in hosts if h)

    def item_scraped(self, item: Any) -> None:
        self.emitted += 1

    def request_dropped(self, request: Request) -> None:
        """The scheduler dropped a request it had seen. A redirect back into its own
        chain is a loop: the page that started the chain is a reject."""
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            self.reject(chain[0], "http_error", f"redirect loop back to {request.url}")

    # --- rejects ----------------------------------------------------------------------

    def reject(self, url: str, reason: str, detail: str = "") -> None:
        """Report a page given up on (once per URL)."""
        if url in self._decided:
            return
        self._decided.add(url)
        self.crawler.signals.send_catch_log(
            page_rejected, reject=Reject(url=url, reason=reason, detail=detail)
        )

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: record why the page was not fetched."""
        if isinstance(failure.value, NotModified):  # a 304 with --state: unchanged
            return
        request = getattr(failure, "request", None)
        url = request.url if request is not None else ""
        reject = reject_for_failure(failure, url)
        self.reject(reject.url, reject.reason, reject.detail)

    # --- articles ---------------------------------------------------------------------

    def article_requests(self, url: str, hop: int) -> Iterator[Request]:
        """The request for an article page at ``hop`` (none when it was already asked
        for at this hop or a lower one).

        A page reached first through read_more links and then listed by a START is
        hop 0 all the same: a response still in flight takes the lower hop when it
        arrives, and an article already parsed has its read_more links followed from
        the lower hop.
        """
        known = self._hops.get(url)
        if known is not None and known <= hop:
            return
        self._hops[url] = hop
        if known is None:
            yield Request(url, callback=self.parse_article, errback=self.on_error, meta={KEY: url})
            return
        links = self._read_more.get(url)
        if links is not None and hop < self.depth:
            for link in links:
                yield from self.article_requests(link, hop + 1)

    def parse_article(self, response: Response) -> Iterator[Article | Request]:
        """Parse a downloaded page into an article; follow its read_more links while the
        hop count is below ``depth``."""
        article = self.article_or_reject(response)
        if article is None:
            return
        if self.max_items and self.emitted >= self.max_items:
            raise CloseSpider("closespider_itemcount")
        yield article
        if not self.depth:
            return
        key = str(response.meta.get(KEY, response.url))
        links = tuple(self.onsite_read_more(article))
        self._read_more[key] = links
        hop = self._hops.get(key, 0)
        if hop < self.depth:
            for link in links:
                yield from self.article_requests(link, hop + 1)

    def onsite_read_more(self, article: Article) -> Iterator[str]:
        for link in article.read_more:
            if offsite_reason(link.url, self.allowed_hosts) is None:
                yield link.url
            else:
                logger.debug("not following off-site read_more %(url)s", {"url": link.url})

    def article_or_reject(self, response: Response) -> Article | None:
        """The article on ``response``, or ``None`` after sending the reject."""
        url = response.url
        if not isinstance(response, HtmlResponse) and detect_kind(response.body) is not Kind.HTML:
            ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
            self.reject(url, "not_html", f"the response is not HTML ({ctype or 'no Content-Type'})")
            return None
        try:
            parsed = parse_page(response.body, url, self.selectors, http_charset(response))
        except NotHTMLError as exc:
            self.reject(url, "not_html", str(exc))
            return None
        article = CrawledArticle(
            **attrs.asdict(parsed.article, recurse=False),
            og_type=parsed.og_type,
            ld_types=parsed.ld_types,
        )
        if self.since is not None and published_before(article.date_published, self.since):
            self.reject(url, "old", f"published {article.date_published}, before --since")
            return None
        return article


def http_charset(response: Response) -> str | None:
    """The charset the Content-Type header names (it wins over a ``<meta>`` that lies)."""
    ctype = response.headers.get("Content-Type")
    if not ctype:
        return None
    return http_content_type_encoding(ctype.decode("latin-1"))
