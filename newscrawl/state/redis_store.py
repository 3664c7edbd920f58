"""The state store in Redis, shared by every worker of a distributed crawl (``--redis``).

Location: ``redis://HOST:PORT/DB?crawl=NAME`` (``rediss://``, ``unix://``; optional
``lease=SECONDS``). Every key of a crawl lives under ``newscrawl:<NAME>:``
(:class:`CrawlKeys`, which also names the fleet's keys). When two workers claim the same
article, :meth:`RedisStore.begin` decides under ``WATCH`` in one ``MULTI``/``EXEC``; the
loser gets :class:`~newscrawl.state.store.ClaimLost`. Keys and design:
docs/ARCHITECTURE.md ("Distributed mode").
"""

from __future__ import annotations

import hashlib
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

from newscrawl.dedup.neardup import Fingerprint, similarity
from newscrawl.errors import StateError
from newscrawl.record.rejects import Reject
from newscrawl.state.sqlite_store import read_line_at
from newscrawl.state.store import (
    ClaimLost,
    NearMatch,
    PageState,
    Reconciled,
    Validators,
    line_holds,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from redis.client import Pipeline

    from newscrawl.state.store import Claim

logger = logging.getLogger(__name__)

SCHEMES: Final = ("redis://", "rediss://", "unix://")
#: A crawl name: letters, digits and ``._+-`` (it is part of every key).
NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")
#: Seconds a worker stays "live" after its last renewal (``lease=`` in the location).
DEFAULT_LEASE: Final = 30.0
#: Band keys are spread over 2**BAND_BITS hashes; doc entries are grouped this many per
#: hash; content hashes over 65,536 hashes. Part of the index format (see INDEX_FORMAT).
BAND_BITS: Final = 18
DOCS_PER_BUCKET: Final = 128
#: Stored beside the MinHash layout: a store written in another format is re-indexed.
INDEX_FORMAT: Final = "redis-index-v2"
#: Near-duplicate threshold assumed until the pipeline has asked with its own.
DEFAULT_THRESHOLD: Final = 0.8
_MAX_RETRIES: Final = 50
_DOC: Final = struct.Struct("<I")
_DOC_HEADER: Final = struct.Struct("<H")

#: Where one LSH band key is indexed: (hash key, field).
BandField = tuple[str, bytes]

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
        """The hash holding the owner of ``content_hash`` (field: the content hash)."""
        bucket = hashlib.blake2b(content_hash.encode(), digest_size=2).hexdigest()
        return f"{self.prefix}hash:{bucket}"

    def pending(self, canonical_url: str) -> str:
        return f"{self.prefix}pending:{canonical_url}"

    def band(self, band_key: int) -> BandField:
        """The hash and field of an LSH band key (low 18 bits: the hash; the next 32: the
        field). A shorter key only adds candidates, which the sketch check turns down."""
        unsigned = band_key & 0xFFFF_FFFF_FFFF_FFFF
        bucket = unsigned & ((1 << BAND_BITS) - 1)
        field = _DOC.pack((unsigned >> BAND_BITS) & 0xFFFF_FFFF)
        return f"{self.prefix}nd:band:{bucket}", field

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
    """One body in the near-duplicate index: its sketch and whose it is."""

    canonical_url: str
    sketch: bytes

    def pack(self) -> bytes:
        return _DOC_HEADER.pack(len(self.sketch)) + self.sketch + self.canonical_url.encode()

    @classmethod
    def unpack(cls, data: bytes) -> DocEntry:
        (length,) = _DOC_HEADER.unpack_from(data)
        start = _DOC_HEADER.size
        url = data[start + length :].decode("utf-8")
        return cls(canonical_url=url, sketch=data[start : start + length])


def _doc_ids(value: bytes | None) -> list[int]:
    if not value:
        return []
    return [_DOC.unpack_from(value, i)[0] for i in range(0, len(value), _DOC.size)]


def _pack_ids(ids: Iterable[int]) -> bytes:
    return b"".join(_DOC.pack(i) for i in ids)


#: Page entry field -> its name in Redis (see :func:`encode_page`).
_PAGE_NAMES: Final = {
    "url": "u",
    "fetch_key": "k",
    "content_hash": "h",
    "version": "v",
    "first_seen": "f",
    "last_seen": "s",
    "last_emitted": "e",
    "etag": "t",
    "last_modified": "m",
    "output": "o",
    "offset": "n",
    "doc": "d",
}


def encode_page(canonical_url: str, page: dict[str, Any]) -> str:
    """A page entry as stored: one-letter names; ``None`` values, a ``url`` or
    ``fetch_key`` equal to the canonical URL, a ``last_emitted`` equal to ``first_seen``
    and a ``last_seen`` equal to ``last_emitted`` are left out.

    >>> encode_page("https://ex.com/a", {"url": "https://ex.com/a", "version": 2,
    ...     "first_seen": "2024-05-01", "last_emitted": "2024-05-01", "etag": None})
    '{"v":2,"f":"2024-05-01"}'
    """
    out: dict[str, Any] = {}
    for name, short in _PAGE_NAMES.items():
        value = page.get(name)
        implied = {
            "url": canonical_url,
            "fetch_key": canonical_url,
            "last_emitted": page.get("first_seen"),
            "last_seen": page.get("last_emitted"),
        }
        if value is None or (name in implied and value == implied[name]):
            continue
        out[short] = value
    return _dumps(out)


def decode_page(canonical_url: str, raw: Any) -> dict[str, Any] | None:
    """The page entry with full names and every field (the reverse of :func:`encode_page`)."""
    data = _json(raw)
    if data is None:
        return None
    page = {name: data.get(short) for name, short in _PAGE_NAMES.items()}
    page["url"] = page["url"] or canonical_url
    page["fetch_key"] = page["fetch_key"] or canonical_url
    page["last_emitted"] = page["last_emitted"] or page["first_seen"]
    page["last_seen"] = page["last_seen"] or page["last_emitted"]
    return page


class RedisStore:
    """:class:`~newscrawl.state.store.StateStore` in Redis; see the module docstring.

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
        raw = self._r.get(self.keys.page(canonical_url))
        return _page_state(canonical_url, decode_page(canonical_url, raw))

    def url_with_hash(self, content_hash: str) -> str | None:
        owner = self._r.hget(self.keys.hash(content_hash), content_hash)
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
        values = self._read_bands(self._band_fields(fingerprint))
        docs = self._read_docs({i for v in values.values() for i in _doc_ids(v)})
        return _near_matches(fingerprint, docs, threshold)

    def _band_fields(self, fingerprint: Fingerprint | None) -> list[BandField]:
        bands = fingerprint.bands if fingerprint is not None else ()
        return list(dict.fromkeys(self.keys.band(b) for b in bands))

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

    def adopt_layout(self, layout: str) -> bool:
        wanted = f"{layout}; {INDEX_FORMAT}"
        self._r.hsetnx(self.keys.meta, "neardup_layout", wanted)
        stored = self._r.hget(self.keys.meta, "neardup_layout")
        return stored is not None and _text(stored) == wanted

    def use_layout(self, layout: str) -> bool:
        """Record the near-duplicate ``layout`` (with this store's index format); a
        different stored one empties the index (with a warning) and gives ``False``."""
        wanted = f"{layout}; {INDEX_FORMAT}"
        stored = self._r.hget(self.keys.meta, "neardup_layout")
        if stored is not None and _text(stored) == wanted:
            return True
        removed = delete_matching(self._r, self.keys.near_pattern)
        self._r.hset(self.keys.meta, "neardup_layout", wanted)
        if removed:
            logger.warning(
                "state %(crawl)s: near-duplicate index built with %(old)s, not %(new)s; emptied",
                {"crawl": self.keys.name, "old": _text(stored) if stored else "?", "new": wanted},
            )
        return stored is None or not removed

    # --- writing ----------------------------------------------------------------------

    def mark_unchanged(self, key: str, seen_at: str, validators: Validators | None = None) -> bool:
        canonical = self._r.get(self.keys.fetch(key))
        url = _text(canonical) if canonical is not None else key
        if not self._r.exists(self.keys.page(url)):
            url = key
        changed = False

        def update(pipe: Pipeline) -> None:
            nonlocal changed
            page = decode_page(url, pipe.get(self.keys.page(url)))
            changed = page is not None
            if page is None:
                return
            page["last_seen"] = seen_at
            if validators:
                page["etag"], page["last_modified"] = validators.etag, validators.last_modified
            pipe.multi()
            pipe.set(self.keys.page(url), encode_page(url, page))

        self._transaction([self.keys.page(url)], update)
        return changed

    def begin(self, claim: Claim, output: str, offset: int) -> None:
        """Record ``claim`` as pending, reserving its URL, content hash and bands for this
        worker; :class:`ClaimLost` when another worker got there first."""
        self.membership.renew_if_due()
        fields = self._band_fields(claim.fingerprint)
        watched = [
            self.keys.pending(claim.canonical_url),
            self.keys.page(claim.canonical_url),
            self.keys.hash(claim.content_hash),
            *dict.fromkeys(key for key, _ in fields),
        ]
        self._transaction(watched, lambda pipe: self._begin(pipe, claim, output, offset, fields))

    def _begin(
        self, pipe: Pipeline, claim: Claim, output: str, offset: int, fields: list[BandField]
    ) -> None:
        keys, url = self.keys, claim.canonical_url
        reader = self._r.pipeline(transaction=False)
        reader.get(keys.pending(url))
        reader.get(keys.page(url))
        reader.hget(keys.hash(claim.content_hash), claim.content_hash)
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
        docs = self._read_docs({i for v in bands.values() for i in _doc_ids(v)})
        near = self._near_conflict(claim, docs)
        lost = _lost_race(claim, pending, decode_page(url, page_raw), owner, near)
        if lost is not None:
            raise ClaimLost(lost)
        doc = int(self._r.incr(keys.next_doc)) if claim.fingerprint else None
        pipe.multi()
        pipe.set(keys.pending(url), _dumps(self._pending_entry(claim, output, offset, doc)))
        pipe.sadd(keys.pendings, url)
        pipe.hset(keys.hash(claim.content_hash), claim.content_hash, url)
        if claim.fingerprint is not None and doc is not None:
            pipe.hset(keys.doc(doc), str(doc), DocEntry(url, claim.fingerprint.sketch).pack())
            for (key, field), value in bands.items():
                live = [i for i in _doc_ids(value) if i in docs]  # dropped docs pruned
                pipe.hset(key, field, _pack_ids([*live, doc]))

    def _near_conflict(self, claim: Claim, docs: dict[int, DocEntry]) -> NearMatch | None:
        if claim.fingerprint is None:
            return None
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
        plan = _SettlePlan(url, pending, decode_page(url, pipe.get(keys.page(url))), emit)
        owner_of_dropped = None
        if plan.dropped_hash is not None:
            _watch(pipe, keys.hash(plan.dropped_hash))
            found = pipe.hget(keys.hash(plan.dropped_hash), plan.dropped_hash)
            owner_of_dropped = _text(found) if found is not None else None
        pipe.multi()
        plan.write(keys, pipe, owner_of_dropped)
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
        return line_holds(line, url, str(pending.get("content_hash")))

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
        """The doc leaving the index: the old version's on emit, the claim's on forget."""
        old = self.page.get("doc") if self.page else None
        new = self.pending.get("doc")
        doc = old if self.emit else new
        return None if doc is None or old == new else int(doc)

    @property
    def dropped_hash(self) -> str | None:
        """The content hash whose ownership ends: the old version's on emit, the claim's
        on forget (unless the page still has it)."""
        old = self.page.get("content_hash") if self.page else None
        new = str(self.pending["content_hash"])
        dropped, kept = (old, new) if self.emit else (new, old)
        return None if dropped is None or dropped == kept else str(dropped)

    def write(self, keys: CrawlKeys, pipe: Pipeline, owner_of_dropped: str | None) -> None:
        if self.emit:
            self._write_page(keys, pipe)
        if self.dropped_hash is not None and owner_of_dropped == self.url:
            pipe.hdel(keys.hash(self.dropped_hash), self.dropped_hash)
        if self.dropped_doc is not None:
            pipe.hdel(keys.doc(self.dropped_doc), str(self.dropped_doc))
        pipe.delete(keys.pending(self.url))
        pipe.srem(keys.pendings, self.url)

    def _write_page(self, keys: CrawlKeys, pipe: Pipeline) -> None:
        p, seen = self.pending, self.pending["seen_at"]
        first = self.page.get("first_seen") or seen if self.page else seen
        page = {name: p.get(name) for name in _PAGE_NAMES}
        page.update(first_seen=first, last_seen=seen, last_emitted=seen)
        pipe.set(keys.page(self.url), encode_page(self.url, page))
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
    if page is not None and int(page.get("version") or 0) >= claim.version:
        return lost(url, "same canonical_url emitted meanwhile by another worker")
    owner = _text(hash_owner) if hash_owner is not None else None
    if owner is not None and owner != url:
        return lost(owner, "same headline and body claimed by another worker")
    if near is not None:
        return lost(near.canonical_url, f"body {near.similarity:.0%} similar (another worker)")
    return None


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
