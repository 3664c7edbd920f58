"""The state store interface: what a crawl remembers between runs.

Per ``canonical_url``, the last emitted version of an article (content hash, version,
first/last seen, where its line was written, the page's ETag / Last-Modified), plus the
near-duplicate index of emitted bodies. Emission is two-phase (:meth:`StateStore.begin`,
the line appended, :meth:`StateStore.commit`; docs/ARCHITECTURE.md): a run killed at any
instant neither loses nor duplicates a record.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Protocol

import attrs

from newscrawl.errors import NewscrawlError

if TYPE_CHECKING:
    from newscrawl.dedup.neardup import Fingerprint
    from newscrawl.record.rejects import Reject


@attrs.frozen(kw_only=True)
class Validators:
    """The HTTP validators of a page, sent back as a conditional request."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@attrs.frozen(kw_only=True)
class PageState:
    """What the store remembers of the last emitted version of one article."""

    canonical_url: str
    url: str
    """The URL fetched (after redirects) for that version."""
    content_hash: str
    version: int
    """1 for the first emitted version, +1 for each changed one."""
    first_seen: str
    last_seen: str
    last_emitted: str
    validators: Validators = Validators()
    output: str | None = None
    """The output file the version was written to, and the offset of its line."""
    offset: int | None = None


@attrs.frozen(kw_only=True)
class Claim:
    """An article the deduplication step decided to emit, waiting to be written."""

    canonical_url: str
    url: str
    fetch_key: str
    """Canonical form of ``url``: how a later request for the page finds its validators."""
    content_hash: str
    version: int
    seen_at: str
    fingerprint: Fingerprint | None = None
    validators: Validators = Validators()


class ClaimLost(NewscrawlError):
    """:meth:`StateStore.begin` lost a race: another worker claimed or emitted the same
    article (URL, content or near-duplicate body) first. ``reject`` says which."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(f"{reject.reason}: {reject.detail}")
        self.reject = reject


@attrs.frozen(kw_only=True)
class NearMatch:
    """An emitted article whose body is a near-duplicate of the one looked up."""

    canonical_url: str
    similarity: float


@attrs.frozen
class Reconciled:
    """Outcome of reconciling pending entries when a store is opened."""

    emitted: int = 0
    forgotten: int = 0


class StateStore(Protocol):
    """The operations a crawl needs from its state store (one instance per run)."""

    def page(self, canonical_url: str) -> PageState | None:
        """The last emitted version of the article, or ``None``."""

    def url_with_hash(self, content_hash: str) -> str | None:
        """The ``canonical_url`` of an emitted article with this content hash, if any."""

    def near_duplicates(self, fingerprint: Fingerprint, threshold: float) -> list[NearMatch]:
        """Emitted articles whose bodies reach ``threshold`` similarity, most similar first."""

    def use_layout(self, layout: str) -> bool:
        """Check the near-duplicate layout the stored band keys were built with; empty the
        index when it differs (returning ``False``)."""

    def adopt_layout(self, layout: str) -> bool:
        """Whether the stored index uses ``layout``, recording it when the index has none
        yet; ``False``, and nothing changed, when it was built with another one."""

    def validators_for(self, fetch_key: str) -> Validators | None:
        """Validators stored for the page fetched as (or canonically identified by)
        ``fetch_key``; ``None`` when there are none."""

    def mark_unchanged(self, key: str, seen_at: str, validators: Validators | None = None) -> bool:
        """Record that the article (by ``canonical_url`` or fetch key) was seen unchanged;
        ``False`` when the store does not know it."""

    def begin(self, claim: Claim, output: str, offset: int) -> None:
        """Record ``claim`` as pending: its line will start at ``offset`` in ``output``."""

    def commit(self, canonical_url: str) -> int:
        """Make the pending claim the emitted version; return its version number."""

    def reconcile(self) -> Reconciled:
        """Resolve pending claims against their output files (see the module docstring)."""

    def close(self) -> None:
        """Release the store (idempotent)."""


def line_holds(line: bytes | None, canonical_url: str, content_hash: str) -> bool:
    """Whether an output line (read back when reconciling a pending claim) is the whole
    record of that article version.

    >>> line_holds(b'{"canonical_url": "u", "content_hash": "h"}\\n', "u", "h")
    True
    >>> line_holds(b'{"canonical_url": "u", "con', "u", "h")
    False
    """
    if line is None:
        return False
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return (
        isinstance(record, dict)
        and record.get("canonical_url") == canonical_url
        and record.get("content_hash") == content_hash
    )
