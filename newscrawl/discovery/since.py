"""Listing dates and ``--since``: ISO 8601 from sitemaps and feeds, and the cut-off test."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)


def iso_date(text: str | None) -> str | None:
    """A listing date as ISO 8601: W3C datetime (sitemaps, Atom) or RFC 822 (RSS).

    >>> iso_date("2024-03-14T09:30:00Z")
    '2024-03-14T09:30:00+00:00'
    >>> iso_date("Thu, 14 Mar 2024 09:30:00 +0100")
    '2024-03-14T09:30:00+01:00'
    >>> iso_date("2024-03-14"), iso_date("soon")
    ('2024-03-14', None)
    """
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        logger.debug("unreadable listing date %(text)r", {"text": text})
        return None


def parse_since(text: str) -> datetime:
    """``--since``: a date or an ISO 8601 timestamp, as an aware UTC datetime.

    Raises ``ValueError`` naming the bad value.

    >>> parse_since("2024-03-01")
    datetime.datetime(2024, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date (use YYYY-MM-DD or an ISO 8601 time): {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def published_before(value: str | None, since: datetime) -> bool:
    """True when the ISO date ``value`` is before ``since`` (unknown dates never are).

    >>> since = parse_since("2024-03-01")
    >>> published_before("2024-02-29T23:00:00-02:00", since), published_before("2024-02-28", since)
    (False, True)
    >>> published_before(None, since)
    False
    """
    if not value:
        return False
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when < since
