"""Parser speed: newscrawl vs trafilatura vs newspaper4k over the fundus pages, side by side.

Passes alternate between the tools inside one process so machine noise hits all of them alike;
the figures that matter are the ratios. ``lxml.html.fromstring`` over the same pages is the floor.
Each tool first runs one pass unmeasured (imports, caches, dateparser's data for each language:
a crawler runs for hours), then each pass is timed in wall-clock and in CPU time of this process
(the latter is not slowed by other work on a shared machine); the medians are reported.

    python bench/speed.py [--passes 3] [--limit N] [--without newspaper4k]
                          [--json bench/results/speed.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import statistics
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html

from newscrawl import parse_article

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
Page = tuple[str, bytes]


def dataset_dir() -> Path:
    return (
        Path(os.environ.get("NEWSCRAWL_DATASETS", ROOT.parent / "shared" / "datasets")) / "fundus"
    )


def load_pages(limit: int | None) -> list[Page]:
    folder = dataset_dir()
    if not folder.is_dir():
        raise SystemExit(f"speed.py: dataset not found at {folder} (set NEWSCRAWL_DATASETS)")
    pages = []
    with (folder / "index.jsonl").open(encoding="utf-8") as index:
        for line in index:
            entry = json.loads(line)
            pages.append(
                (entry["url"], gzip.decompress((folder / entry["html_file"]).read_bytes()))
            )
    return pages[:limit] if limit else pages


def run_newscrawl(url: str, html: bytes) -> None:
    parse_article(html, url)


def run_lxml(url: str, html: bytes) -> None:
    del url
    lxml.html.fromstring(html)


def make_trafilatura() -> Callable[[str, bytes], None] | None:
    try:
        from trafilatura import bare_extraction
    except ImportError:
        return None

    def run(url: str, html: bytes) -> None:
        bare_extraction(html.decode("utf-8", "replace"), url=url, with_metadata=True)

    return run


def make_newspaper() -> Callable[[str, bytes], None] | None:
    try:
        from newspaper import Article
    except ImportError:
        return None

    def run(url: str, html: bytes) -> None:
        article = Article(url, fetch_images=False)
        article.download(input_html=html.decode("utf-8", "replace"))
        try:
            article.parse()
        except Exception:  # a missing optional tokenizer (hi, ja, ...) fails some pages
            return

    return run


Sample = tuple[float, float]  # (wall, CPU) milliseconds per page


def time_pass(func: Callable[[str, bytes], None], pages: list[Page]) -> Sample:
    """One pass over ``pages``: wall-clock and CPU (this process) ms per page."""
    wall, cpu = time.perf_counter(), time.process_time()
    for url, html in pages:
        func(url, html)
    return (
        (time.perf_counter() - wall) * 1000 / len(pages),
        (time.process_time() - cpu) * 1000 / len(pages),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "speed.json")
    parser.add_argument(
        "--without", action="append", default=[], metavar="TOOL", help="skip a peer (repeatable)"
    )
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    pages = load_pages(args.limit)
    tools = load_tools(args.without)
    for func in tools.values():  # warm-up: imports, caches, each language's date data
        time_pass(func, pages)
    samples: dict[str, list[Sample]] = {name: [] for name in tools}
    for _ in range(args.passes):
        for name, func in tools.items():
            samples[name].append(time_pass(func, pages))
    report(samples, len(pages), args.json)


def load_tools(without: list[str]) -> dict[str, Callable[[str, bytes], None]]:
    tools: dict[str, Callable[[str, bytes], None]] = {
        "newscrawl": run_newscrawl,
        "lxml (floor)": run_lxml,
    }
    for name, factory in (("trafilatura", make_trafilatura), ("newspaper4k", make_newspaper)):
        func = factory() if name not in without else None
        if func is not None:
            tools[name] = func
    return tools


def report(samples: dict[str, list[Sample]], n_pages: int, path: Path) -> None:
    wall = {name: statistics.median(s[0] for s in values) for name, values in samples.items()}
    cpu = {name: statistics.median(s[1] for s in values) for name, values in samples.items()}
    print(f"{n_pages} pages, median of {len(samples['newscrawl'])} alternating passes")
    print(
        f"{'tool':<14} {'ms/page':>9} {'pages/s':>9} {'vs newscrawl':>13} {'CPU ms':>8} {'CPU vs':>7}"
    )
    for name, value in wall.items():
        print(
            f"{name:<14} {value:>9.2f} {1000 / value:>9.1f}"
            f" {value / wall['newscrawl']:>12.2f}x {cpu[name]:>8.2f}"
            f" {cpu[name] / cpu['newscrawl']:>6.2f}x"
        )
    result = {
        "pages": n_pages,
        "passes": len(samples["newscrawl"]),
        "ms_per_page": wall,
        "ratios": {name: value / wall["newscrawl"] for name, value in wall.items()},
        "cpu_ms_per_page": cpu,
        "cpu_ratios": {name: value / cpu["newscrawl"] for name, value in cpu.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
