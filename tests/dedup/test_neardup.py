"""Near-duplicate fingerprints and the in-memory LSH index (newscrawl/dedup/neardup.py)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from newscrawl.dedup import neardup
from newscrawl.dedup.fingerprints import shingles
from newscrawl.dedup.neardup import MinHasher, NearDupIndex, shingle_hashes, similarity, sketch_of

WORDS = [f"word{i}" for i in range(3000)]


def story(seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    sentences = []
    while words > 0:
        length = min(words, rng.randint(8, 20))
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(length)) + ".")
        words -= length
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def estimate(hasher: MinHasher, a: str, b: str) -> float:
    fa, fb = hasher.fingerprint(a), hasher.fingerprint(b)
    assert fa is not None
    assert fb is not None
    return float(similarity(fa.sketch, np.frombuffer(fb.sketch, np.uint8)[None, :])[0])


def test_fingerprints_are_stable_constants():
    # The state store keeps band keys across runs and machines: these values must never
    # change (a change needs a new MinHasher.layout).
    fingerprint = MinHasher().fingerprint("The quick brown fox jumps over the lazy dog again.")
    assert fingerprint is not None
    assert fingerprint.bands[:2] == (-8573721664808661342, -3194728869113331357)
    assert fingerprint.sketch[:4].hex() == "a4bdb7a8"
    assert MinHasher().layout == "minhash-v1 perm=128 bands=16 shingle=5 sketch=4"


def test_fingerprint_ignores_case_punctuation_and_layout():
    hasher = MinHasher()
    assert hasher.fingerprint("One two, three four five six.") == hasher.fingerprint(
        "one TWO three\n\nfour five six"
    )


def test_the_word_hash_cache_changes_no_fingerprint(monkeypatch):
    """A hasher keeps word hashes between bodies (bounded: emptied when it fills); the
    fingerprints equal those of a fresh hasher."""
    monkeypatch.setattr(neardup, "WORD_CACHE_SIZE", 1000)
    warm = MinHasher()
    sizes = []
    for seed in range(12):
        assert warm.fingerprint(story(seed)) == MinHasher().fingerprint(story(seed))
        sizes.append(len(warm._words))
    assert max(sizes) <= 1000 + 400  # one body past the bound at most
    assert sizes != sorted(sizes)  # it was emptied on the way


def test_empty_body_has_no_fingerprint():
    assert MinHasher().fingerprint(" ... ") is None
    assert len(shingle_hashes("")) == 0


@pytest.mark.parametrize(("num_perm", "bands", "shingle"), [(128, 12, 5), (0, 1, 5), (16, 4, 0)])
def test_bad_layout_is_refused(num_perm, bands, shingle):
    with pytest.raises(ValueError, match="must be"):
        MinHasher(num_perm, bands, shingle)


def test_estimate_tracks_true_jaccard():
    hasher = MinHasher()
    rng = random.Random(7)
    errors = []
    for seed in range(40):
        text = story(seed, 300)
        words = text.split()
        cut = rng.randint(0, 200)
        edited = " ".join(words[:cut] + words[cut + rng.randint(5, 90) :])
        errors.append(estimate(hasher, text, edited) - jaccard(text, edited))
    assert abs(float(np.mean(errors))) < 0.03
    assert max(abs(e) for e in errors) < 0.15


def test_wire_copy_with_a_line_added_is_similar_and_another_story_is_not():
    hasher = MinHasher()
    wire = story(1)
    copy = wire + "\n\nOur correspondent in the capital contributed to this report today."
    assert estimate(hasher, wire, copy) >= 0.9
    assert estimate(hasher, wire, story(2)) < 0.1


def test_index_finds_a_copy_among_many_and_survives_merges():
    hasher = MinHasher()
    index = NearDupIndex(merge_at=16)
    texts = [story(seed, 120) for seed in range(100)]
    ids = [index.add(hasher.fingerprint(t)) for t in texts]  # type: ignore[arg-type]
    assert ids == list(range(100))
    assert len(index) == 100
    for seed in (0, 15, 16, 50, 99):  # merged, buffer edge, buffered
        copy = hasher.fingerprint(texts[seed] + " Additional closing line of the copy.")
        assert copy is not None
        hits = index.query(copy, 0.8)
        assert hits
        assert hits[0][0] == seed
    fresh = hasher.fingerprint(story(1000, 120))
    assert fresh is not None
    assert index.query(fresh, 0.5) == []


def test_bulk_add_matches_one_by_one():
    hasher = MinHasher()
    sigs = hasher.signatures(np.arange(1, 301, dtype=np.uint64).reshape(30, 10) * 7919)
    keys = hasher.band_keys(sigs)
    bulk = NearDupIndex(merge_at=8, chunk=4)
    bulk.add_arrays(keys, sketch_of(sigs))
    single = NearDupIndex(merge_at=8, chunk=4)
    for sig in sigs:
        single.add(hasher.fingerprint_of(sig))
    for n, sig in enumerate(sigs):
        fingerprint = hasher.fingerprint_of(sig)
        assert bulk.query(fingerprint, 0.99) == single.query(fingerprint, 0.99) == [(n, 1.0)]
    assert len(bulk) == len(single) == 30
    assert bulk.nbytes > 0


def test_batch_signatures_equal_single_signatures():
    hasher = MinHasher()
    rows = np.array([[3, 5, 7, 7], [11, 13, 17, 19]], dtype=np.uint64)
    batch = hasher.signatures(rows)
    assert (batch[0] == hasher.signature(np.array([3, 5, 7], dtype=np.uint64))).all()
    assert (batch[1] == hasher.signature(rows[1])).all()
