"""The crawl benchmark's generated site (bench/sitegen.py) and its smallest end-to-end run.

The site must stay deterministic and its pages real articles to the parser, or the crawl
benchmark would measure something else; the end-to-end run checks that bench/crawl.py
still crawls every page (its figures are not asserted: timings are never tested).
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys

import lxml.html
import pytest

from bench import sitegen
from newscrawl import parse_article
from tests.conftest import ROOT

BASE = "http://127.0.0.1:8000"
#: The median article page of the fundus dataset (258 real pages), which the generated pages
#: are calibrated on (issue #9): bytes, lxml nodes (elements and comments), text_content bytes.
FUNDUS_MEDIAN = {"bytes": 254_300, "nodes": 1_058, "text": 100_600}


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return dict(sitegen.build_site(BASE, 40, seed=3))


def test_site_is_deterministic(site):
    again = dict(sitegen.build_site(BASE, 40, seed=3))
    assert again == site
    other = dict(sitegen.build_site(BASE, 40, seed=4))
    assert other["/sitemap_index.xml"] == site["/sitemap_index.xml"]
    assert other["/sitemaps/articles-0.xml"] != site["/sitemaps/articles-0.xml"]


def test_site_files(site):
    pages = [path for path in site if path.endswith(".html")]
    assert len(pages) == 40
    assert site["/robots.txt"].endswith(f"Sitemap: {BASE}/sitemap_index.xml\n".encode())
    assert b"/sitemaps/articles-0.xml" in site["/sitemap_index.xml"]
    assert site["/sitemaps/articles-0.xml"].count(b"<loc>") == 40
    assert site["/feed.xml"].count(b"<item>") == 40


@pytest.mark.parametrize("index", range(8))
def test_pages_are_articles(site, index):
    spec = sitegen.article_spec(index, seed=3)
    html = site[spec.path]
    assert 200_000 < len(html) < 300_000  # weighs what real article pages weigh
    article = parse_article(html, BASE + spec.path)
    assert article.headline == spec.headline
    assert article.body.split("\n\n")[0] == spec.paragraphs[0]
    assert 300 <= article.word_count <= 900
    assert article.authors == spec.authors
    assert (b"application/ld+json" in html) is spec.jsonld
    assert article.caption == spec.caption


def _shape(html: bytes) -> dict[str, int]:
    root = lxml.html.fromstring(html)
    return {
        "bytes": len(html),
        "nodes": sum(1 for _ in root.iter()),
        "text": len(root.text_content().encode("utf-8")),
    }


def test_pages_weigh_what_real_pages_weigh():
    """Parse cost follows bytes and markup, so the median generated page must stay within 10%
    of the fundus median in bytes and nodes, 15% in text, and carry real pages' markup per
    element (fundus: ~150 KB of tags and attributes over ~1,060 nodes)."""
    shapes = [_shape(html) for _, html in sitegen.site_pages(BASE, 41, seed=1)]
    median = {key: statistics.median(s[key] for s in shapes) for key in FUNDUS_MEDIAN}
    for key, limit in (("bytes", 0.10), ("nodes", 0.10), ("text", 0.15)):
        assert abs(median[key] / FUNDUS_MEDIAN[key] - 1) <= limit, (key, median[key])
    assert (median["bytes"] - median["text"]) / median["nodes"] > 120


def test_server_answers_gzip_and_plain(site):
    served = sitegen.Site(site.items())
    spec = sitegen.article_spec(0, seed=3)
    zipped = served.respond(spec.path, accepts_gzip=True, head=False)
    head, _, body = zipped.partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head
    assert gzip.decompress(body) == site[spec.path]
    plain = served.respond(spec.path, accepts_gzip=False, head=False)
    assert plain.partition(b"\r\n\r\n")[2] == site[spec.path]
    assert served.respond("/nope", accepts_gzip=True, head=False).startswith(b"HTTP/1.1 404")


def test_crawl_benchmark_end_to_end(tmp_path):
    out = tmp_path / "crawl.json"
    command = [sys.executable, str(ROOT / "bench" / "crawl.py"), "--sizes", "25", "50"]
    command += ["--json", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    result = json.loads(out.read_text("utf-8"))
    assert [run["pages"] for run in result["runs"]] == [25, 50]
    for run in result["runs"]:
        assert run["articles_emitted"] == run["pages"]
        assert run["rejects"] == {}
        assert run["parser_alone"]["pages"] == run["pages"]
        assert run["server_alone"]["requests_per_s"] > 0
    assert result["rss_growth_mb"] is not None
