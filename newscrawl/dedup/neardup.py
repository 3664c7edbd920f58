"""Near-duplicate detection: MinHash signatures of body word shingles, banded LSH.

A body becomes a :class:`Fingerprint` (LSH band keys and a 4-bit sketch of each MinHash
value); :class:`NearDupIndex` finds candidates by band key and scores them from the
sketches. Every hash derives from BLAKE2b of fixed strings, so fingerprints are stable
across runs and machines (docs/ARCHITECTURE.md, "Near-duplicates").
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import attrs
import numpy as np

from newscrawl.dedup.fingerprints import tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

DEFAULT_NUM_PERM = 128
DEFAULT_BANDS = 16
DEFAULT_SHINGLE_SIZE = 5
SKETCH_BITS = 4
#: Chance that two unrelated sketch values are equal.
_CHANCE = 1.0 / (1 << SKETCH_BITS)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_ROW_MUL = np.uint64(0x9E3779B97F4A7C15)
_SHINGLE_MUL = np.uint64(0x100000001B3)


def _constants(label: str, count: int) -> NDArray[np.uint64]:
    """``count`` fixed 64-bit constants derived from ``label`` (stable forever)."""
    data = b"".join(
        hashlib.blake2b(f"newscrawl/{label}/{i}".encode(), digest_size=8).digest()
        for i in range(count)
    )
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def _mix(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """A bijective 64-bit finalizer (splitmix64's), applied element-wise."""
    z = values ^ (values >> np.uint64(30))
    z = z * _MIX_1
    z = z ^ (z >> np.uint64(27))
    z = z * _MIX_2
    mixed: NDArray[np.uint64] = z ^ (z >> np.uint64(31))
    return mixed


#: Words whose hashes a :class:`MinHasher` keeps between bodies (about 7 MB when full;
#: the table is emptied when it fills). Words repeat across articles, so most are found.
WORD_CACHE_SIZE = 50_000


def token_hashes(words: Sequence[str], cache: dict[str, bytes] | None = None) -> NDArray[np.uint64]:
    """Stable 64-bit hashes of words; ``cache`` keeps them between calls."""
    known = {} if cache is None else cache
    for word in words:
        if word not in known:
            known[word] = hashlib.blake2b(word.encode(), digest_size=8).digest()
    return np.frombuffer(b"".join([known[w] for w in words]), dtype="<u8").astype(np.uint64)


def shingle_hashes(
    text: str, size: int = DEFAULT_SHINGLE_SIZE, cache: dict[str, bytes] | None = None
) -> NDArray[np.uint64]:
    """Hashes of the word ``size``-grams of ``text``, each once (the whole text as one
    shingle when shorter; empty for a text without words); ``cache`` as for
    :func:`token_hashes`.

    >>> len(shingle_hashes("a b c d e f", 5)), len(shingle_hashes("a b", 5))
    (2, 1)
    >>> bool((shingle_hashes("A b, c d e") == shingle_hashes("a b c d E")).all())
    True
    """
    return np.unique(_shingle_hashes(text, size, cache))


def _shingle_hashes(text: str, size: int, cache: dict[str, bytes] | None) -> NDArray[np.uint64]:
    """:func:`shingle_hashes` with repeats (a minimum does not need them removed)."""
    hashed = token_hashes(tokens(text), cache)
    if len(hashed) == 0:
        return hashed
    width = min(size, len(hashed))
    count = len(hashed) - width + 1
    combined = np.full(count, np.uint64(width), dtype=np.uint64)
    for offset in range(width):
        combined = combined * _SHINGLE_MUL + hashed[offset : offset + count]
    return _mix(combined)


@attrs.frozen
class Fingerprint:
    """What the near-duplicate index keeps of a body."""

    bands: tuple[int, ...]
    """One signed 64-bit key per LSH band (the band number is folded in)."""
    sketch: bytes
    """The low 4 bits of every MinHash value, packed two to a byte."""


class MinHasher:
    """MinHash signatures and LSH band keys with a fixed, documented layout."""

    def __init__(
        self,
        num_perm: int = DEFAULT_NUM_PERM,
        bands: int = DEFAULT_BANDS,
        shingle_size: int = DEFAULT_SHINGLE_SIZE,
    ) -> None:
        if num_perm <= 0 or bands <= 0 or num_perm % bands or num_perm % 2:
            raise ValueError(f"num_perm ({num_perm}) must be an even multiple of bands")
        if shingle_size <= 0:
            raise ValueError(f"shingle_size must be positive, not {shingle_size}")
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self.shingle_size = shingle_size
        self._mul = _constants("minhash/mul", num_perm) | np.uint64(1)
        self._add = _constants("minhash/add", num_perm)
        self._band_seed = _constants("band", bands)
        self._words: dict[str, bytes] = {}

    @property
    def layout(self) -> str:
        """The parameters a stored index depends on, as one comparable string."""
        return (
            f"minhash-v1 perm={self.num_perm} bands={self.bands} shingle={self.shingle_size}"
            f" sketch={SKETCH_BITS}"
        )

    @property
    def sketch_size(self) -> int:
        """Bytes per sketch."""
        return self.num_perm * SKETCH_BITS // 8

    def signature(self, hashes: NDArray[np.uint64]) -> NDArray[np.uint32]:
        """The MinHash signature of a non-empty set of 64-bit shingle hashes.

        Permutation ``i`` is multiply-shift hashing ``(a_i * x + b_i) mod 2**64 >> 32``;
        the shift is taken after the minimum (it keeps order, so the minimum is the same)
        and on ``num_perm`` values instead of ``num_perm * n``.
        """
        values = self._mul[:, None] * hashes[None, :]
        values += self._add[:, None]  # in place: one (num_perm, n) array, not three
        minima: NDArray[np.uint32] = (values.min(axis=1) >> np.uint64(32)).astype(np.uint32)
        return minima

    def signatures(self, hashes: NDArray[np.uint64]) -> NDArray[np.uint32]:
        """Signatures of many sets at once: ``hashes`` is ``(n, k)`` (pad a shorter set by
        repeating one of its hashes); returns ``(n, num_perm)``. Memory stays ``O(n * k)``."""
        out = np.empty((hashes.shape[0], self.num_perm), dtype=np.uint32)
        for perm in range(self.num_perm):
            values = hashes * self._mul[perm] + self._add[perm]
            out[:, perm] = values.min(axis=1) >> np.uint64(32)  # (see signature)
        return out

    def band_keys(self, signatures: NDArray[np.uint32]) -> NDArray[np.uint64]:
        """``(n, num_perm)`` signatures -> ``(n, bands)`` 64-bit band keys."""
        grouped = signatures.astype(np.uint64).reshape(-1, self.bands, self.rows)
        keys = np.broadcast_to(self._band_seed, grouped.shape[:2]).copy()
        for row in range(self.rows):
            keys = (keys ^ grouped[:, :, row]) * _ROW_MUL
        return _mix(keys)

    def fingerprint_of(self, signature: NDArray[np.uint32]) -> Fingerprint:
        keys = self.band_keys(signature[None, :])[0].view(np.int64)
        return Fingerprint(tuple(int(k) for k in keys), sketch_of(signature).tobytes())

    def fingerprint(self, text: str) -> Fingerprint | None:
        """The fingerprint of a body; ``None`` for a body without words."""
        if len(self._words) > WORD_CACHE_SIZE:
            self._words.clear()
        hashes = _shingle_hashes(text, self.shingle_size, self._words)
        if len(hashes) == 0:
            return None
        return self.fingerprint_of(self.signature(hashes))


def sketch_of(signatures: NDArray[np.uint32]) -> NDArray[np.uint8]:
    """Sketches of ``(..., num_perm)`` signatures: low 4 bits, two values per byte."""
    low = (signatures & np.uint32(0xF)).astype(np.uint8)
    packed: NDArray[np.uint8] = low[..., 0::2] | (low[..., 1::2] << np.uint8(4))
    return packed


def similarity(sketch: bytes, others: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Estimated Jaccard similarity of one sketch with each row of ``others``.

    >>> a = bytes(range(64))
    >>> float(similarity(a, np.frombuffer(a, np.uint8)[None, :])[0])
    1.0
    """
    mine = np.frombuffer(sketch, dtype=np.uint8)[None, :]
    nibble = np.uint8(0xF)
    low = (others & nibble) == (mine & nibble)
    high = (others >> np.uint8(4)) == (mine >> np.uint8(4))
    equal = (low.sum(axis=1) + high.sum(axis=1)) / (2 * others.shape[1])
    scores: NDArray[np.float64] = np.clip((equal - _CHANCE) / (1.0 - _CHANCE), 0.0, 1.0)
    return scores


class NearDupIndex:
    """An in-memory LSH index of fingerprints; ids are insertion numbers from 0.

    Per band the upper 32 bits of each key are kept in a sorted array (with the ids in a
    parallel array); new entries wait in a small buffer that is searched linearly and
    merged into the sorted arrays when full. A 32-bit key collision only adds a candidate,
    which the sketch comparison then rejects.
    """

    def __init__(
        self,
        bands: int = DEFAULT_BANDS,
        sketch_size: int = DEFAULT_NUM_PERM * SKETCH_BITS // 8,
        merge_at: int = 4096,
        chunk: int = 65536,
    ) -> None:
        self.bands = bands
        self.sketch_size = sketch_size
        self._merge_at = merge_at
        self._chunk = chunk
        self._keys = [np.empty(0, dtype=np.uint32) for _ in range(bands)]
        self._ids = [np.empty(0, dtype=np.uint32) for _ in range(bands)]
        self._buffer = np.empty((merge_at, bands), dtype=np.uint32)
        self._buffered = 0
        self._merged = 0
        self._sketches: list[NDArray[np.uint8]] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        """Bytes held in arrays (keys, ids, buffer, sketches)."""
        arrays: list[NDArray[np.generic]] = [*self._keys, *self._ids, *self._sketches]
        return self._buffer.nbytes + sum(a.nbytes for a in arrays)

    def add(self, fingerprint: Fingerprint) -> int:
        """Index a fingerprint; return its id."""
        keys = np.array(fingerprint.bands, dtype=np.int64).view(np.uint64)[None, :]
        sketch = np.frombuffer(fingerprint.sketch, dtype=np.uint8)[None, :]
        first = self._count
        self.add_arrays(keys, sketch)
        return first

    def add_arrays(self, keys: NDArray[np.uint64], sketches: NDArray[np.uint8]) -> None:
        """Index ``n`` fingerprints given as ``(n, bands)`` keys and ``(n, size)`` sketches.
        A block of at least ``merge_at`` rows is merged at once (bulk loading)."""
        self._store_sketches(sketches)
        upper = (keys >> np.uint64(32)).astype(np.uint32)
        if len(upper) >= self._merge_at:
            self._flush()
            self._merge(upper)
            return
        start = 0
        while start < len(upper):
            part = upper[start : start + self._merge_at - self._buffered]
            self._buffer[self._buffered : self._buffered + len(part)] = part
            self._buffered += len(part)
            start += len(part)
            if self._buffered == self._merge_at:
                self._flush()

    def _store_sketches(self, sketches: NDArray[np.uint8]) -> None:
        for row in sketches:
            slot = self._count % self._chunk
            if slot == 0:
                self._sketches.append(np.zeros((self._chunk, self.sketch_size), np.uint8))
            self._sketches[-1][slot] = row
            self._count += 1

    def _flush(self) -> None:
        if self._buffered:
            self._merge(self._buffer[: self._buffered])
            self._buffered = 0

    def _merge(self, block: NDArray[np.uint32]) -> None:
        """Merge ``(m, bands)`` keys of the ids following the merged ones into the arrays."""
        for band in range(self.bands):
            new = block[:, band]
            order = np.argsort(new, kind="stable")
            at = np.searchsorted(self._keys[band], new[order], side="right")
            self._keys[band] = np.insert(self._keys[band], at, new[order])
            ids = (order + self._merged).astype(np.uint32)
            self._ids[band] = np.insert(self._ids[band], at, ids)
        self._merged += len(block)

    def candidates(self, bands: Sequence[int]) -> set[int]:
        """Ids sharing at least one band key (upper 32 bits) with ``bands``."""
        query = (np.array(bands, dtype=np.int64).view(np.uint64) >> np.uint64(32)).astype(np.uint32)
        found: set[int] = set()
        for band, value in enumerate(query):
            keys = self._keys[band]
            at = int(keys.searchsorted(value))
            while at < len(keys) and keys[at] == value:
                found.add(int(self._ids[band][at]))
                at += 1
        if self._buffered:
            rows = np.nonzero((self._buffer[: self._buffered] == query[None, :]).any(axis=1))
            found.update(self._merged + int(r) for r in rows[0])
        return found

    def sketches(self, ids: Sequence[int]) -> NDArray[np.uint8]:
        """The sketches of ``ids``, one row each."""
        return np.stack([self._sketches[i // self._chunk][i % self._chunk] for i in ids])

    def query(self, fingerprint: Fingerprint, threshold: float) -> list[tuple[int, float]]:
        """Indexed ids whose estimated similarity reaches ``threshold``, most similar first."""
        ids = sorted(self.candidates(fingerprint.bands))
        if not ids:
            return []
        scores = similarity(fingerprint.sketch, self.sketches(ids))
        hits = [(i, float(s)) for i, s in zip(ids, scores, strict=True) if s >= threshold]
        return sorted(hits, key=lambda hit: -hit[1])
