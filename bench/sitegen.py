"""A generated local news site for the crawl benchmark, deterministic from a seed.

``build_site(base_url, pages, seed)`` yields every file of the site as bytes: N article
pages, a sitemap index with child sitemaps of 1,000 URLs, an RSS feed of the latest 50
articles, a home page and ``robots.txt``. The text of page *i* depends only on (seed, i);
the links it carries to other pages also on the number of pages.

The pages are shaped like real article pages so the parser does realistic work: a top bar,
a mega-menu header, a "latest" ticker, breadcrumbs, a headline, standfirst, byline and
printed date, share buttons, a figure with caption and credit, 300-800 words of text in
paragraphs with subheadings, an ad slot, a "Read more" link and a "Related" box, topics,
an author box, comments, "More from" teaser cards, a "Most read" box, a newsletter form, a
footer full of links and a cookie banner; inline CSS, vendor script, page-state JSON and an
SVG icon sprite. JSON-LD on half of the pages (in the body on three quarters of those, so
that 37% of pages carry it after </head>, as 35% of the fundus pages do), OpenGraph on
most, printed-only dates on some. A page weighs about 110 KB with
about 950 elements and 65 KB of inline script and style (real article pages in the fundus
dataset: median 248 KB, 1,058 elements, 72 KB of script and style).

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
    from collections.abc import Iterable, Iterator, Sequence

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
    jsonld_in_body: bool
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
        jsonld_in_body=index % 8 in (0, 2, 4),  # 37%: fundus pages, 35% after </head>
        opengraph=index % 4 != 3,
        printed_only_date=index % 4 == 3,
    )


# --- page furniture shared by every page (what real templates inline) -------------------------


def _site_css() -> str:
    """About 22 KB of inline CSS: one rule set per component class, plus media queries."""
    rng = random.Random("css")
    rules = []
    for word in WORDS[:150]:
        for part in ("", "--active"):
            props = ";".join(
                f"{rng.choice(_CSS_PROPS)}:{rng.randint(0, 48)}px" for _ in range(rng.randint(2, 5))
            )
            rules.append(f".c-{word}{part}{{{props};color:#{rng.randrange(16**6):06x}}}")
    rules.append("@media (max-width:720px){" + "".join(rules[:60]) + "}")
    return "".join(rules)


_CSS_PROPS = ("margin", "padding", "margin-top", "padding-left", "gap", "border-width", "top")


def _icon_sprite() -> str:
    """An inline SVG sprite of 30 icons (hidden; the page uses them with <use>)."""
    rng = random.Random("icons")
    symbols = []
    for name in ICONS:
        points = " ".join(f"L{rng.randint(0, 24)} {rng.randint(0, 24)}" for _ in range(24))
        symbols.append(
            f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="M12 2 {points}Z"/></symbol>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">'
        + "".join(symbols)
        + "</svg>"
    )


ICONS = (
    "search", "menu", "close", "user", "facebook", "x", "linkedin", "email", "whatsapp",
    "print", "comment", "clock", "camera", "play", "arrow-left", "arrow-right", "chevron",
    "bell", "bookmark", "share", "sun", "cloud", "rain", "app-store", "play-store", "rss",
    "youtube", "instagram", "tiktok", "podcast",
)  # fmt: skip


def _vendor_script() -> str:
    """About 30 KB of minified-looking vendor and analytics code."""
    rng = random.Random("vendor")
    parts = []
    for n in range(350):
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        parts.append(
            f"function _{a}{n}(e,t){{var n=e&&e.{b}||{{}};return t?n[{rng.randint(0, 99)}]:"
            f'void 0}}w["{a}"]=_{a}{n};'
        )
    return "(function(w,d){" + "".join(parts) + "})(window,document);"


SITE_CSS = _site_css()
ICON_SPRITE = _icon_sprite()
VENDOR_SCRIPT = _vendor_script()


# --- article page ----------------------------------------------------------------------------


def _head(spec: ArticleSpec, base: str) -> str:
    url = base + spec.path
    parts = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(spec.headline)} | {SITE_NAME}</title>",
        f'<meta name="description" content="{html.escape(spec.standfirst)}">',
        f'<link rel="canonical" href="{url}">',
        f'<link rel="preload" as="font" href="{base}/static/serif.woff2" crossorigin>',
        f'<link rel="alternate" type="application/rss+xml" href="{base}/feed.xml">',
        f"<style>{SITE_CSS}</style>",
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
    if spec.jsonld and not spec.jsonld_in_body:
        parts.append(_jsonld(spec, base))
    parts.append(f"<script>{VENDOR_SCRIPT}</script>")
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
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _state_script(spec: ArticleSpec, others: list[ArticleSpec]) -> str:
    """The page-state blob of a script-rendered template: the article again, as JSON."""
    state = {
        "article": {
            "id": spec.index,
            "headline": spec.headline,
            "section": spec.section,
            "authors": spec.authors,
            "blocks": [{"type": "paragraph", "text": p} for p in spec.paragraphs],
        },
        "teasers": [{"id": o.index, "title": o.headline, "path": o.path} for o in others],
        "ads": {f"slot{n}": {"sizes": [[300, 250], [728, 90]], "lazy": n > 2} for n in range(30)},
        "flags": {word: len(word) % 2 == 0 for word in WORDS[:80]},
    }
    return "window.__STATE__ = " + json.dumps(state) + ";"


def _icon(name: str) -> str:
    return f'<svg class="icon" aria-hidden="true"><use href="#icon-{name}"></use></svg>'


def _top_bar(spec: ArticleSpec, base: str) -> str:
    day = spec.published.strftime("%A, %d %B %Y")
    return (
        f'<div class="top-bar"><span class="today">{day}</span>'
        f'<span class="weather">{_icon("sun")} 21&deg;C</span>'
        f'<a href="{base}/newsletters/">Newsletters</a><a href="{base}/subscribe/">Subscribe</a>'
        f'<a class="login" href="{base}/login/">{_icon("user")} Sign in</a></div>'
    )


def _nav(base: str) -> str:
    """Header: logo, a mega-menu (each section with twelve topic links) and search."""
    links = "".join(
        f'<li class="menu-item"><a href="{base}/{s.lower()}/">{s}</a><ul class="sub-menu">'
        + "".join(
            f'<li><a href="{base}/{s.lower()}/{w}/">{w.title()}</a></li>'
            for w in WORDS[100 + i * 12 : 112 + i * 12]
        )
        + "</ul></li>"
        for i, s in enumerate(SECTIONS)
    )
    return (
        '<header class="site-header"><a class="logo" href="/">'
        f'<img src="{base}/static/logo.svg" alt="{SITE_NAME}"></a>'
        f'<button class="menu-toggle">{_icon("menu")}</button>'
        f'<nav class="main-nav"><ul>{links}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search">'
        f"<button>{_icon('search')}</button></form></header>"
    )


def _ticker(others: list[ArticleSpec], base: str) -> str:
    items = "".join(
        f'<li><span class="time">{o.published:%H:%M}</span><a href="{base}{o.path}">'
        f"{o.headline}</a></li>"
        for o in others[:20]
    )
    return f'<div class="ticker"><strong>Latest</strong><ul>{items}</ul></div>'


def _cookie_banner() -> str:
    return (
        '<div class="cookie-banner" role="dialog"><p>We use cookies to improve your experience '
        'and to show you personalised advertising. <a href="/privacy">Learn more</a></p>'
        "<button>Accept all</button><button>Reject all</button><button>Settings</button></div>"
    )


def _byline(spec: ArticleSpec) -> str:
    names = " and ".join(f'<a rel="author" href="/authors/{n.lower().replace(" ", "-")}">{n}</a>'
                         for n in spec.authors)  # fmt: skip
    printed = spec.published.strftime("%d %B %Y, %H:%M GMT")
    if spec.printed_only_date:
        when = f'<span class="date">{spec.published.strftime("%B %d, %Y %I:%M %p")}</span>'
    else:
        when = f'<time datetime="{spec.published.isoformat()}">{printed}</time>'
    return f'<div class="byline">By {names}</div><div class="meta">{_icon("clock")} {when}</div>'


def _figure(spec: ArticleSpec, base: str) -> str:
    return (
        f'<figure class="lead"><img src="{base}/img/{spec.index}-lead.jpg" width="1200" '
        f'height="675" alt="{html.escape(spec.caption[:60])}">'
        f"<figcaption>{html.escape(spec.caption)} "
        f'<span class="credit">Photo: {spec.credit}</span></figcaption></figure>'
    )


def _related_box(others: list[ArticleSpec], base: str) -> str:
    """The "Related" box templates drop between paragraphs (not article text)."""
    items = "".join(f'<li><a href="{base}{o.path}">{o.headline}</a></li>' for o in others[:3])
    return f'<aside class="related-box"><h3>Related</h3><ul>{items}</ul></aside>'


def _body(
    spec: ArticleSpec, related: ArticleSpec | None, others: list[ArticleSpec], base: str
) -> str:
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
        if i == 6:
            out.append(_related_box(others, base))
    return '<div class="article-body">' + "".join(out) + "</div>"


def _share(spec: ArticleSpec, base: str) -> str:
    url = base + spec.path
    share = "".join(
        f'<li><a class="share-{n}" href="https://share.example/{n}?u={url}">{_icon(n)}</a></li>'
        for n in ("facebook", "x", "linkedin", "whatsapp", "email", "print")
    )
    return f'<ul class="share-tools">{share}</ul>'


def _tags_and_bio(spec: ArticleSpec, base: str) -> str:
    tags = "".join(
        f'<li><a href="{base}/topics/{w}/">{w.title()}</a></li>' for w in spec.slug.split("-")[:5]
    )
    author = spec.authors[0]
    return (
        f'<div class="topics"><span>Topics</span><ul>{tags}</ul></div>'
        f'<div class="author-bio"><img src="{base}/img/authors/{spec.index % 40}.jpg" alt="">'
        f"<p><strong>{author}</strong> is a correspondent covering {spec.section.lower()}.</p>"
        f'<a href="{base}/authors/{author.lower().replace(" ", "-")}">More from {author}</a></div>'
    )


def _comments(spec: ArticleSpec, seed: int) -> str:
    rng = random.Random(f"{seed}:comments:{spec.index}")
    items = "".join(
        f'<li class="comment"><div class="comment-meta"><span class="user">'
        f"{rng.choice(FIRST_NAMES).lower()}{rng.randint(1, 99)}</span> "
        f'<span class="ago">{rng.randint(1, 23)} hours ago</span></div>'
        f"<p>{_sentence(rng)}</p><button>Reply</button><button>Like</button></li>"
        for _ in range(rng.randint(0, 8))
    )
    return f'<section class="comments"><h2>Comments</h2><ol>{items}</ol></section>'


def _newsletter() -> str:
    return (
        '<div class="newsletter"><h3>Get the morning briefing</h3>'
        "<p>Sign up for our newsletter and never miss a story.</p>"
        '<form><input type="email" placeholder="Email"><button>Subscribe</button></form></div>'
    )


def _most_read(others: list[ArticleSpec], base: str) -> str:
    items = "".join(f'<li><a href="{base}{o.path}">{o.headline}</a></li>' for o in others[:10])
    return f'<aside class="most-read"><h2>Most read</h2><ol>{items}</ol></aside>'


def _teasers(spec: ArticleSpec, others: list[ArticleSpec], base: str) -> str:
    """The "More from <section>" cards under the article: image, kicker, headline, summary."""
    cards = "".join(
        f'<div class="card"><a href="{base}{o.path}"><img src="{base}/img/{o.index}-thumb.jpg" '
        f'alt="" loading="lazy" width="320" height="180"></a><span class="kicker">{o.section}'
        f'</span><h3><a href="{base}{o.path}">{o.headline}</a></h3><p>{o.standfirst}</p></div>'
        for o in others[8:20]
    )
    return f'<section class="more-from"><h2>More from {spec.section}</h2>{cards}</section>'


def _footer(base: str) -> str:
    columns = "".join(
        f'<div class="col"><h4>{s}</h4><ul>'
        + "".join(f'<li><a href="{base}/{s.lower()}/{w}/">{w.title()}</a></li>' for w in WORDS[i * 10 : i * 10 + 10])
        + "</ul></div>"
        for i, s in enumerate(SECTIONS)
    )  # fmt: skip
    social = "".join(
        f'<a class="social" href="https://social.example/{n}">{_icon(n)}</a>'
        for n in ("facebook", "x", "instagram", "youtube", "tiktok", "rss")
    )
    return (
        f'<footer class="site-footer">{columns}<div class="follow">{social}</div>'
        f'<div class="apps"><a href="/apps">{_icon("app-store")}</a>'
        f'<a href="/apps">{_icon("play-store")}</a></div>'
        '<p class="legal"><a href="/about">About us</a> <a href="/contact">Contact</a> '
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p>'
        f"<p>&copy; 2024 {SITE_NAME}. All rights reserved.</p></footer>"
    )


def article_page(spec: ArticleSpec, specs: Sequence[ArticleSpec], base: str, seed: int) -> bytes:
    """The HTML of one article page (UTF-8 bytes); ``specs`` are the site's articles (the
    page links to some of them)."""
    rng = random.Random(f"{seed}:links:{spec.index}")
    related = specs[rng.randrange(len(specs))] if spec.index % 3 != 1 else None
    others = [specs[rng.randrange(len(specs))] for _ in range(20)]
    crumbs = (
        f'<nav class="breadcrumb"><a href="{base}/">Home</a> &rsaquo; '
        f'<a href="{base}/{spec.section.lower()}/">{spec.section}</a></nav>'
    )
    article = (
        f'<article class="story">{crumbs}<h1 class="headline">{spec.headline}</h1>'
        f'<p class="standfirst">{spec.standfirst}</p>{_byline(spec)}{_share(spec, base)}'
        f"{_figure(spec, base)}{_body(spec, related, others, base)}"
        f"{_tags_and_bio(spec, base)}{_jsonld(spec, base) if spec.jsonld_in_body else ''}"
        "</article>"
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head>{_head(spec, base)}</head>'
        f'<body class="article-page">{ICON_SPRITE}{_top_bar(spec, base)}{_nav(base)}'
        f"{_ticker(others, base)}<main>{article}{_comments(spec, seed)}"
        f'{_teasers(spec, others, base)}<div class="sidebar">{_most_read(others, base)}'
        f"{_newsletter()}</div></main>{_footer(base)}{_cookie_banner()}"
        f"<script>{_state_script(spec, others)}</script></body></html>\n"
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


def build_site(base: str, pages: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as ``(path, body)``, generated one at a time."""
    specs = [article_spec(i, seed) for i in range(pages)]
    for spec in specs:
        yield spec.path, article_page(spec, specs, base, seed)
    chunks = [specs[i : i + SITEMAP_SIZE] for i in range(0, pages, SITEMAP_SIZE)]
    for n, chunk in enumerate(chunks):
        yield f"/sitemaps/articles-{n}.xml", _sitemap(chunk, base)
    latest = specs[-FEED_SIZE:][::-1]
    yield "/sitemap_index.xml", _sitemap_index(len(chunks), base)
    yield "/feed.xml", _feed(latest, base)
    yield "/", _home(latest[:30], base)
    yield (
        "/robots.txt",
        f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap_index.xml\n".encode(),
    )


# --- the server ----------------------------------------------------------------------------

_TYPES = {".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Resource:
    content_type: str
    gzipped: bytes


class Site:
    """The site in memory, gzipped once; a request is a dict look-up."""

    def __init__(self, files: Iterable[tuple[str, bytes]]) -> None:
        self.files = {
            path: Resource(_content_type(path), gzip.compress(body, 6, mtime=0))
            for path, body in files
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
