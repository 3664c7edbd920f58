"""`newscrawl scrape` through a subprocess: success paths and every failure path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newscrawl.devtools.site_server import SiteServer
from newscrawl.record.schema_check import record_errors

PARAGRAPH = (
    "The harbour authority said on Tuesday that the new ferry line would start in spring, "
    "linking the two islands with four daily crossings and cutting the journey to an hour. "
)
PARAGRAPH_2 = (
    "Fares will be set by the regional council before the end of the year, and residents of "
    "both islands will travel at half price during the first six months of service."
)
ARTICLE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferry line to link the islands - Harbour News</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>Ferry line to link the islands</h1>
<p class="byline">By Mara Quint</p><time datetime="2026-11-20T08:30:00+01:00">20 Nov 2026</time>
<p>{PARAGRAPH}</p><p>{PARAGRAPH_2}</p></article><footer>© Harbour News</footer></body></html>"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "story.html").write_text(ARTICLE, encoding="utf-8")
    (root / "home.html").write_text("<html><body><h1>Home</h1><a href='/x'>x</a></body></html>")
    (root / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (root / "_routes.json").write_text(
        json.dumps(
            {
                "/moved": {"status": 301, "headers": {"Location": "/story.html"}},
                "/broken": {"status": 500},
            }
        )
    )
    with SiteServer(root) as server:
        yield server


def assert_one_line_error(result, *words):
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newscrawl: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_scrape_from_html_file(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    result = run_cli(
        "scrape", "https://harbour.example/news/ferry?utm_source=x", "--html", str(page)
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record_errors(record) == []
    assert record["headline"] == "Ferry line to link the islands"
    assert record["canonical_url"] == "https://harbour.example/news/ferry"
    assert record["authors"] == ["Mara Quint"]
    assert record["date_published"] == "2026-11-20T08:30:00+01:00"


def test_scrape_reads_the_project_settings_and_s_overrides(tmp_path):
    """The article has 61 body words: ``-s NEWSCRAWL_MIN_BODY_WORDS=100`` makes it no
    article, as in a crawl; ``NEWSCRAWL_TRACKING_PARAMS`` extends the canonical URL's."""
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    url = "https://harbour.example/news/ferry?ref=home"
    strict = run_cli("scrape", url, "--html", str(page), "-s", "NEWSCRAWL_MIN_BODY_WORDS=100")
    assert_one_line_error(strict, "not an article", "body has 61 words (fewer than 100)")
    result = run_cli("scrape", url, "--html", str(page), "-s", "NEWSCRAWL_TRACKING_PARAMS=ref")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["word_count"], record["canonical_url"]) == (
        61,
        "https://harbour.example/news/ferry",
    )
    bad = run_cli("scrape", url, "--html", str(page), "-s", "NEWSCRAWL_MIN_BODY_WORDS=many")
    assert_one_line_error(bad, "bad setting")


def test_scrape_fetches_over_http_and_follows_redirects(site):
    result = run_cli("scrape", site.url("/moved"))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == site.url("/story.html")
    assert record["word_count"] == 61  # paragraphs of 30 and 31 words, counted by hand


def test_scrape_appends_to_output(site, tmp_path):
    out = tmp_path / "data" / "one.jsonl"
    for _ in range(2):
        assert run_cli("scrape", site.url("/story.html"), "-o", str(out)).returncode == 0
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 2
    assert all(record_errors(json.loads(line)) == [] for line in lines)
    assert out.read_bytes().endswith(b"\n")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/missing.html", ("HTTP 404",)),
        ("/broken", ("HTTP 500",)),
        ("/report.pdf", ("not HTML", "application/pdf")),
        ("/home.html", ("not an article",)),
    ],
)
def test_scrape_http_failures(site, path, words):
    assert_one_line_error(run_cli("scrape", site.url(path)), *words)


def test_scrape_connection_refused():
    assert_one_line_error(run_cli("scrape", "http://127.0.0.1:9/story"), "connection refused")


@pytest.mark.parametrize("url", ["ftp://example.com/x", "example.com/story", "file:///etc/passwd"])
def test_scrape_rejects_non_http_urls(url):
    assert_one_line_error(run_cli("scrape", url), "not an http(s) URL")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ("empty",)),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("binary",)),
        (bytes(range(256)) * 8, ("binary",)),
    ],
)
def test_scrape_bad_html_files(tmp_path, content, words):
    page = tmp_path / "page.html"
    page.write_bytes(content)
    assert_one_line_error(run_cli("scrape", "https://ex.com/a", "--html", str(page)), *words)


def test_scrape_missing_html_file(tmp_path):
    result = run_cli("scrape", "https://ex.com/a", "--html", str(tmp_path / "nope.html"))
    assert_one_line_error(result, "not found", "nope.html")


def test_scrape_unwritable_output(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli(
        "scrape", "https://ex.com/a", "--html", str(page), "-o", str(blocker / "o.jsonl")
    )
    assert_one_line_error(result, "cannot write")


def test_usage_error_exit_code():
    result = run_cli("scrape")
    assert result.returncode == 2
    assert result.stderr.startswith("newscrawl: ")


def test_schema_command_prints_the_schema():
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "headline" in schema["required"]
