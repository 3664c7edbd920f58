"""A generated local news site for the crawl benchmark, deterministic from a seed.

``build_site(base_url, pages, seed)`` returns every file of the site as bytes: N article
pages, a sitemap index with child sitemaps of 1,000 URLs, an RSS feed of the latest 50
articles, a home page and ``robots.txt``. Page *i* depends only on (seed, i, base_url), so
the site of 1,000 pages is the first 1,000 pages of the site of 5,000.

The pages are shaped like real article pages so the parser does realistic work: a header
with navigation, breadcrumbs, a headline, standfirst, byline and printed date, a figure
with caption and credit, 300-800 words of text in paragraphs with subheadings, a "Read
more" link, share and newsletter widgets, a "most read" box and a footer full of links;
JSON-LD on half of the pages, OpenGraph on most, printed-only dates on some.

``python bench/sitegen.py serve --pages N --seed S`` serves the site from memory on
127.0.0.1 (a free port; ``PORT <n>`` is printed on stdout once it is ready) with HTTP/1.1
keep-alive and gzip, so that the server is not what limits a crawl; :func:`load` measures
such a server alone (``bench/crawl.py`` does, before crawling it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import html
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

SITE_NAME = "The Bench Gazette"
SITEMAP_SIZE = 1000
FEED_SIZE = 50
FIRST_DATE = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)

SECTIONS = (
    "World", "Business", "Politics", "Science", "Sport",
    "Culture", "Technology", "Health", "Opinion", "Travel",
)  # fmt: skip
FIRST_NAMES = (
    "Ana", "Ben", "Carla", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kemal", "Lena", "Marta", "Nadia", "Oscar", "Priya", "Rafael", "Sara", "Tomas", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Almeida", "Brandt", "Costa", "Demir", "Evans", "Fischer", "Garcia", "Haddad", "Ivanova",
    "Jensen", "Kaya", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Ustun", "Varga", "Weber", "Yilmaz", "Zhou",
)  # fmt: skip
#: Words the text is drawn from (common English words, so the text reads like prose-ish
#: news copy to the body extractor's link-density and punctuation rules).
_WORD_TEXT = """
    the of and to in a is that for it as was with be by on not he this are or his from at
    which but have an they you were her she there been one all we their has would when if
    so no will more who out up can what said about other into than its time only could new
    them man some these then two first may any like now my such make over our even most me
    state after also made many did must before back see through way where get much go well
    your know should down work year because come people just say each those take day good
    how long own too little use here government city council minister report market budget
    prices energy water school hospital court police border election vote party leader
    officials plan policy talks agreement companies workers union strike storm rain summer
    winter season team match coach players club final league fans stadium museum artists
    festival film music book research scientists study data climate forest river coast
    farmers harvest trade exports tax bank rates inflation growth jobs housing rent rail
    airport flights road bridge village region province capital country nation neighbours
    week month morning evening night hours minutes years decade century history future
    public private local national global economic social political cultural medical legal
    said told added noted warned announced confirmed denied expected reported described
    increase decline change support question answer problem result level number group part
    large small high low early late major recent previous next last final open closed
"""
WORDS = tuple(_WORD_TEXT.split())
SENTENCE_ENDINGS = (".", ".", ".", ".", "?", ".")


@dataclass(frozen=True)
class ArticleSpec:
    """What one generated article says (everything drawn from its own random stream)."""

    index: int
    section: str
    headline: str
    slug: str
    standfirst: str
    authors: tuple[str, ...]
    published: datetime
    paragraphs: tuple[str, ...]
    subheads: dict[int, str]
    caption: str
    credit: str
    jsonld: bool
    opengraph: bool
    printed_only_date: bool

    @property
    def path(self) -> str:
        day = self.published.strftime("%Y/%m/%d")
        return f"/{self.section.lower()}/{day}/{self.slug}-{self.index}.html"


def _words(rng: random.Random, low: int, high: int) -> list[str]:
    return rng.choices(WORDS, k=rng.randint(low, high))


def _sentence(rng: random.Random) -> str:
    words = _words(rng, 7, 24)
    if len(words) > 12 and rng.random() < 0.4:
        words[rng.randint(4, len(words) - 4)] += ","
    if rng.random() < 0.2:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(LAST_NAMES))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(SENTENCE_ENDINGS)


def _paragraphs(rng: random.Random) -> tuple[str, ...]:
    """Paragraphs of 2-5 sentences until the text holds 300-800 words."""
    target = rng.randint(300, 800)
    paragraphs: list[str] = []
    count = 0
    while count < target:
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(text)
        count += len(text.split())
    return tuple(paragraphs)


def _title(rng: random.Random, low: int, high: int) -> str:
    text = " ".join(_words(rng, low, high))
    return text[0].upper() + text[1:]


def article_spec(index: int, seed: int) -> ArticleSpec:
    """Article ``index`` of the site generated from ``seed``."""
    rng = random.Random(f"{seed}:{index}")
    headline = _title(rng, 6, 12)
    paragraphs = _paragraphs(rng)
    subheads = {i: _title(rng, 3, 6) for i in range(3, len(paragraphs) - 1, rng.randint(3, 5))}
    return ArticleSpec(
        index=index,
        section=rng.choice(SECTIONS),
        headline=headline,
        slug="-".join(headline.lower().split()[:6]),
        standfirst=_sentence(rng),
        authors=tuple(
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 2))
        ),
        published=FIRST_DATE + timedelta(minutes=97 * index + rng.randint(0, 60)),
        paragraphs=paragraphs,
        subheads=subheads,
        caption=_sentence(rng).rstrip(".?"),
        credit=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}/Bench Photo",
        jsonld=index % 2 == 0,
        opengraph=index % 4 != 3,
        printed_only_date=index % 4 == 3,
    )


# --- article page ----------------------------------------------------------------------------


def _head(spec: ArticleSpec, base: str) -> str:
    url = base + spec.path
    parts = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(spec.headline)} | {SITE_NAME}</title>",
        f'<meta name="description" content="{html.escape(spec.standfirst)}">',
        f'<link rel="canonical" href="{url}">',
        f'<link rel="stylesheet" href="{base}/static/site.css">',
        f'<link rel="alternate" type="application/rss+xml" href="{base}/feed.xml">',
    ]
    if spec.opengraph:
        parts += [
            '<meta property="og:type" content="article">',
            f'<meta property="og:site_name" content="{SITE_NAME}">',
            f'<meta property="og:title" content="{html.escape(spec.headline)}">',
            f'<meta property="og:url" content="{url}">',
            f'<meta property="og:image" content="{base}/img/{spec.index}-lead.jpg">',
            f'<meta property="article:section" content="{spec.section}">',
            f'<meta property="article:published_time" content="{spec.published.isoformat()}">',
        ]
    if spec.jsonld:
        parts.append(f'<script type="application/ld+json">{_jsonld(spec, base)}</script>')
    parts.append(f"<script>{_tracking_script(spec)}</script>")
    return "\n".join(parts)


def _jsonld(spec: ArticleSpec, base: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": spec.headline,
        "description": spec.standfirst,
        "datePublished": spec.published.isoformat(),
        "dateModified": (spec.published + timedelta(hours=2)).isoformat(),
        "author": [{"@type": "Person", "name": name} for name in spec.authors],
        "articleSection": spec.section,
        "image": {"@type": "ImageObject", "url": f"{base}/img/{spec.index}-lead.jpg"},
        "mainEntityOfPage": base + spec.path,
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "inLanguage": "en",
    }
    return json.dumps(data)


def _tracking_script(spec: ArticleSpec) -> str:
    """The page-state blob real article templates inline (parsed, then thrown away)."""
    state = {"page": {"id": spec.index, "section": spec.section, "tags": spec.slug.split("-")}}
    state["ads"] = {f"slot{n}": {"sizes": [[300, 250], [728, 90]], "lazy": True} for n in range(12)}
    return "window.__STATE__ = " + json.dumps(state) + ";"


def _nav(base: str) -> str:
    """Header: logo, a mega-menu (each section with six topic links) and search."""
    links = "".join(
        f'<li class="menu-item"><a href="{base}/{s.lower()}/">{s}</a><ul class="sub-menu">'
        + "".join(
            f'<li><a href="{base}/{s.lower()}/{w}/">{w.title()}</a></li>'
            for w in WORDS[150 + i * 6 : 156 + i * 6]
        )
        + "</ul></li>"
        for i, s in enumerate(SECTIONS)
    )
    return (
        '<header class="site-header"><a class="logo" href="/">'
        f'<img src="{base}/static/logo.svg" alt="{SITE_NAME}"></a>'
        f'<nav class="main-nav"><ul>{links}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search">'
        "<button>Go</button></form></header>"
    )


def _byline(spec: ArticleSpec) -> str:
    names = " and ".join(f'<a rel="author" href="/authors/{n.lower().replace(" ", "-")}">{n}</a>'
                         for n in spec.authors)  # fmt: skip
    printed = spec.published.strftime("%d %B %Y, %H:%M GMT")
    if spec.printed_only_date:
        when = f'<span class="date">{spec.published.strftime("%B %d, %Y %I:%M %p")}</span>'
    else:
        when = f'<time datetime="{spec.published.isoformat()}">{printed}</time>'
    return f'<div class="byline">By {names}</div><div class="meta">{when}</div>'


def _figure(spec: ArticleSpec, base: str) -> str:
    return (
        f'<figure class="lead"><img src="{base}/img/{spec.index}-lead.jpg" width="1200" '
        f'height="675" alt="{html.escape(spec.caption[:60])}">'
        f"<figcaption>{html.escape(spec.caption)} "
        f'<span class="credit">Photo: {spec.credit}</span></figcaption></figure>'
    )


def _body(spec: ArticleSpec, related: ArticleSpec | None, base: str) -> str:
    out: list[str] = []
    for i, text in enumerate(spec.paragraphs):
        if i in spec.subheads:
            out.append(f"<h2>{spec.subheads[i]}</h2>")
        out.append(f"<p>{text}</p>")
        if i == 2:
            out.append('<div class="ad-slot" data-slot="mid"><span>Advertisement</span></div>')
        if i == 4 and related is not None:
            out.append(
                f'<p><strong>Read more:</strong> <a href="{base}{related.path}">'
                f"{related.headline}</a></p>"
            )
    return '<div class="article-body">' + "".join(out) + "</div>"


def _widgets(spec: ArticleSpec, base: str) -> str:
    url = base + spec.path
    share = "".join(
        f'<li><a class="share-{n.lower()}" href="https://share.example/{n.lower()}?u={url}">{n}</a></li>'
        for n in ("Facebook", "X", "LinkedIn", "Email")
    )
    return (
        f'<ul class="share-tools">{share}</ul>'
        '<div class="newsletter"><h3>Get the morning briefing</h3>'
        "<p>Sign up for our newsletter and never miss a story.</p>"
        '<form><input type="email" placeholder="Email"><button>Subscribe</button></form></div>'
    )


def _most_read(others: list[ArticleSpec], base: str) -> str:
    items = "".join(f'<li><a href="{base}{o.path}">{o.headline}</a></li>' for o in others[:5])
    return f'<aside class="most-read"><h2>Most read</h2><ol>{items}</ol></aside>'


def _teasers(spec: ArticleSpec, others: list[ArticleSpec], base: str) -> str:
    """The "More from <section>" cards under the article: image, kicker, headline, summary."""
    cards = "".join(
        f'<div class="card"><a href="{base}{o.path}"><img src="{base}/img/{o.index}-thumb.jpg" '
        f'alt="" loading="lazy" width="320" height="180"></a><span class="kicker">{o.section}'
        f'</span><h3><a href="{base}{o.path}">{o.headline}</a></h3><p>{o.standfirst}</p></div>'
        for o in others[5:]
    )
    return f'<section class="more-from"><h2>More from {spec.section}</h2>{cards}</section>'


def _footer(base: str) -> str:
    columns = "".join(
        f'<div class="col"><h4>{s}</h4><ul>'
        + "".join(f'<li><a href="{base}/{s.lower()}/{w}/">{w.title()}</a></li>' for w in WORDS[i * 6 : i * 6 + 6])
        + "</ul></div>"
        for i, s in enumerate(SECTIONS)
    )  # fmt: skip
    return (
        f'<footer class="site-footer">{columns}'
        '<p class="legal"><a href="/about">About us</a> <a href="/contact">Contact</a> '
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p>'
        f"<p>&copy; 2024 {SITE_NAME}. All rights reserved.</p></footer>"
    )


def article_page(spec: ArticleSpec, specs: Sequence[ArticleSpec], base: str, seed: int) -> bytes:
    """The HTML of one article page (UTF-8 bytes); ``specs`` are the site's articles (the
    page links to some of them)."""
    rng = random.Random(f"{seed}:links:{spec.index}")
    related = specs[rng.randrange(len(specs))] if spec.index % 3 != 1 else None
    others = [specs[rng.randrange(len(specs))] for _ in range(13)]
    crumbs = (
        f'<nav class="breadcrumb"><a href="{base}/">Home</a> &rsaquo; '
        f'<a href="{base}/{spec.section.lower()}/">{spec.section}</a></nav>'
    )
    article = (
        f'<article class="story">{crumbs}<h1 class="headline">{spec.headline}</h1>'
        f'<p class="standfirst">{spec.standfirst}</p>{_byline(spec)}{_figure(spec, base)}'
        f"{_body(spec, related, base)}{_widgets(spec, base)}</article>"
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head>{_head(spec, base)}</head>'
        f'<body class="article-page">{_nav(base)}<main>{article}'
        f"{_teasers(spec, others, base)}{_most_read(others, base)}</main>{_footer(base)}"
        "</body></html>\n"
    )
    return page.encode("utf-8")


# --- listings ----------------------------------------------------------------------------


def _sitemap(specs: list[ArticleSpec], base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{s.path}</loc><lastmod>{s.published.isoformat()}</lastmod></url>"
        for s in specs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    ).encode()


def _sitemap_index(count: int, base: str) -> bytes:
    items = "".join(
        f"<sitemap><loc>{base}/sitemaps/articles-{n}.xml</loc></sitemap>" for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}'
        "</sitemapindex>\n"
    ).encode()


def _feed(specs: list[ArticleSpec], base: str) -> bytes:
    items = "".join(
        f"<item><title>{s.headline}</title><link>{base}{s.path}</link>"
        f"<pubDate>{s.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for s in specs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{SITE_NAME}</title><link>{base}/</link>{items}</channel></rss>\n"
    ).encode()


def _home(specs: list[ArticleSpec], base: str) -> bytes:
    links = "".join(f'<li><a href="{base}{s.path}">{s.headline}</a></li>' for s in specs)
    return (
        f"<!DOCTYPE html><html><head><title>{SITE_NAME}</title></head>"
        f"<body>{_nav(base)}<main><ul>{links}</ul></main>{_footer(base)}</body></html>\n"
    ).encode()


def site_pages(base: str, pages: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """Every article page of the site as ``(url, html bytes)``, in index order."""
    specs = [article_spec(i, seed) for i in range(pages)]
    for spec in specs:
        yield base + spec.path, article_page(spec, specs, base, seed)


def build_site(base: str, pages: int, seed: int) -> dict[str, bytes]:
    """Every file of the site: path -> body."""
    specs = [article_spec(i, seed) for i in range(pages)]
    files = {s.path: article_page(s, specs, base, seed) for s in specs}
    chunks = [specs[i : i + SITEMAP_SIZE] for i in range(0, pages, SITEMAP_SIZE)]
    for n, chunk in enumerate(chunks):
        files[f"/sitemaps/articles-{n}.xml"] = _sitemap(chunk, base)
    latest = specs[-FEED_SIZE:][::-1]
    files["/sitemap_index.xml"] = _sitemap_index(len(chunks), base)
    files["/feed.xml"] = _feed(latest, base)
    files["/"] = _home(latest[:30], base)
    files["/robots.txt"] = (
        f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap_index.xml\n".encode()
    )
    return files


# --- the server ----------------------------------------------------------------------------

_TYPES = {".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Resource:
    content_type: str
    gzipped: bytes


class Site:
    """The site in memory, gzipped once; a request is a dict look-up."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = {
            path: Resource(_content_type(path), gzip.compress(body, 6, mtime=0))
            for path, body in files.items()
        }

    def respond(self, path: str, accepts_gzip: bool, head: bool) -> bytes:
        resource = self.files.get(path.split("?", 1)[0])
        if resource is None:
            return _response("404 Not Found", "text/html", b"<html><body>404</body></html>", "")
        if accepts_gzip:
            body, encoding = resource.gzipped, "gzip"
        else:
            body, encoding = gzip.decompress(resource.gzipped), ""
        return _response("200 OK", resource.content_type, body, encoding, head)


def _content_type(path: str) -> str:
    for suffix, ctype in _TYPES.items():
        if path.endswith(suffix):
            return ctype
    return "text/html; charset=utf-8"


def _response(status: str, ctype: str, body: bytes, encoding: str, head: bool = False) -> bytes:
    lines = [
        f"HTTP/1.1 {status}",
        f"Content-Type: {ctype}",
        f"Content-Length: {len(body)}",
        "Vary: Accept-Encoding",
    ]
    if encoding:
        lines.append(f"Content-Encoding: {encoding}")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head_bytes if head else head_bytes + body


async def _handle(site: Site, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            request = await reader.readuntil(b"\r\n\r\n")
            first, _, rest = request.decode("latin-1").partition("\r\n")
            method, path, _version = first.split(" ", 2)
            headers = rest.lower()
            writer.write(site.respond(path, "gzip" in headers, method == "HEAD"))
            await writer.drain()
            if "connection: close" in headers:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def serve(pages: int, seed: int, port: int) -> None:
    """Serve the site until killed; print ``PORT <n>`` once it is listening."""
    holder: dict[str, Site] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _handle(holder["site"], reader, writer)

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    bound = server.sockets[0].getsockname()[1]
    started = time.perf_counter()
    holder["site"] = Site(build_site(f"http://127.0.0.1:{bound}", pages, seed))
    print(f"PORT {bound}", flush=True)
    print(f"built {pages} pages in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    async with server:
        await server.serve_forever()


# --- measuring the server alone --------------------------------------------------------------


async def _client(host: str, port: int, paths: list[str], deadline: float) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.perf_counter() < deadline:
            path = paths[done % len(paths)]
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
            await reader.readexactly(length)
            done += 1
    finally:
        writer.close()
    return done


async def load(port: int, paths: list[str], clients: int, seconds: float) -> int:
    """Requests answered by ``clients`` keep-alive connections in ``seconds``."""
    deadline = time.perf_counter() + seconds
    counts = await asyncio.gather(
        *(_client("127.0.0.1", port, paths[i::clients] or paths, deadline) for i in range(clients))
    )
    return sum(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="serve the site on 127.0.0.1")
    serve_cmd.add_argument("--pages", type=int, default=5000)
    serve_cmd.add_argument("--seed", type=int, default=1)
    serve_cmd.add_argument("--port", type=int, default=0)
    write_cmd = sub.add_parser("page", help="print article page INDEX (to look at it)")
    write_cmd.add_argument("index", type=int)
    write_cmd.add_argument("--pages", type=int, default=5000)
    write_cmd.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.command == "serve":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.pages, args.seed, args.port))
    else:
        specs = [article_spec(i, args.seed) for i in range(args.pages)]
        page = article_page(specs[args.index], specs, "http://127.0.0.1:8000", args.seed)
        sys.stdout.buffer.write(page)


if __name__ == "__main__":
    main()
