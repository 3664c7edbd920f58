"""``RunReport``: every reject as it happens, the run summary at the end.

It listens to :data:`~newscrawl.record.rejects.page_rejected` (pages the spiders gave
up on) and ``item_dropped`` (items the pipelines dropped), appends each reject as one
whole JSON line to ``NEWSCRAWL_REJECTS``, and when the spider closes writes the run
summary to ``NEWSCRAWL_STATS`` and prints a short one on stderr (``NEWSCRAWL_SUMMARY``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.errors import NewscrawlError
from newscrawl.output.feedexport import record_of
from newscrawl.output.jsonl import append_line
from newscrawl.pipelines.drops import RejectItem, SkipItem
from newscrawl.record.rejects import Reject, page_rejected

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


#: Record fields whose coverage (% of emitted records where they are non-empty) is reported.
COVERAGE_FIELDS: tuple[str, ...] = (
    "description",
    "authors",
    "byline",
    "date_published",
    "date_modified",
    "section",
    "tags",
    "language",
    "site_name",
    "caption",
    "images",
    "read_more",
    "source",
)


def stem_paths(output: Path) -> tuple[Path, Path]:
    """The rejects and stats files beside an output file.

    >>> stem_paths(Path("runs/day.jsonl"))
    (PosixPath('runs/day.rejects.jsonl'), PosixPath('runs/day.stats.json'))
    """
    stem = output.with_suffix("") if output.suffix == ".jsonl" else output
    return stem.with_name(stem.name + ".rejects.jsonl"), stem.with_name(stem.name + ".stats.json")


class RunReport:
    """Collects the rejects and the figures of one crawl run; see the module docstring."""

    def __init__(
        self,
        stats: StatsCollector,
        rejects_path: Path | None = None,
        stats_path: Path | None = None,
        output: str = "",
        summary: bool = False,
    ) -> None:
        self.stats = stats
        self.rejects_path = rejects_path
        self.stats_path = stats_path
        self.output = output
        self.summary = summary
        self.reasons: Counter[str] = Counter()
        self.coverage: Counter[str] = Counter()
        self.emitted = 0
        self.opened = False
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_REPORT_ENABLED"):
            raise NotConfigured("NEWSCRAWL_REPORT_ENABLED is off")
        assert crawler.stats is not None
        rejects, stats = settings.get("NEWSCRAWL_REJECTS"), settings.get("NEWSCRAWL_STATS")
        report = cls(
            crawler.stats,
            Path(rejects) if rejects else None,
            Path(stats) if stats else None,
            output=settings.get("NEWSCRAWL_OUTPUT") or "",
            summary=settings.getbool("NEWSCRAWL_SUMMARY"),
        )
        crawler.signals.connect(report.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(report.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(report.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(report.page_rejected, signal=page_rejected)
        return report

    # --- signal handlers --------------------------------------------------------------

    def spider_opened(self) -> None:
        self.opened = True
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC)

    def page_rejected(self, reject: Reject) -> None:
        self.record(reject)

    def item_dropped(
        self, item: Any, exception: BaseException, response: Response | None = None
    ) -> None:
        if isinstance(exception, RejectItem):
            self.record(exception.reject)
            return
        if isinstance(exception, SkipItem):  # unchanged since the state's last emission
            return
        url = record_of(item).get("url") or (response.url if response is not None else "")
        self.record(Reject(url=str(url), reason="invalid", detail=str(exception)))

    def item_scraped(self, item: Any) -> None:
        record = record_of(item)
        self.emitted += 1
        self.coverage.update(f for f in COVERAGE_FIELDS if record.get(f))

    def spider_closed(self, reason: str) -> None:
        if not self.opened:  # the run never started (e.g. a component failed to open)
            return
        report = self.build(reason)
        if self.stats_path is not None:
            _write_json(self.stats_path, report)
        if self.summary:
            sys.stderr.write(summary_line(report) + "\n")
            sys.stderr.flush()

    # --- the report -------------------------------------------------------------------

    def record(self, reject: Reject) -> None:
        """Count one reject and append it to the rejects file."""
        self.reasons[reject.reason] += 1
        self.stats.inc_value(f"newscrawl/rejects/{reject.reason}")
        logger.info(
            "rejected %(url)s: %(reason)s %(detail)s",
            {"url": reject.url, "reason": reject.reason, "detail": reject.detail},
        )
        if self.rejects_path is None:
            return
        try:
            append_line(self.rejects_path, reject.to_dict(), fsync=False)
        except NewscrawlError as exc:
            logger.error("%(exc)s", {"exc": exc})

    def build(self, reason: str) -> dict[str, Any]:
        """The run summary as a JSON-ready dict."""
        values = self.stats.get_stats()
        duration = max(time.monotonic() - self.started, 1e-6)
        pages = int(values.get("downloader/response_count", 0))
        prefix = "downloader/response_status_count/"
        return {
            "started_at": self.started_at.replace(microsecond=0).isoformat(),
            "finished_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "finish_reason": reason,
            "duration_s": round(duration, 3),
            "pages_fetched": pages,
            "pages_per_s": round(pages / duration, 2),
            "bytes": int(values.get("downloader/response_bytes", 0)),
            "articles_emitted": self.emitted,
            "rejects_total": sum(self.reasons.values()),
            "rejects": dict(sorted(self.reasons.items())),
            "http_statuses": {
                k[len(prefix) :]: v for k, v in sorted(values.items()) if k.startswith(prefix)
            },
            "field_coverage": self.coverage_percent(),
            # the pipelines' own counters (dedup/*, state/* incl. max_version, validate/*)
            "counters": {
                k.removeprefix("newscrawl/"): v
                for k, v in sorted(values.items())
                if k.startswith("newscrawl/")
            },
            "output": self.output or None,
            "rejects_file": str(self.rejects_path) if self.rejects_path else None,
        }

    def coverage_percent(self) -> dict[str, float]:
        """% of emitted records with each field non-empty (0.0 when nothing was emitted)."""
        total = self.emitted
        return {
            f: round(100.0 * self.coverage[f] / total, 1) if total else 0.0 for f in COVERAGE_FIELDS
        }


def summary_line(report: dict[str, Any]) -> str:
    """The one-line summary printed on stderr at the end of a run (with what a restart
    after a killed run repaired, when it repaired anything).

    >>> summary_line({"articles_emitted": 2, "rejects_total": 1, "rejects": {"robots": 1},
    ...     "pages_fetched": 5, "bytes": 2048, "duration_s": 0.5, "pages_per_s": 10.0,
    ...     "output": "out.jsonl"})
    'newscrawl: 2 articles -> out.jsonl; 1 rejects (robots 1); 5 pages, 2.0 KiB in 0.5s (10.0 pages/s)'
    >>> summary_line({"articles_emitted": 0, "rejects_total": 0, "rejects": {},
    ...     "pages_fetched": 1, "bytes": 0, "duration_s": 1, "pages_per_s": 1.0,
    ...     "counters": {"output/torn_bytes_cut": 75, "state/reconciled_emitted": 1}})
    'newscrawl: 0 articles; 0 rejects; 1 pages, 0.0 KiB in 1.0s (1.0 pages/s); torn last line cut (75 bytes); killed run reconciled (1 pending kept, 0 forgotten)'
    """
    reasons = ", ".join(f"{k} {v}" for k, v in report["rejects"].items())
    target = f" -> {report['output']}" if report.get("output") else ""
    line = (
        f"newscrawl: {report['articles_emitted']} articles{target}; "
        f"{report['rejects_total']} rejects" + (f" ({reasons})" if reasons else "") + "; "
        f"{report['pages_fetched']} pages, {report['bytes'] / 1024:.1f} KiB "
        f"in {report['duration_s']:.1f}s ({report['pages_per_s']:.1f} pages/s)"
    )
    return line + "".join(f"; {part}" for part in _repairs(report.get("counters") or {}))


def _repairs(counters: dict[str, Any]) -> list[str]:
    """What the run repaired after a killed one: a torn last line, pending claims."""
    parts = []
    torn = int(counters.get("output/torn_bytes_cut", 0))
    if torn:
        parts.append(f"torn last line cut ({torn} bytes)")
    kept = int(counters.get("state/reconciled_emitted", 0))
    forgotten = int(counters.get("state/reconciled_forgotten", 0))
    if kept or forgotten:
        parts.append(f"killed run reconciled ({kept} pending kept, {forgotten} forgotten)")
    return parts


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` whole: to a temporary file first, then renamed over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        logger.error("cannot write %(path)s: %(err)s", {"path": path, "err": exc.strerror})
