"""Operating newscrawl unattended: the state lock, re-scrapes into a crawl's dataset, the
default output layout, progress output, log levels and exit codes (CLI subprocesses
against the test site on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from newscrawl.dedup.neardup import MinHasher
from newscrawl.extensions.progress import Progress
from newscrawl.state.locations import open_store
from tests.conftest import FIXTURES
from tests.sitecopy import served_copy

if TYPE_CHECKING:
    from pathlib import Path

    from newscrawl.devtools.site_server import SiteServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"]
BRIDGE = "/world/2024/03/12/river-bridge-reopens-to-traffic.html"
PROGRESS = re.compile(
    r"newscrawl: \d+:\d\d:\d\d \d+ pages, \d+ articles, \d+ rejects, \d+\.\d pages/s, \d+ queued"
)
HOLD = """
import sys, time
from newscrawl.state.lock import StateLock
with StateLock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def site(tmp_path) -> SiteServer:
    with served_copy(FIXTURES / "site", tmp_path / "site") as server:
        yield server


@pytest.fixture
def slow_site(tmp_path) -> SiteServer:
    """The test site with every response 0.3 s late: a crawl of it lasts a few seconds."""
    with served_copy(FIXTURES / "site", tmp_path / "site", delay=0.3) as server:
        yield server


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock of tmp_path/state.sqlite."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "state.sqlite")],
        stdout=subprocess.PIPE,
        text=True,
    )
    with proc:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
        proc.kill()


def newscrawl(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def lines(path: Path) -> list[dict]:
    data = path.read_text("utf-8") if path.exists() else ""
    assert not data or data.endswith("\n"), f"{path} ends with a torn line"
    return [json.loads(line) for line in data.splitlines()]


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("newscrawl: ")
    return proc.stderr.strip()


# --- the state lock ---------------------------------------------------------------------


def test_crawl_on_a_locked_state_exits_3_naming_the_holder(tmp_path, holder):
    out = tmp_path / "out.jsonl"
    state = tmp_path / "state.sqlite"
    proc = newscrawl(
        tmp_path, "crawl", "http://127.0.0.1:9/", "--state", str(state), "-o", str(out)
    )
    assert proc.returncode == 3
    message = one_error_line(proc)
    assert (
        f"state {state} is locked by another running crawl or scrape (pid {holder.pid} on "
        in message
    )
    assert not out.exists()  # refused before anything was written
    assert not state.exists()  # nor opened


def test_lock_of_a_killed_crawl_is_taken_over(tmp_path, holder, site):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    out = tmp_path / "out.jsonl"
    state = str(tmp_path / "state.sqlite")
    proc = newscrawl(tmp_path, "crawl", site.url(BRIDGE), "--state", state, "-o", str(out), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert [r["url"] for r in lines(out)] == [site.url(BRIDGE)]
    assert (tmp_path / "state.sqlite.lock").read_text() == ""  # released at the end


def test_scrape_on_a_locked_state_exits_3(tmp_path, holder, site):
    state = str(tmp_path / "state.sqlite")
    out = tmp_path / "data.jsonl"
    proc = newscrawl(tmp_path, "scrape", site.url(BRIDGE), "-o", str(out), "--state", state)
    assert proc.returncode == 3
    assert f"(pid {holder.pid} on " in one_error_line(proc)
    assert not out.exists()


# --- re-scrapes -------------------------------------------------------------------------


def state_version(tmp_path: Path, url: str) -> int | None:
    store = open_store(str(tmp_path / "state.sqlite"))
    try:
        page = store.page(url)
    finally:
        store.close()
    return page.version if page else None


def test_scrape_with_state_versions_a_crawled_article(tmp_path, site):
    state = str(tmp_path / "state.sqlite")
    data = tmp_path / "data.jsonl"
    url = site.url(BRIDGE)
    crawl = newscrawl(tmp_path, "crawl", url, "--state", state, "-o", str(data), "-q", *FAST)
    assert crawl.returncode == 0, crawl.stderr
    # the same page: the scrape normalises as the crawl did, so nothing changed
    same = newscrawl(tmp_path, "scrape", url, "-o", str(data), "--state", state)
    assert same.returncode == 0
    assert one_error_line(same) == f"newscrawl: {url} unchanged since version 1: not appended"
    assert len(lines(data)) == 1
    # the story is updated on the site: version 2 is appended
    page = tmp_path / "site" / BRIDGE.lstrip("/")
    page.write_text(page.read_text("utf-8").replace("two years", "three years"), "utf-8")
    changed = newscrawl(tmp_path, "scrape", url, "-o", str(data), "--state", state)
    assert changed.returncode == 0
    assert one_error_line(changed) == f"newscrawl: {url}: version 2 appended to {data}"
    first, second = lines(data)
    assert first["canonical_url"] == second["canonical_url"] == url
    assert "three years" in second["body"]
    assert second["scraped_at"] >= first["scraped_at"]
    assert state_version(tmp_path, url) == 2
    # a later crawl finds the page as the state last emitted it
    again = tmp_path / "again.jsonl"
    crawl = newscrawl(tmp_path, "crawl", url, "--state", state, "-o", str(again), "-q", *FAST)
    assert crawl.returncode == 0, crawl.stderr
    assert lines(again) == []


def test_scrape_with_state_of_a_new_article_is_version_1(tmp_path, site):
    state = str(tmp_path / "state.sqlite")
    data = tmp_path / "data.jsonl"
    proc = newscrawl(tmp_path, "scrape", site.url(BRIDGE), "-o", str(data), "--state", state)
    assert proc.returncode == 0
    assert one_error_line(proc).endswith(": version 1 appended to " + str(data))
    assert state_version(tmp_path, site.url(BRIDGE)) == 1
    assert len(lines(data)) == 1


COPY = "/world/2024/03/12/sarn-crossing-open-again.html"


def _wire_copy(site_dir: Path) -> None:
    """The bridge story again under another URL and headline, one word changed."""
    text = (site_dir / BRIDGE.lstrip("/")).read_text("utf-8")
    text = text.replace("River bridge reopens to traffic", "Sarn crossing open again")
    (site_dir / COPY.lstrip("/")).write_text(text.replace("this spring", "this summer"), "utf-8")


def test_scrape_with_state_indexes_the_body_like_a_crawl(tmp_path, site):
    state = str(tmp_path / "state.sqlite")
    data = tmp_path / "data.jsonl"
    _wire_copy(tmp_path / "site")
    first = newscrawl(tmp_path, "scrape", site.url(BRIDGE), "-o", str(data), "--state", state)
    assert first.returncode == 0, first.stderr
    # a near copy under another URL is not appended
    copy = newscrawl(tmp_path, "scrape", site.url(COPY), "-o", str(data), "--state", state)
    assert copy.returncode == 0
    said = one_error_line(copy)
    assert said.startswith(f"newscrawl: {site.url(COPY)} is "), said
    assert said.endswith(f"% similar to {site.url(BRIDGE)}, emitted before: not appended")
    assert [r["url"] for r in lines(data)] == [site.url(BRIDGE)]
    # and a crawl finds the re-scraped article in the state's near-duplicate index
    again = tmp_path / "again.jsonl"
    crawl = newscrawl(
        tmp_path, "crawl", site.url(COPY), "--state", state, "-o", str(again), "-q", *FAST
    )
    assert crawl.returncode == 0, crawl.stderr
    assert lines(again) == []
    (reject,) = lines(tmp_path / "again.rejects.jsonl")
    assert (reject["reason"], reject["duplicate_of"]) == ("duplicate", site.url(BRIDGE))


def test_scrape_leaves_an_index_of_other_settings_alone(tmp_path, site):
    state = str(tmp_path / "state.sqlite")
    custom = MinHasher(128, 32).layout  # a crawl with NEWSCRAWL_NEARDUP_BANDS=32
    store = open_store(state)
    store.use_layout(custom)
    store.close()
    data = tmp_path / "data.jsonl"
    proc = newscrawl(tmp_path, "scrape", site.url(BRIDGE), "-o", str(data), "--state", state)
    assert proc.returncode == 0, proc.stderr
    assert len(lines(data)) == 1
    store = open_store(state)
    try:
        assert not store.adopt_layout(MinHasher().layout)  # still the custom layout
        assert store.use_layout(custom)
    finally:
        store.close()


def test_scrape_state_needs_an_output_file(tmp_path):
    proc = newscrawl(tmp_path, "scrape", "http://127.0.0.1:9/a", "--state", "state.sqlite")
    assert proc.returncode == 2
    assert "--state needs -o" in one_error_line(proc)


# --- the default output layout ----------------------------------------------------------

RUN_FILE = re.compile(r"(\d{4})(\d\d)(\d\d)T\d{6}Z-[0-9a-f]{6}\.jsonl")


def test_default_output_layout(tmp_path, site):
    for _ in range(2):
        proc = newscrawl(tmp_path, "crawl", site.url(BRIDGE), "--quiet", *FAST)
        assert proc.returncode == 0, proc.stderr
    runs = sorted((tmp_path / "output").rglob("*.jsonl"))
    outputs = [p for p in runs if not p.name.endswith(".rejects.jsonl")]
    assert len(outputs) == 2  # a new file per run
    for path in outputs:
        host, day, name = path.relative_to(tmp_path / "output").parts
        assert host == f"127.0.0.1_{site.port}"
        match = RUN_FILE.fullmatch(name)
        assert match, name
        assert day == "-".join(match.groups())  # the UTC date of the run's start
        assert day <= datetime.now(UTC).strftime("%Y-%m-%d")
        stem = path.name.removesuffix(".jsonl")
        assert path.with_name(stem + ".stats.json").exists()
        assert path.with_name(stem + ".rejects.jsonl").exists()
        assert [r["url"] for r in lines(path)] == [site.url(BRIDGE)]


def test_output_dir_moves_the_layout(tmp_path, site):
    root = tmp_path / "data" / "news"
    proc = newscrawl(tmp_path, "crawl", site.url(BRIDGE), "--output-dir", str(root), "-q", *FAST)
    assert proc.returncode == 0, proc.stderr
    (output,) = root.glob(f"127.0.0.1_{site.port}/*/*Z-*[0-9a-f].jsonl")
    assert len(lines(output)) == 1
    assert not (tmp_path / "output").exists()


# --- progress, log levels, summary ----------------------------------------------------


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path, slow_site):
    out = tmp_path / "out.jsonl"
    interval = ["-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.2"]
    proc = newscrawl(tmp_path, "crawl", slow_site.url("/"), "-o", str(out), *FAST, *interval)
    assert proc.returncode == 0, proc.stderr
    *progress, summary = proc.stderr.splitlines()
    assert progress, proc.stderr  # the crawl lasts seconds, the interval is 0.2 s
    assert all(PROGRESS.fullmatch(line) for line in progress), progress
    assert "\r" not in proc.stderr
    assert summary.startswith("newscrawl: 7 articles -> ")
    quiet = newscrawl(tmp_path, "crawl", slow_site.url("/"), "-o", str(out), "-q", *FAST, *interval)
    assert quiet.returncode == 0
    assert quiet.stderr == ""


def test_live_progress_line_on_a_terminal(tmp_path, slow_site):
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "newscrawl", "crawl", slow_site.url("/"), *FAST]
    command += ["-o", str(tmp_path / "out.jsonl")]
    with subprocess.Popen(command, stderr=slave, stdout=subprocess.DEVNULL, cwd=tmp_path) as proc:
        os.close(slave)
        shown = _read_all(master)
        assert proc.wait(timeout=120) == 0
    text = shown.decode("utf-8")
    drawn = re.findall(r"\r\x1b\[K(newscrawl: [^\r\n]*)", text)
    assert drawn, text
    assert all(PROGRESS.fullmatch(line) for line in drawn[:-1]), drawn
    # cleared before the summary, which stands on its own line
    assert drawn[-1].startswith("newscrawl: 7 articles -> ")
    assert text.endswith("\r\n")


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO once the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


@pytest.mark.parametrize("where", ["command", "global"])
def test_log_level_shows_scrapy_log(tmp_path, site, where):
    out = str(tmp_path / "out.jsonl")
    crawl = ["crawl", site.url(BRIDGE), "-o", out, *FAST]
    args = (
        [*crawl, "--log-level", "INFO"] if where == "command" else ["--log-level", "INFO", *crawl]
    )
    proc = newscrawl(tmp_path, *args)
    assert proc.returncode == 0
    assert "INFO scrapy.core.engine: Spider opened" in proc.stderr
    default = newscrawl(tmp_path, *crawl)
    assert "INFO " not in default.stderr
    assert default.stderr.startswith("newscrawl: 1 articles")


def test_sigterm_stops_the_run_cleanly_with_exit_130(tmp_path, slow_site):
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "newscrawl", "crawl", slow_site.url("/"), "-o", str(out)]
    command += [*FAST, "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.1"]
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=tmp_path
    ) as proc:
        first = proc.stderr.readline()  # the first progress line: the crawl is running
        assert PROGRESS.fullmatch(first.strip()), first
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=60) == 130
    assert rest.splitlines()[-1] == f"newscrawl: the run was stopped before it finished ({out})"
    stats = json.loads(out.with_name("out.stats.json").read_text("utf-8"))
    assert stats["finish_reason"] == "shutdown"
    assert len(lines(out)) == stats["articles_emitted"] < 7


# --- the progress extension itself -----------------------------------------------------


class _Stream(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def _progress(terminal: bool) -> tuple[Progress, _Stream]:
    values = {
        "downloader/response_count": 12,
        "item_scraped_count": 5,
        "newscrawl/rejects/robots": 1,
    }
    stats = SimpleNamespace(get_stats=lambda: values)
    crawler = SimpleNamespace(stats=stats, engine=None)
    stream = _Stream(terminal)
    return Progress(crawler, interval=60.0, stream=stream), stream


def test_progress_plain_line():
    progress, stream = _progress(terminal=False)
    progress.tick()
    assert stream.getvalue().endswith(" 12 pages, 5 articles, 1 rejects, 0.0 pages/s\n")
    assert progress.interval == 60.0


def test_progress_live_line_is_cleared_by_a_log_record():
    progress, stream = _progress(terminal=True)
    assert progress.interval == 1.0
    progress.tick()
    assert stream.getvalue().startswith("\r\x1b[Knewscrawl: 0:00:00 12 pages")
    handler = logging.StreamHandler(stream)
    handler.addFilter(progress._filter)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "careful", None, None)
    handler.handle(record)
    assert stream.getvalue().endswith(
        "12 pages, 5 articles, 1 rejects, 0.0 pages/s\r\x1b[Kcareful\n"
    )
    progress.clear()  # nothing shown any more: nothing written
    assert stream.getvalue().endswith("careful\n")
