"""The publisher's own offset for a published time given in UTC.

Many pages store ``datePublished`` in UTC ("2023-11-09T01:49:09Z") while they print, and
their URL names, the local day ("/2023/11/08/", "November 8, 2023 at 5:49 p.m."). The
instant is right, the day a reader sees is not: so a UTC published time is expressed in
the offset the page itself uses, found (in this order) from

1. a wall time printed or written on the page at the same instant ("5:49 p.m." beside
   ``01:49Z`` is UTC-8; "10:35 PM PST"), or a ``<time datetime="...15:58Z">16:58</time>``
   (a page that prints its UTC times in its own zone is UTC+1);
2. the offsets the page's other dates state (its metadata and its JSON-LD);
3. when the URL's day is not the UTC day, the offsets of timestamps inside its scripts.

Without any such offset the UTC instant is kept: an offset is never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from newscrawl.parsers import selectors
from newscrawl.parsers.common import text_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from newscrawl.parsers.page import Page

#: Offsets that are real zones: at most 14 hours, in quarter hours.
_MAX_OFFSET = timedelta(hours=14)
_QUARTER = timedelta(minutes=15)
_STAMP_OFFSET = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?\s?([+-]\d{2}:?\d{2})(?!\d)"
)
_CLOCK = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_DAY_MINUTES = 24 * 60
#: The easternmost offset (UTC+14) in minutes: a larger difference is a western one.
_EAST = 14 * 60


def utc_time(iso: str) -> datetime | None:
    """The published time when it is a UTC time of day ("...T01:49:09+00:00")."""
    if len(iso) <= 10:
        return None
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return value if value.utcoffset() == timedelta(0) else None


def in_page_offset(
    value: datetime, page: Page, walls: Iterable[datetime], url_day: str | None
) -> datetime:
    """``value`` (aware, UTC) in the page's own offset, or unchanged.

    >>> from types import SimpleNamespace as NS
    >>> page = NS(marked=[], meta={}, walk=NS(tagged=lambda name: []))
    >>> utc = datetime(2023, 11, 9, 1, 49, 9, tzinfo=timezone.utc)
    >>> in_page_offset(utc, page, [datetime(2023, 11, 8, 17, 49, 9)], None).isoformat()
    '2023-11-08T17:49:09-08:00'
    >>> in_page_offset(utc, page, [], "2023-11-08").isoformat()
    '2023-11-09T01:49:09+00:00'
    """
    offset = _wall_offset(value, walls) or _clock_offset(page) or _stated_offset(_stated(page))
    if offset is None and url_day is not None and url_day != value.date().isoformat():
        offset = _stated_offset(_script_stamps(page))
    if offset is None:
        return value
    return value.astimezone(timezone(offset))


def _wall_offset(value: datetime, walls: Iterable[datetime]) -> timedelta | None:
    """The offset of the first wall time that is ``value`` in some real zone (a naive
    time) or in the zone it states."""
    for wall in walls:
        at = value if wall.second or wall.microsecond else value.replace(second=0, microsecond=0)
        if wall.tzinfo is not None:  # a printed minute matches the instant's minute
            if wall == at and wall.utcoffset():
                return wall.utcoffset()
            continue
        delta = wall - at.replace(tzinfo=None)
        if delta and abs(delta) <= _MAX_OFFSET and not delta % _QUARTER:
            return delta
    return None


def _clock_offset(page: Page) -> timedelta | None:
    """The offset between a ``<time>``'s UTC ``datetime`` and the time of day it prints."""
    for node in page.marked:
        if node.tag != "time":
            continue
        clock = _CLOCK.match(text_of(node))
        value = utc_time(node.get("datetime", "").strip().replace("Z", "+00:00"))
        if clock and value is not None:
            printed = int(clock[1]) * 60 + int(clock[2])
            minutes = (printed - value.hour * 60 - value.minute) % _DAY_MINUTES
            delta = timedelta(minutes=minutes - _DAY_MINUTES if minutes > _EAST else minutes)
            if delta and not delta % _QUARTER:
                return delta
    return None


def _stated_offset(texts: Iterable[str]) -> timedelta | None:
    """The commonest non-zero offset of the ISO timestamps in ``texts``, ``None`` when none
    has one."""
    counts: Counter[timedelta] = Counter()
    for text in texts:
        for match in _STAMP_OFFSET.finditer(text):
            offset = _offset(match[1])
            if offset and abs(offset) <= _MAX_OFFSET:
                counts[offset] += 1
    return counts.most_common(1)[0][0] if counts else None


def _offset(text: str) -> timedelta:
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
    return -delta if text[0] == "-" else delta


def _stated(page: Page) -> Iterator[str]:
    """The page's dates in metadata and JSON-LD (nested objects too: a video's)."""
    for name in (*selectors.PUBLISHED_META, *selectors.MODIFIED_META):
        yield from page.meta.get(name, ())
    for script in page.walk.tagged("script"):
        if "ld+json" in (script.get("type") or ""):
            yield script.text or ""


def _script_stamps(page: Page) -> Iterator[str]:
    for script in page.walk.tagged("script"):
        yield script.text or ""
