"""What only the SQLite state store has: its file, schema migrations, bulk index loading.

The behaviours both stores share are in ``test_store_contract.py``.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from newscrawl.dedup.neardup import MinHasher
from newscrawl.errors import StateError
from newscrawl.state.sqlite_store import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, read_line_at
from newscrawl.state.store import Validators
from tests.state.test_store_contract import BODY, HASH_A, HASH_B, claim, emit


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


def test_a_changed_version_replaces_its_band_keys(tmp_path, store):
    out = tmp_path / "out.jsonl"
    emit(store, out, claim())
    edited = BODY + " and one more sentence added to the story."
    assert emit(store, out, claim(digest=HASH_B, version=2, body=edited)) == 2
    bands = store._db.execute("SELECT count(*) FROM neardup_bands").fetchone()[0]
    assert bands == 16  # the old version's band keys were replaced


def test_read_line_at(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c"')
    assert read_line_at(out, 0) == b'{"a": 1}\n'
    assert read_line_at(out, 9) == b'{"b": 2}\n'
    assert read_line_at(out, 18) is None
    assert read_line_at(out, 999) is None
    assert read_line_at(tmp_path / "missing", 0) is None


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


def test_bulk_near_index(tmp_path, store):
    hasher = MinHasher()
    texts = [" ".join(f"t{n}w{i}" for i in range(60)) for n in range(50)]
    added = store.add_near_many(
        (f"https://ex.com/{n}", hasher.fingerprint(t)) for n, t in enumerate(texts)
    )
    assert added == 50
    hits = store.near_duplicates(hasher.fingerprint(texts[7] + " extra"), 0.8)
    assert [h.canonical_url for h in hits] == ["https://ex.com/7"]
