"""``MetaRefreshMiddleware``: Scrapy's, reading only the start of a page for the refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware,
)

if TYPE_CHECKING:
    from scrapy.http import Request, Response


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
