"""Repeated ``newscrawl crawl --state`` runs over fixtures/incremental on 127.0.0.1.

Each run is a real crawl subprocess; the tests assert the exact records, rejects and the
pipelines' counters of every run, and what the state store remembers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from newscrawl.state.locations import open_store
from tests.conftest import FIXTURES
from tests.sitecopy import served_copy

if TYPE_CHECKING:
    from pathlib import Path

    from newscrawl.devtools.site_server import SiteServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"]
CRANE = "/news/2024/03/04/harbour-crane-unveiled.html"  # served with an ETag
FERRY = "/news/2024/03/04/ferry-timetable-changes.html"
LIBRARY = "/news/2024/03/04/library-extends-hours.html"
MARKET = "/news/2024/03/05/night-market-returns.html"
SYNDICATED = "/partners/2024/03/05/earlier-ferry-for-commuters.html"
MIRROR = "/mirror/ferry-timetable-changes.html"


@pytest.fixture
def site(tmp_path) -> SiteServer:
    with served_copy(FIXTURES / "incremental", tmp_path / "site") as server:
        yield server


class Run:
    """One finished crawl: records, rejects and stats, with URLs relative to the site."""

    def __init__(self, out: Path, base: str) -> None:
        self.base = base
        self.records = _lines(out)
        self.rejects = _lines(out.with_name(out.stem + ".rejects.jsonl"))
        self.stats = json.loads(out.with_name(out.stem + ".stats.json").read_text("utf-8"))
        self.counters = self.stats["counters"]

    def emitted(self) -> list[str]:
        return sorted(r["canonical_url"].removeprefix(self.base) for r in self.records)

    def rejected(self) -> list[tuple[str, str, str | None]]:
        return sorted(
            (
                r["url"].removeprefix(self.base),
                r["reason"],
                r.get("duplicate_of", "").removeprefix(self.base) or None,
            )
            for r in self.rejects
        )


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    assert not text or text.endswith("\n"), f"{path} ends with a torn line"
    return [json.loads(line) for line in text.splitlines()]


def crawl(tmp_path: Path, site: SiteServer, name: str, feed: str, state: bool = True) -> Run:
    out = tmp_path / "runs" / f"{name}.jsonl"
    args = ["--state", str(tmp_path / "state.sqlite")] if state else []
    command = [sys.executable, "-m", "newscrawl", "crawl", site.url(feed), *args, "-o", str(out)]
    proc = subprocess.run(
        [*command, *FAST], check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(out, site.base_url)


def page_version(tmp_path: Path, url: str) -> int | None:
    store = open_store(str(tmp_path / "state.sqlite"))
    try:
        page = store.page(url)
    finally:
        store.close()
    return None if page is None else page.version


def test_second_run_emits_nothing(tmp_path, site):
    first = crawl(tmp_path, site, "monday", "/feed-monday.rss")
    assert first.emitted() == sorted([CRANE, FERRY, LIBRARY])
    assert first.rejected() == []
    assert first.counters["state/new"] == 3
    second = crawl(tmp_path, site, "again", "/feed-monday.rss")
    assert second.records == []
    assert second.rejected() == []  # unchanged is not a reject
    assert second.counters["state/unchanged"] == 3
    assert second.counters["state/conditional_requests"] == 1  # the page with an ETag
    assert second.counters["state/not_modified"] == 1
    assert second.stats["http_statuses"].get("304") == 1
    assert "state/new" not in second.counters
    assert page_version(tmp_path, site.url(CRANE)) == 1


def test_changed_page_is_emitted_again_as_version_2(tmp_path, site):
    crawl(tmp_path, site, "monday", "/feed-monday.rss")
    page = tmp_path / "site" / LIBRARY.lstrip("/")
    html = page.read_text("utf-8")
    correction = "<p>Correction: the trial year starts in May, not in April as first reported.</p>"
    page.write_text(html.replace("  </div>\n</article>", f"    {correction}\n  </div>\n</article>"))
    second = crawl(tmp_path, site, "evening", "/feed-monday.rss")
    assert second.emitted() == [LIBRARY]
    assert "Correction: the trial year starts in May" in second.records[0]["body"]
    assert second.counters["state/changed"] == 1
    assert second.counters["state/unchanged"] == 2
    assert second.counters["state/max_version"] == 2
    assert page_version(tmp_path, site.url(LIBRARY)) == 2
    assert page_version(tmp_path, site.url(FERRY)) == 1
    third = crawl(tmp_path, site, "night", "/feed-monday.rss")
    assert third.records == []
    assert page_version(tmp_path, site.url(LIBRARY)) == 2


def test_another_listing_emits_only_new_articles_and_records_copies(tmp_path, site):
    crawl(tmp_path, site, "monday", "/feed-monday.rss")
    tuesday = crawl(tmp_path, site, "tuesday", "/feed-tuesday.rss")
    assert tuesday.emitted() == [MARKET]
    assert tuesday.rejected() == [
        (MIRROR, "duplicate", FERRY),
        (SYNDICATED, "duplicate", FERRY),
    ]
    assert tuesday.counters["state/unchanged"] == 3
    assert tuesday.counters["dedup/content"] == 1
    assert tuesday.counters["dedup/near"] == 1
    assert tuesday.counters["dedup/earlier_run"] == 2


def test_copies_within_one_run_without_state(tmp_path, site):
    run = crawl(tmp_path, site, "tuesday", "/feed-tuesday.rss", state=False)
    copies = {FERRY, MIRROR, SYNDICATED}
    emitted = set(run.emitted())
    kept = emitted & copies  # the first of the three downloaded
    assert len(kept) == 1
    assert emitted - kept == {CRANE, LIBRARY, MARKET}
    (first,) = kept
    assert run.rejected() == sorted((url, "duplicate", first) for url in copies - kept)
