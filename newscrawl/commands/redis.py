"""Look after a distributed crawl's Redis keys: status, feed START URLs, clear.

``newscrawl redis status|feed|clear --redis URL (--crawl NAME | START...)``: the crawl is
named as ``newscrawl crawl`` names it (``--crawl``, else ``--site``, else the START
hosts). ``feed`` pushes START URLs to a running fleet; ``clear`` deletes the crawl's keys
(all of them, or only the request queue, dupefilter, START URLs and run marker with
``--requests``) and refuses while workers are live unless ``--force``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from newscrawl.discovery.starts import StartError, parse_starts
from newscrawl.distributed.fleet import Fleet, crawl_name
from newscrawl.errors import NewscrawlError
from newscrawl.state.redis_store import SCHEMES, CrawlKeys

if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


_ACTIONS = {
    "status": "show the crawl's run, live workers, queue and article counts",
    "feed": "push START URLs to the crawl's start-URL key (a running fleet reads them)",
    "clear": "delete the crawl's keys",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    for name, help_text in _ACTIONS.items():
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("starts", nargs="*", metavar="START", help="START URLs or @FILE")
        sub.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
        sub.add_argument("--crawl", metavar="NAME", help="crawl name (default: from START)")
        sub.add_argument("--site", metavar="NAME", help="name the crawl after a site profile")
        if name == "clear":
            sub.add_argument(
                "--requests",
                action="store_true",
                help="only the request queue, dupefilter, START URLs and run marker",
            )
            sub.add_argument("--force", action="store_true", help="even while workers are live")


def _keys(args: argparse.Namespace, starts: list[str]) -> CrawlKeys:
    if args.crawl:
        return CrawlKeys(args.crawl)
    if not starts and not args.site:
        raise NewscrawlError("name the crawl: --crawl NAME, --site NAME or its START URLs")
    return CrawlKeys(crawl_name(starts, args.site))


def _clear(fleet: Fleet, args: argparse.Namespace) -> str:
    live = fleet.live_workers()
    if live and not args.force:
        raise NewscrawlError(
            f"crawl {fleet.keys.name} has {len(live)} live workers ({', '.join(live)});"
            " stop them first or give --force"
        )
    removed = fleet.clear(requests_only=args.requests)
    return f"crawl {fleet.keys.name}: {removed} keys deleted"


def run(args: argparse.Namespace) -> int:
    try:
        starts = parse_starts(args.starts)
    except StartError as exc:
        print(f"newscrawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not str(args.redis).startswith(SCHEMES):
        print(f"newscrawl: --redis: not a redis:// URL: {args.redis!r}", file=sys.stderr)
        return EXIT_USAGE
    fleet = Fleet.connect(args.redis, _keys(args, starts))
    try:
        if args.action == "status":
            print("\n".join(fleet.status().lines()))
        elif args.action == "feed":
            if not starts:
                raise NewscrawlError("feed: give the START URLs to push")
            print(f"crawl {fleet.keys.name}: {fleet.feed(starts)} START URLs queued")
        else:
            print(_clear(fleet, args))
    finally:
        fleet.close()
    return EXIT_OK
