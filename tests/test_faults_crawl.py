"""``newscrawl crawl`` against a server that misbehaves on purpose.

One crawl (module fixture) reads a sitemap that lists good articles beside every fault
of :mod:`tests.faultserver`. The run must complete (exit 0), emit every good article
once (no record lost), record each failed page as a reject with its reason, and retry
no more than ``RETRY_TIMES`` (counted on the server side).
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from typing import TYPE_CHECKING

import attrs
import pytest

from newscrawl.record.rejects import REASONS
from newscrawl.record.schema_check import record_errors
from tests.faultserver import (
    FaultServer,
    Hit,
    Tripwire,
    article_html,
    big,
    drip,
    endless_chunked,
    flaky,
    gzip_bomb,
    hang,
    page,
    paragraphs,
    redirect,
    reset_mid_body,
    sitemap,
    status,
    truncated_gzip,
)

if TYPE_CHECKING:
    from pathlib import Path

RETRY_TIMES = 2
TRIES = RETRY_TIMES + 1
MAX_SIZE = 4 << 20  # the 200,000-element page (2.4 MB) fits, the 50 MB one does not
#: The crawl's settings: small limits so that every fault shows within seconds.
SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": RETRY_TIMES,
    "DOWNLOAD_TIMEOUT": 2,
    "DOWNLOAD_MAXSIZE": MAX_SIZE,
    "DOWNLOAD_WARNSIZE": MAX_SIZE // 4,
    "NEWSCRAWL_RETRY_AFTER_MAX": 1,
}
ARTICLES = "/news/2026/11/20/"
STORM = 10
TURKISH = "İstanbul'da feribot hattı açıldı"


def _long_article(title: str) -> bytes:
    """An article with a long body (22 paragraphs): half of it is still an article."""
    more = "".join(f"<p>{text}</p>" for text in paragraphs(title + " more", 19))
    return article_html(title).replace("</article>", more + "</article>").encode()


def _gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)


def good_pages() -> dict[str, object]:
    """Pages that must come out as records (path suffix -> behaviour)."""
    pages: dict[str, object] = {
        f"good-{i}": page(article_html(f"Good story {i}")) for i in range(5)
    }
    pages["flaky"] = flaky(1, page(article_html("Flaky story")))
    pages["gzip-ok"] = page(
        _gzipped(article_html("Compressed story").encode()), headers={"Content-Encoding": "gzip"}
    )
    pages["moved"] = redirect(ARTICLES + "good-0")
    pages["broken-data"] = page(article_html("Broken data story", extra_head=BROKEN_DATA))
    return pages


#: Structured data a page gets wrong: cut-off JSON-LD, impossible dates everywhere.
BROKEN_DATA = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Cut</script>'
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
    '"2026-13-45T99:99:99", "author": {"name": ["x", {}]}}</script>'
    '<meta property="article:published_time" content="yesterday-ish">'
)


#: Failing pages: path suffix -> (reason, requests the server must see).
FAILURES: dict[str, tuple[str, int]] = {
    "hang": ("timeout", TRIES),
    "drip": ("timeout", TRIES),
    "reset": ("fetch_error", TRIES),
    "too-many": ("http_error", TRIES),
    "server-error": ("http_error", TRIES),
    "missing": ("http_error", 1),
    "loop-a": ("http_error", 1),
    "endless": ("too_large", 1),
    "bomb": ("too_large", 1),
    "big": ("too_large", 1),
    "pdf": ("not_html", 1),
    "png-as-html": ("not_html", 1),
    "nested": ("not_article", 1),
    "to-ftp": ("http_error", 1),
    "to-file": ("http_error", 1),
    "to-data": ("http_error", 1),
    **{f"storm-{i}": ("http_error", TRIES) for i in range(STORM)},
}
NESTED = "<div>" * 200_000 + "deep" + "</div>" * 200_000


def failing_pages(tripwire: Tripwire) -> dict[str, object]:
    story = article_html("Faulty story")
    return {
        "hang": hang(),
        "drip": drip(story, every=0.3),
        "reset": reset_mid_body(story),
        "too-many": status(429, {"Retry-After": "3600"}),
        "server-error": status(500),
        "missing": status(404),
        "loop-a": redirect(ARTICLES + "loop-b"),
        "loop-b": redirect(ARTICLES + "loop-a"),
        "endless": endless_chunked(),
        "bomb": gzip_bomb(64 << 20),
        "big": big(50 << 20),
        "pdf": page(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf"),
        "png-as-html": page(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        "nested": page(story.replace("<article>", "<article>" + NESTED)),
        "to-ftp": redirect(f"ftp://127.0.0.1:{tripwire.port}/x"),
        "to-file": redirect("file:///etc/passwd"),
        "to-data": redirect("data:text/html,<h1>injected</h1>"),
        "to-other-host": redirect(f"http://localhost:{tripwire.port}{ARTICLES}elsewhere"),
        **{f"storm-{i}": status(503) for i in range(STORM)},
    }


def odd_pages() -> dict[str, object]:
    """Pages whose outcome is checked by their own tests."""
    charset = article_html(TURKISH).encode("iso-8859-9")
    return {
        "truncated-gzip": truncated_gzip(_long_article("Truncated story")),
        "lying-charset": page(charset, content_type="text/html; charset=iso-8859-9"),
    }


@attrs.frozen
class Crawl:
    code: int
    stderr: str
    base: str
    records: list[dict]
    rejects: list[dict]
    stats: dict
    hits: list[Hit]
    tripwire_port: int
    tripwire_connections: int

    def requests(self, suffix: str) -> list[Hit]:
        return [h for h in self.hits if h.path == ARTICLES + suffix]

    def reject(self, suffix: str) -> dict:
        found = [r for r in self.rejects if r["url"] == self.base + ARTICLES + suffix]
        assert len(found) == 1, (suffix, self.rejects)
        return found[0]

    def record_paths(self) -> list[str]:
        return sorted(r["url"].removeprefix(self.base + ARTICLES) for r in self.records)


def _read_lines(path: Path) -> list[dict]:
    text = path.read_text("utf-8") if path.exists() else ""
    assert not text or text.endswith("\n"), f"{path} ends with half a line"
    return [json.loads(line) for line in text.splitlines()]


def run_crawl(tmp: Path, server: FaultServer, tripwire: Tripwire) -> Crawl:
    out = tmp / "faults.jsonl"
    overrides = [arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    command = [sys.executable, "-m", "newscrawl", "crawl", server.url("/sitemap.xml")]
    proc = subprocess.run(
        [*command, "-o", str(out), *overrides],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp,
    )
    stats = tmp / "faults.stats.json"
    return Crawl(
        code=proc.returncode,
        stderr=proc.stderr,
        base=server.base_url,
        records=_read_lines(out),
        rejects=_read_lines(tmp / "faults.rejects.jsonl"),
        stats=json.loads(stats.read_text("utf-8")) if stats.exists() else {},
        hits=server.hits,
        tripwire_port=tripwire.port,
        tripwire_connections=tripwire.connections,
    )


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Crawl:
    tmp = tmp_path_factory.mktemp("faults")
    with Tripwire() as tripwire, FaultServer() as server:
        pages = {**good_pages(), **failing_pages(tripwire), **odd_pages()}
        for suffix, behaviour in pages.items():
            server.add(ARTICLES + suffix, behaviour)  # type: ignore[arg-type]
        listed = [server.url(ARTICLES + s) for s in pages if s != "loop-b"]
        server.add("/sitemap.xml", page(sitemap(listed), content_type="application/xml"))
        server.add("/robots.txt", page("User-agent: *\nAllow: /\n", content_type="text/plain"))
        return run_crawl(tmp, server, tripwire)


def test_the_run_completes(crawl):
    assert crawl.code == 0, crawl.stderr
    assert "Traceback" not in crawl.stderr, crawl.stderr
    assert crawl.stats["finish_reason"] == "finished"


def test_no_record_is_lost(crawl):
    """Every good page is emitted once, whole and valid, whatever failed around it
    (the truncated-gzip page is a reject: see the test below)."""
    assert crawl.record_paths() == sorted(
        [
            *("good-0", "good-1", "good-2", "good-3", "good-4"),
            *("flaky", "gzip-ok", "lying-charset", "broken-data"),
        ]
    )
    for record in crawl.records:
        assert record_errors(record) == [], record["url"]
    assert crawl.stats["articles_emitted"] == len(crawl.records)


@pytest.mark.parametrize("suffix", sorted(FAILURES))
def test_each_failed_page_is_a_reject_with_its_reason(crawl, suffix):
    reason, _ = FAILURES[suffix]
    reject = crawl.reject(suffix)
    assert reject["reason"] == reason, reject
    assert reject["detail"]


@pytest.mark.parametrize("suffix", sorted(FAILURES))
def test_retries_are_bounded(crawl, suffix):
    _, tries = FAILURES[suffix]
    assert len(crawl.requests(suffix)) == tries


def test_broken_structured_data_is_skipped_not_fatal(crawl):
    record = next(r for r in crawl.records if r["url"].endswith("broken-data"))
    assert record["headline"] == "Broken data story"
    assert record["date_published"] == "2026-11-20T08:30:00+01:00"  # the page's <time>
    assert record["authors"] == ["Mara Quint"]


def test_rejects_are_counted_in_the_stats(crawl):
    assert crawl.stats["rejects_total"] == len(crawl.rejects)
    assert all(r["reason"] in REASONS for r in crawl.rejects)
    assert len({r["url"] for r in crawl.rejects}) == len(crawl.rejects)  # once per page


def test_a_503_storm_costs_at_most_retry_times_per_page(crawl):
    storm = sum(len(crawl.requests(f"storm-{i}")) for i in range(STORM))
    assert storm == STORM * TRIES


def test_flaky_page_recovers_with_one_retry(crawl):
    assert len(crawl.requests("flaky")) == 2


def test_retry_after_is_waited_for_and_capped(crawl):
    """``Retry-After: 3600`` waits NEWSCRAWL_RETRY_AFTER_MAX (1 s) between tries, not an
    hour (only the lower bound is asserted: waits are never shorter than asked)."""
    times = [h.at for h in crawl.requests("too-many")]
    assert len(times) == TRIES
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


def test_redirect_loop_ends(crawl):
    assert len(crawl.requests("loop-b")) == 1
    assert "redirect loop" in crawl.reject("loop-a")["detail"]


def test_redirects_off_the_web_or_off_the_host_are_not_followed(crawl):
    """Redirects to ftp:, file:, data: end as the 302 they are; one to another host is
    refused before a connection is made (the tripwire counts connections)."""
    assert crawl.tripwire_connections == 0
    offsite = [r for r in crawl.rejects if r["reason"] == "offsite"]
    target = f"http://localhost:{crawl.tripwire_port}{ARTICLES}elsewhere"
    assert [r["url"] for r in offsite] == [target]
    assert "localhost" in offsite[0]["detail"]
    for suffix in ("to-ftp", "to-file", "to-data"):
        assert crawl.reject(suffix)["detail"] == "HTTP 302"


def test_oversized_answers_are_cut_not_read(crawl):
    """The 50 MB page and the endless one stop at DOWNLOAD_MAXSIZE; the gzip bomb stops
    inflating there."""
    assert crawl.stats["bytes"] < 8 * MAX_SIZE
    assert "DOWNLOAD_MAXSIZE" in crawl.reject("bomb")["detail"]


def test_http_charset_wins_over_a_lying_meta(crawl):
    record = next(r for r in crawl.records if r["url"].endswith("lying-charset"))
    assert record["headline"] == TURKISH


def test_truncated_gzip_is_a_reject_not_half_a_record(crawl):
    assert crawl.reject("truncated-gzip")["reason"] == "fetch_error"
