"""Near-duplicate index at scale: insert N synthetic articles, then time single lookups.

    python bench/dedup.py                       # 1,000,000 articles; peer at 100,000
    python bench/dedup.py --n 200000 --peer-n 50000 --sqlite-n 0 --out /tmp/dedup.json

Each contender runs in its own subprocess so that its peak RSS (``ru_maxrss``) is its own:

- ``compact``: ``newscrawl.dedup.neardup.NearDupIndex`` (the in-run index of the dedup pipeline);
- ``sqlite``: the state store's near-duplicate tables (``SQLiteStore.near_duplicates``),
  which later runs query;
- ``datasketch``: ``datasketch.MinHashLSH`` with the same band layout (16 bands x 8 rows),
  the named peer, run at ``--peer-n`` (its memory grows far beyond the target at 1M) and
  compared with ``compact`` at the same size.

Synthetic articles are sets of 64 random 64-bit shingle hashes, generated in batches with
a fixed seed; their MinHash signatures are computed by ``MinHasher.signatures`` (the
pipeline's own code), so nothing of the index is faked. Queries: near copies of indexed
articles (4 of 64 shingles replaced: Jaccard 60/68 = 0.88) and fresh articles (no match
expected). Lookup time is per single query (fingerprint given), as the pipeline calls it,
as wall-clock time and as the thread's CPU time (on a shared machine a query preempted by
another process shows a scheduler time slice, ~4 ms, in the wall-clock tail only).
Targets (issue 5): peak RSS <= 400 MB and <= 1 ms per lookup at 1,000,000 articles.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.dedup.neardup import MinHasher, NearDupIndex, sketch_of

SHINGLES = 64
REPLACED = 4
BATCH = 8192
THRESHOLD = 0.8
SEED = 20240501
#: datasketch's name for 32-bit multiply-add permutations (our signatures are uint32).
SCHEME = "affine32"


def rss_mb() -> float:
    """Current resident set size (MB)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Synthetic:
    """Synthetic articles in batches (fixed seed) and the query signatures: near copies of
    ``queries // 2`` indexed articles and ``queries - queries // 2`` fresh ones."""

    def __init__(self, n: int, queries: int) -> None:
        self.n, self.count = n, queries
        self.hasher = MinHasher()
        self.picked = np.empty(0, dtype=np.int64)
        self.near = self.fresh = np.empty((0, self.hasher.num_perm), dtype=np.uint32)

    def batches(self):
        """Yield ``(first_id, signatures)``; the queries are ready after the last one."""
        rng = np.random.default_rng(SEED)
        self.picked = np.sort(rng.choice(self.n, size=self.count // 2, replace=False))
        copies = []
        for first in range(0, self.n, BATCH):
            size = min(BATCH, self.n - first)
            sets = rng.integers(0, 2**63, size=(size, SHINGLES), dtype=np.uint64)
            chosen = self.picked[(self.picked >= first) & (self.picked < first + size)] - first
            edited = sets[chosen].copy()
            edited[:, :REPLACED] = rng.integers(
                0, 2**63, size=(len(chosen), REPLACED), dtype=np.uint64
            )
            copies.append(edited)
            yield first, self.hasher.signatures(sets)
        fresh = rng.integers(
            0, 2**63, size=(self.count - len(self.picked), SHINGLES), dtype=np.uint64
        )
        self.near = self.hasher.signatures(np.concatenate(copies))
        self.fresh = self.hasher.signatures(fresh)


def timed_queries(data: Synthetic, lookup, prepare) -> dict:
    """Per-query times (ms) of ``lookup(prepare(signature))`` (preparing is not timed),
    recall on the near copies and the share of fresh articles with any hit."""
    times, cpu, found, false = [], [], 0, 0

    def one(sig):
        query = prepare(sig)
        start, start_cpu = time.perf_counter(), time.thread_time()
        hits = lookup(query)
        cpu.append((time.thread_time() - start_cpu) * 1e3)
        times.append((time.perf_counter() - start) * 1e3)
        return hits

    for expected, sig in zip(data.picked, data.near, strict=True):
        found += int(expected) in one(sig)
    for sig in data.fresh:
        false += bool(one(sig))
    t, c = np.array(times), np.array(cpu)
    return {
        "queries": len(t),
        "lookup_ms_mean": round(float(t.mean()), 4),
        "lookup_ms_median": round(float(np.median(t)), 4),
        "lookup_ms_p99": round(float(np.percentile(t, 99)), 4),
        "lookup_cpu_ms_mean": round(float(c.mean()), 4),
        "lookup_cpu_ms_p99": round(float(np.percentile(c, 99)), 4),
        "recall_near_copies": round(found / max(1, len(data.near)), 4),
        "false_hits_fresh": round(false / max(1, len(data.fresh)), 4),
    }


def worker_compact(n: int, queries: int) -> dict:
    data = Synthetic(n, queries)
    hasher = data.hasher
    index = NearDupIndex(hasher.bands, hasher.sketch_size)
    base, build, gen = rss_mb(), 0.0, time.perf_counter()
    for _first, sigs in data.batches():
        keys, sketches = hasher.band_keys(sigs), sketch_of(sigs)
        start = time.perf_counter()
        index.add_arrays(keys, sketches)
        build += time.perf_counter() - start
    total = time.perf_counter() - gen

    def lookup(fingerprint):
        return {doc for doc, _score in index.query(fingerprint, THRESHOLD)}

    result = timed_queries(data, lookup, hasher.fingerprint_of)
    single = _single_adds(index, hasher)
    return {**result, "insert_us_per_article_bulk": round(build / n * 1e6, 3),
            "insert_us_per_article_single": single, "index_mb": round(index.nbytes / 1e6, 1),
            "rss_before_mb": round(base, 1), "generate_and_insert_s": round(total, 1)}  # fmt: skip


def _single_adds(index: NearDupIndex, hasher: MinHasher, count: int = 5000) -> float:
    """Mean time of ``add`` one fingerprint at a time (how the pipeline inserts), in µs."""
    rng = np.random.default_rng(SEED + 1)
    sigs = hasher.signatures(rng.integers(0, 2**63, size=(count, SHINGLES), dtype=np.uint64))
    fingerprints = [hasher.fingerprint_of(s) for s in sigs]
    start = time.perf_counter()
    for fingerprint in fingerprints:
        index.add(fingerprint)
    return round((time.perf_counter() - start) / count * 1e6, 2)


def worker_datasketch(n: int, queries: int) -> dict:
    from datasketch import LeanMinHash, MinHashLSH

    data = Synthetic(n, queries)
    hasher = data.hasher
    lsh = MinHashLSH(num_perm=hasher.num_perm, params=(hasher.bands, hasher.rows))
    base, build = rss_mb(), 0.0
    for first, sigs in data.batches():
        start = time.perf_counter()
        with lsh.insertion_session() as session:
            for offset, row in enumerate(sigs):
                session.insert(
                    first + offset,
                    LeanMinHash(seed=1, hashvalues=row, scheme=SCHEME),
                    check_duplication=False,
                )
        build += time.perf_counter() - start

    def prepare(sig):
        return LeanMinHash(seed=1, hashvalues=sig, scheme=SCHEME)

    result = timed_queries(data, lambda query: set(lsh.query(query)), prepare)
    return {**result, "insert_us_per_article_bulk": round(build / n * 1e6, 3),
            "rss_before_mb": round(base, 1)}  # fmt: skip


def worker_sqlite(n: int, queries: int) -> dict:
    from newscrawl.state.sqlite_store import SQLiteStore

    data = Synthetic(n, queries)
    hasher = data.hasher
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as folder:
        store = SQLiteStore.open(Path(folder) / "state.sqlite")
        base, build = rss_mb(), 0.0
        for first, sigs in data.batches():
            fingerprints = [hasher.fingerprint_of(s) for s in sigs]
            start = time.perf_counter()
            store.add_near_many((str(first + i), f) for i, f in enumerate(fingerprints))
            build += time.perf_counter() - start

        def lookup(fingerprint):
            return {int(m.canonical_url) for m in store.near_duplicates(fingerprint, THRESHOLD)}

        result = timed_queries(data, lookup, hasher.fingerprint_of)
        size = (Path(folder) / "state.sqlite").stat().st_size
        store.close()
    return {**result, "insert_us_per_article_bulk": round(build / n * 1e6, 3),
            "file_mb": round(size / 1e6, 1), "rss_before_mb": round(base, 1)}  # fmt: skip


WORKERS = {"compact": worker_compact, "datasketch": worker_datasketch, "sqlite": worker_sqlite}


def run_worker(kind: str, n: int, queries: int) -> dict:
    """Run one contender in a fresh interpreter; its JSON result plus peak RSS."""
    command = [sys.executable, __file__, "--worker", kind, "--n", str(n), "--queries", str(queries)]
    print(f"running {kind} at n={n:,} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 1)
    print(f"  {kind} n={n:,}: {result}", file=sys.stderr, flush=True)
    return {"contender": kind, "n": n, **result}


def ratios(ours: dict, peer: dict) -> dict:
    return {
        "peak_rss_peer_over_compact": round(peer["peak_rss_mb"] / ours["peak_rss_mb"], 2),
        # CPU time: the wall-clock mean carries preemptions by other processes
        "lookup_cpu_mean_peer_over_compact": round(
            peer["lookup_cpu_ms_mean"] / ours["lookup_cpu_ms_mean"], 2
        ),
        "lookup_wall_mean_peer_over_compact": round(
            peer["lookup_ms_mean"] / ours["lookup_ms_mean"], 2
        ),
        "insert_peer_over_compact": round(
            peer["insert_us_per_article_bulk"] / ours["insert_us_per_article_bulk"], 2
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--peer-n", type=int, default=100_000)
    parser.add_argument("--sqlite-n", type=int, default=1_000_000, help="0 to skip")
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "dedup.json")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = WORKERS[args.worker](args.n, args.queries)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(result))
        return 0
    runs = [run_worker("compact", args.n, args.queries)]
    if args.sqlite_n:
        runs.append(run_worker("sqlite", args.sqlite_n, args.queries))
    small = run_worker("compact", args.peer_n, args.queries)
    peer = run_worker("datasketch", args.peer_n, args.queries)
    big = runs[0]
    report = {
        "bench": "near-duplicate index (bench/dedup.py)",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "layout": MinHasher().layout,
        "threshold": THRESHOLD,
        "targets": {"peak_rss_mb": 400, "lookup_ms": 1.0},
        "meets_targets": big["peak_rss_mb"] <= 400 and big["lookup_ms_mean"] <= 1.0,
        "runs": [*runs, small, peer],
        "peer_comparison": {"n": args.peer_n, **ratios(small, peer)},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
