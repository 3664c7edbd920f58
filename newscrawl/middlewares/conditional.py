"""Conditional requests from the state store: unchanged pages cost a ``304``.

``ConditionalRequestMiddleware`` (a downloader middleware, enabled with a state store and
``NEWSCRAWL_CONDITIONAL_ENABLED``) adds ``If-None-Match`` / ``If-Modified-Since`` from the
ETag / Last-Modified stored with the last emitted version of a page. A ``304`` answer
counts as unchanged (``newscrawl/state/unchanged``, the page's ``last_seen`` updated) and
ends the request with :class:`NotModified`, which is not a reject.
The validators of a ``200`` answer are handed to the pipelines through the
``StateExtension`` and stored only when the article is emitted or found unchanged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest, NotConfigured

from newscrawl.extensions.state_extension import StateExtension
from newscrawl.record.normalize import canonical_or_same, tracking_params
from newscrawl.state.store import Validators
from newscrawl.urls import TRACKING_PARAMS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: ``request.meta`` key: set to ``True`` to fetch a page unconditionally.
NO_CONDITIONAL = "newscrawl_no_conditional"
#: ``request.meta`` key the middleware sets on the requests it made conditional.
CONDITIONAL = "newscrawl_conditional"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return (value.decode("latin-1").strip() or None) if value else None


class ConditionalRequestMiddleware:
    """See the module docstring."""

    def __init__(
        self,
        state: StateExtension,
        params: Sequence[str] = TRACKING_PARAMS,
        stats: StatsCollector | None = None,
    ) -> None:
        self.state = state
        self.params = tuple(params)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_CONDITIONAL_ENABLED"):
            raise NotConfigured("NEWSCRAWL_CONDITIONAL_ENABLED is off")
        state = crawler.get_extension(StateExtension)
        if state is None:
            raise NotConfigured("no state store (NEWSCRAWL_STATE is not set)")
        return cls(state, tracking_params(crawler.settings), crawler.stats)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def process_request(self, request: Request) -> None:
        if request.method != "GET" or request.meta.get(NO_CONDITIONAL):
            return
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return
        validators = self.state.store.validators_for(canonical_or_same(request.url, self.params))
        if not validators:
            return
        if validators.etag:
            request.headers[b"If-None-Match"] = validators.etag
        if validators.last_modified:
            request.headers[b"If-Modified-Since"] = validators.last_modified
        request.meta[CONDITIONAL] = True
        self._inc("newscrawl/state/conditional_requests")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and request.meta.get(CONDITIONAL):
            key = canonical_or_same(request.url, self.params)
            now = datetime.now(UTC).replace(microsecond=0).isoformat()
            self.state.store.mark_unchanged(key, now)
            self._inc("newscrawl/state/not_modified")
            self._inc("newscrawl/state/unchanged")
            raise NotModified(f"not modified since the last emitted version: {request.url}")
        if response.status == 200:
            found = Validators(
                etag=_header(response, "ETag"), last_modified=_header(response, "Last-Modified")
            )
            if found:
                self.state.note_validators(canonical_or_same(response.url, self.params), found)
        return response


class NotModified(IgnoreRequest):
    """A conditional request answered ``304 Not Modified``: the page is unchanged since the
    state store last emitted it. Not a reject (counted as ``newscrawl/state/unchanged``)."""
