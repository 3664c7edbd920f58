"""SIGKILL real ``newscrawl crawl --state`` runs; the next runs lose and duplicate nothing.

A scheduled job writes a new output file per run. For each seed: the first run is paused
by tests/crash_pause.py right after it appended its first line and before the state
committed it, and is killed there; the second run is
killed at a moment the seed picks (after some lines, plus a random fraction of a second);
then runs are started until one completes. Across all the files of a seed, every article
of the test site appears exactly once, and no file ends with a torn line.

The site (fixtures/site, 9 articles with ``--depth 2``) is slowed down so that a run
lasts a few seconds.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import FIXTURES
from tests.sitecopy import served_copy

if TYPE_CHECKING:
    from newscrawl.devtools.site_server import SiteServer

#: Seconds added to every response of the test site.
DELAY = 0.15
#: Runs ``newscrawl`` with a pause after each claimed line is appended.
PAUSING = str(Path(__file__).with_name("crash_pause.py"))
#: The hook's pause: far longer than the test needs to see the line and kill the run.
PAUSE = 30.0
SEEDS = (11, 23, 37, 41)
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"]
ARTICLES = {
    "/world/2024/03/14/summit-ends-without-climate-deal.html",
    "/world/2024/03/01/climate-talks-open-in-geneva.html",  # read_more hop 1
    "/world/2024/02/20/negotiators-draft-first-text.html",  # read_more hop 2
    "/business/2024/03/13/port-traffic-rebounds-after-strike.html",
    "/world/2024/03/12/river-bridge-reopens-to-traffic.html",
    "/culture/2023/11/02/film-festival-opens-in-beyoglu.html",
    "/business/2023/10/20/tea-harvest-sets-record.html",
    "/science/2024/03/10/telescope-spots-icy-moon-plumes.html",
    "/science/2024/03/09/bees-learn-to-count-in-lab-study.html",
}
#: Enough for every run of a seed to finish on a busy machine.
WAIT = 60.0


@pytest.fixture
def site(tmp_path) -> SiteServer:
    with served_copy(FIXTURES / "site", tmp_path / "site", delay=DELAY) as server:
        yield server


class Crawl:
    """One ``newscrawl crawl`` subprocess writing ``runs/<name>.jsonl``."""

    def __init__(
        self, tmp_path: Path, site: SiteServer, name: str, *extra: str, pause: float = 0.0
    ) -> None:
        self.out = tmp_path / "runs" / f"{name}.jsonl"
        self.err = tmp_path / "runs" / f"{name}.err"
        self.out.parent.mkdir(exist_ok=True)
        runner = [PAUSING, str(pause)] if pause else ["-m", "newscrawl"]
        command = [
            sys.executable, *runner, "crawl", site.url("/"), "--depth", "2",
            "--state", str(tmp_path / "state.sqlite"), "-o", str(self.out), *FAST, *extra,
        ]  # fmt: skip
        with self.err.open("w") as err:
            self.proc = subprocess.Popen(
                command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err
            )

    def lines(self) -> int:
        return self.out.read_bytes().count(b"\n") if self.out.exists() else 0

    def wait_for_lines(self, count: int) -> bool:
        """Wait until the output has ``count`` lines; ``False`` if the run ended first."""
        deadline = time.monotonic() + WAIT
        while self.lines() < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return self.lines() >= count
            time.sleep(0.01)
        return True

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=WAIT)

    def finish(self) -> int:
        return self.proc.wait(timeout=WAIT)

    def stats(self) -> dict:
        return json.loads(self.out.with_name(self.out.stem + ".stats.json").read_text("utf-8"))


def pending_urls(tmp_path: Path) -> list[str]:
    """The state's pending claims (claims whose line may or may not have been written)."""
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        return [row[0] for row in db.execute("SELECT canonical_url FROM pending")]


def records(path: Path) -> list[dict]:
    data = path.read_bytes() if path.exists() else b""
    assert not data or data.endswith(b"\n"), f"{path} ends with a torn line"
    return [json.loads(line) for line in data.splitlines()]


def run_until_complete(tmp_path: Path, site: SiteServer, first: int) -> list[Crawl]:
    """Runs ``run<first>``, ``run<first+1>``... without kills until one completes."""
    done: list[Crawl] = []
    for number in range(first, first + 3):
        crawl = Crawl(tmp_path, site, f"run{number}")
        done.append(crawl)
        if crawl.finish() == 0:
            return done
    pytest.fail(f"no run completed: {done[-1].err.read_text()}")


@pytest.mark.parametrize("seed", SEEDS)
def test_killed_runs_lose_nothing_and_duplicate_nothing(tmp_path, site, seed):
    rng = random.Random(seed)
    runs: list[Crawl] = []
    try:
        # run 1: killed between the append of its first line and the state commit
        paused = Crawl(tmp_path, site, "run1", pause=PAUSE)
        runs.append(paused)
        assert paused.wait_for_lines(1), paused.err.read_text()
        paused.kill()
        assert paused.proc.returncode == -signal.SIGKILL
        (written,) = records(paused.out)
        assert pending_urls(tmp_path) == [written["canonical_url"]]  # the window was hit
        # run 2: killed at a random moment
        moment = Crawl(tmp_path, site, "run2")
        runs.append(moment)
        moment.wait_for_lines(rng.randint(0, 4))
        time.sleep(rng.uniform(0.0, 0.4))
        moment.kill()
        runs += run_until_complete(tmp_path, site, 3)
    finally:
        for crawl in runs:
            crawl.kill()
    seen = Counter(
        r["canonical_url"].removeprefix(site.base_url) for c in runs for r in records(c.out)
    )
    assert set(seen) == ARTICLES
    assert [url for url, n in seen.items() if n > 1] == []
    assert pending_urls(tmp_path) == []
    assert runs[-1].stats()["finish_reason"] == "finished"


def test_torn_last_line_is_cut_and_its_article_crawled_again(tmp_path, site):
    """A crash that left half a line (a write cut short by a power loss): the next run on
    the same file cuts it, counts it, says so, and emits the article again."""
    paused = Crawl(tmp_path, site, "day", pause=PAUSE)
    try:
        assert paused.wait_for_lines(1), paused.err.read_text()
    finally:
        paused.kill()
    (torn,) = records(paused.out)
    data = paused.out.read_bytes()
    paused.out.write_bytes(data[: len(data) // 2])
    again = Crawl(tmp_path, site, "day")
    assert again.finish() == 0, again.err.read_text()
    cut = len(data) // 2  # the half line left: all of it goes
    stats = again.stats()
    assert stats["counters"]["output/torn_bytes_cut"] == cut
    assert stats["counters"]["state/reconciled_forgotten"] == 1  # its claim: line not whole
    assert f"torn last line cut ({cut} bytes)" in again.err.read_text()
    emitted = Counter(r["canonical_url"] for r in records(again.out))
    assert set(emitted) == {site.base_url + path for path in ARTICLES}
    assert max(emitted.values()) == 1
    assert torn["canonical_url"] in emitted
