"""The state store in Redis, shared by every worker of a distributed crawl (``--redis``).

Location: ``redis://HOST:PORT/DB?crawl=NAME`` (``rediss://`` and ``unix://`` too; an
optional ``lease=SECONDS``). Every key of a crawl lives under ``newscrawl:<NAME>:``
(:class:`CrawlKeys`); the state keys are:

- ``page:<canonical_url>``: JSON of the last emitted version (the
  :class:`~newscrawl.state.base.PageState` fields and its near-duplicate doc id);
- ``fetch:<fetch_key>``: the ``canonical_url`` of a page fetched under another URL;
- ``hash:<content_hash>``: the ``canonical_url`` owning that content, emitted or pending;
- ``pending:<canonical_url>`` + the ``pendings`` set: claims being written (two-phase
  emission, see :mod:`newscrawl.state.base`), with the worker that owns them;
- ``nd:band:<n>``: hash of 8-byte LSH band key -> packed ``uint32`` doc ids
  (``n`` = band key mod 65536); ``nd:doc:<n>``: hash of doc id -> sketch, band keys and
  ``canonical_url`` (``n`` = id // 128); ``nd:next``: the doc id counter;
- ``meta``: the near-duplicate layout and the count of pages;
- ``workers``: sorted set of worker id (``host:pid``) -> lease expiry (ms, server clock).

Two workers can reach the same article at once (two URLs of one story, a syndicated
copy). :meth:`RedisStore.begin` is where one wins: under ``WATCH`` of the keys the
decision reads (the pending and page entries, the content hash owner, the band buckets),
it re-checks what the deduplication pipeline checked and reserves the URL, the content
hash and the near-duplicate bands in one ``MULTI``/``EXEC``; the loser gets
:class:`ClaimLost`, a :class:`~newscrawl.rejects.RejectItem` recorded as a ``duplicate``.

A pending claim whose owner's lease has run out belongs to a worker that died between
``begin`` and ``commit``: the next store opened reconciles it against the output file
(when that file is readable on this machine) like the SQLite store does.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import struct
import time
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import numpy as np
import redis
from redis.exceptions import RedisError, WatchError

from newscrawl.errors import StateError
from newscrawl.neardup import Fingerprint, similarity
from newscrawl.rejects import Reject, RejectItem
from newscrawl.state.base import NearMatch, PageState, Reconciled, Validators
from newscrawl.state.sqlite import read_line_at

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from redis.client import Pipeline

    from newscrawl.state.base import Claim

logger = logging.getLogger(__name__)

SCHEMES: Final = ("redis://", "rediss://", "unix://")
#: A crawl name: letters, digits and ``._+-`` (it is part of every key).
NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")
#: Seconds a worker stays "live" after its last renewal (``lease=`` in the location).
DEFAULT_LEASE: Final = 30.0
#: Band keys are spread over this many hashes; doc entries are grouped this many per hash.
BAND_BUCKETS: Final = 1 << 16
DOCS_PER_BUCKET: Final = 128
#: Near-duplicate threshold assumed until the pipeline has asked with its own.
DEFAULT_THRESHOLD: Final = 0.8
_MAX_RETRIES: Final = 50
_DOC: Final = struct.Struct("<I")
_BAND: Final = struct.Struct("<q")
_DOC_HEADER: Final = struct.Struct("<HH")

# KEYS: workers. ARGV: worker id, lease ms. Renew the worker's lease, drop expired ones.
RENEW_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now
"""
# KEYS: workers. Drop expired leases, return the live worker ids.
LIVE_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""


def worker_id() -> str:
    """This process as a fleet member: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def check_name(name: str) -> str:
    """The crawl name, or a :class:`StateError` saying what a name may hold.

    >>> check_name("news.example.com")
    'news.example.com'
    >>> check_name("a b")
    Traceback (most recent call last):
    ...
    newscrawl.errors.StateError: crawl name 'a b': use letters, digits and ._+- (at most 100)
    """
    if not NAME_PATTERN.fullmatch(name):
        raise StateError(f"crawl name {name!r}: use letters, digits and ._+- (at most 100)")
    return name


@attrs.frozen
class CrawlKeys:
    """The Redis key names of one crawl, all under ``newscrawl:<name>:``.

    >>> keys = CrawlKeys("demo")
    >>> keys.page("https://ex.com/a"), keys.requests, keys.pattern
    ('newscrawl:demo:page:https://ex.com/a', 'newscrawl:demo:requests', 'newscrawl:demo:*')
    """

    name: str = attrs.field(converter=check_name)

    @property
    def prefix(self) -> str:
        return f"newscrawl:{self.name}:"

    @property
    def pattern(self) -> str:
        """Glob matching every key of the crawl (the name holds no glob characters)."""
        return self.prefix + "*"

    def page(self, canonical_url: str) -> str:
        return f"{self.prefix}page:{canonical_url}"

    def fetch(self, fetch_key: str) -> str:
        return f"{self.prefix}fetch:{fetch_key}"

    def hash(self, content_hash: str) -> str:
        return f"{self.prefix}hash:{content_hash}"

    def pending(self, canonical_url: str) -> str:
        return f"{self.prefix}pending:{canonical_url}"

    def band(self, band_key: int) -> str:
        return f"{self.prefix}nd:band:{band_key % BAND_BUCKETS}"

    def doc(self, doc_id: int) -> str:
        return f"{self.prefix}nd:doc:{doc_id // DOCS_PER_BUCKET}"

    @property
    def near_pattern(self) -> str:
        return self.prefix + "nd:*"

    # single keys: the store's ...
    @property
    def pendings(self) -> str:
        return self.prefix + "pendings"

    @property
    def next_doc(self) -> str:
        return self.prefix + "nd:next"

    @property
    def meta(self) -> str:
        return self.prefix + "meta"

    @property
    def workers(self) -> str:
        return self.prefix + "workers"

    # ... and the scheduler's (newscrawl.distributed)
    @property
    def requests(self) -> str:
        return self.prefix + "requests"

    @property
    def dupefilter(self) -> str:
        return self.prefix + "dupefilter"

    @property
    def start_urls(self) -> str:
        return self.prefix + "start_urls"

    @property
    def run(self) -> str:
        return self.prefix + "run"

    @property
    def busy(self) -> str:
        return self.prefix + "busy"


@attrs.frozen
class RedisLocation:
    """A parsed ``redis://...?crawl=NAME&lease=S`` state location."""

    url: str
    """The Redis URL as redis-py reads it (our parameters removed)."""
    crawl: str = "default"
    lease: float = DEFAULT_LEASE

    @classmethod
    def parse(cls, location: str) -> RedisLocation:
        """Split off ``crawl`` and ``lease``; :class:`StateError` when they are bad.

        >>> RedisLocation.parse("redis://h:6379/2?crawl=news&lease=5")
        RedisLocation(url='redis://h:6379/2', crawl='news', lease=5.0)
        """
        parts = urlsplit(location.strip())
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        crawl = check_name(query.pop("crawl", "default") or "default")
        try:
            lease = float(query.pop("lease", DEFAULT_LEASE))
        except ValueError:
            raise StateError(f"state {location}: lease must be a number of seconds") from None
        if lease <= 0:
            raise StateError(f"state {location}: lease must be positive")
        url = urlunsplit(parts._replace(query=urlencode(query)))
        return cls(url=url, crawl=crawl, lease=lease)

    def __str__(self) -> str:
        parts = urlsplit(self.url)
        query = [*parse_qsl(parts.query), ("crawl", self.crawl)]
        if self.lease != DEFAULT_LEASE:
            query.append(("lease", f"{self.lease:g}"))
        return urlunsplit(parts._replace(query=urlencode(query)))


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url``, checked with PING; :class:`StateError` when it
    cannot be reached."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        client.ping()
    except (RedisError, ValueError, OSError) as exc:
        raise StateError(f"cannot reach Redis at {_safe(url)}: {exc}") from exc
    return client


def delete_matching(client: redis.Redis, pattern: str) -> int:
    """Delete (``UNLINK``) every key matching ``pattern``; the number deleted."""
    removed = 0
    batch: list[Any] = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            removed += int(client.unlink(*batch))
            batch = []
    if batch:
        removed += int(client.unlink(*batch))
    return removed


def _safe(url: str) -> str:
    """The URL without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{netloc}"))


class ClaimLost(RejectItem):
    """:meth:`RedisStore.begin` lost a race: another worker claimed or emitted the same
    article (URL, content or near-duplicate body) first. Dropped as a ``duplicate``."""


class Membership:
    """A worker's lease in the crawl's ``workers`` registry (see the module docstring)."""

    def __init__(self, client: redis.Redis, keys: CrawlKeys, worker: str, lease: float) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker
        self.lease = lease
        self._renewed = float("-inf")
        self._renew = client.register_script(RENEW_SCRIPT)
        self._live = client.register_script(LIVE_SCRIPT)

    def renew(self) -> None:
        self._renew(keys=[self.keys.workers], args=[self.worker, int(self.lease * 1000)])
        self._renewed = time.monotonic()

    def renew_if_due(self) -> None:
        """Renew when a third of the lease has passed since the last renewal."""
        if time.monotonic() - self._renewed > self.lease / 3:
            self.renew()

    def live(self) -> set[str]:
        """Ids of the workers whose lease has not run out."""
        members = self._live(keys=[self.keys.workers])
        return {_text(m) for m in members}

    def leave(self) -> None:
        self.client.zrem(self.keys.workers, self.worker)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _json(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, dict) else None


@attrs.frozen
class DocEntry:
    """One body in the near-duplicate index."""

    canonical_url: str
    sketch: bytes
    bands: tuple[int, ...]

    def pack(self) -> bytes:
        header = _DOC_HEADER.pack(len(self.sketch), len(self.bands))
        bands = b"".join(_BAND.pack(b) for b in self.bands)
        return header + self.sketch + bands + self.canonical_url.encode("utf-8")

    @classmethod
    def unpack(cls, data: bytes) -> DocEntry:
        sketch_len, band_count = _DOC_HEADER.unpack_from(data)
        start = _DOC_HEADER.size
        sketch = data[start : start + sketch_len]
        start += sketch_len
        bands = tuple(_BAND.unpack_from(data, start + 8 * i)[0] for i in range(band_count))
        url = data[start + 8 * band_count :].decode("utf-8")
        return cls(canonical_url=url, sketch=sketch, bands=bands)


def _doc_ids(value: bytes | None) -> list[int]:
    if not value:
        return []
    return [_DOC.unpack_from(value, i)[0] for i in range(0, len(value), _DOC.size)]


def _pack_ids(ids: Iterable[int]) -> bytes:
    return b"".join(_DOC.pack(i) for i in ids)


#: A band-bucket field: (hash key, 8-byte band key).
BandField = tuple[str, bytes]


class RedisStore:
    """:class:`~newscrawl.state.base.StateStore` in Redis; see the module docstring.

    One instance per worker process. Opening registers the worker (its lease is renewed
    on every claim); :meth:`close` removes it.
    """

    def __init__(
        self,
        client: redis.Redis,
        keys: CrawlKeys,
        worker: str | None = None,
        lease: float = DEFAULT_LEASE,
    ) -> None:
        self._r = client
        self.keys = keys
        self.worker = worker or worker_id()
        self.host = socket.gethostname()
        self.membership = Membership(client, keys, self.worker, lease)
        self.threshold = DEFAULT_THRESHOLD
        self._closed = False

    @classmethod
    def open(cls, location: str, worker: str | None = None) -> RedisStore:
        """Connect to the store at ``location`` and register this worker."""
        parsed = RedisLocation.parse(location)
        store = cls(connect(parsed.url), CrawlKeys(parsed.crawl), worker, parsed.lease)
        try:
            store.membership.renew()
        except RedisError as exc:
            store._r.close()
            raise StateError(f"state {_safe(location)}: {exc}") from exc
        return store

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.membership.leave()
        except RedisError as exc:
            logger.warning("could not leave the worker registry: %(e)s", {"e": exc})
        self._r.close()

    # --- reading ----------------------------------------------------------------------

    def page(self, canonical_url: str) -> PageState | None:
        return _page_state(canonical_url, _json(self._r.get(self.keys.page(canonical_url))))

    def url_with_hash(self, content_hash: str) -> str | None:
        owner = self._r.get(self.keys.hash(content_hash))
        return None if owner is None else _text(owner)

    def validators_for(self, fetch_key: str) -> Validators | None:
        canonical = self._r.get(self.keys.fetch(fetch_key))
        page = self.page(_text(canonical) if canonical is not None else fetch_key)
        if page is None or not page.validators:
            return None
        return page.validators

    def near_duplicates(self, fingerprint: Fingerprint, threshold: float) -> list[NearMatch]:
        """Bodies emitted or being written by any worker (the threshold is remembered for
        the atomic re-check in :meth:`begin`)."""
        self.threshold = threshold
        fields = _band_fields(self.keys, fingerprint.bands)
        values = self._read_bands(fields)
        docs = self._read_docs({i for v in values.values() for i in _doc_ids(v)})
        return _near_matches(fingerprint, docs, threshold)

    def _read_bands(self, fields: list[BandField]) -> dict[BandField, bytes | None]:
        reader = self._r.pipeline(transaction=False)
        for key, field in fields:
            reader.hget(key, field)
        return dict(zip(fields, reader.execute(), strict=True))

    def _read_docs(self, ids: set[int]) -> dict[int, DocEntry]:
        if not ids:
            return {}
        ordered = sorted(ids)
        reader = self._r.pipeline(transaction=False)
        for doc in ordered:
            reader.hget(self.keys.doc(doc), str(doc))
        found = zip(ordered, reader.execute(), strict=True)
        return {doc: DocEntry.unpack(raw) for doc, raw in found if raw is not None}

    # --- near-duplicate layout ----------------------------------------------------------

    def use_layout(self, layout: str) -> bool:
        """Record the near-duplicate ``layout``; a different stored one empties the index
        (with a warning) and gives ``False``."""
        stored = self._r.hget(self.keys.meta, "neardup_layout")
        if stored is not None and _text(stored) == layout:
            return True
        removed = delete_matching(self._r, self.keys.near_pattern)
        self._r.hset(self.keys.meta, "neardup_layout", layout)
        if removed:
            logger.warning(
                "state %(crawl)s: near-duplicate index built with %(old)s, not %(new)s; emptied",
                {"crawl": self.keys.name, "old": _text(stored) if stored else "?", "new": layout},
            )
        return stored is None or not removed

    # --- writing ----------------------------------------------------------------------

    def mark_unchanged(self, key: str, seen_at: str, validators: Validators | None = None) -> bool:
        canonical = self._r.get(self.keys.fetch(key))
        page_key = self.keys.page(_text(canonical) if canonical is not None else key)
        if not self._r.exists(page_key):
            page_key = self.keys.page(key)
        changed = False

        def update(pipe: Pipeline) -> None:
            nonlocal changed
            page = _json(pipe.get(page_key))
            changed = page is not None
            if page is None:
                return
            page["last_seen"] = seen_at
            if validators:
                page["etag"], page["last_modified"] = validators.etag, validators.last_modified
            pipe.multi()
            pipe.set(page_key, _dumps(page))

        self._transaction([page_key], update)
        return changed

    def begin(self, claim: Claim, output: str, offset: int) -> None:
        """Record ``claim`` as pending, reserving its URL, content hash and bands for this
        worker; :class:`ClaimLost` when another worker got there first."""
        self.membership.renew_if_due()
        fields = _band_fields(self.keys, claim.fingerprint.bands if claim.fingerprint else ())
        watched = [
            self.keys.pending(claim.canonical_url),
            self.keys.page(claim.canonical_url),
            self.keys.hash(claim.content_hash),
            *{key for key, _ in fields},
        ]
        self._transaction(watched, lambda pipe: self._begin(pipe, claim, output, offset, fields))

    def _begin(
        self, pipe: Pipeline, claim: Claim, output: str, offset: int, fields: list[BandField]
    ) -> None:
        keys, url = self.keys, claim.canonical_url
        reader = self._r.pipeline(transaction=False)
        reader.get(keys.pending(url))
        reader.get(keys.page(url))
        reader.get(keys.hash(claim.content_hash))
        for key, field in fields:
            reader.hget(key, field)
        pending_raw, page_raw, owner, *band_raw = reader.execute()
        pending = _json(pending_raw)
        if pending is not None and pending.get("owner") == self.worker:
            pending.update(output=output, offset=offset)  # the line moved: same claim
            pipe.multi()
            pipe.set(keys.pending(url), _dumps(pending))
            return
        bands = dict(zip(fields, band_raw, strict=True))
        near = self._near_conflict(claim, bands)
        lost = _lost_race(claim, pending, _json(page_raw), owner, near)
        if lost is not None:
            raise ClaimLost(lost)
        doc = int(self._r.incr(keys.next_doc)) if claim.fingerprint else None
        entry = self._pending_entry(claim, output, offset, doc)
        pipe.multi()
        pipe.set(keys.pending(url), _dumps(entry))
        pipe.sadd(keys.pendings, url)
        pipe.set(keys.hash(claim.content_hash), url)
        if claim.fingerprint is not None and doc is not None:
            fp = claim.fingerprint
            pipe.hset(keys.doc(doc), str(doc), DocEntry(url, fp.sketch, fp.bands).pack())
            for (key, field), ids in bands.items():
                pipe.hset(key, field, (ids or b"") + _DOC.pack(doc))

    def _near_conflict(
        self, claim: Claim, bands: dict[BandField, bytes | None]
    ) -> NearMatch | None:
        if claim.fingerprint is None:
            return None
        docs = self._read_docs({i for v in bands.values() for i in _doc_ids(v)})
        for match in _near_matches(claim.fingerprint, docs, self.threshold):
            if match.canonical_url != claim.canonical_url:
                return match
        return None

    def _pending_entry(
        self, claim: Claim, output: str, offset: int, doc: int | None
    ) -> dict[str, Any]:
        return {
            "owner": self.worker,
            "host": self.host,
            "url": claim.url,
            "fetch_key": claim.fetch_key,
            "content_hash": claim.content_hash,
            "version": claim.version,
            "seen_at": claim.seen_at,
            "etag": claim.validators.etag,
            "last_modified": claim.validators.last_modified,
            "output": output,
            "offset": offset,
            "doc": doc,
        }

    def commit(self, canonical_url: str) -> int:
        version = 0

        def settle(pipe: Pipeline) -> None:
            nonlocal version
            version = self._settle(pipe, url=canonical_url, emit=True, owner=self.worker)

        self._transaction([self.keys.pending(canonical_url)], settle)
        return version

    def _settle(self, pipe: Pipeline, *, url: str, emit: bool, owner: str | None) -> int:
        """Emit (``emit``) or forget the pending claim of ``url``, in one transaction
        with everything the change touches; returns the emitted version (0 otherwise)."""
        keys = self.keys
        pending = _json(pipe.get(keys.pending(url)))
        if pending is None or (owner is not None and pending.get("owner") != owner):
            if emit:
                raise StateError(f"state {keys.name}: no pending claim for {url}")
            pipe.multi()
            pipe.srem(keys.pendings, url)
            return 0
        _watch(pipe, keys.page(url))
        page = _json(pipe.get(keys.page(url)))
        plan = _SettlePlan(url, pending, page, emit)
        if plan.watched(keys):
            _watch(pipe, *plan.watched(keys))
        owners = {h: _text(o) if o else None for h, o in plan.read_owners(keys, pipe).items()}
        fields = plan.band_fields(keys, self._read_docs(plan.doc_ids()))
        if fields:
            _watch(pipe, *{key for key, _ in fields})
        band_values = self._read_bands(fields)
        pipe.multi()
        plan.write(keys, pipe, owners, band_values)
        return plan.version if emit else 0

    # --- reconciling ------------------------------------------------------------------

    def reconcile(self) -> Reconciled:
        """Resolve the pending claims of workers that are gone (their lease ran out) and
        stale ones of this worker id; claims of live workers are theirs to finish."""
        live = self.membership.live() - {self.worker}
        emitted = forgotten = 0
        for raw in self._r.smembers(self.keys.pendings):
            url = _text(raw)
            pending = _json(self._r.get(self.keys.pending(url)))
            if pending is None:
                self._r.srem(self.keys.pendings, url)
                continue
            owner = pending.get("owner")
            if owner in live:
                continue
            written = self._line_written(url, pending)
            settle = partial(self._settle, url=url, emit=written, owner=owner)
            self._transaction([self.keys.pending(url)], settle)
            emitted, forgotten = (emitted + 1, forgotten) if written else (emitted, forgotten + 1)
        if emitted or forgotten:
            logger.info(
                "state %(crawl)s: %(e)d pending records found written, %(f)d forgotten",
                {"crawl": self.keys.name, "e": emitted, "f": forgotten},
            )
        return Reconciled(emitted, forgotten)

    def _line_written(self, url: str, pending: dict[str, Any]) -> bool:
        path = Path(str(pending.get("output", "")))
        if pending.get("host") != self.host and not path.exists():
            logger.warning(
                "state %(crawl)s: %(url)s was being written to %(path)s on %(host)s, which"
                " this machine cannot read; forgotten (it may be emitted twice: merge keeps one)",
                {"crawl": self.keys.name, "url": url, "path": path, "host": pending.get("host")},
            )
            return False
        line = read_line_at(path, int(pending.get("offset") or 0))
        return _line_holds(line, url, str(pending.get("content_hash")))

    # --- transactions -----------------------------------------------------------------

    def _transaction(self, watched: list[str], body: Callable[[Pipeline], object]) -> None:
        """Run ``body`` under ``WATCH watched`` until its ``EXEC`` goes through."""
        with self._r.pipeline() as pipe:
            for _ in range(_MAX_RETRIES):
                try:
                    _watch(pipe, *watched)
                    body(pipe)
                    if pipe.explicit_transaction:
                        pipe.execute()
                    return
                except WatchError:
                    continue
                finally:
                    pipe.reset()
        raise StateError(f"state {self.keys.name}: too many concurrent writers, gave up")


#: What a page entry copies from the pending claim it was emitted from.
_PAGE_FIELDS: Final = (
    *("url", "fetch_key", "content_hash", "version", "etag", "last_modified"),
    *("output", "offset", "doc"),
)


@attrs.define
class _SettlePlan:
    """What emitting or forgetting one pending claim changes (see ``RedisStore._settle``)."""

    url: str
    pending: dict[str, Any]
    page: dict[str, Any] | None
    emit: bool

    @property
    def version(self) -> int:
        return int(self.pending["version"])

    @property
    def dropped_doc(self) -> int | None:
        """The doc id leaving the index: the old version's on emit, the claim's on forget."""
        old = self.page.get("doc") if self.page else None
        new = self.pending.get("doc")
        doc = old if self.emit else new
        if doc is None or (self.emit and old == new) or (not self.emit and new == old):
            return None
        return int(doc)

    @property
    def dropped_hash(self) -> str | None:
        """The content hash whose ownership ends: the old version's on emit, the claim's
        on forget (unless the page still has it)."""
        old = self.page.get("content_hash") if self.page else None
        new = str(self.pending["content_hash"])
        dropped = old if self.emit else new
        kept = new if self.emit else old
        return None if dropped is None or dropped == kept else str(dropped)

    def doc_ids(self) -> set[int]:
        return {self.dropped_doc} if self.dropped_doc is not None else set()

    def watched(self, keys: CrawlKeys) -> list[str]:
        found = [keys.hash(self.dropped_hash)] if self.dropped_hash else []
        if self.dropped_doc is not None:
            found.append(keys.doc(self.dropped_doc))
        return found

    def read_owners(self, keys: CrawlKeys, pipe: Pipeline) -> dict[str, Any]:
        if self.dropped_hash is None:
            return {}
        return {self.dropped_hash: pipe.get(keys.hash(self.dropped_hash))}

    def band_fields(self, keys: CrawlKeys, docs: dict[int, DocEntry]) -> list[BandField]:
        entry = docs.get(self.dropped_doc) if self.dropped_doc is not None else None
        return _band_fields(keys, entry.bands) if entry else []

    def write(
        self,
        keys: CrawlKeys,
        pipe: Pipeline,
        owners: dict[str, str | None],
        bands: dict[BandField, bytes | None],
    ) -> None:
        if self.emit:
            self._write_page(keys, pipe)
        for content_hash, owner in owners.items():
            if owner == self.url:
                pipe.delete(keys.hash(content_hash))
        if self.dropped_doc is not None:
            _unindex(keys, pipe, self.dropped_doc, bands)
        pipe.delete(keys.pending(self.url))
        pipe.srem(keys.pendings, self.url)

    def _write_page(self, keys: CrawlKeys, pipe: Pipeline) -> None:
        p, seen = self.pending, self.pending["seen_at"]
        first = self.page.get("first_seen", seen) if self.page else seen
        page = {k: p.get(k) for k in _PAGE_FIELDS}
        page.update(first_seen=first, last_seen=seen, last_emitted=seen)
        pipe.set(keys.page(self.url), _dumps(page))
        old_fetch = self.page.get("fetch_key") if self.page else None
        if old_fetch and old_fetch not in (self.url, p.get("fetch_key")):
            pipe.delete(keys.fetch(old_fetch))
        if p.get("fetch_key") and p["fetch_key"] != self.url:
            pipe.set(keys.fetch(p["fetch_key"]), self.url)
        if self.page is None:
            pipe.hincrby(keys.meta, "pages", 1)


def _watch(pipe: Pipeline, *keys: str) -> None:
    """``WATCH keys`` on a pipeline (redis-py leaves ``Pipeline.watch`` untyped)."""
    pipe.watch(*keys)  # type: ignore[no-untyped-call]


def _unindex(
    keys: CrawlKeys, pipe: Pipeline, doc: int, bands: dict[BandField, bytes | None]
) -> None:
    pipe.hdel(keys.doc(doc), str(doc))
    for (key, field), value in bands.items():
        rest = [i for i in _doc_ids(value) if i != doc]
        if rest:
            pipe.hset(key, field, _pack_ids(rest))
        else:
            pipe.hdel(key, field)


def _band_fields(keys: CrawlKeys, bands: Iterable[int]) -> list[BandField]:
    return [(keys.band(b), _BAND.pack(b)) for b in dict.fromkeys(bands)]


def _near_matches(
    fingerprint: Fingerprint, docs: dict[int, DocEntry], threshold: float
) -> list[NearMatch]:
    """Docs whose sketch reaches ``threshold`` similarity, most similar first (one match
    per URL)."""
    usable = [d for d in docs.values() if len(d.sketch) == len(fingerprint.sketch)]
    if not usable:
        return []
    sketches = np.stack([np.frombuffer(d.sketch, dtype=np.uint8) for d in usable])
    best: dict[str, float] = defaultdict(float)
    for entry, score in zip(usable, similarity(fingerprint.sketch, sketches), strict=True):
        if score >= threshold:
            best[entry.canonical_url] = max(best[entry.canonical_url], float(score))
    found = [NearMatch(canonical_url=u, similarity=s) for u, s in best.items()]
    return sorted(found, key=lambda m: (-m.similarity, m.canonical_url))


def _lost_race(
    claim: Claim,
    pending: dict[str, Any] | None,
    page: dict[str, Any] | None,
    hash_owner: Any,
    near: NearMatch | None,
) -> Reject | None:
    """Why ``claim`` cannot be emitted by this worker, or ``None`` when it can."""
    url = claim.canonical_url

    def lost(kept: str, detail: str) -> Reject:
        return Reject(url=claim.url, reason="duplicate", detail=detail, duplicate_of=kept)

    if pending is not None:
        return lost(url, "same canonical_url being written by another worker")
    if page is not None and int(page.get("version", 0)) >= claim.version:
        return lost(url, "same canonical_url emitted meanwhile by another worker")
    owner = _text(hash_owner) if hash_owner is not None else None
    if owner is not None and owner != url:
        return lost(owner, "same headline and body claimed by another worker")
    if near is not None:
        return lost(near.canonical_url, f"body {near.similarity:.0%} similar (another worker)")
    return None


def _line_holds(line: bytes | None, canonical_url: str, content_hash: str) -> bool:
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


def _page_state(canonical_url: str, page: dict[str, Any] | None) -> PageState | None:
    if page is None:
        return None
    return PageState(
        canonical_url=canonical_url,
        url=str(page["url"]),
        content_hash=str(page["content_hash"]),
        version=int(page["version"]),
        first_seen=str(page["first_seen"]),
        last_seen=str(page["last_seen"]),
        last_emitted=str(page["last_emitted"]),
        validators=Validators(etag=page.get("etag"), last_modified=page.get("last_modified")),
        output=page.get("output"),
        offset=page.get("offset"),
    )


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
