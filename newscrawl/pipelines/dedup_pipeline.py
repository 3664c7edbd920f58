"""``DedupPipeline``: each article emitted once (:mod:`newscrawl.dedup.emission` decides)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from newscrawl.dedup.emission import Duplicate, Emission, Unchanged
from newscrawl.dedup.neardup import MinHasher
from newscrawl.errors import NewscrawlError
from newscrawl.extensions.state_extension import StateExtension
from newscrawl.items import Article
from newscrawl.pipelines.drops import RejectItem, SkipItem, count, now_seconds
from newscrawl.record.normalize import canonical_or_same, tracking_params
from newscrawl.record.rejects import Reject
from newscrawl.urls import TRACKING_PARAMS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def near_hasher(settings: BaseSettings) -> MinHasher | None:
    """The near-duplicate hasher of the ``NEWSCRAWL_NEARDUP_*`` settings (``None``: off)."""
    if not settings.getbool("NEWSCRAWL_NEARDUP_ENABLED"):
        return None
    return MinHasher(
        settings.getint("NEWSCRAWL_NEARDUP_NUM_PERM"),
        settings.getint("NEWSCRAWL_NEARDUP_BANDS"),
        settings.getint("NEWSCRAWL_NEARDUP_SHINGLE_SIZE"),
    )


def check_threshold(threshold: float) -> float:
    """``NEWSCRAWL_NEARDUP_THRESHOLD``, checked to be in (0, 1]."""
    if not 0.0 < threshold <= 1.0:
        raise NewscrawlError(f"NEWSCRAWL_NEARDUP_THRESHOLD must be in (0, 1], not {threshold}")
    return threshold


class DedupPipeline:
    """Emits each article once: same ``canonical_url``, same ``content_hash`` and bodies
    near-duplicate of a kept one are rejected as ``duplicate`` with ``duplicate_of`` the
    kept URL; the first one seen is kept. With a state store (``StateExtension``) an
    article unchanged since an earlier run is skipped (:class:`SkipItem`, stats
    ``newscrawl/state/unchanged``), and accepted articles are handed to the output
    pipeline as :class:`~newscrawl.state.store.Claim` to commit.
    """

    def __init__(
        self,
        hasher: MinHasher | None = None,
        threshold: float = 0.8,
        params: Sequence[str] = TRACKING_PARAMS,
        state: StateExtension | None = None,
        stats: StatsCollector | None = None,
    ) -> None:
        self.hasher = hasher
        self.threshold = check_threshold(threshold)
        self.params = tuple(params)
        self.state = state
        self.stats = stats
        self.emission = Emission(hasher, self.threshold)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_DEDUP_ENABLED"):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        return cls(
            near_hasher(settings),
            settings.getfloat("NEWSCRAWL_NEARDUP_THRESHOLD"),
            tracking_params(settings.getlist("NEWSCRAWL_TRACKING_PARAMS")),
            crawler.get_extension(StateExtension),
            crawler.stats,
        )

    def open_spider(self) -> None:
        if self.state is not None:
            if self.hasher is not None:
                self.state.store.use_layout(self.hasher.layout)
            self.emission.store = self.state.store

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        fetch_key = canonical_or_same(item.url, self.params)
        seen_at = item.scraped_at or now_seconds()
        validators = self.state.take_validators(fetch_key) if self.state else None
        decision = self.emission.decide(item, seen_at, validators)
        if isinstance(decision, Duplicate):
            raise self._duplicate(item, decision)
        if isinstance(decision, Unchanged):
            count(self.stats, "newscrawl/state/unchanged")
            url = item.canonical_url or item.url
            raise SkipItem(f"unchanged since version {decision.version}: {url}")
        count(self.stats, "newscrawl/dedup/kept")
        if self.state is not None:
            count(
                self.stats, "newscrawl/state/changed" if decision.changed else "newscrawl/state/new"
            )
            if decision.changed:
                logger.info(
                    "%(url)s changed: emitting version %(v)d",
                    {"url": decision.canonical_url, "v": decision.version},
                )
            claim = Emission.claim(item, decision, fetch_key, seen_at, validators)
            self.state.claim(claim)
        return item

    def _duplicate(self, item: Article, duplicate: Duplicate) -> RejectItem:
        if duplicate.earlier_run:
            count(self.stats, "newscrawl/dedup/earlier_run")
        count(self.stats, f"newscrawl/dedup/{duplicate.kind}")
        reject = Reject(
            url=item.url, reason="duplicate", detail=duplicate.detail, duplicate_of=duplicate.kept
        )
        return RejectItem(reject)
