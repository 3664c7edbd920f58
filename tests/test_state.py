"""The SQLite state store (newscrawl/state/): real files in tmp_path, no mocks."""

from __future__ import annotations

import json
import sqlite3

import pytest

from newscrawl.dedup.neardup import MinHasher
from newscrawl.errors import StateError
from newscrawl.extensions.state_extension import MAX_NOTED, StateExtension
from newscrawl.output.jsonl import append_line
from newscrawl.state.locations import check_location, open_store
from newscrawl.state.sqlite_store import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, read_line_at
from newscrawl.state.store import Claim, Validators

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64
BODY = " ".join(f"w{i}" for i in range(300))


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


def emit(store, out, c: Claim) -> int:
    """The output pipeline's protocol: pending, append, commit."""
    offset = out.stat().st_size if out.exists() else 0
    store.begin(c, str(out), offset)
    append_line(out, {"canonical_url": c.canonical_url, "content_hash": c.content_hash})
    return store.commit(c.canonical_url)


@pytest.fixture
def store(tmp_path):
    opened = SQLiteStore.open(tmp_path / "state.sqlite")
    yield opened
    opened.close()


def test_new_store_is_wal_and_current(tmp_path, store):
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert (tmp_path / "state.sqlite").is_file()


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
    bands = store._db.execute("SELECT count(*) FROM neardup_bands").fetchone()[0]
    assert bands == 16  # the old version's band keys were replaced


def test_near_duplicates_of_emitted_bodies(tmp_path, store):
    emit(store, tmp_path / "out.jsonl", claim())
    hasher = MinHasher()
    copy = hasher.fingerprint(BODY + " Reporting by our correspondent.")
    matches = store.near_duplicates(copy, 0.8)
    assert [m.canonical_url for m in matches] == ["https://ex.com/a"]
    assert matches[0].similarity > 0.9
    other = hasher.fingerprint(" ".join(f"x{i}" for i in range(300)))
    assert store.near_duplicates(other, 0.5) == []


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


def test_reconcile_keeps_written_lines_and_forgets_the_rest(tmp_path):
    path, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    store = SQLiteStore.open(path)
    written = claim("https://ex.com/written")
    store.begin(written, str(out), 0)
    append_line(out, {"canonical_url": written.canonical_url, "content_hash": HASH_A})
    torn = claim("https://ex.com/torn", HASH_B, body="")
    offset = out.stat().st_size
    store.begin(torn, str(out), offset)
    with out.open("ab") as handle:  # killed in the middle of the append
        handle.write(b'{"canonical_url": "https://ex.com/torn", "content')
    store.begin(claim("https://ex.com/never", "sha256:" + "c" * 64), str(out), out.stat().st_size)
    store.begin(claim("https://ex.com/gone", "sha256:" + "d" * 64), str(tmp_path / "no.jsonl"), 0)
    store.close()  # the run is killed here
    again = open_store(str(path))
    result = again.reconcile()
    assert (result.emitted, result.forgotten) == (1, 3)
    assert again.page("https://ex.com/written").version == 1
    assert again.near_duplicates(MinHasher().fingerprint(BODY), 0.8)
    for url in ("https://ex.com/torn", "https://ex.com/never", "https://ex.com/gone"):
        assert again.page(url) is None
    assert list(again.pending()) == []
    assert again.reconcile().emitted == 0
    again.close()


def test_reconcile_does_not_take_another_articles_line(tmp_path, store):
    out = tmp_path / "out.jsonl"
    append_line(out, {"canonical_url": "https://ex.com/other", "content_hash": HASH_A})
    store.begin(claim(), str(out), 0)
    assert store.reconcile().forgotten == 1


def test_read_line_at(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c"')
    assert read_line_at(out, 0) == b'{"a": 1}\n'
    assert read_line_at(out, 9) == b'{"b": 2}\n'
    assert read_line_at(out, 18) is None
    assert read_line_at(out, 999) is None
    assert read_line_at(tmp_path / "missing", 0) is None


def test_commit_without_a_pending_claim_is_an_error(store):
    with pytest.raises(StateError, match="no pending claim"):
        store.commit("https://ex.com/nothing")


def test_migration_from_schema_version_1(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute(
        "INSERT INTO pages VALUES ('https://ex.com/a', 'https://ex.com/a', ?, 3,"
        " '2023-01-01T00:00:00+00:00', '2023-01-02T00:00:00+00:00',"
        " '2023-01-02T00:00:00+00:00', '\"e\"', NULL)",
        (HASH_A,),
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = SQLiteStore.open(path)
    assert store.schema_version == SCHEMA_VERSION
    page = store.page("https://ex.com/a")
    assert (page.version, page.content_hash, page.validators.etag) == (3, HASH_A, '"e"')
    assert store.validators_for("https://ex.com/a") == Validators(etag='"e"')
    assert emit(store, tmp_path / "out.jsonl", claim(digest=HASH_B, version=4)) == 4
    store.close()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="newer than this newscrawl"):
        SQLiteStore.open(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "state.sqlite"
    path.write_text(json.dumps({"not": "sqlite"}) * 100)
    with pytest.raises(StateError, match="not a usable SQLite database"):
        SQLiteStore.open(path)


def test_an_unopenable_path_is_refused(tmp_path):
    with pytest.raises(StateError, match="state"):
        SQLiteStore.open(tmp_path)  # a directory


def test_state_survives_reopening(tmp_path):
    path = tmp_path / "sub" / "state.sqlite"
    first = open_store(str(path))
    emit(first, tmp_path / "out.jsonl", claim())
    first.close()
    second = open_store(str(path))
    assert second.page("https://ex.com/a").version == 1
    second.close()


@pytest.mark.parametrize("location", ["s3://bucket/key", "http://ex.com/state", " ", ""])
def test_locations_this_build_cannot_open(location):
    with pytest.raises(StateError):
        check_location(location)


def test_bulk_near_index(tmp_path, store):
    hasher = MinHasher()
    texts = [" ".join(f"t{n}w{i}" for i in range(60)) for n in range(50)]
    added = store.add_near_many(
        (f"https://ex.com/{n}", hasher.fingerprint(t)) for n, t in enumerate(texts)
    )
    assert added == 50
    hits = store.near_duplicates(hasher.fingerprint(texts[7] + " extra"), 0.8)
    assert [h.canonical_url for h in hits] == ["https://ex.com/7"]


def test_extension_lets_go_of_the_oldest_noted_validators(tmp_path):
    extension = StateExtension(str(tmp_path / "state.sqlite"))
    for n in range(MAX_NOTED + 1):
        extension.note_validators(f"https://ex.com/{n}", Validators(etag=str(n)))
    assert extension.take_validators("https://ex.com/0") == Validators()
    assert extension.take_validators(f"https://ex.com/{MAX_NOTED}") == Validators(
        etag=str(MAX_NOTED)
    )
    assert extension.take_validators(f"https://ex.com/{MAX_NOTED}") == Validators()


def test_extension_reconciles_on_first_use(tmp_path):
    path = tmp_path / "state.sqlite"
    store = SQLiteStore.open(path)
    store.begin(claim(), str(tmp_path / "missing.jsonl"), 0)
    store.close()
    extension = StateExtension(str(path))
    assert extension.store.page("https://ex.com/a") is None
    assert list(extension.store.pending()) == []
    extension.close()
    extension.close()
