"""Rejects: every page a crawl does not emit is recorded with one of a fixed set of reasons.

Spiders and middlewares report pages they give up on by sending the
:data:`page_rejected` signal with a :class:`Reject`; pipelines drop items with
:class:`~newscrawl.pipelines.drops.RejectItem`. The run report writes both to
``<OUT>.rejects.jsonl``.
"""

from __future__ import annotations

from typing import Any

import attrs

#: The fixed, documented set of reject reasons.
REASONS: dict[str, str] = {
    "not_article": "the page is not an article (no headline, too little text, listing page)",
    "http_error": "the server answered with an HTTP error status (after retries)",
    "timeout": "the download timed out (after retries)",
    "fetch_error": "the connection failed (DNS, refused, reset) after retries",
    "robots": "robots.txt forbids the page",
    "offsite": "the page is on a host the crawl was not started on",
    "not_html": "the response is not an HTML page (PDF, image, binary)",
    "too_large": "the response exceeds DOWNLOAD_MAXSIZE",
    "parse_error": "the page could not be parsed",
    "duplicate": "the same article (URL, content or near-duplicate) was already emitted",
    "invalid": "the record does not validate against the schema",
    "old": "published before --since",
}


#: Signal sent by spiders: ``send_catch_log(page_rejected, reject=Reject(...))``.
page_rejected = object()


@attrs.frozen(kw_only=True)
class Reject:
    """One dropped page."""

    url: str
    reason: str = attrs.field(validator=attrs.validators.in_(REASONS))
    detail: str = ""
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"url": self.url, "reason": self.reason, "detail": self.detail}
        if self.duplicate_of is not None:
            record["duplicate_of"] = self.duplicate_of
        return record
