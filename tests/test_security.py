"""Security: hostile XML is not expanded, a crawl stays on its hosts and on http(s),
nothing a page references is loaded or run, and files are created with the user's umask.

Every network check has two witnesses: the fault server's request log (paths and
``Host`` headers it saw) and a :class:`~tests.faultserver.Tripwire`, a bare listener
that counts connections to a port nothing may reach.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tracemalloc
from typing import TYPE_CHECKING

import pytest

from newscrawl import parse_article
from newscrawl.discovery.documents import MAX_DOCUMENT_BYTES, Kind, detect_kind, gunzip
from newscrawl.discovery.listings import read_listing
from tests.faultserver import (
    FaultServer,
    Tripwire,
    article_html,
    billion_laughs_sitemap,
    bomb_bytes,
    external_entity_feed,
    page,
    redirect,
    sitemap,
)

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "TOP-SECRET-7f3a9c"
ARTICLES = "/news/2026/11/20/"
FAST = [
    *("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"),
    *("-s", "DOWNLOAD_TIMEOUT=5"),
]


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", "utf-8")
    return path


@pytest.fixture
def tripwire():
    with Tripwire() as wire:
        yield wire


# --- hostile XML (discovery) and HTML (parser), no network ---------------------------------


def test_billion_laughs_sitemap_is_not_expanded():
    body = billion_laughs_sitemap("http://127.0.0.1:1/news/2026/11/20/story", levels=10)
    tracemalloc.start()
    try:
        listing = read_listing(body.encode(), "http://127.0.0.1:1/sitemap.xml")
        kind = detect_kind(body.encode())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert kind is Kind.URLSET
    assert listing.kind is Kind.URLSET
    assert all("lol" not in entry.url for entry in listing.entries)
    assert peak < 2 << 20  # expanded, lol9 alone would be 3 GB


@pytest.mark.parametrize("levels", [3, 10, 30])
def test_entity_depth_does_not_matter(levels):
    body = billion_laughs_sitemap("http://127.0.0.1:1/a", levels=levels).encode()
    listing = read_listing(body, "http://127.0.0.1:1/sitemap.xml")
    assert sum(len(e.url) for e in listing.entries) < 200


def test_gzipped_sitemap_bomb_is_cut():
    """A .xml.gz of 70 KB that inflates to 58 MB is read up to the 50 MB sitemap limit."""
    head = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://127.0.0.1:1/news/2026/11/20/story</loc></url><!--"
    )
    body = bomb_bytes(MAX_DOCUMENT_BYTES + (8 << 20), prefix=head)
    assert len(body) < 200_000
    assert len(gunzip(body)) == MAX_DOCUMENT_BYTES
    listing = read_listing(body, "http://127.0.0.1:1/sitemap.xml.gz")
    assert [e.url for e in listing.entries] == ["http://127.0.0.1:1/news/2026/11/20/story"]


def _documents(secret: Path, probe: str) -> dict[str, bytes]:
    """Feeds and sitemaps that would read ``secret`` or connect to ``probe`` if their
    external entities, external DTDs or XIncludes were followed."""
    link = "http://127.0.0.1:1/news/2026/11/20/story"
    item = f"<item><title>Real</title><link>{link}</link></item>"
    return {
        "external entities": external_entity_feed(link, secret.as_uri(), probe).encode(),
        "external DTD": (
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{probe}">'
            f'<rss version="2.0"><channel>{item}</channel></rss>'
        ).encode(),
        "parameter entity": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{secret.as_uri()}">'
            f'<!ENTITY % q SYSTEM "{probe}"> %p; %q;]>'
            f'<rss version="2.0"><channel>{item}</channel></rss>'
        ).encode(),
        "xinclude": (
            '<?xml version="1.0"?><rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<channel><item><link><xi:include href="{secret.as_uri()}" parse="text"/></link>'
            f'</item><item><link><xi:include href="{probe}" parse="text"/></link></item>'
            f"{item}</channel></rss>"
        ).encode(),
        "sitemap entity": (
            f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{link}?s=&s;</loc><lastmod>&s;</lastmod></url></urlset>"
        ).encode(),
    }


@pytest.mark.parametrize(
    "name",
    ["external entities", "external DTD", "parameter entity", "xinclude", "sitemap entity"],
)
def test_external_entities_neither_leak_nor_connect(secret_file, tripwire, name):
    probe = f"http://127.0.0.1:{tripwire.port}/probe"
    body = _documents(secret_file, probe)[name]
    listing = read_listing(body, "http://127.0.0.1:1/feed.xml")
    assert listing.kind in (Kind.FEED, Kind.URLSET)
    assert SECRET not in repr(listing)
    assert tripwire.connections == 0


def test_html_page_entities_and_doctype_neither_leak_nor_connect(secret_file, tripwire):
    probe = f"http://127.0.0.1:{tripwire.port}/probe.dtd"
    html = (
        f'<?xml version="1.0"?><!DOCTYPE html SYSTEM "{probe}" ['
        f'<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>'
        + article_html("Ferry line opens").split("?>", 1)[-1].replace("<h1>", "<h1>&x;", 1)
    )
    article = parse_article(html, "https://ex.com/news/2026/11/20/ferry-line-opens")
    assert SECRET not in json.dumps(article.to_dict())
    assert tripwire.connections == 0


# --- crawls: hosts, schemes, page resources ---------------------------------------------------

#: Resources a page references that a crawler must never load or run.
RESOURCES = ("/evil.js", "/pixel.gif", "/frame.html", "/style.css", "/beacon", "/object")


def _hostile_article(tripwire: Tripwire) -> str:
    away = f"localhost:{tripwire.port}"
    head = (
        '<script src="/evil.js"></script><link rel="stylesheet" href="/style.css">'
        f'<link rel="alternate" type="application/rss+xml" href="http://{away}/feed.xml">'
        "<script>fetch('/beacon'); document.location='/beacon';</script>"
    )
    links = [
        "file:///etc/passwd",
        f"ftp://127.0.0.1:{tripwire.port}/pub",
        "data:text/html,<script>alert(1)</script>",
        "javascript:fetch('/beacon')",
        f"http://{away}{ARTICLES}offsite-story",
        f"//{away}{ARTICLES}protocol-relative",
        f"https://127.0.0.1:{tripwire.port}{ARTICLES}same-host-other-port",
    ]
    html = article_html("Hostile page", links, extra_head=head)
    extras = (
        '<img src="/pixel.gif" onerror="fetch(\'/beacon\')"><iframe src="/frame.html"></iframe>'
        '<object data="/object"></object>'
    )
    return html.replace("</article>", extras + "</article>")


def _hostile_section(server: FaultServer, tripwire: Tripwire) -> str:
    away = f"localhost:{tripwire.port}"
    anchors = [
        f"{ARTICLES}hostile",
        "file:///etc/passwd",
        f"ftp://127.0.0.1:{tripwire.port}{ARTICLES}ftp-story",
        "data:text/html,hello",
        f"http://{away}{ARTICLES}offsite-story",
        f"//{away}{ARTICLES}protocol-relative",
    ]
    links = "".join(f'<li><a href="{a}">Story {i}</a></li>' for i, a in enumerate(anchors))
    return (
        '<!doctype html><html><head><meta property="og:type" content="website">'
        f'<link rel="alternate" type="application/rss+xml" href="http://{away}/feed.xml">'
        f"</head><body><h1>Section</h1><ul>{links}</ul></body></html>"
    )


def _hostile_sitemap(server: FaultServer, tripwire: Tripwire) -> str:
    return sitemap(
        [
            server.url(ARTICLES + "hostile"),
            "file:///etc/passwd",
            f"ftp://127.0.0.1:{tripwire.port}{ARTICLES}ftp",
            "data:text/html,hi",
            f"http://localhost:{tripwire.port}{ARTICLES}listed-offsite",
            server.url(ARTICLES + "refresh-file"),
            server.url(ARTICLES + "refresh-offsite"),
            server.url(ARTICLES + "to-offsite"),
        ]
    )


def _refresh(target: str) -> str:
    return article_html("Refresh page").replace(
        "<head>", f'<head><meta http-equiv="refresh" content="0; url={target}">', 1
    )


def _serve_hostile_site(server: FaultServer, tripwire: Tripwire, secret: Path) -> None:
    away = f"http://localhost:{tripwire.port}"
    server.add("/robots.txt", page(f"Sitemap: {away}/sitemap.xml\n", "text/plain"))
    server.add(ARTICLES + "hostile", page(_hostile_article(tripwire)))
    server.add(ARTICLES + "refresh-file", page(_refresh(secret.as_uri())))
    server.add(ARTICLES + "refresh-offsite", page(_refresh(f"{away}{ARTICLES}refreshed")))
    server.add(ARTICLES + "to-offsite", redirect(f"{away}{ARTICLES}redirected"))
    server.add("/section", page(_hostile_section(server, tripwire)))
    server.add("/sitemap.xml", page(_hostile_sitemap(server, tripwire), "application/xml"))
    probe = server.url("/xxe-probe")
    server.add(ARTICLES + "feed-target", page(article_html("Feed target")))
    feed = external_entity_feed(server.url(ARTICLES + "feed-target"), secret.as_uri(), probe)
    server.add("/feed.xml", page(feed, "application/rss+xml"))
    server.add(ARTICLES + "bomb-target", page(article_html("Bomb target")))
    server.add("/bomb.xml", page(billion_laughs_sitemap(server.url(ARTICLES + "bomb-target"))))


@pytest.fixture
def hostile_crawl(tmp_path, tripwire, secret_file):
    with FaultServer() as server:
        _serve_hostile_site(server, tripwire, secret_file)
        paths = ("/", "/section", "/sitemap.xml", "/feed.xml", "/bomb.xml")
        starts = [server.url(p) for p in paths]
        out = tmp_path / "out.jsonl"
        argv = ["crawl", *starts, "--depth", "2", "-o", str(out), *FAST]
        proc = subprocess.run(
            [sys.executable, "-m", "newscrawl", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
        )
        yield server, proc, out


def test_crawl_stays_on_its_host_and_on_http(hostile_crawl, tripwire):
    """Links, feeds, sitemap entries, robots.txt sitemaps, redirects and meta refreshes
    to file:, ftp:, data:, javascript:, another host or another port are not followed."""
    server, proc, _ = hostile_crawl
    assert proc.returncode == 0, proc.stderr
    assert tripwire.connections == 0
    assert server.hosts() == {f"127.0.0.1:{server.port}"}
    requested = {h.path.split("?")[0] for h in server.hits}
    allowed = {"/", "/robots.txt", "/section", "/sitemap.xml", "/feed.xml", "/bomb.xml"}
    pages = (
        "hostile",
        "refresh-file",
        "refresh-offsite",
        "to-offsite",
        "bomb-target",
        "feed-target",
    )
    allowed |= {ARTICLES + s for s in pages}
    assert requested <= allowed, requested - allowed


def test_nothing_a_page_references_is_loaded_or_run(hostile_crawl):
    server, proc, _ = hostile_crawl
    assert proc.returncode == 0, proc.stderr
    assert not set(RESOURCES) & {h.path for h in server.hits}
    assert "/xxe-probe" not in server.paths()  # the feed's external entity


def test_hostile_outputs_hold_no_secret_and_the_good_article(hostile_crawl):
    server, _, out = hostile_crawl
    texts = [p.read_text("utf-8") for p in out.parent.glob("out*")]
    assert texts
    assert not any(SECRET in t for t in texts)
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["url"] for r in records if r["headline"] == "Hostile page"] == [
        server.url(ARTICLES + "hostile")
    ]
    rejects_text = out.with_name("out.rejects.jsonl").read_text("utf-8")
    rejects = [json.loads(line) for line in rejects_text.splitlines()]
    offsite = {r["url"] for r in rejects if r["reason"] == "offsite"}
    assert any("localhost" in url for url in offsite)
    assert not any(r["url"].startswith(("file:", "ftp:", "data:")) for r in records)


# --- files are created with the user's umask ------------------------------------------------


def _modes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
    }


def _run_under(umask: int, cwd: Path, *argv: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newscrawl", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        umask=umask,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_outputs_and_state_follow_the_umask(tmp_path, umask):
    work = tmp_path / "work"
    work.mkdir()
    story = article_html("Ferry line opens")
    (work / "page.html").write_text(story, "utf-8")
    with FaultServer() as server:
        url = server.add(ARTICLES + "ferry-line-opens", page(story))
        server.add("/robots.txt", page("User-agent: *\n", "text/plain"))
        crawl = ["crawl", url, "-o", "runs/day.jsonl", "--state", "state/state.db", *FAST]
        _run_under(umask, work, *crawl)
    _run_under(umask, work, "scrape", url, "--html", "page.html", "-o", "scraped/one.jsonl")
    _run_under(umask, work, "merge", "runs/day.jsonl", "-o", "data/set.jsonl")
    if _has_pyarrow():
        _run_under(
            umask, work, "merge", "runs/day.jsonl", "-o", "data/set.parquet", "--format", "parquet"
        )
    modes = {k: v for k, v in _modes(work).items() if k != "page.html"}
    expected = {
        "runs/day.jsonl", "runs/day.rejects.jsonl", "runs/day.stats.json", "state/state.db",
        "scraped/one.jsonl", "data/set.jsonl",
    }  # fmt: skip
    assert expected <= set(modes), modes
    for name, mode in modes.items():
        kind = 0o777 if (work / name).is_dir() else 0o666
        assert mode == kind & ~umask, (name, oct(mode))
        assert not mode & stat.S_IWOTH, name


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def test_files_are_not_world_writable_even_when_they_existed(tmp_path):
    """Appending to an existing output keeps its mode (no chmod to something wider)."""
    out = tmp_path / "one.jsonl"
    out.write_text("", "utf-8")
    os.chmod(out, 0o600)
    html = tmp_path / "page.html"
    html.write_text(article_html("Ferry line opens"), "utf-8")
    _run_under(
        0o000, tmp_path, "scrape", "https://ex.com/news/a-b-c", "--html", str(html), "-o", str(out)
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
