"""The one emission decision (newscrawl/dedup/emission.py), without Scrapy: this run's
memory, the state of earlier runs, and the two-phase write."""

from __future__ import annotations

import json

import pytest

from newscrawl.dedup.emission import Duplicate, Emission, Emit, Unchanged, write_claimed
from newscrawl.dedup.fingerprints import content_hash
from newscrawl.dedup.neardup import MinHasher
from newscrawl.items import Article
from newscrawl.state.sqlite_store import SQLiteStore
from newscrawl.state.store import Validators

BODY = " ".join(f"word{i}" for i in range(200))
SEEN = "2026-11-20T10:00:00+00:00"


def article(url: str, headline: str = "A headline", body: str = BODY) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        headline=headline,
        body=body,
        content_hash=content_hash(headline, body),
    )


@pytest.fixture
def store(tmp_path):
    opened = SQLiteStore.open(tmp_path / "state.sqlite")
    yield opened
    opened.close()


def test_in_one_run_the_first_article_is_kept():
    emission = Emission(MinHasher(), 0.8)
    first = emission.decide(article("https://ex.com/a"), SEEN)
    assert first == Emit("https://ex.com/a", content_hash("A headline", BODY), 1, first.fingerprint)
    assert first.fingerprint is not None
    assert not first.changed
    same_url = emission.decide(article("https://ex.com/a", "Another", "other words"), SEEN)
    assert same_url == Duplicate("url", "https://ex.com/a")
    assert same_url.detail == "same canonical_url already emitted"
    copy = emission.decide(article("https://ex.com/copy"), SEEN)
    assert (copy.kind, copy.kept, copy.detail) == (
        "content",
        "https://ex.com/a",
        "same headline and body already emitted",
    )
    near = emission.decide(article("https://ex.com/near", "New title", BODY + " (Reuters)"), SEEN)
    assert (near.kind, near.kept, near.earlier_run) == ("near", "https://ex.com/a", False)
    assert near.similarity is not None
    assert near.similarity >= 0.8
    assert near.detail == f"body {near.similarity:.0%} similar"


def test_without_a_hasher_near_copies_are_emitted():
    emission = Emission(None, 0.8)
    assert isinstance(emission.decide(article("https://ex.com/a"), SEEN), Emit)
    near = emission.decide(article("https://ex.com/b", "Other", BODY + " (AFP)"), SEEN)
    assert isinstance(near, Emit)
    assert near.fingerprint is None


def test_against_the_state_unchanged_changed_and_earlier_copies(tmp_path, store):
    out = tmp_path / "out.jsonl"
    first_run = Emission(MinHasher(), 0.8, store)
    kept = article("https://ex.com/a")
    emit = first_run.decide(kept, SEEN)
    assert isinstance(emit, Emit)
    claim = Emission.claim(kept, emit, "https://ex.com/a", SEEN, Validators(etag='"1"'))
    assert write_claimed(out, kept, claim, store) == 1
    assert json.loads(out.read_text("utf-8"))["url"] == "https://ex.com/a"
    later = "2026-11-21T10:00:00+00:00"
    second_run = Emission(MinHasher(), 0.8, store)
    assert second_run.decide(kept, later, Validators(etag='"2"')) == Unchanged(1)
    page = store.page("https://ex.com/a")
    assert (page.last_seen, page.validators.etag) == (later, '"2"')  # recorded at once
    copy = Emission(MinHasher(), 0.8, store).decide(article("https://ex.com/copy"), later)
    assert copy == Duplicate("content", "https://ex.com/a", earlier_run=True)
    assert copy.detail == "same content emitted in an earlier run"
    near = Emission(MinHasher(), 0.8, store).decide(
        article("https://ex.com/near", "Other", BODY + " (AP)"), later
    )
    assert (near.kind, near.kept, near.earlier_run) == ("near", "https://ex.com/a", True)
    assert near.detail.endswith("similar (earlier run)")
    edited = article("https://ex.com/a", "A headline", BODY + " An update at noon.")
    changed = Emission(MinHasher(), 0.8, store).decide(edited, later)
    assert isinstance(changed, Emit)
    assert (changed.version, changed.changed) == (2, True)
