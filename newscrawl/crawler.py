"""Running a crawl in this process: the project settings, checks before it starts, Scrapy.

``newscrawl crawl`` and ``newscrawl demo`` run a :class:`CrawlPlan` with :func:`run_crawl`;
``newscrawl scrape`` reads the same :func:`project_settings`, with ``-s NAME=VALUE``
(:func:`add_settings_argument`) on top.
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING, Any

import attrs
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newscrawl.errors import NewscrawlError
from newscrawl.extensions.report import stem_paths
from newscrawl.spiders.news_redis_spider import DistributedNewsSpider
from newscrawl.spiders.news_spider import NewsSpider
from newscrawl.state.locations import open_store

if TYPE_CHECKING:
    from pathlib import Path

    from twisted.python.failure import Failure


def setting_arg(text: str) -> tuple[str, str]:
    """An ``-s NAME=VALUE`` argument as ``(NAME, VALUE)``."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def add_settings_argument(parser: argparse.ArgumentParser) -> None:
    """``-s NAME=VALUE`` (repeatable) on top of the project settings, as ``args.settings``."""
    parser.add_argument(
        "-s",
        "--set",
        dest="settings",
        type=setting_arg,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy/newscrawl setting (repeatable)",
    )


@attrs.frozen(kw_only=True)
class CrawlPlan:
    """Everything a crawl run needs, checked: spider arguments and setting overrides."""

    starts: tuple[str, ...]
    output: Path
    spider_args: dict[str, Any]
    overrides: dict[str, Any]


def check_writable(*paths: Path) -> None:
    """Create the parent folders and open each file for appending; raise
    :class:`NewscrawlError` naming the first path that cannot be written."""
    for path in paths:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise NewscrawlError(f"cannot write {path}: {exc.strerror or exc}") from exc


def check_state(location: str) -> None:
    """Open and close the state store before the crawl starts, so that a corrupt,
    locked or unreachable store is refused at once with its own message."""
    store = open_store(location)
    store.close()


def project_settings(overrides: dict[str, Any]) -> Settings:
    """The newscrawl project settings with per-run ``overrides`` (command-line priority)."""
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def _drop_traceback(record: logging.LogRecord) -> bool:
    """Logging filter: keep the record's message, drop its traceback."""
    record.exc_info = None
    record.exc_text = None
    return True


def run_crawl(plan: CrawlPlan) -> str:
    """Run the news spider to completion in this process and return Scrapy's finish
    reason ("finished", "closespider_itemcount", "shutdown" after SIGINT/SIGTERM...);
    raise :class:`NewscrawlError` when the run could not start or broke off (the message
    says why)."""
    check_writable(plan.output, stem_paths(plan.output)[0])
    state = str(plan.overrides.get("NEWSCRAWL_STATE") or "")
    if state:
        check_state(state)
    settings = project_settings(plan.overrides)
    level = str(settings.get("LOG_LEVEL") or "WARNING").upper()
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    # newscrawl.cli configured the root handler; Scrapy only adds its loggers' levels.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    for name in ("", "scrapy", "newscrawl"):
        logging.getLogger(name).setLevel(level)
    if logging.getLevelName(level) == logging.WARNING:
        # "Disabled <component>: <why>" is expected for optional components (no --state)
        logging.getLogger("scrapy.middleware").setLevel(logging.ERROR)
    # An unreachable host's robots.txt error comes with a traceback; the page itself
    # fails the same way and is a reject, so the one-line message is enough.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_drop_traceback)
    failures: list[Failure] = []
    distributed = bool(plan.overrides.get("NEWSCRAWL_REDIS_URL"))
    spider = DistributedNewsSpider if distributed else NewsSpider
    crawler = process.create_crawler(spider)
    deferred = process.crawl(crawler, **plan.spider_args)
    deferred.addErrback(failures.append)
    process.start()
    if failures:
        raise NewscrawlError(_failure_message(failures[0]))
    reason = crawler.stats.get_value("finish_reason") if crawler.stats is not None else None
    # no finish reason: the spider never closed (a second Ctrl-C forces the reactor down)
    return str(reason or "shutdown")


def _failure_message(failure: Failure) -> str:
    exc = failure.value
    if isinstance(exc, NewscrawlError):
        return str(exc)
    return f"the crawl could not run: {type(exc).__name__}: {exc}"
