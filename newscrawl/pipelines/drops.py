"""How the pipelines drop an item: a reject (recorded) or a skip (counted only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from newscrawl.record.normalize import as_article
from newscrawl.record.rejects import Reject

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    from newscrawl.items import Article


class RejectItem(DropItem):
    """``DropItem`` carrying the :class:`Reject` to record."""

    def __init__(self, reject: Reject, log_level: str = "DEBUG") -> None:
        super().__init__(f"{reject.reason}: {reject.detail}", log_level=log_level)
        self.reject = reject


class SkipItem(DropItem):
    """``DropItem`` for an item that is not emitted and is not a reject either: an article
    unchanged since the state store last emitted it. Counted in stats, not in the rejects."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


def invalid(item: Any, detail: str) -> RejectItem:
    """The ``invalid`` reject of an item that cannot be a record."""
    url = item.get("url") if isinstance(item, dict) else getattr(item, "url", "")
    return RejectItem(Reject(url=str(url or ""), reason="invalid", detail=detail))


def article_of(item: Any, stats: StatsCollector | None) -> Article:
    """The item as an :class:`Article`; an ``invalid`` reject (counted) when it cannot be."""
    try:
        return as_article(item)
    except ValueError as exc:
        count(stats, "newscrawl/validate/invalid")
        raise invalid(item, str(exc)) from exc


def count(stats: StatsCollector | None, key: str) -> None:
    """Add one to the stats counter ``key`` (when the crawler has stats)."""
    if stats is not None:
        stats.inc_value(key)


def now_seconds() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
