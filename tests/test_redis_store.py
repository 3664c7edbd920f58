"""The Redis state store (newscrawl/state/redis_store.py) against a real redis-server.

The behaviours of the SQLite store's tests (emission, versions, validators, near-
duplicates, layout, reconcile), then what only a shared store has: namespaced keys,
workers racing for one article, and claims left behind by a worker that died.
"""

from __future__ import annotations

import multiprocessing
import warnings
from typing import TYPE_CHECKING

import pytest

from newscrawl.dedup.neardup import MinHasher
from newscrawl.errors import StateError
from newscrawl.output.jsonl import append_line
from newscrawl.state.locations import check_location, open_store
from newscrawl.state.redis_store import CrawlKeys, RedisLocation, RedisStore
from newscrawl.state.store import Claim, ClaimLost, Validators

if TYPE_CHECKING:
    from pathlib import Path

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64
HASH_C = "sha256:" + "c" * 64
BODY = " ".join(f"w{i}" for i in range(300))
OTHER_BODY = " ".join(f"x{i}" for i in range(300))


def claim(url="https://ex.com/a", digest=HASH_A, version=1, body=BODY, **kw) -> Claim:
    return Claim(
        canonical_url=url,
        url=kw.pop("fetched", url),
        fetch_key=kw.pop("fetch_key", url),
        content_hash=digest,
        version=version,
        seen_at=kw.pop("seen_at", "2024-05-01T10:00:00+00:00"),
        fingerprint=MinHasher().fingerprint(body) if body else None,
        **kw,
    )


def emit(store, out: Path, c: Claim) -> int:
    """The output pipeline's protocol: pending, append, commit."""
    offset = out.stat().st_size if out.exists() else 0
    store.begin(c, str(out), offset)
    append_line(out, {"canonical_url": c.canonical_url, "content_hash": c.content_hash})
    return store.commit(c.canonical_url)


def location(redis_url: str, crawl: str = "test") -> str:
    return f"{redis_url}?crawl={crawl}"


@pytest.fixture
def open_worker(redis_url):
    """Opens stores as named workers of crawl ``test``; closes them afterwards."""
    opened: list[RedisStore] = []

    def open_as(worker: str, crawl: str = "test") -> RedisStore:
        store = RedisStore.open(location(redis_url, crawl), worker=worker)
        opened.append(store)
        return store

    yield open_as
    for store in opened:
        store.close()


@pytest.fixture
def store(open_worker) -> RedisStore:
    return open_worker("w1")


# --- the StateStore behaviours -------------------------------------------------------------


def test_emitted_page_is_remembered(tmp_path, store):
    validators = Validators(etag='"v1"', last_modified="Wed, 01 May 2024 10:00:00 GMT")
    c = claim(
        fetched="https://ex.com/a?x=1", fetch_key="https://ex.com/a?x=1", validators=validators
    )
    assert emit(store, tmp_path / "out.jsonl", c) == 1
    page = store.page("https://ex.com/a")
    assert page is not None
    assert (page.version, page.content_hash, page.url) == (1, HASH_A, "https://ex.com/a?x=1")
    assert page.first_seen == page.last_seen == page.last_emitted == c.seen_at
    assert (page.output, page.offset) == (str(tmp_path / "out.jsonl"), 0)
    assert store.url_with_hash(HASH_A) == "https://ex.com/a"
    assert store.url_with_hash(HASH_B) is None
    assert store.validators_for("https://ex.com/a?x=1") == validators
    assert store.validators_for("https://ex.com/a") == validators
    assert store.validators_for("https://ex.com/other") is None
    assert store.page("https://ex.com/other") is None


def test_changed_version_and_unchanged_sighting(tmp_path, store, redis_client):
    out = tmp_path / "out.jsonl"
    emit(store, out, claim())
    assert store.mark_unchanged(
        "https://ex.com/a", "2024-05-02T00:00:00+00:00", Validators(etag="e2")
    )
    assert not store.mark_unchanged("https://ex.com/unknown", "2024-05-02T00:00:00+00:00")
    page = store.page("https://ex.com/a")
    assert page.last_seen == "2024-05-02T00:00:00+00:00"
    assert page.last_emitted == "2024-05-01T10:00:00+00:00"
    assert page.validators == Validators(etag="e2")
    edited = BODY + " and one more sentence added to the story."
    later = claim(digest=HASH_B, version=2, body=edited, seen_at="2024-05-03T00:00:00+00:00")
    assert emit(store, out, later) == 2
    page = store.page("https://ex.com/a")
    assert (page.version, page.content_hash, page.first_seen) == (
        2,
        HASH_B,
        "2024-05-01T10:00:00+00:00",
    )
    assert page.offset > 0
    assert store.url_with_hash(HASH_A) is None
    assert store.url_with_hash(HASH_B) == "https://ex.com/a"
    # the old version's doc left the near-duplicate index
    assert _doc_count(redis_client) == 1
    matches = store.near_duplicates(MinHasher().fingerprint(BODY), 0.5)
    assert [m.canonical_url for m in matches] == ["https://ex.com/a"]
    # its ids left in the band index are pruned when a claim rewrites those fields
    old_ids = _band_ids(redis_client)
    third = claim(digest=HASH_C, version=3, body=edited + " A third paragraph.")
    assert emit(store, out, third) == 3
    assert _doc_count(redis_client) == 1
    assert len(_band_ids(redis_client) - old_ids) == 1  # the third version's doc
    first_doc = min(old_ids)
    for band in third.fingerprint.bands:  # the fields the third claim rewrote
        key, field = store.keys.band(band)
        value = redis_client.hget(key, field)
        ids = {int.from_bytes(value[i : i + 4], "little") for i in range(0, len(value), 4)}
        assert first_doc not in ids


def _doc_count(client) -> int:
    pattern = CrawlKeys("test").prefix + "nd:doc:*"
    return sum(client.hlen(k) for k in client.scan_iter(pattern))


def _band_ids(client) -> set[int]:
    ids: set[int] = set()
    for key in client.scan_iter(CrawlKeys("test").prefix + "nd:band:*"):
        for value in client.hvals(key):
            ids.update(int.from_bytes(value[i : i + 4], "little") for i in range(0, len(value), 4))
    return ids


def test_mark_unchanged_by_fetch_key(tmp_path, store):
    c = claim(fetched="https://ex.com/a?p=1", fetch_key="https://ex.com/a?p=1")
    emit(store, tmp_path / "out.jsonl", c)
    assert store.mark_unchanged("https://ex.com/a?p=1", "2024-06-01T00:00:00+00:00")
    assert store.page("https://ex.com/a").last_seen == "2024-06-01T00:00:00+00:00"


def test_near_duplicates_of_emitted_bodies(tmp_path, store):
    emit(store, tmp_path / "out.jsonl", claim())
    hasher = MinHasher()
    copy = hasher.fingerprint(BODY + " Reporting by our correspondent.")
    matches = store.near_duplicates(copy, 0.8)
    assert [m.canonical_url for m in matches] == ["https://ex.com/a"]
    assert matches[0].similarity > 0.9
    assert store.near_duplicates(hasher.fingerprint(OTHER_BODY), 0.5) == []


def test_layout_change_empties_the_near_duplicate_index(tmp_path, store):
    layout = MinHasher().layout
    assert store.use_layout(layout)
    emit(store, tmp_path / "out.jsonl", claim())
    assert store.use_layout(layout)
    assert not store.use_layout(MinHasher(128, 32).layout)
    assert store.near_duplicates(MinHasher().fingerprint(BODY), 0.5) == []
    assert store.page("https://ex.com/a") is not None  # exact state is kept


def test_adopt_layout_never_empties_an_index(tmp_path, store):
    """A re-scrape adopts the default layout only where no other one is in use."""
    layout, other = MinHasher().layout, MinHasher(128, 32).layout
    assert store.adopt_layout(layout)  # none yet: recorded
    emit(store, tmp_path / "out.jsonl", claim())
    assert store.adopt_layout(layout)
    assert not store.adopt_layout(other)
    assert store.near_duplicates(MinHasher().fingerprint(BODY), 0.5) != []  # still there
    assert store.use_layout(layout)  # the recorded layout did not change


def test_claim_without_a_body_fingerprint(tmp_path, store):
    assert emit(store, tmp_path / "out.jsonl", claim(body="")) == 1
    assert store.url_with_hash(HASH_A) == "https://ex.com/a"


def test_commit_without_a_pending_claim_is_an_error(store):
    with pytest.raises(StateError, match="no pending claim"):
        store.commit("https://ex.com/nothing")


def test_state_survives_reopening(tmp_path, redis_url):
    first = open_store(location(redis_url))
    emit(first, tmp_path / "out.jsonl", claim())
    first.close()
    first.close()  # idempotent
    second = open_store(location(redis_url))
    assert second.page("https://ex.com/a").version == 1
    second.close()


def test_reconcile_keeps_written_lines_and_forgets_the_rest(tmp_path, open_worker, redis_client):
    out = tmp_path / "out.jsonl"
    dead = open_worker("dead")
    written = claim("https://ex.com/written")
    dead.begin(written, str(out), 0)
    append_line(out, {"canonical_url": written.canonical_url, "content_hash": HASH_A})
    torn = claim("https://ex.com/torn", HASH_B, body="")
    dead.begin(torn, str(out), out.stat().st_size)
    with out.open("ab") as handle:  # killed in the middle of the append
        handle.write(b'{"canonical_url": "https://ex.com/torn", "content')
    dead.begin(claim("https://ex.com/never", HASH_C, body=OTHER_BODY), str(out), 999)
    dead.begin(claim("https://ex.com/gone", "sha256:" + "d" * 64, body=""), str(tmp_path / "x"), 0)
    redis_client.zrem(CrawlKeys("test").workers, "dead")  # its lease ran out
    again = open_worker("next")
    result = again.reconcile()
    assert (result.emitted, result.forgotten) == (1, 3)
    assert again.page("https://ex.com/written").version == 1
    assert [m.canonical_url for m in again.near_duplicates(MinHasher().fingerprint(BODY), 0.8)] == [
        "https://ex.com/written"
    ]
    for url in ("https://ex.com/torn", "https://ex.com/never", "https://ex.com/gone"):
        assert again.page(url) is None
    # the forgotten claims released their content hashes and bands
    assert again.url_with_hash(HASH_B) is None
    assert again.url_with_hash(HASH_C) is None
    assert again.near_duplicates(MinHasher().fingerprint(OTHER_BODY), 0.5) == []
    assert redis_client.scard(CrawlKeys("test").pendings) == 0
    assert again.reconcile() == result.__class__(0, 0)
    # what was forgotten can be emitted now
    assert emit(again, out, claim("https://ex.com/never", HASH_C, body=OTHER_BODY)) == 1


def test_reconcile_leaves_live_workers_claims_alone(tmp_path, open_worker):
    out = tmp_path / "out.jsonl"
    busy = open_worker("busy")
    busy.begin(claim(), str(out), 0)
    other = open_worker("other")
    assert other.reconcile() == other.reconcile().__class__(0, 0)
    append_line(out, {"canonical_url": "https://ex.com/a", "content_hash": HASH_A})
    assert busy.commit("https://ex.com/a") == 1


def test_reconcile_does_not_take_another_articles_line(tmp_path, open_worker, redis_client):
    out = tmp_path / "out.jsonl"
    append_line(out, {"canonical_url": "https://ex.com/other", "content_hash": HASH_A})
    open_worker("dead").begin(claim(), str(out), 0)
    redis_client.zrem(CrawlKeys("test").workers, "dead")
    assert open_worker("next").reconcile().forgotten == 1


def test_a_new_version_forgotten_keeps_the_old_one(tmp_path, open_worker, redis_client):
    out = tmp_path / "out.jsonl"
    first = open_worker("first")
    emit(first, out, claim())
    first.begin(claim(digest=HASH_B, version=2, body=OTHER_BODY), str(out), 10_000)
    redis_client.zrem(CrawlKeys("test").workers, "first")
    second = open_worker("second")
    assert second.reconcile().forgotten == 1
    page = second.page("https://ex.com/a")
    assert (page.version, page.content_hash) == (1, HASH_A)
    assert second.url_with_hash(HASH_A) == "https://ex.com/a"
    assert second.url_with_hash(HASH_B) is None
    assert second.near_duplicates(MinHasher().fingerprint(BODY), 0.8)
    assert second.near_duplicates(MinHasher().fingerprint(OTHER_BODY), 0.8) == []


# --- locations and keys ----------------------------------------------------------------------


def test_every_key_is_namespaced_by_crawl(tmp_path, open_worker, redis_client):
    emit(open_worker("w", "one"), tmp_path / "a.jsonl", claim())
    emit(open_worker("w", "two"), tmp_path / "b.jsonl", claim())
    keys = {k.decode() for k in redis_client.scan_iter("*")}
    assert keys
    assert all(k.startswith(("newscrawl:one:", "newscrawl:two:")) for k in keys)
    assert open_worker("x", "three").page("https://ex.com/a") is None


def test_location_parsing():
    parsed = RedisLocation.parse("redis://h:1/3?crawl=site.example&lease=2.5&db=3")
    assert (parsed.crawl, parsed.lease, parsed.url) == ("site.example", 2.5, "redis://h:1/3?db=3")
    assert str(parsed) == "redis://h:1/3?db=3&crawl=site.example&lease=2.5"
    assert RedisLocation.parse("redis://h/0").crawl == "default"
    assert check_location(" redis://h/0?crawl=x ") == "redis://h/0?crawl=x"
    for bad, message in [
        ("redis://h/0?crawl=a/b", "crawl name"),
        ("redis://h/0?lease=soon", "lease must be a number"),
        ("redis://h/0?lease=0", "lease must be positive"),
    ]:
        with pytest.raises(StateError, match=message):
            check_location(bad)


def test_unreachable_redis_is_a_state_error():
    with pytest.raises(StateError, match=r"cannot reach Redis at redis://u:\*\*\*@127.0.0.1:9/0"):
        open_store("redis://u:secret@127.0.0.1:9/0?crawl=x")


# --- workers racing ---------------------------------------------------------------------------


def test_second_claim_of_one_url_loses(tmp_path, open_worker):
    a, b = open_worker("a"), open_worker("b")
    out_a, out_b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.begin(claim(), str(out_a), 0)
    with pytest.raises(ClaimLost) as lost:
        b.begin(claim(fetched="https://ex.com/a?utm_source=x"), str(out_b), 0)
    reject = lost.value.reject
    assert (reject.reason, reject.duplicate_of) == ("duplicate", "https://ex.com/a")
    assert reject.url == "https://ex.com/a?utm_source=x"
    append_line(out_a, {"canonical_url": "https://ex.com/a", "content_hash": HASH_A})
    assert a.commit("https://ex.com/a") == 1
    with pytest.raises(ClaimLost, match="emitted meanwhile"):
        b.begin(claim(), str(out_b), 0)  # b checked before a committed


def test_same_content_under_two_urls_is_claimed_once(tmp_path, open_worker):
    a, b = open_worker("a"), open_worker("b")
    a.begin(claim("https://ex.com/a"), str(tmp_path / "a.jsonl"), 0)
    with pytest.raises(ClaimLost) as lost:
        b.begin(claim("https://ex.com/copy"), str(tmp_path / "b.jsonl"), 0)
    assert lost.value.reject.duplicate_of == "https://ex.com/a"
    assert "claimed by another worker" in lost.value.reject.detail


def test_near_duplicate_bodies_are_claimed_once(tmp_path, open_worker):
    a, b = open_worker("a"), open_worker("b")
    a.begin(claim("https://ex.com/a"), str(tmp_path / "a.jsonl"), 0)
    edited = claim("https://ex.com/syndicated", HASH_B, body=BODY + " (Reuters)")
    with pytest.raises(ClaimLost) as lost:
        b.begin(edited, str(tmp_path / "b.jsonl"), 0)
    assert lost.value.reject.duplicate_of == "https://ex.com/a"
    assert "similar" in lost.value.reject.detail
    # an unrelated body is no conflict
    b.begin(claim("https://ex.com/b", HASH_C, body=OTHER_BODY), str(tmp_path / "b.jsonl"), 0)


def test_a_worker_may_move_its_own_claim(tmp_path, store):
    out = tmp_path / "out.jsonl"
    store.begin(claim(), str(out), 0)
    store.begin(claim(), str(out), 40)  # another writer appended first: the line moved
    out.write_bytes(b"x" * 39 + b"\n")
    append_line(out, {"canonical_url": "https://ex.com/a", "content_hash": HASH_A})
    assert store.commit("https://ex.com/a") == 1
    assert store.page("https://ex.com/a").offset == 40


class _Interleaved(RedisStore):
    """A store whose first claim is overtaken by ``rival`` between its reads and EXEC."""

    rival: tuple[RedisStore, Claim, str] | None = None

    def _near_conflict(self, claim, docs):
        if self.rival is not None:
            store, rival_claim, out = self.rival
            self.rival = None
            store.begin(rival_claim, out, 0)
        return super()._near_conflict(claim, docs)


def test_a_claim_overtaken_after_its_reads_is_retried_and_lost(tmp_path, redis_url, open_worker):
    winner = open_worker("winner")
    loser = _Interleaved.open(location(redis_url), worker="loser")
    try:
        loser.rival = (winner, claim("https://ex.com/copy"), str(tmp_path / "w.jsonl"))
        with pytest.raises(ClaimLost) as lost:
            loser.begin(claim("https://ex.com/a"), str(tmp_path / "l.jsonl"), 0)
        assert lost.value.reject.duplicate_of == "https://ex.com/copy"
    finally:
        loser.close()


def _race(url: str, worker: str, out: str, count: int, queue) -> None:
    store = RedisStore.open(url, worker=worker)
    won = []
    for n in range(count):
        body = " ".join(f"r{n}w{i}" for i in range(60))
        c = claim(f"https://ex.com/{n}", f"sha256:{n:064x}", body=body)
        try:
            store.begin(c, out, 0)
        except ClaimLost:
            continue
        store.commit(c.canonical_url)
        won.append(n)
    store.close()
    queue.put((worker, won))


def test_racing_processes_emit_each_article_once(tmp_path, redis_url):
    """Four processes claim the same 60 articles at the same time: each is won once."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(
            target=_race, args=(location(redis_url), f"p{i}", str(tmp_path / f"{i}"), 60, queue)
        )
        for i in range(4)
    ]
    with warnings.catch_warnings():
        # Python >= 3.12 warns about fork() in a process with threads (a test server's);
        # the children only use Redis and the store, which they open themselves
        warnings.simplefilter("ignore", DeprecationWarning)
        for process in workers:
            process.start()
    results = dict(queue.get(timeout=30) for _ in workers)
    for process in workers:
        process.join(timeout=30)
        assert process.exitcode == 0
    won = [n for numbers in results.values() for n in numbers]
    assert sorted(won) == list(range(60))
