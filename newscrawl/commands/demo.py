"""Crawl the bundled demo news site (served on 127.0.0.1) into output/demo.jsonl.

The site is copied to a temporary folder with its address filled in, served on a free
port, and crawled from its sitemap and RSS feed (and one hop of read_more links) through
the real spiders and pipelines (:func:`newscrawl.crawler.run_crawl`, in this process).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newscrawl.crawler import CrawlPlan, run_crawl
from newscrawl.devtools import demo_site
from newscrawl.errors import NewscrawlError
from newscrawl.extensions.report import stem_paths

if TYPE_CHECKING:
    import argparse

    from newscrawl.devtools.site_server import SiteServer

DEFAULT_OUTPUT = Path("output") / "demo.jsonl"
#: Follow the articles' read_more links one hop: they lead to the site's traps (a page
#: robots.txt forbids, a missing page, a redirected old address).
DEMO_DEPTH = 1
#: A local server needs no politeness delays; the rest of the settings are the project's.
DEMO_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "NEWSCRAWL_SUMMARY": False,
    "LOG_LEVEL": "WARNING",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.jsonl",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"records file, replaced on each run (default {DEFAULT_OUTPUT})",
    )


def _fresh(output: Path) -> None:
    """Remove the outputs of an earlier demo run: the demo always starts clean."""
    for path in (output, *stem_paths(output)):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise NewscrawlError(f"cannot replace {path}: {exc.strerror}") from exc


def _plan(server: SiteServer, output: Path) -> CrawlPlan:
    rejects, stats = stem_paths(output)
    starts = tuple(server.url(path) for path in demo_site.START_PATHS)
    overrides = {
        **DEMO_SETTINGS,
        "NEWSCRAWL_OUTPUT": str(output),
        "NEWSCRAWL_REJECTS": str(rejects),
        "NEWSCRAWL_STATS": str(stats),
    }
    return CrawlPlan(
        starts=starts,
        output=output,
        spider_args={"start": list(starts), "depth": DEMO_DEPTH},
        overrides=overrides,
    )


def crawl_demo(output: Path) -> dict[str, Any]:
    """Serve and crawl the demo site; return the run's stats."""
    _fresh(output)
    with (
        tempfile.TemporaryDirectory(prefix="newscrawl-demo-") as tmp,
        demo_site.serve_site(Path(tmp) / "site") as server,
    ):
        run_crawl(_plan(server, output))
    stats_path = stem_paths(output)[1]
    try:
        report: dict[str, Any] = json.loads(stats_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise NewscrawlError(f"the demo crawl left no readable stats in {stats_path}") from exc
    return report


def summary(report: dict[str, Any], output: Path) -> str:
    """The demo's summary for people."""
    rejects: dict[str, int] = dict(report.get("rejects", {}))
    duplicates = rejects.pop("duplicate", 0)
    duration = float(report.get("duration_s", 0.0))
    others = ", ".join(f"{reason} {n}" for reason, n in rejects.items()) or "none"
    return "\n".join(
        [
            "newscrawl demo: crawled the bundled news site from its sitemap and RSS feed",
            f"  articles:           {report.get('articles_emitted', 0)} -> {output}",
            f"  duplicates dropped: {duplicates}",
            f"  rejects:            {sum(rejects.values())} ({others}) -> {stem_paths(output)[0]}",
            f"  pages fetched:      {report.get('pages_fetched', 0)} in {duration:.1f}s",
        ]
    )


def run(args: argparse.Namespace) -> int:
    report = crawl_demo(args.output)
    sys.stdout.write(summary(report, args.output) + "\n")
    return 0
