"""Dates: JSON-LD -> meta -> <time> -> visible date text -> URL; ISO 8601 out."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs
import dateparser

from newscrawl.parsers import selectors
from newscrawl.parsers.common import override_texts, text_of
from newscrawl.parsers.structured import as_text

if TYPE_CHECKING:
    from newscrawl.parsers.page import Page

logger = logging.getLogger(__name__)

_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}")
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "cxenseparse:recs:publishtime",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")


@attrs.frozen
class Dates:
    published: str | None = None
    modified: str | None = None
    raw: str | None = None


def to_iso(value: datetime | date) -> str:
    """ISO 8601: a date alone, or date-time with offset when the value is aware.

    >>> from datetime import timezone
    >>> to_iso(datetime(2020, 12, 13, 9, 5, tzinfo=timezone.utc))
    '2020-12-13T09:05:00+00:00'
    >>> to_iso(date(2020, 12, 13))
    '2020-12-13'
    """
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def parse_date(raw: str | None, language: str | None = None) -> str | None:
    """Parse a machine or human date into ISO 8601; ``None`` when unreadable.

    >>> parse_date("2020-12-13T10:22:00Z")
    '2020-12-13T10:22:00+00:00'
    >>> parse_date("December 13, 2020")
    '2020-12-13'
    >>> parse_date("13 Aralık 2020", "tr")
    '2020-12-13'
    >>> parse_date("soon") is None
    True
    """
    if not raw:
        return None
    text = raw.strip()
    if _ISO.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return to_iso(parsed.date() if len(text) == 10 else parsed)
    if len(text) > 80:
        return None
    langs = [language.split("-")[0]] if language else None
    try:
        parsed = dateparser.parse(
            text,
            languages=langs,
            settings={
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["day", "month", "year"],
            },
        )
    except (ValueError, OverflowError, TypeError) as exc:
        logger.debug("unreadable date %(raw)r: %(exc)s", {"raw": text, "exc": exc})
        return None
    if parsed is None:
        return None
    return to_iso(parsed if _HAS_TIME.search(text) else parsed.date())


def _first_parsed(candidates: list[str | None], language: str | None) -> tuple[str, str] | None:
    for raw in candidates:
        iso = parse_date(raw, language)
        if raw and iso:
            return iso, raw.strip()
    return None


def _visible_date(page: Page, language: str | None) -> tuple[str, str] | None:
    override = override_texts(page, "date_published")
    texts = override or [
        str(n.get("datetime") or text_of(n)) for n in selectors.TIME_ELEMENTS(page.tree)
    ]
    found = _first_parsed(list(texts), language)
    if found:
        return found
    for expression in selectors.DATE_TEXT:
        for node in expression(page.tree):
            text = text_of(node)
            if 6 <= len(text) <= 60:
                found = _first_parsed([text], language)
                if found:
                    return found
    return None


def _url_date(url: str) -> str | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def extract_dates(page: Page, language: str | None) -> Dates:
    """Published (earliest release), modified and the raw published string."""
    structured = _first_parsed(
        [
            as_text(page.ld.get("datePublished")),
            as_text(page.ld.get("dateCreated")),
            *(page.meta_first(m) for m in _PUBLISHED_META),
        ],
        language,
    )
    modified = _first_parsed(
        [as_text(page.ld.get("dateModified")), *(page.meta_first(m) for m in _MODIFIED_META)],
        language,
    )
    published = structured or _visible_date(page, language)
    if published is None:
        url_day = _url_date(page.url)
        return Dates(url_day, modified[0] if modified else None, None)
    return Dates(published[0], modified[0] if modified else None, published[1])
