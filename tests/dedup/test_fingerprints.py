from __future__ import annotations

from newscrawl.dedup.fingerprints import content_hash, shingles, tokens


def test_content_hash_ignores_cosmetics():
    a = content_hash("Title", "One two.\n\nThree.")
    assert a == content_hash("  TITLE ", "one two. three.")
    assert a != content_hash("Title", "One two.\n\nFour.")
    assert len(a) == len("sha256:") + 64


def test_content_hash_is_stable_across_runs():
    # A fixed value guards against accidental changes of the normalisation
    # (a change would re-emit every article of every user's state store).
    import hashlib

    expected = "sha256:" + hashlib.sha256(b"title\nbody").hexdigest()
    assert content_hash("Title", "Body") == expected


def test_shingles():
    assert tokens("A, b! c") == ["a", "b", "c"]
    assert len(shingles("w1 w2 w3 w4 w5 w6", 5)) == 2
