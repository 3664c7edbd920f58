"""Scrapy's own commands on the newscrawl project: list, check, crawl article/news."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newscrawl.items import Article
from tests.conftest import FIXTURES, ROOT
from tests.sitecopy import served_copy

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"]
RECORD_KEYS = list(Article(url="https://x.example/").to_dict())


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", *args]
    return subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


@pytest.fixture
def site(tmp_path):
    with served_copy(FIXTURES / "site", tmp_path / "site") as server:
        yield server


def _records(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_scrapy_list_names_both_spiders():
    proc = scrapy("list")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["article", "news", "news-redis"]


def test_scrapy_check_passes():
    proc = scrapy("check")
    assert proc.returncode == 0, proc.stderr


def test_scrapy_crawl_article(tmp_path, site):
    out = tmp_path / "out.jsonl"
    url = site.url("/business/2024/03/13/port-traffic-rebounds-after-strike.html")
    proc = scrapy("crawl", "article", "-a", f"url={url}", "-O", str(out), *FAST)
    assert proc.returncode == 0, proc.stderr
    (record,) = _records(out)
    assert record["url"] == url
    assert record["headline"] == "Port traffic rebounds after strike"
    assert list(record)[: len(RECORD_KEYS) - 2] == RECORD_KEYS[: len(RECORD_KEYS) - 2]
    assert record["scraped_at"]


def test_scrapy_crawl_news_matches_the_cli(tmp_path, site):
    out = tmp_path / "out.jsonl"
    start = site.url("/sitemap-news.xml")
    proc = scrapy("crawl", "news", "-a", f"start={start}", "-O", str(out), *FAST)
    assert proc.returncode == 0, proc.stderr
    paths = {r["url"].removeprefix(site.base_url) for r in _records(out)}
    assert paths == {
        "/world/2024/03/14/summit-ends-without-climate-deal.html",
        "/business/2024/03/13/port-traffic-rebounds-after-strike.html",
        "/world/2024/03/12/river-bridge-reopens-to-traffic.html",
    }
