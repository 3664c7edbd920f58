"""Distributed crawling: throughput of 1 vs 2 workers on one Redis, and Redis memory.

    python bench/distributed.py [--pages 480] [--latency 0.5] [--workers 1 2] [--repeats 2]
                                [--memory 20000 100000] [--json bench/results/distributed.json]

**Throughput.** The generated site of ``bench/sitegen.py`` (``--pages`` article pages, a
sitemap index, a feed) is written to a temp folder and served by
:class:`newscrawl.devtools.site_server.SiteServer` on 127.0.0.1 with every response held back
``--latency`` seconds, so the crawl is network-bound as against a real site. For each
worker count, that many ``newscrawl crawl SITEMAP --redis URL`` processes start at once
against a fresh ``redis-server`` (``--save "" --appendonly no``), each with the project's
per-site concurrency (``CONCURRENT_REQUESTS_PER_DOMAIN`` = 4; no politeness delay or
AutoThrottle, which would only slow both alike). The crawl time runs from the first
request the site sees to the moment the last of the ``--pages`` articles is written,
summed over the workers' outputs (process start-up and the idle timeout at the end are
not the crawl; they are reported apart as ``wall_s``). Throughput = articles / crawl
time; the figure is the ratio 2 workers / 1 worker (target >= 1.8), best of
``--repeats``. Every run also checks that the outputs together hold each article once.

**Memory.** Synthetic articles are stored the way a crawl stores them: first
``--memory-check`` of them through ``RedisStore.begin`` + ``commit`` (the crawl path,
whose rate is reported), then the same ones by a bulk writer (pipelined commands, no
transactions) whose keys and values must equal the crawl path's exactly; the bulk writer
then stores each ``--memory`` size N into an empty ``redis-server``, and ``INFO memory``
``used_memory`` before and after gives bytes per article, measured at 1,000,000 rather
than extrapolated: the band index and the content-hash owners live in fixed sets of
hashes (262,144 and 65,536), so the cost per article falls as they fill. Articles: ~85
character URLs; 1 in 5 fetched with tracking parameters, 1 in 10 under an AMP URL (an
extra ``fetch:`` key); all with an ETag, Last-Modified and a near-duplicate fingerprint.
The request dupefilter is measured the same way (N fingerprints).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench/ is importable from the repo root

from bench import sitegen
from newscrawl.dedup.neardup import Fingerprint, MinHasher, sketch_of
from newscrawl.devtools.site_server import SiteServer
from newscrawl.state.redis_store import INDEX_FORMAT, CrawlKeys, DocEntry, RedisStore, encode_page
from newscrawl.state.store import Claim, Validators

PYTHON = sys.executable
CRAWL = "www.example-news.com"
TARGET_RATIO = 1.8
IDLE_TIMEOUT = 2
WORKER_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "NEWSCRAWL_REDIS_POLL_INTERVAL": "0.2",
}


# --- a throwaway redis-server -------------------------------------------------------------


class Redis:
    """``redis-server`` on a free 127.0.0.1 port, nothing saved, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            sys.exit("bench/distributed.py needs redis-server (make services installs it)")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                *(executable, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url, socket_timeout=None)
        deadline = time.monotonic() + 15
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def pipe(self, commands: bytes) -> None:
        """Send commands in the Redis protocol through ``redis-cli --pipe``."""
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), "--pipe"],
            input=commands,
            capture_output=True,
            check=False,
        )
        if done.returncode != 0 or b"errors: 0," not in done.stdout:
            raise SystemExit(f"redis-cli --pipe failed: {done.stdout[-300:]!r}")

    def used_memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=10)


# --- throughput ---------------------------------------------------------------------------


def serve_site(folder: Path, pages: int, seed: int, latency: float) -> SiteServer:
    """The generated site written under ``folder`` and served with ``latency``."""
    folder.mkdir(parents=True, exist_ok=True)
    server = SiteServer(folder, delay=latency)
    files = sitegen.build_site(server.base_url, pages, seed)
    for path, body in files.items() if isinstance(files, dict) else files:
        target = folder / (path.lstrip("/") or "index.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return server.start()


def worker_command(start: str, redis_url: str, output: Path) -> list[str]:
    command = [PYTHON, "-m", "newscrawl", "crawl", start, "-o", str(output), "--quiet"]
    command += ["--redis", redis_url, "--idle-timeout", str(IDLE_TIMEOUT)]
    for name, value in WORKER_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return command


def count_lines(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.exists():
            total += path.read_bytes().count(b"\n")
    return total


def crawl_once(server: SiteServer, db: Redis, workers: int, pages: int, folder: Path) -> dict:
    """One fleet of ``workers`` processes crawling the whole site."""
    db.client.flushall()
    folder.mkdir(parents=True)
    outputs = [folder / f"w{i}.jsonl" for i in range(workers)]
    seen_before = len(server.requests)
    launched = time.perf_counter()
    procs = [
        subprocess.Popen(
            worker_command(server.url("/sitemap_index.xml"), db.url, out),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for out in outputs
    ]
    first = done = None
    while done is None:
        now = time.perf_counter()
        if first is None and len(server.requests) > seen_before:
            first = now
        if count_lines(outputs) >= pages:
            done = now
        elif all(p.poll() is not None for p in procs):
            break
        time.sleep(0.02)
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            raise SystemExit(f"worker failed: {err.decode(errors='replace')}")
    ended = time.perf_counter()
    per_worker = [count_lines([out]) for out in outputs]
    urls = [json.loads(line)["canonical_url"] for out in outputs for line in out.open("rb")]
    if done is None or first is None or len(urls) != len(set(urls)) or len(urls) != pages:
        raise SystemExit(f"the fleet did not emit each of {pages} articles once: {per_worker}")
    crawl_s = done - first
    return {
        "workers": workers,
        "crawl_s": round(crawl_s, 3),
        "articles_per_s": round(pages / crawl_s, 2),
        "per_worker": per_worker,
        "wall_s": round(ended - launched, 2),
    }


def bench_throughput(args: argparse.Namespace, db: Redis, tmp: Path) -> dict[str, Any]:
    server = serve_site(tmp / "site", args.pages, args.seed, args.latency)
    runs: list[dict[str, Any]] = []
    try:
        for repeat in range(args.repeats):
            for workers in args.workers:
                run = crawl_once(server, db, workers, args.pages, tmp / f"run-{repeat}-{workers}")
                runs.append(run)
                print(
                    f"  {workers} worker(s): {run['articles_per_s']:7.2f} articles/s"
                    f" (crawl {run['crawl_s']:.1f}s, per worker {run['per_worker']})",
                    file=sys.stderr,
                )
    finally:
        server.stop()
    best = {w: max(r["articles_per_s"] for r in runs if r["workers"] == w) for w in args.workers}
    base = best[args.workers[0]]
    return {
        "pages": args.pages,
        "latency_s": args.latency,
        "concurrency_per_worker": int(WORKER_SETTINGS["CONCURRENT_REQUESTS_PER_DOMAIN"]),
        "runs": runs,
        "best_articles_per_s": {str(w): v for w, v in best.items()},
        "speedup": {str(w): round(v / base, 3) for w, v in best.items()},
    }


# --- memory -------------------------------------------------------------------------------


def synthetic_claims(start: int, count: int, seed: int = 7) -> list[Claim]:
    """Claims ``start`` .. ``start + count - 1``, shaped like real ones (module docstring)."""
    rng = np.random.default_rng([seed, start])
    hasher = MinHasher()
    shingles = rng.integers(0, 2**63, size=(count, 64), dtype=np.uint64)
    signatures = hasher.signatures(shingles)
    # what MinHasher.fingerprint_of gives, for the whole batch at once
    band_keys = hasher.band_keys(signatures).view(np.int64)
    sketches = sketch_of(signatures)
    claims = []
    for n in range(count):
        i = start + n
        url = f"https://www.example-news.com/world/2024/05/{i % 28 + 1:02d}/"
        url += f"story-about-the-things-that-happened-today-number-{i:07d}/"
        fetched = url + "?utm_source=rss&utm_medium=feed" if i % 5 == 0 else url
        amp = url.replace("/world/", "/amp/world/") if i % 10 == 3 else url
        claims.append(
            Claim(
                canonical_url=url,
                url=amp if amp != url else fetched,
                fetch_key=amp,
                content_hash=f"sha256:{i:064x}",
                version=1,
                seen_at="2024-05-01T10:00:00+00:00",
                fingerprint=Fingerprint(tuple(band_keys[n].tolist()), sketches[n].tobytes()),
                validators=Validators(
                    etag=f'"{i:016x}-{i:08x}"', last_modified="Wed, 01 May 2024 10:00:00 GMT"
                ),
            )
        )
    return claims


def batches(total: int, size: int = 20_000):
    for start in range(0, total, size):
        yield synthetic_claims(start, min(size, total - start))


def store_through_crawl_path(url: str, total: int, output: str) -> float:
    """Emit ``total`` synthetic articles as a crawl does (begin + commit); claims/s."""
    store = RedisStore.open(f"{url}?crawl={CRAWL}", worker="bench")
    store.use_layout(MinHasher().layout)
    started = time.perf_counter()
    for batch in batches(total):
        for claim in batch:
            store.begin(claim, output, 0)
            store.commit(claim.canonical_url)
    elapsed = time.perf_counter() - started
    store.close()
    return total / elapsed


def _resp(*args: str | bytes) -> bytes:
    """One command in the Redis protocol (for ``redis-cli --pipe``)."""
    data = [a.encode() if isinstance(a, str) else a for a in args]
    return b"*%d\r\n" % len(data) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in data)


def store_in_bulk(db: Redis, total: int, output: str) -> None:
    """Write the state ``store_through_crawl_path`` leaves, through ``redis-cli --pipe``
    (Redis's mass insertion; redis-py's own command packing is too slow for a million
    articles). ``check_bulk`` compares the two."""
    keys = CrawlKeys(CRAWL)
    layout = f"{MinHasher().layout}; {INDEX_FORMAT}"
    doc = 0
    for batch in batches(total):
        commands: list[bytes] = []
        bands: dict[tuple[str, bytes], bytes] = {}
        for claim in batch:
            doc += 1
            url = claim.canonical_url
            assert claim.fingerprint is not None
            commands.append(
                _resp("SET", keys.page(url), encode_page(url, _page_of(claim, output, doc)))
            )
            if claim.fetch_key != url:
                commands.append(_resp("SET", keys.fetch(claim.fetch_key), url))
            commands.append(_resp("HSET", keys.hash(claim.content_hash), claim.content_hash, url))
            entry = DocEntry(url, claim.fingerprint.sketch).pack()
            commands.append(_resp("HSET", keys.doc(doc), str(doc), entry))
            for band in dict.fromkeys(claim.fingerprint.bands):
                field = keys.band(band)
                bands[field] = bands.get(field, b"") + doc.to_bytes(4, "little")
        # a band field shared by two batches is vanishingly rare (50-bit keys)
        commands.extend(_resp("HSET", key, field, ids) for (key, field), ids in bands.items())
        db.pipe(b"".join(commands))
    db.pipe(
        _resp("SET", keys.next_doc, str(doc))
        + _resp("HSET", keys.meta, "neardup_layout", layout, "pages", str(total))
    )


def _page_of(claim: Claim, output: str, doc: int) -> dict[str, Any]:
    return {
        "url": claim.url,
        "fetch_key": claim.fetch_key,
        "content_hash": claim.content_hash,
        "version": 1,
        "first_seen": claim.seen_at,
        "last_seen": claim.seen_at,
        "last_emitted": claim.seen_at,
        "etag": claim.validators.etag,
        "last_modified": claim.validators.last_modified,
        "output": output,
        "offset": 0,
        "doc": doc,
    }


def _contents(client: redis.Redis) -> dict[bytes, Any]:
    found: dict[bytes, Any] = {}
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        if kind == b"string":
            found[key] = client.get(key)
        elif kind == b"hash":
            found[key] = client.hgetall(key)
    return found


def check_bulk(db: Redis, total: int, output: str) -> float:
    """The crawl path and the bulk writer leave the same keys and values; claims/s of
    the crawl path."""
    db.client.flushall()
    rate = store_through_crawl_path(db.url, total, output)
    expected = _contents(db.client)
    db.client.flushall()
    store_in_bulk(db, total, output)
    if _contents(db.client) != expected:
        raise SystemExit("the bulk writer does not write what the store writes")
    return rate


def bench_memory(sizes: list[int], check: int, tmp: Path) -> dict[str, Any]:
    output = "/var/lib/newscrawl/output/worker-1.jsonl"  # named in the entries only
    db = Redis(tmp)
    results = []
    try:
        rate = check_bulk(db, check, output)
        print(f"  crawl path: {rate:.0f} claims/s; bulk writer checked at {check}", file=sys.stderr)
        for size in sizes:
            db.client.flushall()
            before = db.used_memory()
            store_in_bulk(db, size, output)
            state = db.used_memory() - before
            db.client.flushall()
            before = db.used_memory()
            for start in range(0, size, 50_000):
                pipe = db.client.pipeline(transaction=False)
                for i in range(start, min(size, start + 50_000)):
                    pipe.sadd(f"newscrawl:{CRAWL}:dupefilter", f"{i:040x}")
                pipe.execute()
            seen = db.used_memory() - before
            row = {
                "articles": size,
                "state_bytes_per_article": round(state / size),
                "state_mib_per_million": round(state / size * 1e6 / 2**20),
                "seen_bytes_per_request": round(seen / size),
                "seen_mib_per_million": round(seen / size * 1e6 / 2**20),
            }
            results.append(row)
            print(f"  {size} articles: {row}", file=sys.stderr)
    finally:
        db.stop()
    return {"crawl_path_claims_per_s": round(rate), "checked_at": check, "sizes": results}


# --- report ---------------------------------------------------------------------------------


def print_table(result: dict[str, Any]) -> None:
    thr = result["throughput"]
    print(f"\nThroughput: {thr['pages']} articles, {thr['latency_s']}s per response")
    print(f"{'workers':>8} {'articles/s':>11} {'speedup':>8}")
    for workers, value in thr["best_articles_per_s"].items():
        print(f"{workers:>8} {value:>11.2f} {thr['speedup'][workers]:>7.2f}x")
    verdict = "met" if result["target_met"] else "NOT met"
    print(f"target: 2 workers >= {TARGET_RATIO}x one ({verdict})")
    if result.get("memory"):
        memory = result["memory"]
        print(f"\nRedis memory (used_memory delta; {memory['crawl_path_claims_per_s']} claims/s)")
        print(f"{'articles':>9} {'B/article':>10} {'MiB per 1M':>10} {'dupefilter B/request':>21}")
        for row in memory["sizes"]:
            print(
                f"{row['articles']:>9} {row['state_bytes_per_article']:>10}"
                f" {row['state_mib_per_million']:>10} {row['seen_bytes_per_request']:>21}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=480)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--memory-check", type=int, default=3000)
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/distributed.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as name:
        tmp = Path(name)
        db = Redis(tmp)
        try:
            print("throughput:", file=sys.stderr)
            throughput = bench_throughput(args, db, tmp)
        finally:
            db.stop()
        print("memory:", file=sys.stderr)
        memory = bench_memory(args.memory, args.memory_check, tmp) if args.memory else None
    speedup = throughput["speedup"].get("2")
    result = {
        "benchmark": "distributed",
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
        "redis": _redis_version(),
        "throughput": throughput,
        "memory": memory,
        "target": f"2 workers >= {TARGET_RATIO}x 1 worker",
        "target_met": speedup is not None and speedup >= TARGET_RATIO,
    }
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"\nwrote {args.json}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


def _redis_version() -> str:
    out = subprocess.run(
        ["redis-server", "--version"], check=True, capture_output=True, text=True
    ).stdout
    return out.split("v=", 1)[-1].split()[0]


if __name__ == "__main__":
    main()
