"""Crawl sitemaps, feeds, section pages or articles into OUT.jsonl (+ rejects and stats).

Runs Scrapy in this process (``CrawlerProcess``) with the project settings plus the
options given here. A SQLite ``--state`` is locked for the whole run
(:class:`~newscrawl.state.lock.StateLock`); a Redis one is shared by design and not locked.
Without ``-o`` the run writes ``output/<site or host>/<UTC date>/<run id>.jsonl``.

Exit codes: 0 the run completed (even with failed pages), 1 the run could not run
(output not writable, state store unusable), 2 bad arguments, 3 the state is locked by
another running process, 130 the run was stopped by SIGINT/SIGTERM before it finished.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newscrawl.crawler import CrawlPlan, add_settings_argument, run_crawl
from newscrawl.discovery.since import parse_since
from newscrawl.discovery.starts import StartError, parse_starts
from newscrawl.distributed.fleet import crawl_name, distributed_overrides
from newscrawl.errors import NewscrawlError
from newscrawl.extensions.report import stem_paths
from newscrawl.sites import UnknownProfileError, load_profile
from newscrawl.state.lock import StateLockedError, state_lock

if TYPE_CHECKING:
    from collections.abc import Sequence


logger = logging.getLogger(__name__)


EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


#: The run was stopped (SIGINT, SIGTERM) before it finished: 128 + SIGINT, as a shell says.
EXIT_INTERRUPTED = 130


#: Root of the default output layout (``--output-dir``).
DEFAULT_OUTPUT_DIR = Path("output")


class UsageError(NewscrawlError):
    """A bad command-line argument (exit 2)."""


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "starts",
        nargs="*",
        metavar="START",
        help="sitemap, feed, section/home page or article URL, or @FILE",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.jsonl",
        type=Path,
        help="records file (default <output-dir>/<site or host>/<UTC date>/<run id>.jsonl)",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=f"root of the default output layout, without -o (default {DEFAULT_OUTPUT_DIR})",
    )
    parser.add_argument(
        "--state",
        metavar="STATE",
        help="state store (SQLite path or redis:// URL): emit only new or changed articles",
    )
    parser.add_argument(
        "--max-items", type=_count, default=0, metavar="N", help="stop after N articles"
    )
    parser.add_argument(
        "--depth",
        type=_count,
        default=0,
        metavar="N",
        help="follow read_more links N hops (default 0)",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="skip articles published before DATE (YYYY-MM-DD or ISO 8601)",
    )
    parser.add_argument(
        "--site", metavar="NAME", help="site profile (start URLs, hosts, selectors)"
    )
    parser.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt")
    parser.add_argument(
        "--redis", metavar="URL", help="distributed mode: shared queue at redis://..."
    )
    parser.add_argument(
        "--idle-timeout",
        type=_count,
        default=30,
        metavar="S",
        help="with --redis: exit after S idle seconds (default 30)",
    )
    add_settings_argument(parser)
    parser.add_argument(
        "--log-level",
        dest="crawl_log_level",
        metavar="LEVEL",
        help="log level of the crawl (default WARNING)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress or summary on stderr, errors only"
    )


def run_id(now: datetime) -> str:
    """A run's id: its UTC start time and a short random suffix (two runs started in the
    same second still get different files).

    >>> len(run_id(datetime(2026, 5, 9, 13, 5, 0, tzinfo=UTC)))
    23
    >>> run_id(datetime(2026, 5, 9, 13, 5, 0, tzinfo=UTC))[:17]
    '20260509T130500Z-'
    """
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def default_output(
    root: Path, starts: Sequence[str], site: str | None, now: datetime | None = None
) -> Path:
    """``root/<site or host>/<UTC date>/<run id>.jsonl``: one new file per run.

    >>> when = datetime(2026, 5, 9, 23, 59, tzinfo=UTC)
    >>> default_output(Path("output"), ["https://www.ex.com/feed"], None, when).parent
    PosixPath('output/ex.com/2026-05-09')
    >>> default_output(Path("/data"), [], "trtworld", when).parent
    PosixPath('/data/trtworld/2026-05-09')
    """
    now = now or datetime.now(UTC)
    folder = root / crawl_name(starts, site) / now.strftime("%Y-%m-%d")
    return folder / f"{run_id(now)}.jsonl"


def plan_from_args(args: argparse.Namespace) -> CrawlPlan:
    """Check the arguments (raising :class:`UsageError`) and build the run plan."""
    try:
        starts = parse_starts(args.starts)
    except StartError as exc:
        raise UsageError(str(exc)) from None
    if args.since:
        try:
            parse_since(args.since)
        except ValueError as exc:
            raise UsageError(f"--since: {exc}") from None
    if args.site:
        try:
            load_profile(args.site)
        except UnknownProfileError as exc:
            raise UsageError(f"--site: {exc}") from None
    if not starts and not args.site:
        raise UsageError("give at least one START (URL or @FILE) or --site NAME")
    output = args.output or default_output(args.output_dir, starts, args.site)
    overrides = _overrides(args, output)
    if args.redis:
        try:
            overrides.update(
                distributed_overrides(args.redis, starts, args.site, args.idle_timeout, overrides)
            )
        except (ValueError, NewscrawlError) as exc:
            raise UsageError(str(exc)) from None
    return CrawlPlan(
        starts=tuple(starts),
        output=output,
        spider_args={
            "start": list(starts),
            "depth": args.depth,
            "since": args.since,
            "site": args.site,
            "max_items": args.max_items,
        },
        overrides=overrides,
    )


def _overrides(args: argparse.Namespace, output: Path) -> dict[str, Any]:
    rejects, stats = stem_paths(output)
    level = (
        args.crawl_log_level or ("ERROR" if args.quiet else args.log_level or "WARNING")
    ).upper()
    values: dict[str, Any] = {
        "NEWSCRAWL_OUTPUT": str(output),
        "NEWSCRAWL_REJECTS": str(rejects),
        "NEWSCRAWL_STATS": str(stats),
        "NEWSCRAWL_STATE": args.state or "",
        "NEWSCRAWL_SUMMARY": not args.quiet,
        "NEWSCRAWL_PROGRESS_ENABLED": not args.quiet,
        "LOG_LEVEL": level,
    }
    if args.ignore_robots:
        values["ROBOTSTXT_OBEY"] = False
    if args.max_items:
        values["CLOSESPIDER_ITEMCOUNT"] = args.max_items
    values.update(dict(args.settings))
    return values


def run(args: argparse.Namespace) -> int:
    try:
        plan = plan_from_args(args)
    except UsageError as exc:
        print(f"newscrawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with state_lock(str(plan.overrides.get("NEWSCRAWL_STATE") or "")):
            reason = run_crawl(plan)
    except StateLockedError as exc:
        print(f"newscrawl: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    if reason == "shutdown":
        print(f"newscrawl: the run was stopped before it finished ({plan.output})", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK
