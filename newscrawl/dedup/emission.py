"""The one emission decision: emit, duplicate of an earlier article, or unchanged.

No Scrapy. :class:`Emission` holds what one run emitted (URLs, content hashes, the
near-duplicate index) and the state store of earlier runs; ``DedupPipeline``,
``OutputPipeline`` and ``newscrawl scrape`` all decide and write through it.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

import attrs

from newscrawl.dedup.fingerprints import content_hash
from newscrawl.dedup.neardup import NearDupIndex
from newscrawl.output.jsonl import append_line
from newscrawl.state.store import Claim, Validators

if TYPE_CHECKING:
    from pathlib import Path

    from newscrawl.dedup.neardup import Fingerprint, MinHasher
    from newscrawl.items import Article
    from newscrawl.state.store import StateStore

logger = logging.getLogger(__name__)


@attrs.frozen
class Emit:
    """Emit the article: ``version`` 1 when new, the stored version + 1 when changed."""

    canonical_url: str
    content_hash: str
    version: int
    fingerprint: Fingerprint | None = None

    @property
    def changed(self) -> bool:
        return self.version > 1


@attrs.frozen
class Duplicate:
    """The article is a copy of ``kept``: same URL, same content or a near-duplicate body."""

    kind: str
    """``url``, ``content`` or ``near``."""
    kept: str
    """The canonical URL of the article already emitted."""
    earlier_run: bool = False
    """Emitted by an earlier run (found in the state store), not by this one."""
    similarity: float | None = None
    """For ``near``: the estimated similarity of the two bodies."""

    @property
    def detail(self) -> str:
        """The reject detail, as the rejects file states it."""
        if self.kind == "url":
            return "same canonical_url already emitted"
        if self.kind == "content":
            if self.earlier_run:
                return "same content emitted in an earlier run"
            return "same headline and body already emitted"
        suffix = " (earlier run)" if self.earlier_run else ""
        return f"body {self.similarity or 0.0:.0%} similar{suffix}"


@attrs.frozen
class Unchanged:
    """The state store already has this content as the article's ``version``."""

    version: int


Decision = Emit | Duplicate | Unchanged


class Emission:
    """Decides, for each finished article, whether it is emitted; writes what is.

    ``hasher`` is ``None`` when near-duplicate detection is off; ``store`` is ``None``
    without a state store (then only this run's own emissions count).
    """

    def __init__(
        self, hasher: MinHasher | None, threshold: float, store: StateStore | None = None
    ) -> None:
        self.hasher = hasher
        self.threshold = threshold
        self.store = store
        self._urls: set[str] = set()
        self._hashes: dict[str, str] = {}
        self._index = NearDupIndex(hasher.bands, hasher.sketch_size) if hasher else None
        self._index_urls: list[str] = []

    def decide(
        self, article: Article, seen_at: str, validators: Validators | None = None
    ) -> Decision:
        """The decision for ``article``. ``Unchanged`` is recorded in the store at once
        (last seen at ``seen_at``, with ``validators``); an ``Emit`` is remembered by this
        run, and is for the caller to write (:meth:`claim`, :func:`write_claimed`)."""
        url = article.canonical_url or article.url
        digest = article.content_hash or content_hash(article.headline, article.body)
        if url in self._urls:
            return Duplicate("url", url)
        kept = self._hashes.get(digest)
        if kept is not None:
            return Duplicate("content", kept)
        version = 1
        if self.store is not None:
            page = self.store.page(url)
            if page is not None and page.content_hash == digest:
                self._urls.add(url)
                self.store.mark_unchanged(url, seen_at, validators)
                return Unchanged(page.version)
            kept = self.store.url_with_hash(digest)
            if kept is not None and kept != url:
                return Duplicate("content", kept, earlier_run=True)
            version = page.version + 1 if page is not None else 1
        fingerprint, near = self._near(article.body, url)
        if near is not None:
            return near
        return self._accept(Emit(url, digest, version, fingerprint))

    def _near(self, body: str, url: str) -> tuple[Fingerprint | None, Duplicate | None]:
        """The body's fingerprint, and the duplicate it is of (this run's first)."""
        if self.hasher is None or self._index is None:
            return None, None
        fingerprint = self.hasher.fingerprint(body)
        if fingerprint is None:
            return None, None
        for doc, score in self._index.query(fingerprint, self.threshold):
            kept = self._index_urls[doc]
            if kept != url:
                return fingerprint, Duplicate("near", kept, similarity=score)
        if self.store is not None:
            for match in self.store.near_duplicates(fingerprint, self.threshold):
                if match.canonical_url != url:
                    near = Duplicate("near", match.canonical_url, True, match.similarity)
                    return fingerprint, near
        return fingerprint, None

    def _accept(self, emit: Emit) -> Emit:
        self._urls.add(emit.canonical_url)
        self._hashes[emit.content_hash] = emit.canonical_url
        if emit.fingerprint is not None and self._index is not None:
            self._index.add(emit.fingerprint)
            self._index_urls.append(emit.canonical_url)
        return emit

    @staticmethod
    def claim(
        article: Article,
        emit: Emit,
        fetch_key: str,
        seen_at: str,
        validators: Validators | None,
    ) -> Claim:
        """The state claim of an emitted article, to write with :func:`write_claimed`."""
        return Claim(
            canonical_url=emit.canonical_url,
            url=article.url,
            fetch_key=fetch_key,
            content_hash=emit.content_hash,
            version=emit.version,
            seen_at=seen_at,
            fingerprint=emit.fingerprint,
            validators=validators or Validators(),
        )


def write_claimed(path: Path, article: Article, claim: Claim, store: StateStore) -> int:
    """Write a claimed article two-phase: the claim recorded as pending with the file and
    offset, the whole line appended and fsynced, the claim committed. Returns the version.
    A run killed in between leaves a pending claim the next opening of the store settles."""
    output = os.path.abspath(path)
    offset = file_size(path)
    store.begin(claim, output, offset)
    written_at = append_line(path, article.to_dict())
    if written_at != offset:
        store.begin(claim, output, written_at)
    return store.commit(claim.canonical_url)


def file_size(path: Path) -> int:
    """The size of ``path`` (0 when it does not exist yet)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
