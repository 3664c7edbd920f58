"""End-to-end crawl speed: ``newscrawl crawl`` over a generated local site, against the parser.

For each size (default 1,000 and 5,000 article pages) the site of ``bench/sitegen.py`` is
served from memory by a separate process on 127.0.0.1, measured alone first (keep-alive
clients hammering it, so we know it is not the bottleneck), then crawled by
``newscrawl crawl`` in a subprocess (spiders, parser, pipelines, output; robots.txt obeyed,
no politeness delay, no AutoThrottle, high concurrency) through its sitemap index and
feed. Then ``parse_article`` alone runs over the same page bytes in a fresh process.

Reported per size: pages/s (article pages / crawl time, spider open to close), CPU ms/page
of the crawler process (user+sys from ``wait4``, start-up included), its peak RSS, and the
RSS sampled as the output grows; the ratios end-to-end / parser-alone (wall-clock
throughput, and CPU per page, which shared machines disturb less); RSS growth from the
smallest to the largest run. Targets (issue #9): throughput >= 70% of the parser's, RSS
growth < 50 MB.

    python bench/crawl.py [--sizes 1000 5000] [--seed 1] [--concurrency 64]
                          [--json bench/results/crawl.json] [--profile N]

``--profile N`` crawls a site of N pages under py-spy instead (cProfile without it) and
prints the share of the time each component takes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench/ is importable from the repo root

from bench import sitegen

PYTHON = sys.executable
TICKS = os.sysconf("SC_CLK_TCK")
#: Settings of the benchmark crawl: no politeness delay, no AutoThrottle, robots obeyed.
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "ROBOTSTXT_OBEY": "True",
}
TARGET_RATIO = 0.70
TARGET_RSS_GROWTH_MB = 50.0


# --- the site server ---------------------------------------------------------------------


class SiteProcess:
    """``bench/sitegen.py serve`` in its own process; ``base`` once it is listening."""

    def __init__(self, pages: int, seed: int) -> None:
        command = [PYTHON, str(ROOT / "bench" / "sitegen.py"), "serve"]
        command += ["--pages", str(pages), "--seed", str(seed)]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.proc.kill()
            raise SystemExit(f"crawl.py: the site server did not start ({line!r})")
        self.port = int(line.split()[1])
        self.base = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure_server(site: SiteProcess, pages: int, seed: int, clients: int) -> dict[str, float]:
    """Requests/s the server answers alone (keep-alive, gzip) and its CPU ms per request."""
    import asyncio

    paths = [sitegen.article_spec(i, seed).path for i in range(min(pages, 2000))]
    seconds = 3.0
    cpu = site.cpu_seconds()
    done = asyncio.run(sitegen.load(site.port, paths, clients, seconds))
    cpu = site.cpu_seconds() - cpu
    return {
        "clients": clients,
        "requests_per_s": round(done / seconds, 1),
        "cpu_ms_per_request": round(cpu * 1000 / max(done, 1), 3),
    }


# --- the crawl ---------------------------------------------------------------------------


def crawl_settings(args: argparse.Namespace) -> dict[str, str]:
    """The benchmark's crawl settings plus the ``--set`` overrides."""
    settings = dict(CRAWL_SETTINGS)
    settings["CONCURRENT_REQUESTS"] = str(args.concurrency)
    settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = str(args.concurrency)
    settings.update(item.split("=", 1) for item in args.set)
    return settings


def crawl_command(base: str, output: Path, settings: dict[str, str]) -> list[str]:
    command = [PYTHON, "-m", "newscrawl", "crawl", f"{base}/sitemap_index.xml", f"{base}/feed.xml"]
    command += ["-o", str(output), "-q"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


class LineCounter:
    """Counts the lines of a file another process is appending to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0

    def update(self) -> int:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return 0
        self.offset += len(data)
        self.lines += data.count(b"\n")
        return self.lines


@dataclass(frozen=True)
class Sample:
    """One look at a running process: time, output lines, CPU, run-queue wait, RSS."""

    t: float
    lines: int
    cpu: float
    runq: float
    rss_mb: float


def runq_seconds(pid: int | str) -> float:
    """Seconds the process's main thread spent runnable but waiting for a CPU (other
    processes' fault, not ours) -- the second field of /proc/<pid>/schedstat."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def sample(pid: int, lines: int) -> Sample | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cpu, runq = proc_cpu_seconds(pid), runq_seconds(pid)
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    rss = next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0)
    return Sample(time.perf_counter(), lines, cpu, runq, rss / 1024)


def watch(proc: subprocess.Popen[bytes], output: Path) -> tuple[Any, list[Sample]]:
    """Wait for ``proc`` while sampling it every 50 ms; its ``wait4`` usage and the samples."""
    counter = LineCounter(output)
    samples: list[Sample] = []
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage, samples
        seen = sample(proc.pid, counter.update())
        if seen is not None:
            samples.append(seen)
        time.sleep(0.05)


def steady_state(samples: list[Sample], pages: int) -> dict[str, float]:
    """Figures between the first article written and the last (start-up, discovery and
    shutdown excluded): pages/s, pages/s on a free core (run-queue wait removed), CPU."""
    last = next((x for x in samples if x.lines >= pages), samples[-1])
    # a run too short to be seen mid-way is measured from the process start
    first = next((x for x in samples if 0 < x.lines < last.lines), samples[0])
    done = last.lines - first.lines
    if done <= 0:
        raise SystemExit("crawl.py: the crawl wrote no article")
    wall, cpu, runq = last.t - first.t, last.cpu - first.cpu, last.runq - first.runq
    return {
        "pages_per_s": round(done / wall, 1),
        "pages_per_s_free_core": round(done / (wall - runq), 1),
        "cpu_ms_per_page": round(cpu * 1000 / done, 2),
        "cpu_share": round(cpu / wall, 2),
    }


def rss_by_lines(samples: list[Sample], pages: int) -> dict[str, float]:
    """RSS (MB) when the output first held each fifth of the pages."""
    marks = {pages * k // 5 for k in range(1, 6)}
    out: dict[str, float] = {}
    for x in samples:
        for mark in sorted(marks):
            if x.lines >= mark and str(mark) not in out:
                out[str(mark)] = round(x.rss_mb, 1)
    return out


def run_crawl(
    site: SiteProcess, pages: int, settings: dict[str, str], workdir: Path
) -> dict[str, Any]:
    """One crawl of the served site; the figures of the run."""
    output = workdir / f"crawl-{pages}.jsonl"
    log = workdir / f"crawl-{pages}.log"
    server_cpu = site.cpu_seconds()
    started = time.perf_counter()
    with log.open("wb") as stderr:
        proc = subprocess.Popen(crawl_command(site.base, output, settings), stderr=stderr)
        usage, samples = watch(proc, output)
    wall = time.perf_counter() - started
    server_cpu = site.cpu_seconds() - server_cpu
    if proc.returncode != 0:
        raise SystemExit(f"crawl.py: the crawl failed:\n{log.read_text()[-2000:]}")
    stats = json.loads(output.with_suffix(".stats.json").read_text("utf-8"))
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "pages": pages,
        "articles_emitted": int(stats["articles_emitted"]),
        "requests": int(stats["pages_fetched"]),
        "rejects": stats["rejects"],
        "process_wall_s": round(wall, 2),
        "process_cpu_s": round(cpu, 2),
        "process_cpu_ms_per_page": round(cpu * 1000 / pages, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rss_mb_at_lines": rss_by_lines(samples, pages),
        "server_cpu_share": round(server_cpu / wall, 3),
        **steady_state(samples, pages),
    }


# --- the parser alone --------------------------------------------------------------------


def parse_alone(base: str, pages: int, seed: int) -> dict[str, float]:
    """``parse_article`` over the same page bytes, in a fresh process (``parse`` mode)."""
    command = [PYTHON, __file__, "parse", "--base", base, "--pages", str(pages)]
    command += ["--seed", str(seed)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def parse_mode(base: str, pages: int, seed: int) -> None:
    """Child process: time ``parse_article`` over every page, generated 250 at a time
    (generation untimed, so the pages never all sit in memory); print the figures."""
    import resource

    from newscrawl import parse_article

    logging.disable(logging.CRITICAL)
    site = sitegen.site_pages(base, pages, seed)
    first = list(itertools.islice(site, 250))
    for url, body in first[:20]:  # warm-up: lazy imports, caches
        parse_article(body, url)
    wall = cpu = runq = 0.0
    size = 0
    chunk = first
    while chunk:
        size += sum(len(body) for _, body in chunk)
        start = (time.perf_counter(), time.process_time(), runq_seconds("self"))
        for url, body in chunk:
            parse_article(body, url)
        wall += time.perf_counter() - start[0]
        cpu += time.process_time() - start[1]
        runq += runq_seconds("self") - start[2]
        chunk = list(itertools.islice(site, 250))
    result = {
        "pages": pages,
        "pages_per_s": round(pages / wall, 1),
        "pages_per_s_free_core": round(pages / (wall - runq), 1),
        "cpu_ms_per_page": round(cpu * 1000 / pages, 2),
        "cpu_share": round(cpu / wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "bytes_per_page": round(size / pages),
    }
    print(json.dumps(result))


# --- the benchmark -----------------------------------------------------------------------


def bench_size(pages: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    print(f"-- {pages} pages: building and serving the site", file=sys.stderr)
    site = SiteProcess(pages, args.seed)
    try:
        server = measure_server(site, pages, args.seed, args.concurrency)
        print(f"   server alone: {server['requests_per_s']:.0f} req/s", file=sys.stderr)
        run = run_crawl(site, pages, crawl_settings(args), workdir)
        print(f"   crawl: {run['pages_per_s_free_core']:.1f} pages/s", file=sys.stderr)
    finally:
        site.stop()
    parser = parse_alone(site.base, pages, args.seed)
    print(f"   parser alone: {parser['pages_per_s_free_core']:.1f} pages/s", file=sys.stderr)
    run["server_alone"] = server
    run["parser_alone"] = parser
    run["ratios"] = {
        "wall": round(run["pages_per_s"] / parser["pages_per_s"], 3),
        "free_core": round(run["pages_per_s_free_core"] / parser["pages_per_s_free_core"], 3),
        "cpu": round(parser["cpu_ms_per_page"] / run["cpu_ms_per_page"], 3),
    }
    if run["articles_emitted"] != pages:
        print(f"   WARNING: {run['articles_emitted']} articles emitted of {pages}", file=sys.stderr)
    return run


def summarise(runs: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    ratio = runs[-1]["ratios"]["free_core"]
    growth = runs[-1]["peak_rss_mb"] - runs[0]["peak_rss_mb"] if len(runs) > 1 else None
    return {
        "seed": args.seed,
        "settings": crawl_settings(args),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "rss_growth_mb": None if growth is None else round(growth, 1),
        "targets": {
            "throughput_ratio_min": TARGET_RATIO,
            "throughput_ratio": ratio,
            "throughput_met": ratio >= TARGET_RATIO,
            "rss_growth_mb_max": TARGET_RSS_GROWTH_MB,
            "rss_growth_met": None if growth is None else growth < TARGET_RSS_GROWTH_MB,
        },
    }


def print_table(result: dict[str, Any]) -> None:
    print(
        f"{'pages':>6} {'crawl p/s':>10} {'parser p/s':>10} {'ratio':>6} {'CPU ms/p':>9} "
        f"{'parser CPU':>10} {'peak RSS':>9} {'server req/s':>12}"
    )
    for run in result["runs"]:
        parser = run["parser_alone"]
        print(
            f"{run['pages']:>6} {run['pages_per_s_free_core']:>10.1f} "
            f"{parser['pages_per_s_free_core']:>10.1f} {run['ratios']['free_core']:>6.2f} "
            f"{run['cpu_ms_per_page']:>9.2f} {parser['cpu_ms_per_page']:>10.2f} "
            f"{run['peak_rss_mb']:>7.1f}MB {run['server_alone']['requests_per_s']:>12.0f}"
        )
    targets = result["targets"]
    print(
        "pages/s on a free core (run-queue wait removed); wall-clock figures in the JSON\n"
        f"throughput ratio {targets['throughput_ratio']:.2f} (target >= {TARGET_RATIO:.2f}); "
        f"RSS growth {result['rss_growth_mb']} MB (target < {TARGET_RSS_GROWTH_MB:.0f} MB)"
    )


# --- profiling ---------------------------------------------------------------------------


#: Components of a crawl, by a frame their stacks pass through (first match wins).
COMPONENTS = (
    ("parser (parse_page)", "parse_page (newscrawl/parsers/article.py"),
    # the rest of the article callback: mostly freeing the page's tree as parse_page returns
    (
        "spider callback (tree freed, checks)",
        "article_or_reject (newscrawl/spiders/newscrawl_spider.py",
    ),
    ("gzip inflate (GzipMiddleware)", "GzipMiddleware.process_response"),
    ("normalize pipeline", "NormalizePipeline.process_item"),
    ("validate pipeline", "ValidatePipeline.process_item"),
    ("dedup pipeline", "DedupPipeline.process_item"),
    ("output pipeline", "OutputPipeline.process_item"),
    ("run report", "newscrawl/extensions.py"),
    ("start-up imports", "_find_and_load"),
    ("idle worker threads", "Thread._bootstrap"),
)


def profile(pages: int, args: argparse.Namespace, workdir: Path) -> None:
    """Crawl a site of ``pages`` under py-spy (when installed; else cProfile) and print
    where the time goes."""
    site = SiteProcess(pages, args.seed)
    command = crawl_command(site.base, workdir / "profile.jsonl", crawl_settings(args))
    spy = shutil.which("py-spy", path=str(Path(PYTHON).parent)) or shutil.which("py-spy")
    prof = args.prof_file or workdir / ("crawl.txt" if spy else "crawl.prof")
    if spy:
        command = [spy, "record", "-r", "250", "-f", "raw", "-o", str(prof), "--", *command]
    else:
        command[1:1] = ["-m", "cProfile", "-o", str(prof)]
    try:
        subprocess.run(command, check=True, capture_output=bool(spy))
    finally:
        site.stop()
    if spy:
        print_components(prof)
    else:
        print_profile(prof, sys.stdout)


def print_components(path: Path) -> None:
    """Share of py-spy samples per component (``COMPONENTS``; the rest is Scrapy/Twisted)."""
    shares: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        name = next((n for n, frame in COMPONENTS if frame in stack), "Scrapy, Twisted, asyncio")
        shares[name] = shares.get(name, 0) + int(count)
        total += int(count)
    for name, count in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"{100 * count / total:5.1f}%  {name}")


def print_profile(path: Path, out: IO[str]) -> None:
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="bench", choices=("bench", "parse"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="crawl setting"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "crawl.json")
    parser.add_argument("--profile", type=int, metavar="N", help="profile a crawl of N pages")
    parser.add_argument("--prof-file", type=Path, help="with --profile: keep the profile")
    parser.add_argument("--base", help=argparse.SUPPRESS)  # parse mode: the site's base URL
    parser.add_argument("--pages", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode == "parse":
        parse_mode(args.base, args.pages, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
        if args.profile:
            profile(args.profile, args, Path(tmp))
            return
        runs = [bench_size(n, args, Path(tmp)) for n in sorted(args.sizes)]
    result = summarise(runs, args)
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
