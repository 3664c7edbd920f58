"""``newscrawl crawl`` through the command line, against the test site on 127.0.0.1.

Each crawl test asserts the exact set of records, of rejects (url + reason) and the key
figures of the stats file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from newscrawl.cli import main
from newscrawl.devtools.site_server import SiteServer
from newscrawl.record.schema_check import record_errors
from tests.conftest import FIXTURES
from tests.sitecopy import served_copy

if TYPE_CHECKING:
    from pathlib import Path


#: Fast and deterministic in tests: no delays, one retry.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"]

SUMMIT = "/world/2024/03/14/summit-ends-without-climate-deal.html"
PORT = "/business/2024/03/13/port-traffic-rebounds-after-strike.html"
OLD_BRIDGE = "/world/2024/03/12/old-bridge-address.html"
BRIDGE = "/world/2024/03/12/river-bridge-reopens-to-traffic.html"
FILM = "/culture/2023/11/02/film-festival-opens-in-beyoglu.html"
TEA = "/business/2023/10/20/tea-harvest-sets-record.html"
TELESCOPE = "/science/2024/03/10/telescope-spots-icy-moon-plumes.html"
BEES = "/science/2024/03/09/bees-learn-to-count-in-lab-study.html"
GENEVA = "/world/2024/03/01/climate-talks-open-in-geneva.html"
DRAFT = "/world/2024/02/20/negotiators-draft-first-text.html"
AMP = "/world/2024/03/14/summit-ends-without-climate-deal-amp.html"
PRIVATE = "/private/2024/03/12/draft-budget-leak.html"
MISSING = "/world/2024/03/11/missing-story-page.html"
BROKEN = "/business/2024/03/11/server-error-story.html"
ABOUT = "/about/contact-the-newsroom.html"
ELSEWHERE = "http://elsewhere.invalid/world/2024/03/10/story-on-another-site.html"


@pytest.fixture
def site(tmp_path) -> SiteServer:
    with served_copy(FIXTURES / "site", tmp_path / "site") as server:
        yield server


class Run:
    """One finished crawl: exit code, stderr and the three output files, read."""

    def __init__(self, proc: subprocess.CompletedProcess[str], out: Path, base: str) -> None:
        self.code, self.stderr, self.base = proc.returncode, proc.stderr, base
        self.records = _lines(out)
        self.rejects = _lines(out.with_name(out.stem + ".rejects.jsonl"))
        stats = out.with_name(out.stem + ".stats.json")
        self.stats = json.loads(stats.read_text("utf-8")) if stats.exists() else {}

    def paths(self) -> set[str]:
        return {r["url"].removeprefix(self.base) for r in self.records}

    def rejected(self) -> set[tuple[str, str]]:
        return {(r["url"].removeprefix(self.base), r["reason"]) for r in self.rejects}


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    assert not text or text.endswith("\n"), f"{path} ends with a torn line"
    return [json.loads(line) for line in text.splitlines()]


def crawl(tmp_path: Path, site: SiteServer, *args: str) -> Run:
    out = tmp_path / "runs" / "day.jsonl"
    command = [sys.executable, "-m", "newscrawl", "crawl", *args, "-o", str(out), *FAST]
    proc = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(proc, out, site.base_url)


def test_site_root_discovers_feeds_and_robots_sitemaps(tmp_path, site):
    run = crawl(tmp_path, site, site.url("/"))
    assert run.paths() == {SUMMIT, PORT, BRIDGE, FILM, TEA, TELESCOPE, BEES}
    assert run.rejected() == {
        (PRIVATE, "robots"),
        (MISSING, "http_error"),
        (BROKEN, "http_error"),
        (ABOUT, "not_article"),
        (ELSEWHERE, "offsite"),
    }
    stats = run.stats
    assert stats["articles_emitted"] == 7
    assert stats["rejects"] == {"http_error": 2, "not_article": 1, "offsite": 1, "robots": 1}
    assert stats["rejects_total"] == 5
    assert stats["http_statuses"]["301"] == 1
    assert stats["http_statuses"]["404"] == 1
    assert stats["http_statuses"]["500"] == 2  # one retry
    assert stats["finish_reason"] == "finished"
    assert stats["bytes"] > 0
    assert stats["pages_fetched"] >= 17
    assert stats["field_coverage"]["date_published"] == 100.0
    assert "newscrawl: 7 articles" in run.stderr
    # nothing off the START host was ever requested, nothing under /private/
    assert not any(p.startswith("/private/") for p in site.requests)


def test_records_are_whole_and_valid(tmp_path, site):
    run = crawl(tmp_path, site, site.url("/sitemap-archive.xml.gz"), site.url(BRIDGE))
    assert run.paths() == {FILM, TEA, BRIDGE}
    for record in run.records:
        assert record_errors(record) == [], record["url"]
    film = next(r for r in run.records if r["url"].endswith(FILM))
    assert film["headline"] == "Film festival opens in Beyoğlu"  # ISO-8859-9, meta only
    assert "İstiklal Avenue" in film["body"]
    assert {r["reason"] for r in run.rejects} == set()


def test_redirect_keeps_the_final_url(tmp_path, site):
    run = crawl(tmp_path, site, site.url(OLD_BRIDGE))
    assert [r["url"] for r in run.records] == [site.url(BRIDGE)]


@pytest.mark.parametrize(
    ("depth", "expected"),
    [(0, {SUMMIT}), (1, {SUMMIT, GENEVA}), (2, {SUMMIT, GENEVA, DRAFT})],
)
def test_depth_follows_read_more_hops(tmp_path, site, depth, expected):
    run = crawl(tmp_path, site, site.url(SUMMIT), "--depth", str(depth))
    assert run.paths() == expected
    assert run.rejects == []


def test_since_skips_old_entries_before_download(tmp_path, site):
    starts = tmp_path / "starts.txt"
    starts.write_text(
        f"# the test site\n{site.url('/sitemap_index.xml')}\n"
        f"{site.url('/feed.rss')}, {site.url('/feed.atom')}\n",
        "utf-8",
    )
    run = crawl(tmp_path, site, f"@{starts}", "--since", "2024-03-12")
    assert run.paths() == {SUMMIT, PORT, BRIDGE}
    assert run.rejected() == {
        (PRIVATE, "robots"),
        (MISSING, "old"),
        (BROKEN, "old"),
        (ABOUT, "old"),
        (TELESCOPE, "old"),
        (BEES, "old"),
        (ELSEWHERE, "offsite"),
    }
    fetched = set(site.requests)
    assert not fetched & {MISSING, BROKEN, ABOUT, TELESCOPE, BEES}
    assert "/sitemap-archive.xml.gz" not in fetched  # its lastmod is before --since


def test_section_page_start_with_duplicates_and_tracking_links(tmp_path, site):
    run = crawl(tmp_path, site, site.url("/world/"))
    # the AMP-style copy (canonical to the summit story) and the story itself: whichever
    # arrives first is emitted, the other is the duplicate
    emitted = run.paths() - {BRIDGE}
    assert BRIDGE in run.paths()
    assert len(emitted) == 1
    assert emitted <= {SUMMIT, AMP}
    (copy,) = {SUMMIT, AMP} - emitted
    assert run.rejected() == {(copy, "duplicate"), (MISSING, "http_error")}
    assert {r["canonical_url"] for r in run.records} == {site.url(SUMMIT), site.url(BRIDGE)}
    duplicate = next(r for r in run.rejects if r["reason"] == "duplicate")
    assert duplicate["duplicate_of"] == site.url(SUMMIT)
    assert not any("utm_" in p for p in site.requests)


def test_ignore_robots_fetches_disallowed_pages(tmp_path, site):
    run = crawl(tmp_path, site, site.url("/sitemap-news.xml"), "--ignore-robots")
    assert run.paths() == {SUMMIT, PORT, BRIDGE, PRIVATE}
    assert run.rejected() == {
        (MISSING, "http_error"),
        (BROKEN, "http_error"),
        (ABOUT, "not_article"),
    }


def test_max_items_stops_cleanly(tmp_path, site):
    run = crawl(tmp_path, site, site.url("/"), "--max-items", "2", "--quiet")
    assert len(run.records) == 2
    assert run.stats["articles_emitted"] == 2
    assert run.stats["finish_reason"] == "closespider_itemcount"
    assert run.stderr == ""


# --- failures: one line on stderr, exit 2 for bad arguments, 1 when the run cannot run ---


def _exit_code(argv: list[str]) -> int:
    """``main``'s exit code (argparse ends with SystemExit for its own errors)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ftp://example.org/feed"],
            "START is neither an http(s) URL nor @FILE: 'ftp://example.org/feed'",
        ),
        (["example.org/feed"], "START is neither an http(s) URL nor @FILE"),
        (["@/nonexistent/starts.txt"], "START file not found: /nonexistent/starts.txt"),
        (["http://127.0.0.1:9/", "--since", "yesterday"], "--since: not a date"),
        (["http://127.0.0.1:9/", "--site", "nope"], "--site: unknown site profile 'nope'"),
        ([], "give at least one START"),
        (
            ["http://127.0.0.1:9/", "--redis", "http://127.0.0.1:6379"],
            "--redis: not a redis://, rediss:// or unix:// URL",
        ),
        (["http://127.0.0.1:9/", "--depth", "-1"], "must not be negative"),
        (["http://127.0.0.1:9/", "-s", "NOEQUALS"], "expected NAME=VALUE"),
    ],
)
def test_bad_arguments_exit_2(capsys, args, message):
    assert _exit_code(["crawl", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newscrawl: ")
    assert message in err
    assert err.count("\n") == 1


def test_unwritable_output_exits_1(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", "utf-8")
    code = main(["crawl", "http://127.0.0.1:9/", "-o", str(blocker / "out.jsonl")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newscrawl: cannot write {blocker / 'out.jsonl'}")
    assert err.count("\n") == 1


def test_unreadable_start_file_is_a_bad_argument(tmp_path, capsys):
    folder = tmp_path / "starts"
    folder.mkdir()
    assert _exit_code(["crawl", f"@{folder}"]) == 2
    assert "START file is a directory" in capsys.readouterr().err


def test_default_output_is_one_file_per_run_under_output(tmp_path, site):
    # output/<host>/<UTC date>/<run id>.* (the layout itself: tests/test_production.py)
    command = [sys.executable, "-m", "newscrawl", "crawl", site.url(BRIDGE), "--quiet", *FAST]
    proc = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    outputs = sorted(p.name for p in (tmp_path / "output").glob("*/*/*"))
    assert len(outputs) == 3
    stem = outputs[0].split(".")[0]
    assert stem.endswith("Z", 0, 16)
    assert outputs == [f"{stem}.jsonl", f"{stem}.rejects.jsonl", f"{stem}.stats.json"]


@pytest.mark.parametrize("kind", ["directory", "garbage"])
def test_unusable_state_exits_1_before_crawling(tmp_path, capsys, kind):
    state = tmp_path / "state.db"
    if kind == "directory":
        state.mkdir()
    else:
        state.write_text("not a database", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["crawl", "http://127.0.0.1:9/", "--state", str(state), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newscrawl: ")
    assert str(state) in err
    assert err.count("\n") == 1
    assert not out.with_name("out.stats.json").exists()


def test_state_makes_a_second_run_emit_only_new_articles(tmp_path, site):
    state = str(tmp_path / "state.db")
    first = crawl(tmp_path, site, site.url("/sitemap-news.xml"), "--state", state)
    assert first.paths() == {SUMMIT, PORT, BRIDGE}
    (tmp_path / "runs" / "day.jsonl").rename(tmp_path / "runs" / "first.jsonl")
    second = crawl(tmp_path, site, site.url("/sitemap-news.xml"), "--state", state)
    assert second.records == []


#: An article page whose body is one paragraph of exactly 20 words.
FERRY = "/world/2024/03/15/ferry-service-resumes.html"
FERRY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ferry service resumes after storm | The Harbour Ledger</title>
<meta property="og:type" content="article">
</head><body><article>
<h1>Ferry service resumes after storm</h1>
<p class="byline">By Ana Reyes</p>
<div class="article-body">
<p>The morning ferry to the northern islands sailed again on Friday after two days tied up in
the old harbour.</p>
</div></article></body></html>
"""


@pytest.mark.parametrize(
    ("settings", "emitted", "rejected"),
    [
        (["-s", "NEWSCRAWL_MIN_BODY_WORDS=10"], [20], []),
        ([], [], [("not_article", "body has 20 words (fewer than 40)")]),
    ],
)
def test_min_body_words_setting_decides_in_a_crawl(tmp_path, settings, emitted, rejected):
    """The not-an-article rule is the validation pipeline's, with the setting: a 20-word
    page is emitted under ``-s NEWSCRAWL_MIN_BODY_WORDS=10`` and rejected by default."""
    root = tmp_path / "short-site"
    (root / FERRY.lstrip("/")).parent.mkdir(parents=True)
    (root / FERRY.lstrip("/")).write_text(FERRY_PAGE, "utf-8")
    with SiteServer(root) as server:
        run = crawl(tmp_path, server, server.url(FERRY), *settings)
    assert [r["word_count"] for r in run.records] == emitted
    assert [(r["reason"], r["detail"]) for r in run.rejects] == rejected
