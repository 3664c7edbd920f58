"""Distributed mode (newscrawl/distributed/, the news-redis spider, ``newscrawl redis``).

First the pieces against a real redis-server: runs and leases, the expiring dupefilter,
the ``redis`` command. Then whole fleets: two and three ``python -m newscrawl crawl
--redis`` processes against the demo site slowed down (so the work is shared), and a
worker killed with SIGKILL whose unwritten articles the next run emits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from newscrawl.cli import main
from newscrawl.devtools.demo_site import EXPECTED_ARTICLES, START_PATHS, serve_site
from newscrawl.distributed.dupefilter import ExpiringDupeFilter
from newscrawl.distributed.fleet import Fleet, crawl_name, distributed_overrides, start_entry
from newscrawl.errors import StateError
from newscrawl.spiders.news_redis_spider import DistributedNewsSpider, url_of_entry
from newscrawl.spiders.news_spider import NewsSpider
from newscrawl.state.redis_store import CrawlKeys

if TYPE_CHECKING:
    from pathlib import Path

#: Seconds a whole fleet test may take before its workers are killed.
FLEET_TIMEOUT = 180


# --- runs, leases, names ------------------------------------------------------------------


@pytest.fixture
def fleets(redis_url):
    opened: list[Fleet] = []

    def fleet(worker: str, crawl: str = "site", lease: float = 60.0) -> Fleet:
        handle = Fleet.connect(redis_url, CrawlKeys(crawl), worker, lease)
        opened.append(handle)
        return handle

    yield fleet
    for handle in opened:
        handle.close()


def test_first_worker_begins_the_run_others_join(fleets, redis_client):
    keys = CrawlKeys("site")
    redis_client.zadd(keys.requests, {b"left over": 0})
    redis_client.sadd(keys.dupefilter, "old fingerprint")
    a, b = fleets("a"), fleets("b")
    assert a.join(["https://ex.com/feed", "https://ex.com/sitemap.xml"])
    assert redis_client.exists(keys.requests, keys.dupefilter) == 0
    queued = redis_client.lrange(keys.start_urls, 0, -1)
    assert [url_of_entry(e) for e in queued] == [
        "https://ex.com/feed",
        "https://ex.com/sitemap.xml",
    ]
    assert not b.join(["https://ex.com/feed"])
    assert redis_client.llen(keys.start_urls) == 2
    assert a.live_workers() == ("a", "b")
    assert redis_client.get(keys.run) == b"a"
    assert not a.leave()
    assert redis_client.exists(keys.run)
    assert b.leave()  # the last one out ends the run
    assert not redis_client.exists(keys.run)
    assert fleets("c").join([])


def test_busy_workers_keep_the_fleet_open(redis_url, redis_client):
    keys = CrawlKeys("site")
    fleet = Fleet.connect(redis_url, keys, "a", idle_timeout=2)
    try:
        fleet.join([])  # joining counts as work: a fleet starting up stays open
        assert fleet.busy_elsewhere()
        assert 1000 < redis_client.pttl(keys.busy) <= 2000
        redis_client.delete(keys.busy)
        assert not fleet.busy_elsewhere()
        fleet.mark_busy()
        assert fleet.busy_elsewhere()
    finally:
        fleet.close()


def test_heartbeat_renews_the_run_and_the_lease(fleets, redis_client):
    keys = CrawlKeys("site")
    worker = fleets("a", lease=5)
    worker.join([])
    redis_client.pexpire(keys.run, 100)
    worker.heartbeat()
    assert 4000 < redis_client.pttl(keys.run) <= 5000
    redis_client.delete(keys.run)
    worker.heartbeat()  # a run key lost (cleared) is set again by a live worker
    assert redis_client.get(keys.run) == b"a"


def test_a_killed_workers_run_ends_when_its_lease_runs_out(fleets, redis_client):
    keys = CrawlKeys("site")
    fleets("killed", lease=0.3).join(["https://ex.com/"])
    deadline = time.monotonic() + 10
    while redis_client.exists(keys.run) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not redis_client.exists(keys.run)
    assert fleets("next").live_workers() == ()
    assert fleets("next").join(["https://ex.com/"])


def test_crawl_names_and_overrides():
    assert crawl_name(["https://www.News.example/feed"]) == "news.example"
    assert crawl_name([], site="trtworld") == "trtworld"
    assert crawl_name([f"https://h{i}.example.org/" for i in range(20)]).startswith("crawl-")
    values = distributed_overrides("redis://h:1/2", ["https://ex.com/feed"], None, 5, {})
    assert values == {
        "NEWSCRAWL_REDIS_URL": "redis://h:1/2",
        "NEWSCRAWL_REDIS_CRAWL": "ex.com",
        "NEWSCRAWL_REDIS_IDLE_TIMEOUT": 5,
        "NEWSCRAWL_STATE": "redis://h:1/2?crawl=ex.com",
    }
    given = {"NEWSCRAWL_REDIS_CRAWL": "mine", "NEWSCRAWL_REDIS_LEASE": "3"}
    values = distributed_overrides("redis://h:1/2", [], None, 5, given)
    assert values["NEWSCRAWL_STATE"] == "redis://h:1/2?crawl=mine&lease=3"
    with pytest.raises(ValueError, match="--state: distributed mode keeps the state in Redis"):
        distributed_overrides("redis://h/0", [], None, 5, {"NEWSCRAWL_STATE": "s.sqlite"})
    with pytest.raises(ValueError, match="not a redis://"):
        distributed_overrides("http://h/0", [], None, 5, {})
    with pytest.raises(StateError, match="crawl name"):
        distributed_overrides("redis://h/0", [], None, 5, {"NEWSCRAWL_REDIS_CRAWL": "a:b"})


def test_start_entries_round_trip():
    assert url_of_entry(start_entry("https://ex.com/a b")) == "https://ex.com/a b"
    assert url_of_entry(b"https://ex.com/plain") == "https://ex.com/plain"
    assert url_of_entry(b'{"no": "url"}') == ""


# --- the dupefilter and the spider's settings -----------------------------------------------


def test_expiring_dupefilter(redis_client):
    dupefilter = ExpiringDupeFilter(redis_client, "newscrawl:site:dupefilter", ttl=3600)
    assert not dupefilter.request_seen(Request("https://ex.com/a"))
    assert dupefilter.request_seen(Request("https://ex.com/a"))
    assert 3500 < redis_client.ttl("newscrawl:site:dupefilter") <= 3600
    dupefilter.close("finished")
    assert redis_client.scard("newscrawl:site:dupefilter") == 1  # kept for the others
    forever = ExpiringDupeFilter(redis_client, "newscrawl:other:dupefilter", ttl=0)
    assert not forever.request_seen(Request("https://ex.com/a"))
    assert redis_client.ttl("newscrawl:other:dupefilter") == -1


def _crawler(**values) -> Crawler:
    """A crawler with the project settings whose settings are not applied (frozen) yet,
    as the spider finds it in a real crawl."""
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.update(values, priority="cmdline")
    return Crawler(DistributedNewsSpider, settings)


def _worker(crawler: Crawler, **kwargs) -> DistributedNewsSpider:
    """The spider built, then the project's add-ons applied, as Scrapy does before it
    freezes the settings."""
    crawler.spider = DistributedNewsSpider.from_crawler(crawler, **kwargs)
    crawler.addons.load_settings(crawler.settings)
    return crawler.spider


def test_spider_sets_the_shared_scheduler_and_state(redis_url):
    crawler = _crawler(NEWSCRAWL_REDIS_URL=redis_url, NEWSCRAWL_REDIS_SEEN_TTL=60)
    spider = _worker(crawler, start="https://www.ex.com/feed")
    settings = crawler.settings
    assert settings["SCHEDULER"] == "newscrawl.distributed.scheduler.SharedScheduler"
    assert settings["SCHEDULER_QUEUE_KEY"] == "newscrawl:ex.com:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "newscrawl:ex.com:dupefilter"
    assert settings["REDIS_START_URLS_KEY"] == "newscrawl:ex.com:start_urls"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings["NEWSCRAWL_STATE"] == f"{redis_url}?crawl=ex.com"
    assert settings["NEWSCRAWL_REDIS_CRAWL"] == "ex.com"
    assert settings.getint("CONCURRENT_REQUESTS") == settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN"
    )
    requests = spider.make_request_from_data(start_entry("https://other.example/"))
    assert [r.url for r in requests] == [
        "https://other.example/",
        "https://other.example/robots.txt",
    ]
    assert "other.example" in spider.allowed_hosts
    assert spider.make_request_from_data(b"ftp://nope") == []
    spider.spider_closed()


def test_spider_refuses_a_sqlite_state(redis_url):
    crawler = _crawler(NEWSCRAWL_REDIS_URL=redis_url, NEWSCRAWL_STATE="state.sqlite")
    with pytest.raises(ValueError, match="NEWSCRAWL_STATE must be empty or a redis"):
        _worker(crawler, start="https://ex.com/")


def test_spiders_write_no_settings_and_only_workers_get_the_fleet_settings(redis_url):
    crawler = _crawler(NEWSCRAWL_REDIS_URL=redis_url)
    DistributedNewsSpider.from_crawler(crawler, start="https://ex.com/")
    assert crawler.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"  # untouched
    news = Crawler(NewsSpider, crawler.settings.copy())
    news.spider = NewsSpider.from_crawler(news, start="https://ex.com/")
    news.addons.load_settings(news.settings)  # FleetSettings: not a fleet worker
    assert news.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert not news.settings.get("NEWSCRAWL_STATE")


# --- newscrawl redis status | feed | clear --------------------------------------------------


def test_redis_command(redis_url, redis_client, capsys, fleets):
    start = "https://ex.com/feed"
    assert main(["redis", "feed", start, "--redis", redis_url]) == 0
    assert "ex.com: 1 START URLs queued" in capsys.readouterr().out
    assert main(["redis", "status", "--redis", redis_url, "--crawl", "ex.com"]) == 0
    out = capsys.readouterr().out
    assert "crawl ex.com: no run in progress" in out
    assert "0 requests, 1 START URLs" in out
    worker = fleets("busy", crawl="ex.com")
    worker.join([])
    assert main(["redis", "clear", "--redis", redis_url, start]) == 1
    assert "1 live workers (busy); stop them first" in capsys.readouterr().err
    assert main(["redis", "clear", "--requests", "--force", "--redis", redis_url, start]) == 0
    assert redis_client.llen(CrawlKeys("ex.com").start_urls) == 0
    assert redis_client.exists(CrawlKeys("ex.com").workers)
    worker.leave()
    assert main(["redis", "clear", "--redis", redis_url, "--crawl", "ex.com"]) == 0
    assert list(redis_client.scan_iter("newscrawl:ex.com:*")) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["redis", "status", "--redis", "http://h/0", "--crawl", "x"], "not a redis:// URL"),
        (["redis", "feed", "--redis", "redis://127.0.0.1:9/0"], "name the crawl"),
        (["redis", "status", "--redis", "redis://127.0.0.1:9/0", "--crawl", "x"], "cannot reach"),
    ],
)
def test_redis_command_errors(capsys, argv, message):
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert err.startswith("newscrawl: ")
    assert message in err
    assert err.count("\n") == 1


# --- newscrawl crawl --redis / --state redis:// ---------------------------------------------------


def test_crawl_with_an_unreachable_redis_exits_1(tmp_path, capsys):
    argv = ["crawl", "http://127.0.0.1:9/feed", "--redis", "redis://127.0.0.1:9/0"]
    assert main([*argv, "-o", str(tmp_path / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newscrawl: cannot reach Redis at redis://127.0.0.1:9/0")
    assert err.count("\n") == 1


def test_crawl_refuses_a_local_state_with_redis(capsys):
    argv = ["crawl", "http://127.0.0.1:9/", "--redis", "redis://127.0.0.1:9/0", "--state", "s.db"]
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 2
    assert "--state: distributed mode keeps the state in Redis" in capsys.readouterr().err


def test_one_process_with_a_redis_state_is_incremental(tmp_path, redis_url):
    """``--state redis://...`` without ``--redis``: the state store alone, shared."""
    with serve_site(tmp_path / "site") as site:
        starts = [site.url(p) for p in START_PATHS]
        state = f"{redis_url}?crawl=single"
        for run in ("first", "second"):
            command = [sys.executable, "-m", "newscrawl", "crawl", *starts, "--state", state]
            command += ["-o", str(tmp_path / f"{run}.jsonl"), "--quiet"]
            command += ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
            done = subprocess.run(
                command, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
    first = (tmp_path / "first.jsonl").read_text("utf-8").splitlines()
    assert len(first) == len(EXPECTED_ARTICLES)
    assert (tmp_path / "second.jsonl").read_text("utf-8") == ""  # nothing new or changed
    client = redis.Redis.from_url(redis_url)
    assert int(client.hget(CrawlKeys("single").meta, "pages")) == len(EXPECTED_ARTICLES)
    client.close()


# --- whole fleets -------------------------------------------------------------------------------

#: Worker options: the site answers every page after SITE_DELAY seconds and each worker
#: keeps at most two downloads going, so a crawl lasts long enough for all to get work.
SITE_DELAY = 0.4
IDLE_TIMEOUT = 3
WORKER_OPTIONS = [
    *("--idle-timeout", str(IDLE_TIMEOUT), "--quiet"),
    *("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"),
    *("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "NEWSCRAWL_REDIS_LEASE=2"),
    *("-s", "NEWSCRAWL_REDIS_POLL_INTERVAL=0.2"),
]


@pytest.fixture
def demo_site(tmp_path):
    with serve_site(tmp_path / "site", delay=SITE_DELAY) as server:
        yield server


class Worker:
    """One ``python -m newscrawl crawl ... --redis`` process writing ``<name>.jsonl``."""

    def __init__(
        self, folder: Path, name: str, starts: list[str], redis_url: str, extra: list[str]
    ) -> None:
        self.output = folder / f"{name}.jsonl"
        command = [sys.executable, "-m", "newscrawl", "crawl", *starts, "-o", str(self.output)]
        self.process = subprocess.Popen(
            [*command, "--redis", redis_url, *WORKER_OPTIONS, *extra],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self) -> str:
        """Wait for the exit; the stderr (asserting exit 0)."""
        _, err = self.process.communicate(timeout=FLEET_TIMEOUT)
        assert self.process.returncode == 0, err
        return err

    def paths(self) -> list[str]:
        """Article paths written, one per line (whole lines only)."""
        if not self.output.exists():
            return []
        lines = self.output.read_bytes().split(b"\n")
        return [urlsplit(json.loads(line)["canonical_url"]).path for line in lines if line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=30)


@pytest.fixture
def start_workers(tmp_path, redis_url):
    started: list[Worker] = []

    def start(names: list[str], starts: list[str], extra: list[str] = ()) -> list[Worker]:
        workers = [Worker(tmp_path, name, starts, redis_url, list(extra)) for name in names]
        started.extend(workers)
        return workers

    yield start
    for worker in started:
        worker.stop()


def _wait_for(condition, what: str, timeout: float = FLEET_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _gate(redis_url: str, starts: list[str], count: int, start_workers) -> list[Worker]:
    """Start ``count`` workers; hold the START URLs back until all of them are live (a
    coordinator begins the run with no START), then feed them."""
    keys = CrawlKeys(crawl_name(starts))
    coordinator = Fleet.connect(redis_url, keys, "test-coordinator", idle_timeout=IDLE_TIMEOUT)
    try:
        assert coordinator.join([])
        workers = start_workers([f"w{i}" for i in range(1, count + 1)], starts)
        _wait_for(lambda: len(coordinator.live_workers()) == count + 1, "the workers to join")
        coordinator.feed(starts)
        coordinator.leave()
    finally:
        coordinator.close()
    return workers


def _check_fleet(workers: list[Worker], expect_all_busy: bool = True) -> None:
    written = [worker.paths() for worker in workers]
    every = [path for paths in written for path in paths]
    assert sorted(every) == sorted(EXPECTED_ARTICLES)  # each article once, in one output
    if expect_all_busy:
        assert all(written), [len(paths) for paths in written]


def test_two_workers_started_alike_share_the_crawl(demo_site, redis_url, start_workers):
    """No coordinator: the first to start queues the START URLs. One download at a time
    each, so a worker alone would need ~9 s: a slow start of the other still finds work."""
    starts = [demo_site.url(p) for p in START_PATHS]
    workers = start_workers(["w1", "w2"], starts, ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"])
    summaries = [worker.finish() for worker in workers]
    _check_fleet(workers)
    assert all("articles ->" not in s for s in summaries)  # --quiet: no summary
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys(crawl_name(starts))
    assert not client.exists(keys.run)  # the last worker out ended the run
    assert int(client.hget(keys.meta, "pages")) == len(EXPECTED_ARTICLES)
    client.close()


def test_three_workers_share_the_crawl(demo_site, redis_url, start_workers):
    starts = [demo_site.url(p) for p in START_PATHS]
    workers = _gate(redis_url, starts, 3, start_workers)
    for worker in workers:
        worker.finish()
    _check_fleet(workers)


def test_a_killed_worker_does_not_stop_the_fleet(demo_site, redis_url, start_workers):
    starts = [demo_site.url(p) for p in START_PATHS]
    first, second, doomed = _gate(redis_url, starts, 3, start_workers)
    _wait_for(lambda: len(doomed.paths()) >= 1, "the doomed worker's first article")
    os.kill(doomed.process.pid, signal.SIGKILL)
    doomed.process.communicate(timeout=30)
    first.finish()
    second.finish()
    this_run = first.paths() + second.paths() + doomed.paths()
    assert len(this_run) == len(set(this_run))  # nothing twice, even around the kill
    # the next run (once the killed worker's lease ran out) emits only what is missing
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys(crawl_name(starts))
    _wait_for(lambda: not client.exists(keys.run), "the killed worker's run to expire")
    client.close()
    (next_run,) = start_workers(["next"], starts)
    next_run.finish()
    assert set(next_run.paths()).isdisjoint(this_run)
    # what the killed worker had taken but not written (its other download) is in the
    # next run's output (or was written by the others when it had nothing in flight)
    assert next_run.paths() or len(this_run) == len(EXPECTED_ARTICLES)
    _check_fleet([first, second, doomed, next_run], expect_all_busy=False)
