"""``Progress``: a running crawl's progress on stderr (``NEWSCRAWL_PROGRESS_ENABLED``).

On a terminal, one line rewritten about once a second (pages, articles, rejects, pages/s,
queued, elapsed), cleared around log records and before the run summary; otherwise the
same figures as a plain line every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from collections.abc import Sized
from typing import TYPE_CHECKING, Self, TextIO

import attrs
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

#: Seconds between two redraws of the live line on a terminal.
TTY_INTERVAL = 1.0
#: The live line's pages/s are measured over about this many seconds.
TTY_RATE_WINDOW = 10.0
#: Erase the current terminal line: carriage return, then "erase to end of line".
_CLEAR = "\r\x1b[K"


@attrs.frozen(kw_only=True)
class Snapshot:
    """The figures of a running crawl shown on one progress line."""

    elapsed: float
    pages: int
    articles: int
    rejects: int
    rate: float
    """Pages per second over the last measuring window."""
    queued: int | None
    """Requests not answered yet (``None`` when the scheduler cannot tell)."""


def progress_line(snap: Snapshot) -> str:
    """The progress figures as one line of text.

    >>> progress_line(Snapshot(elapsed=75.4, pages=120, articles=80, rejects=3, rate=4.25,
    ...     queued=57))
    'newscrawl: 0:01:15 120 pages, 80 articles, 3 rejects, 4.2 pages/s, 57 queued'
    >>> progress_line(Snapshot(elapsed=3, pages=0, articles=0, rejects=0, rate=0, queued=None))
    'newscrawl: 0:00:03 0 pages, 0 articles, 0 rejects, 0.0 pages/s'
    """
    seconds = int(snap.elapsed)
    clock = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    queued = "" if snap.queued is None else f", {snap.queued} queued"
    return (
        f"newscrawl: {clock} {snap.pages} pages, {snap.articles} articles, "
        f"{snap.rejects} rejects, {snap.rate:.1f} pages/s{queued}"
    )


class RateMeter:
    """Pages per second over the last ``window`` seconds of samples.

    >>> meter = RateMeter(window=10.0)
    >>> meter.add(0.0, 0), meter.add(5.0, 20), meter.add(10.0, 60), meter.add(20.0, 60)
    (0.0, 4.0, 6.0, 0.0)
    """

    def __init__(self, window: float) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, count: int) -> float:
        """Record ``count`` at time ``now``; return the rate since the oldest sample kept."""
        while self._samples and now - self._samples[0][0] > self.window:
            self._samples.popleft()
        self._samples.append((now, count))
        first_at, first = self._samples[0]
        return (count - first) / (now - first_at) if now > first_at else 0.0


class _ClearLine(logging.Filter):
    """Handler filter: erase the live progress line before a log record is printed."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


class Progress:
    """Writes the crawl's progress to ``stream``; see the module docstring."""

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO | None = None) -> None:
        self.crawler = crawler
        self.stream = stream if stream is not None else sys.stderr
        self.live = _is_terminal(self.stream)
        self.interval = TTY_INTERVAL if self.live else interval
        self.meter = RateMeter(TTY_RATE_WINDOW if self.live else self.interval)
        self.started = time.monotonic()
        self.shown = False
        self._task: AsyncioLoopingCall | LoopingCall | None = None
        self._filter = _ClearLine(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_PROGRESS_ENABLED"):
            raise NotConfigured("NEWSCRAWL_PROGRESS_ENABLED is off")
        interval = settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("NEWSCRAWL_PROGRESS_INTERVAL is not positive")
        progress = cls(crawler, interval)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.meter.add(self.started, 0)
        if self.live:
            for handler in logging.getLogger().handlers:
                handler.addFilter(self._filter)
        self._task = create_looping_call(self.tick)
        self._task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        self._task = None
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self._filter)
        self.clear()

    def tick(self) -> None:
        """Write the progress once (the timer calls this)."""
        line = progress_line(self.snapshot(time.monotonic()))
        try:
            if self.live:
                self.stream.write(_CLEAR + line)
                self.shown = True
            else:
                self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError) as exc:  # stderr closed or gone: stop trying
            logger.debug("progress output failed: %(exc)s", {"exc": exc})
            if self._task is not None and self._task.running:
                self._task.stop()

    def clear(self) -> None:
        """Erase the live line, if one is shown."""
        if not self.shown:
            return
        self.shown = False
        try:
            self.stream.write(_CLEAR)
            self.stream.flush()
        except (OSError, ValueError) as exc:
            logger.debug("progress output failed: %(exc)s", {"exc": exc})

    def snapshot(self, now: float) -> Snapshot:
        """The crawl's figures at monotonic time ``now``."""
        assert self.crawler.stats is not None
        values = self.crawler.stats.get_stats()
        pages = int(values.get("downloader/response_count", 0))
        rejects = sum(int(v) for k, v in values.items() if k.startswith("newscrawl/rejects/"))
        return Snapshot(
            elapsed=now - self.started,
            pages=pages,
            articles=int(values.get("item_scraped_count", 0)),
            rejects=rejects,
            rate=self.meter.add(now, pages),
            queued=self.queued(),
        )

    def queued(self) -> int | None:
        """Requests not answered yet: waiting in the scheduler, or handed to the downloader
        (which holds up to ``CONCURRENT_REQUESTS`` of them, most waiting for their slot)."""
        engine = self.crawler.engine
        if engine is None:
            return None
        scheduler = engine.scheduler
        if not isinstance(scheduler, Sized):
            return None
        try:
            waiting = len(scheduler)
        except (RedisError, OSError) as exc:  # a shared (Redis) queue that cannot answer
            logger.debug("queue size unknown: %(exc)s", {"exc": exc})
            return None
        return waiting + len(engine.downloader.active)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream
        return False
