"""What only the Redis state store has: namespaced keys, workers racing for one article,
claims of live workers, an index that drops old versions; against a real redis-server.

The behaviours both stores share are in ``test_store_contract.py``.
"""

from __future__ import annotations

import multiprocessing
import warnings

import pytest

from newscrawl.errors import StateError
from newscrawl.output.jsonl import append_line
from newscrawl.state.locations import check_location, open_store
from newscrawl.state.redis_store import CrawlKeys, RedisLocation, RedisStore
from newscrawl.state.store import Claim, ClaimLost
from tests.state.test_store_contract import (
    BODY,
    HASH_A,
    HASH_B,
    HASH_C,
    OTHER_BODY,
    claim,
    emit,
)


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


def test_old_versions_leave_the_near_duplicate_index(tmp_path, store, redis_client):
    out = tmp_path / "out.jsonl"
    emit(store, out, claim())
    edited = BODY + " and one more sentence added to the story."
    assert emit(store, out, claim(digest=HASH_B, version=2, body=edited)) == 2
    # the old version's doc left the near-duplicate index
    assert _doc_count(redis_client) == 1
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


def test_reconcile_leaves_live_workers_claims_alone(tmp_path, open_worker):
    out = tmp_path / "out.jsonl"
    busy = open_worker("busy")
    busy.begin(claim(), str(out), 0)
    other = open_worker("other")
    assert other.reconcile() == other.reconcile().__class__(0, 0)
    append_line(out, {"canonical_url": "https://ex.com/a", "content_hash": HASH_A})
    assert busy.commit("https://ex.com/a") == 1


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
