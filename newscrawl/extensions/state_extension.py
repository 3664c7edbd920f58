"""``StateExtension``: the run's state store, shared by the components that need it.

Enabled when ``NEWSCRAWL_STATE`` names a store; opened and reconciled on first use,
closed when the spider closes. It also hands over, within a run, the HTTP validators the
conditional-request middleware saw and the claims the dedup pipeline made for the output
pipeline to write.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.state.locations import check_location, open_store
from newscrawl.state.store import Claim, StateStore, Validators

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Validators kept at most while their pages are parsed (sitemaps, sections and rejected
#: pages are never taken).
MAX_NOTED = 10_000


class StateExtension:
    """Owns the state store of one crawl; see the module docstring."""

    def __init__(self, location: str, stats: StatsCollector | None = None) -> None:
        self.location = check_location(location)
        self.stats = stats
        self._store: StateStore | None = None
        self._validators: dict[str, Validators] = {}
        self._claims: dict[str, Claim] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        location = crawler.settings.get("NEWSCRAWL_STATE") or ""
        if not location.strip():
            raise NotConfigured("NEWSCRAWL_STATE is not set")
        extension = cls(location, crawler.stats)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def store(self) -> StateStore:
        """The open store (opened and reconciled on first use)."""
        if self._store is None:
            store = open_store(self.location)
            result = store.reconcile()
            if self.stats is not None:
                self.stats.set_value("newscrawl/state/reconciled_emitted", result.emitted)
                self.stats.set_value("newscrawl/state/reconciled_forgotten", result.forgotten)
            self._store = store
        return self._store

    def spider_closed(self) -> None:
        self.close()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # --- hand-overs within the run ------------------------------------------------------

    def note_validators(self, fetch_key: str, validators: Validators) -> None:
        """Keep the validators a page was served with until its article is settled (the
        oldest are let go past ``MAX_NOTED``: pages that never became articles)."""
        self._validators[fetch_key] = validators
        if len(self._validators) > MAX_NOTED:
            del self._validators[next(iter(self._validators))]

    def take_validators(self, fetch_key: str) -> Validators:
        return self._validators.pop(fetch_key, Validators())

    def claim(self, claim: Claim) -> None:
        """Hand an article the dedup step accepted to the output pipeline."""
        self._claims[claim.canonical_url] = claim

    def take_claim(self, canonical_url: str) -> Claim | None:
        return self._claims.pop(canonical_url, None)
