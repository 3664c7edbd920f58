"""Item pipelines: they only transform finished items (never see HTML or a response).

Order (``ITEM_PIPELINES`` in settings): normalize (100) -> validate (200) ->
deduplicate (300) -> output (900). Each has a ``NEWSCRAWL_<NAME>_ENABLED`` flag and its
own stats keys (``newscrawl/normalize/*``, ``newscrawl/validate/*``, ``newscrawl/dedup/*``,
``newscrawl/state/*``, ``newscrawl/output/*``). Drops are :class:`RejectItem` (recorded in
the rejects file) or, for an article unchanged since the state last emitted it,
:class:`SkipItem` (counted, not a reject).
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.exceptions import NotConfigured

from newscrawl.errors import NewscrawlError
from newscrawl.fingerprints import content_hash
from newscrawl.items import Article
from newscrawl.jsonl import append_line, cut_torn_tail
from newscrawl.neardup import MinHasher, NearDupIndex
from newscrawl.normalize import as_article, canonical_or_same, normalize_article
from newscrawl.rejects import Reject, RejectItem, SkipItem
from newscrawl.schema import record_errors
from newscrawl.state.base import Claim
from newscrawl.state.extension import StateExtension
from newscrawl.urls import TRACKING_PARAMS
from newscrawl.validation import not_article_reason

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

    from newscrawl.neardup import Fingerprint
    from newscrawl.state.base import PageState, StateStore

logger = logging.getLogger(__name__)


def tracking_params(settings: BaseSettings) -> tuple[str, ...]:
    """The default tracking parameters extended by ``NEWSCRAWL_TRACKING_PARAMS``."""
    extra = [p.strip().lower() for p in settings.getlist("NEWSCRAWL_TRACKING_PARAMS")]
    return tuple(dict.fromkeys([*TRACKING_PARAMS, *(p for p in extra if p)]))


def time_zone(name: str) -> tzinfo | None:
    """The time zone named by ``NEWSCRAWL_DEFAULT_TIMEZONE`` (``None`` when empty)."""
    name = name.strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise NewscrawlError(f"NEWSCRAWL_DEFAULT_TIMEZONE: unknown time zone {name!r}") from exc


def _inc(stats: StatsCollector | None, key: str) -> None:
    if stats is not None:
        stats.inc_value(key)


def _invalid(item: Any, detail: str) -> RejectItem:
    url = item.get("url") if isinstance(item, dict) else getattr(item, "url", "")
    return RejectItem(Reject(url=str(url or ""), reason="invalid", detail=detail))


class NormalizePipeline:
    """Puts every item in the record formats (:func:`newscrawl.normalize.normalize_article`).

    Plain dicts and other items from a user's own spider become :class:`Article`; one that
    cannot (no ``url``, a value of the wrong shape) is rejected as ``invalid``.
    """

    def __init__(
        self,
        params: Sequence[str] = TRACKING_PARAMS,
        default_tz: tzinfo | None = None,
        stats: StatsCollector | None = None,
    ) -> None:
        self.params = tuple(params)
        self.default_tz = default_tz
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_NORMALIZE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_NORMALIZE_ENABLED is off")
        zone = time_zone(settings.get("NEWSCRAWL_DEFAULT_TIMEZONE") or "")
        return cls(tracking_params(settings), zone, crawler.stats)

    def process_item(self, item: Any) -> Article:
        try:
            article = as_article(item)
        except ValueError as exc:
            _inc(self.stats, "newscrawl/validate/invalid")
            raise _invalid(item, str(exc)) from exc
        _inc(self.stats, "newscrawl/normalize/items")
        return normalize_article(
            article, now=datetime.now(UTC), tracking_params=self.params, default_tz=self.default_tz
        )


class ValidatePipeline:
    """Rejects non-articles (``not_article``, :func:`newscrawl.validation.not_article_reason`)
    and records that break the shipped JSON Schema (``invalid``, the field named)."""

    def __init__(self, min_words: int, stats: StatsCollector | None = None) -> None:
        self.min_words = min_words
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_VALIDATE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_VALIDATE_ENABLED is off")
        return cls(settings.getint("NEWSCRAWL_MIN_BODY_WORDS"), crawler.stats)

    def process_item(self, item: Any) -> Article:
        try:
            article = as_article(item)
        except ValueError as exc:
            _inc(self.stats, "newscrawl/validate/invalid")
            raise _invalid(item, str(exc)) from exc
        reason = not_article_reason(article, self.min_words)
        if reason:
            _inc(self.stats, "newscrawl/validate/not_article")
            raise RejectItem(Reject(url=article.url, reason="not_article", detail=reason))
        errors = record_errors(article.to_dict())
        if errors:
            _inc(self.stats, "newscrawl/validate/invalid")
            raise _invalid(article, errors[0])
        _inc(self.stats, "newscrawl/validate/valid")
        return article


class DedupPipeline:
    """Emits each article once: same ``canonical_url``, same ``content_hash`` and bodies
    near-duplicate of a kept one (MinHash/LSH, ``NEWSCRAWL_NEARDUP_THRESHOLD``) are rejected
    as ``duplicate`` with ``duplicate_of`` the kept URL; the first one seen is kept.

    The run's memory is on the instance. With a state store (``StateExtension``) it also
    compares with what earlier runs emitted: an unchanged article is skipped (a
    :class:`SkipItem`, stats ``newscrawl/state/unchanged``), a changed one is emitted as the
    next version, a copy of an earlier article is a duplicate; accepted articles are handed
    to the output pipeline as :class:`~newscrawl.state.base.Claim` to commit.
    """

    def __init__(
        self,
        hasher: MinHasher | None = None,
        threshold: float = 0.8,
        params: Sequence[str] = TRACKING_PARAMS,
        state: StateExtension | None = None,
        stats: StatsCollector | None = None,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise NewscrawlError(f"NEWSCRAWL_NEARDUP_THRESHOLD must be in (0, 1], not {threshold}")
        self.hasher = hasher
        self.threshold = threshold
        self.params = tuple(params)
        self.state = state
        self.stats = stats
        self._urls: set[str] = set()
        self._hashes: dict[str, str] = {}
        self._index = NearDupIndex(hasher.bands, hasher.sketch_size) if hasher else None
        self._index_urls: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_DEDUP_ENABLED"):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        hasher = None
        if settings.getbool("NEWSCRAWL_NEARDUP_ENABLED"):
            hasher = MinHasher(
                settings.getint("NEWSCRAWL_NEARDUP_NUM_PERM"),
                settings.getint("NEWSCRAWL_NEARDUP_BANDS"),
                settings.getint("NEWSCRAWL_NEARDUP_SHINGLE_SIZE"),
            )
        return cls(
            hasher,
            settings.getfloat("NEWSCRAWL_NEARDUP_THRESHOLD"),
            tracking_params(settings),
            crawler.get_extension(StateExtension),
            crawler.stats,
        )

    def open_spider(self) -> None:
        if self.state is not None and self.hasher is not None:
            self.state.store.use_layout(self.hasher.layout)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        url = item.canonical_url or item.url
        digest = item.content_hash or content_hash(item.headline, item.body)
        self._check_run(item, url, digest)
        page = self._check_state(item, url, digest)
        fingerprint = self._check_near(item, url)
        self._accept(item, url, digest, page, fingerprint)
        return item

    def _duplicate(self, item: Article, kind: str, kept: str, detail: str) -> RejectItem:
        _inc(self.stats, f"newscrawl/dedup/{kind}")
        reject = Reject(url=item.url, reason="duplicate", detail=detail, duplicate_of=kept)
        return RejectItem(reject)

    def _check_run(self, item: Article, url: str, digest: str) -> None:
        if url in self._urls:
            raise self._duplicate(item, "url", url, "same canonical_url already emitted")
        kept = self._hashes.get(digest)
        if kept is not None:
            raise self._duplicate(item, "content", kept, "same headline and body already emitted")

    def _check_state(self, item: Article, url: str, digest: str) -> PageState | None:
        if self.state is None:
            return None
        store = self.state.store
        page = store.page(url)
        if page is not None and page.content_hash == digest:
            self._urls.add(url)
            validators = self.state.take_validators(canonical_or_same(item.url, self.params))
            store.mark_unchanged(url, item.scraped_at or _now(), validators)
            _inc(self.stats, "newscrawl/state/unchanged")
            raise SkipItem(f"unchanged since version {page.version}: {url}")
        kept = store.url_with_hash(digest)
        if kept is not None and kept != url:
            _inc(self.stats, "newscrawl/dedup/earlier_run")
            raise self._duplicate(item, "content", kept, "same content emitted in an earlier run")
        return page

    def _check_near(self, item: Article, url: str) -> Fingerprint | None:
        if self.hasher is None or self._index is None:
            return None
        fingerprint = self.hasher.fingerprint(item.body)
        if fingerprint is None:
            return None
        for doc, score in self._index.query(fingerprint, self.threshold):
            kept = self._index_urls[doc]
            if kept != url:
                raise self._duplicate(item, "near", kept, f"body {score:.0%} similar")
        if self.state is not None:
            for match in self.state.store.near_duplicates(fingerprint, self.threshold):
                if match.canonical_url != url:
                    _inc(self.stats, "newscrawl/dedup/earlier_run")
                    detail = f"body {match.similarity:.0%} similar (earlier run)"
                    raise self._duplicate(item, "near", match.canonical_url, detail)
        return fingerprint

    def _accept(
        self,
        item: Article,
        url: str,
        digest: str,
        page: PageState | None,
        fingerprint: Fingerprint | None,
    ) -> None:
        self._urls.add(url)
        self._hashes[digest] = url
        if fingerprint is not None and self._index is not None:
            self._index.add(fingerprint)
            self._index_urls.append(url)
        _inc(self.stats, "newscrawl/dedup/kept")
        if self.state is None:
            return
        version = page.version + 1 if page else 1
        _inc(self.stats, "newscrawl/state/changed" if page else "newscrawl/state/new")
        if page is not None:
            logger.info("%(url)s changed: emitting version %(v)d", {"url": url, "v": version})
        fetch_key = canonical_or_same(item.url, self.params)
        claim = Claim(
            canonical_url=url,
            url=item.url,
            fetch_key=fetch_key,
            content_hash=digest,
            version=version,
            seen_at=item.scraped_at or _now(),
            fingerprint=fingerprint,
            validators=self.state.take_validators(fetch_key),
        )
        self.state.claim(claim)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class OutputPipeline:
    """Appends each article as one whole JSON line to ``NEWSCRAWL_OUTPUT``.

    Not Scrapy's FEEDS: with a state store the line and the state must be committed
    together (two-phase: the claim is recorded as pending with the file and offset, the
    line is appended and fsynced, then the claim is committed), so one component owns
    both. A torn last line left by a killed run is cut when the spider opens.
    """

    def __init__(
        self,
        path: Path,
        state: StateExtension | None = None,
        stats: StatsCollector | None = None,
        pause_after_append: float = 0.0,
        max_items: int = 0,
    ) -> None:
        self.path = path
        self.state = state
        self.stats = stats
        self.pause_after_append = pause_after_append  # test only: see settings.py
        self.max_items = max_items
        self.written = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        output = crawler.settings.get("NEWSCRAWL_OUTPUT")
        if not output:
            raise NotConfigured("NEWSCRAWL_OUTPUT is not set")
        pause = crawler.settings.getfloat("NEWSCRAWL_TEST_PAUSE_AFTER_APPEND")
        max_items = crawler.settings.getint("CLOSESPIDER_ITEMCOUNT")
        state = crawler.get_extension(StateExtension)
        return cls(Path(output), state, crawler.stats, pause, max_items)

    def open_spider(self) -> None:
        cut = cut_torn_tail(self.path)
        if cut:
            logger.warning(
                "%(path)s ended with a torn line: %(n)d bytes cut", {"path": self.path, "n": cut}
            )
            if self.stats is not None:
                self.stats.set_value("newscrawl/output/torn_bytes_cut", cut)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if self.max_items and self.written >= self.max_items:
            # Items already in flight when the limit closes the spider: not written, not
            # committed to the state (a later run emits them), counted.
            _inc(self.stats, "newscrawl/output/over_max_items")
            raise SkipItem(f"max items ({self.max_items}) already written")
        claim = self.state.take_claim(item.canonical_url or item.url) if self.state else None
        if claim is None or self.state is None:
            # one write() never leaves a torn line; fsync only pairs a line with the state
            append_line(self.path, item.to_dict(), fsync=False)
        else:
            self._write_claimed(self.state.store, item, claim)
        self.written += 1
        _inc(self.stats, "newscrawl/output/written")
        return item

    def _write_claimed(self, store: StateStore, item: Article, claim: Claim) -> None:
        """Pending claim, whole line appended and fsynced, claim committed."""
        output = os.path.abspath(self.path)
        offset = _size(self.path)
        store.begin(claim, output, offset)
        written_at = append_line(self.path, item.to_dict())
        if written_at != offset:
            store.begin(claim, output, written_at)
        if self.pause_after_append > 0:  # tests/test_crash_safety.py kills the run here
            time.sleep(self.pause_after_append)
        version = store.commit(claim.canonical_url)
        if self.stats is not None:
            self.stats.max_value("newscrawl/state/max_version", version)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
