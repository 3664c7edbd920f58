"""The state store contract, run against both stores: SQLite (a file in tmp_path) and
Redis (a throwaway local redis-server; under ``CI=true`` these fail when it is missing).

What only one store has is in ``test_sqlite_store.py`` and ``test_redis_store.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from newscrawl.dedup.neardup import MinHasher
from newscrawl.errors import StateError
from newscrawl.output.jsonl import append_line
from newscrawl.state.locations import open_store
from newscrawl.state.redis_store import CrawlKeys, RedisStore
from newscrawl.state.sqlite_store import SQLiteStore
from newscrawl.state.store import Claim, Reconciled, Validators

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from newscrawl.state.store import StateStore

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


def emit(store: StateStore, out: Path, c: Claim) -> int:
    """The output pipeline's protocol: pending, append, commit."""
    offset = out.stat().st_size if out.exists() else 0
    store.begin(c, str(out), offset)
    append_line(out, {"canonical_url": c.canonical_url, "content_hash": c.content_hash})
    return store.commit(c.canonical_url)


class Backend:
    """One kind of store: how to open it (as a named worker), and how its writer dies."""

    def __init__(self, kind: str, location: str, client=None) -> None:
        self.kind = kind
        self.location = location
        self.client = client
        self.opened: list[StateStore] = []

    def open(self, worker: str = "w1") -> StateStore:
        if self.kind == "redis":
            store: StateStore = RedisStore.open(self.location, worker=worker)
        else:
            store = SQLiteStore.open(self.location)
        self.opened.append(store)
        return store

    def kill(self, store: StateStore, worker: str) -> None:
        """The writer dies: its file handle goes, or its lease runs out."""
        if self.kind == "redis":
            self.client.zrem(CrawlKeys("test").workers, worker)
        else:
            store.close()

    def pending(self, store: StateStore) -> int:
        if self.kind == "redis":
            return int(self.client.scard(CrawlKeys("test").pendings))
        assert isinstance(store, SQLiteStore)
        return len(list(store.pending()))

    def close_all(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path) -> Iterator[Backend]:
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        chosen = Backend("redis", f"{url}?crawl=test", request.getfixturevalue("redis_client"))
    else:
        chosen = Backend("sqlite", str(tmp_path / "sub" / "state.sqlite"))
    yield chosen
    chosen.close_all()


@pytest.fixture
def store(backend) -> StateStore:
    return backend.open()


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
    assert store.validators_for("https://ex.com/a") == validators  # by canonical URL too
    assert store.validators_for("https://ex.com/other") is None
    assert store.page("https://ex.com/other") is None


def test_changed_version_and_unchanged_sighting(tmp_path, store):
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
    matches = store.near_duplicates(MinHasher().fingerprint(BODY), 0.5)
    assert [m.canonical_url for m in matches] == ["https://ex.com/a"]


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


def test_a_writer_may_move_its_own_claim(tmp_path, store):
    out = tmp_path / "out.jsonl"
    store.begin(claim(), str(out), 0)
    store.begin(claim(), str(out), 40)  # another writer appended first: the line moved
    out.write_bytes(b"x" * 39 + b"\n")
    append_line(out, {"canonical_url": "https://ex.com/a", "content_hash": HASH_A})
    assert store.commit("https://ex.com/a") == 1
    assert store.page("https://ex.com/a").offset == 40


def test_state_survives_reopening(tmp_path, backend):
    first = open_store(backend.location)
    emit(first, tmp_path / "out.jsonl", claim())
    first.close()
    first.close()  # idempotent
    second = open_store(backend.location)
    assert second.page("https://ex.com/a").version == 1
    second.close()


def test_reconcile_keeps_written_lines_and_forgets_the_rest(tmp_path, backend):
    out = tmp_path / "out.jsonl"
    dead = backend.open("dead")
    written = claim("https://ex.com/written")
    dead.begin(written, str(out), 0)
    append_line(out, {"canonical_url": written.canonical_url, "content_hash": HASH_A})
    torn = claim("https://ex.com/torn", HASH_B, body="")
    dead.begin(torn, str(out), out.stat().st_size)
    with out.open("ab") as handle:  # killed in the middle of the append
        handle.write(b'{"canonical_url": "https://ex.com/torn", "content')
    dead.begin(claim("https://ex.com/never", HASH_C, body=OTHER_BODY), str(out), 999)
    dead.begin(claim("https://ex.com/gone", "sha256:" + "d" * 64, body=""), str(tmp_path / "x"), 0)
    backend.kill(dead, "dead")
    again = backend.open("next")
    result = again.reconcile()
    assert (result.emitted, result.forgotten) == (1, 3)
    assert again.page("https://ex.com/written").version == 1
    near = again.near_duplicates(MinHasher().fingerprint(BODY), 0.8)
    assert [m.canonical_url for m in near] == ["https://ex.com/written"]
    for url in ("https://ex.com/torn", "https://ex.com/never", "https://ex.com/gone"):
        assert again.page(url) is None
    # the forgotten claims released their content hashes and bands
    assert again.url_with_hash(HASH_B) is None
    assert again.url_with_hash(HASH_C) is None
    assert again.near_duplicates(MinHasher().fingerprint(OTHER_BODY), 0.5) == []
    assert backend.pending(again) == 0
    assert again.reconcile() == Reconciled(0, 0)
    # what was forgotten can be emitted now
    assert emit(again, out, claim("https://ex.com/never", HASH_C, body=OTHER_BODY)) == 1


def test_reconcile_does_not_take_another_articles_line(tmp_path, backend):
    out = tmp_path / "out.jsonl"
    append_line(out, {"canonical_url": "https://ex.com/other", "content_hash": HASH_A})
    dead = backend.open("dead")
    dead.begin(claim(), str(out), 0)
    backend.kill(dead, "dead")
    assert backend.open("next").reconcile().forgotten == 1


def test_a_new_version_forgotten_keeps_the_old_one(tmp_path, backend):
    out = tmp_path / "out.jsonl"
    first = backend.open("first")
    emit(first, out, claim())
    first.begin(claim(digest=HASH_B, version=2, body=OTHER_BODY), str(out), 10_000)
    backend.kill(first, "first")
    second = backend.open("second")
    assert second.reconcile().forgotten == 1
    page = second.page("https://ex.com/a")
    assert (page.version, page.content_hash) == (1, HASH_A)
    assert second.url_with_hash(HASH_A) == "https://ex.com/a"
    assert second.url_with_hash(HASH_B) is None
    assert second.near_duplicates(MinHasher().fingerprint(BODY), 0.8)
    assert second.near_duplicates(MinHasher().fingerprint(OTHER_BODY), 0.8) == []
