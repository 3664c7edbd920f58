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
"How we report" box, a site map of links, a footer and a consent dialog; inline CSS, vendor
script, a dozen small scripts, consent JSON and page-state JSON. JSON-LD on half of the pages
(in the body on three quarters of those, so that 37% of pages carry it after </head>, as 35%
of the fundus pages do), OpenGraph on most, printed-only dates on some.

They also weigh what real pages weigh, because the parser's cost follows bytes (lxml) and
markup (the walk), and the crawl benchmark compares the crawl with the parser alone. Real
pages spend most of their bytes on markup rather than text, so the furniture carries what the
fundus pages carry (median page; "mean" where a few heavy pages dominate): class lists of a
CSS framework on most elements (fundus: 578 class attributes, 19 KB, mean 28 KB), data-*
attributes, click tracking as JSON in single quotes (142 a page, mean 23 KB), srcset/sizes on
images and <source> in <picture> (230 bytes a srcset), aria-*/role attributes (24/4), inline
style (17), inline SVG icons with long path data (mean 19 KB), 34 meta, 24 link and 28
script elements, about 4 KB of JSON in scripts, HTML comments and a line break before most
block tags (645 gaps of white space). The furniture's class names hold none of the words the
parser reads (boilerplate, standfirst, caption, hidden), so a page parses exactly as before.

Median page, 300 pages of seed 1 against the 258 fundus pages, same run (KB = 1,024 bytes;
parse times are CPU ms, the lowest of 3 passes per page; text = lxml ``text_content``):

| | KB | nodes | text KB | markup KB | lxml ms | parse_article ms |
|---|---|---|---|---|---|---|
| before (a7513c7) | 110.6 | 939 | 74.7 | 36 | 0.87 | 4.29 |
| generated | 248.1 | 1,072 | 100.9 | 147 | 2.06 | 7.98 |
| fundus | 248.3 | 1,058 | 98.3 | 144 | 2.00 | 9.01 |

(markup = bytes less text; for fundus, of the 30 pages around the median size.) parse_article
stays about 11% under the fundus figure: what is left is the articles' own content (real
pages have more images, bylines without ``rel=author`` and more dates), which the generator
does not change.

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
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

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
# Real article pages spend most of their bytes on markup rather than text (see the module
# docstring for the fundus figures): class lists of a CSS framework on most elements, data-*
# tracking attributes (often JSON), srcset/sizes, aria-*/role, inline SVG path data, a dozen
# head links and inline scripts. The furniture below carries the same, in the same amounts.

CDN = "https://cdn.gazette.example"

#: Where a template engine's output starts a new line: before most block tags (fundus median:
#: 645 gaps of white space between tags a page).
_NEW_LINE_BEFORE = re.compile(
    r">(?=<(?:li|div|/div|p[ >]|h[234]|meta|script|/?ul|/?ol|section|aside)\b)"
)


def _line_breaks(page: str) -> str:
    return _NEW_LINE_BEFORE.sub(">\n", page)


#: Utility classes of a CSS-framework template; each component's class list draws some of them.
#: None holds a word the parser reads as boilerplate, body, standfirst or headline markup.
_UTILITIES = (
    "flex", "grid", "block", "inline-flex", "relative", "absolute", "w-full", "h-full",
    "items-center", "items-start", "justify-between", "justify-center", "gap-1", "gap-2",
    "gap-4", "gap-x-6", "px-2", "px-4", "py-1", "py-2", "py-3", "pt-4", "pb-6", "mt-2",
    "mb-4", "mx-auto", "max-w-screen-xl", "max-w-3xl", "fs-xs", "fs-sm", "fs-base",
    "fs-lg", "md:fs-xl", "lg:fs-2xl", "font-medium", "font-semibold", "font-bold",
    "leading-snug", "leading-relaxed", "ls-tight", "uppercase", "truncate",
    "line-clamp-2", "line-clamp-3", "fg-neutral-600", "fg-neutral-900",
    "dark:fg-neutral-100", "bg-white", "dark:bg-neutral-900", "border-b",
    "border-neutral-200", "rounded-md", "rounded-full", "shadow-sm", "hover:underline",
    "hover:fg-brand-700", "focus-visible:outline-2", "focus-visible:outline-offset-2",
    "transition-colors", "duration-150", "ease-out", "shrink-0", "overflow-clip",
    "object-cover", "aspect-wide", "sm:grid-cols-2", "md:grid-cols-3", "lg:grid-cols-4",
    "md:px-6", "lg:px-8", "space-y-4", "whitespace-nowrap", "z-10", "opacity-90",
)  # fmt: skip
#: The template's components; each gets ``c-<name>`` plus utility classes (see ``CLS``).
_COMPONENTS = (
    "topbar", "topbar-link", "header", "logo", "menu", "menu-item", "menu-link", "submenu",
    "submenu-item", "submenu-link", "search", "ticker", "ticker-item", "ticker-link", "crumbs",
    "crumb-link", "layout", "story", "story-h1", "story-dek", "story-meta", "person",
    "share-list", "share-item", "share-link", "figure", "image", "body", "para", "subhead",
    "slot", "more-link", "box", "box-item", "box-link", "topic-item", "topic-link", "bio",
    "thread", "thread-item", "thread-copy", "btn", "cards", "card", "card-media",
    "card-main", "card-h", "card-link", "card-copy", "rail", "chart", "chart-item",
    "chart-link", "signup-box", "field", "foot", "foot-col", "foot-h", "foot-item",
    "foot-link", "follow-link", "icon", "dialog",
)  # fmt: skip


def _class_lists() -> Mapping[str, str]:
    rng = random.Random("classes")
    return MappingProxyType(
        {
            name: " ".join([f"c-{name}", *rng.sample(_UTILITIES, rng.randint(2, 6))])
            for name in _COMPONENTS
        }
    )


#: The class list of each component (read-only).
CLS = _class_lists()


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

ICONS = (
    "search", "menu", "close", "user", "facebook", "x", "linkedin", "email", "whatsapp",
    "print", "comment", "clock", "camera", "play", "arrow-left", "arrow-right", "chevron",
    "bell", "bookmark", "share", "sun", "cloud", "rain", "app-store", "play-store", "rss",
    "youtube", "instagram", "tiktok", "podcast",
)  # fmt: skip


def _path_data(rng: random.Random, curves: int) -> str:
    """Path data as icon exporters write it: absolute cubic curves, two decimals."""

    def point() -> str:
        return f"{rng.uniform(0, 24):.2f} {rng.uniform(0, 24):.2f}"

    return f"M{point()}" + "".join(f"C{point()} {point()} {point()}" for _ in range(curves)) + "Z"


def _icon_sprite() -> str:
    """An inline SVG sprite of 15 icons, hidden (left over from an older template; fundus pages
    hold a median of 60 elements inside <svg>)."""
    rng = random.Random("icons")
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="{_path_data(rng, 10)}"/></symbol>'
        for name in ICONS[:15]
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" '
        f'style="position:absolute;width:0;height:0;overflow:hidden">{symbols}</svg>'
    )


def _inline_icons() -> Mapping[str, str]:
    """Each icon as the inline <svg> most templates print where it is used."""
    rng = random.Random("inline-icons")
    return MappingProxyType(
        {
            name: f'<svg class="icon icon--{name} {CLS["icon"]}" xmlns="http://www.w3.org/2000/svg" '
            'width="24" height="24" viewBox="0 0 24 24" fill="none" aria-hidden="true" '
            f'focusable="false"><path fill="currentColor" fill-rule="evenodd" '
            f'd="{_path_data(rng, 16)}"></path></svg>'
            for name in ICONS
        }
    )


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


def _small_scripts() -> str:
    """The small inline scripts of a page's head: tag manager, consent, ads, metrics, lazy
    loading (fundus median: 28 script elements a page, a few hundred bytes to a few KB each)."""
    rng = random.Random("snippets")
    out = []
    for name in ("gtm", "consent", "ads", "prebid", "metrics", "lazy", "paywall", "abtest",
                 "player", "push", "fonts", "darkmode"):  # fmt: skip
        body = "".join(
            f"{name}.{rng.choice(WORDS)}{n}=function(e){{return e&&e.{rng.choice(WORDS)}"
            f"?{rng.randint(0, 9999)}:null}};"
            for n in range(rng.randint(14, 40))
        )
        out.append(f'<script id="js-{name}">window.{name}=window.{name}||{{}};{body}</script>')
        out.append(
            f'<script async src="{CDN}/js/{name}.{rng.randrange(16**10):010x}.min.js" '
            f'data-category="{rng.choice(("necessary", "analytics", "marketing"))}"></script>'
        )
    return "".join(out)


def _consent_config() -> str:
    """The consent manager's configuration: JSON in a script (fundus median 4 KB of JSON)."""
    rng = random.Random("consent")
    vendors = [
        {
            "id": n,
            "name": f"{rng.choice(WORDS).title()} {rng.choice(('Media', 'Ads', 'Analytics'))}",
            "purposes": rng.sample(range(1, 11), 4),
            "legIntPurposes": rng.sample(range(1, 11), 2),
            "cookieMaxAgeSeconds": rng.choice((86400, 2592000, 31536000)),
            "policyUrl": f"https://vendor{n}.example/privacy",
        }
        for n in range(32)
    ]
    config = {"version": 3, "gdprApplies": True, "vendors": vendors}
    return f'<script type="application/json" id="consent-config">{json.dumps(config)}</script>'


def _head_assets() -> str:
    """Meta, link and script elements every page's head carries (fundus median: 34 meta,
    24 link and 28 script elements)."""
    metas = "".join(
        f'<meta {attr}="{name}" content="{value}">'
        for attr, name, value in (
            ("name", "robots", "index, follow, max-image-preview:large, max-snippet:-1"),
            ("name", "referrer", "strict-origin-when-cross-origin"),
            ("name", "theme-color", "#0b3d91"),
            ("name", "format-detection", "telephone=no"),
            ("name", "msapplication-TileColor", "#0b3d91"),
            ("name", "apple-mobile-web-app-capable", "yes"),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:site", "@benchgazette"),
            ("property", "fb:app_id", "100000000000001"),
            ("property", "fb:pages", "200000000000002"),
            ("name", "google-site-verification", "Xq3b1Yk9aZcV0pLmN4sT7uW2eR5oH8gJ6fD1cB3nM0"),
            ("name", "apple-itunes-app", "app-id=1000000001, app-argument=gazette://home"),
            ("http-equiv", "x-dns-prefetch-control", "on"),
        )
    )
    links = "".join(f'<link rel="{rel}" href="{CDN}{href}"{extra}>' for rel, href, extra in (
        ("preconnect", "", " crossorigin"),
        ("dns-prefetch", "", ""),
        ("preload", "/fonts/serif-text.3f9a1c.woff2", ' as="font" type="font/woff2" crossorigin'),
        ("preload", "/fonts/sans-ui.77b2e0.woff2", ' as="font" type="font/woff2" crossorigin'),
        ("preload", "/js/app.5c1d0e9b.min.js", ' as="script"'),
        ("stylesheet", "/css/app.9e8f7a6b.min.css", ' media="all"'),
        ("stylesheet", "/css/print.1a2b3c4d.css", ' media="print"'),
        ("icon", "/favicon-32.png", ' type="image/png" sizes="32x32"'),
        ("icon", "/favicon-16.png", ' type="image/png" sizes="16x16"'),
        ("icon", "/favicon.svg", ' type="image/svg+xml"'),
        ("apple-touch-icon", "/apple-touch-icon-180.png", ' sizes="180x180"'),
        ("mask-icon", "/safari-pinned-tab.svg", ' color="#0b3d91"'),
        ("manifest", "/site.webmanifest", ""),
    ))  # fmt: skip
    return metas + links + _small_scripts() + _consent_config()


SITE_CSS = _site_css()
ICON_SPRITE = _icon_sprite()
ICON_SVG = _inline_icons()
VENDOR_SCRIPT = _vendor_script()
HEAD_ASSETS = _line_breaks(_head_assets())


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
        HEAD_ASSETS,
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
    return ICON_SVG[name]


def _track(module: str, position: int, target: ArticleSpec) -> str:
    """A click-tracking attribute as analytics templates print it: JSON in single quotes."""
    return (
        f'data-track=\'{{"event":"select_content","module":"{module}","position":'
        f'{position},"contentId":"a{target.index}","section":"{target.section.lower()}",'
        f'"contentType":"article","publishedAt":"{target.published.isoformat()[:16]}",'
        f'"variant":"default","premium":false,"list":"{module}-{position // 5}"}}\''
    )


def _srcset(stem: str, widths: tuple[int, ...]) -> str:
    """``srcset`` and ``sizes`` of a responsive image (fundus: about 230 bytes a srcset)."""
    candidates = ", ".join(f"{CDN}/img/{stem}/w_{w},q_75,f_auto.jpg {w}w" for w in widths)
    return (
        f'srcset="{candidates}" sizes="(min-width: 1024px) 720px, (min-width: 640px) 80vw, '
        '100vw" decoding="async"'
    )


def _top_bar(spec: ArticleSpec, base: str) -> str:
    day = spec.published.strftime("%A, %d %B %Y")
    link = f'class="{CLS["topbar-link"]}"'
    return (
        f'<div class="top-bar {CLS["topbar"]}" data-component="top-bar">'
        f'<a class="skip-link" href="#main">Skip to content</a><span class="today">{day}</span>'
        f'<span class="weather" title="Weather today">{_icon("sun")} 21&deg;C</span>'
        f'<a {link} href="{base}/newsletters/" data-link-name="topbar:newsletters">Newsletters</a>'
        f'<a {link} href="{base}/subscribe/" data-link-name="topbar:subscribe">Subscribe</a>'
        f'<a class="login {CLS["topbar-link"]}" href="{base}/login/" aria-label="Sign in to your '
        f'account" data-link-name="topbar:sign-in">{_icon("user")} Sign in</a></div>'
    )


def _nav_track(section: str, topic: str, position: int) -> str:
    """The click-tracking attribute of a menu link (JSON in single quotes)."""
    return (
        f'data-track=\'{{"event":"navigation","area":"header","menu":"main","level":2,'
        f'"label":"{section}/{topic}","position":{position}}}\''
    )


def _menu_item(section: str, index: int, base: str) -> str:
    """One mega-menu entry: the section link, a toggle and twelve topic links."""
    key = section.lower()
    topics = "".join(
        f'<li class="{CLS["submenu-item"]}"><a class="{CLS["submenu-link"]}" '
        f'href="{base}/{key}/{w}/" data-nav-id="{key}-{w}" {_nav_track(key, w, n)}>'
        f"{w.title()}</a></li>"
        for n, w in enumerate(WORDS[100 + index * 12 : 112 + index * 12])
    )
    return (
        f'<li class="menu-item {CLS["menu-item"]}" data-section="{key}">'
        f'<a class="{CLS["menu-link"]}" href="{base}/{key}/" data-nav-level="1" '
        f'data-nav-id="{key}">{section}</a><button class="{CLS["btn"]}" aria-expanded="false" '
        f'aria-controls="submenu-{key}" aria-label="Open {section} menu"></button>'
        f'<ul class="sub-menu {CLS["submenu"]}" id="submenu-{key}" role="list">{topics}</ul></li>'
    )


def _nav(base: str) -> str:
    """Header: logo, a mega-menu (each section with twelve topic links) and search."""
    links = "".join(_menu_item(s, i, base) for i, s in enumerate(SECTIONS))
    return (
        f'<header class="site-header {CLS["header"]}" data-component="header">'
        f'<a class="logo {CLS["logo"]}" href="/" aria-label="{SITE_NAME} home">'
        f'<img src="{base}/static/logo.svg" alt="{SITE_NAME}" width="220" height="40"></a>'
        f'<button class="menu-toggle {CLS["btn"]}" aria-label="Menu" aria-expanded="false" '
        f'aria-controls="main-menu">{_icon("menu")}</button>'
        f'<nav class="main-nav {CLS["menu"]}" id="main-menu" aria-label="Sections">'
        f'<ul role="menubar">{links}</ul></nav>'
        f'<form class="search {CLS["search"]}" action="/search" role="search">'
        f'<input name="q" placeholder="Search" aria-label="Search" class="{CLS["field"]}">'
        f'<button class="{CLS["btn"]}" aria-label="Search">{_icon("search")}</button>'
        "</form></header>"
    )


def _ticker(others: list[ArticleSpec], base: str) -> str:
    items = "".join(
        f'<li class="{CLS["ticker-item"]}"><span class="time">{o.published:%H:%M}</span>'
        f'<a class="{CLS["ticker-link"]}" href="{base}{o.path}" {_track("ticker", n, o)}>'
        f"{o.headline}</a></li>"
        for n, o in enumerate(others[:20])
    )
    return (
        f'<div class="ticker {CLS["ticker"]}" data-component="ticker" aria-live="off">'
        f"<strong>Latest</strong><ul>{items}</ul></div>"
    )


#: What the consent panel lists, each with its switch (consent managers render the panel in the
#: page, hidden until opened).
CONSENT_PURPOSES = (
    (
        "Storage on your device",
        (
            "Cookies and similar identifiers may be stored on and read "
            "from your device so that the site remembers your choices and keeps you signed in."
        ),
    ),
    (
        "Basic advertising",
        (
            "Advertising may be chosen from the page you read, the rough area "
            "you are in and the device you use, without building a profile of you."
        ),
    ),
    (
        "Advertising profiles",
        (
            "What you read on this site and on partner sites may be combined "
            "into a profile that is used to choose advertising that suits your interests."
        ),
    ),
    (
        "Personalised content",
        (
            "Stories, videos and newsletters may be chosen from what you "
            "have read before, so that the front page shows more of what you follow."
        ),
    ),
    (
        "Measuring advertising",
        (
            "We and our partners count how often advertisements are shown "
            "and clicked, to pay for them and to report to advertisers."
        ),
    ),
    (
        "Measuring content",
        (
            "We count which articles are read, how far and on which devices, "
            "to decide what to cover and how to present it."
        ),
    ),
    (
        "Audience research",
        (
            "Anonymous statistics about our readers are combined with market "
            "research to describe our audience to advertisers."
        ),
    ),
    (
        "Improving our services",
        (
            "Errors and loading times are recorded so that our developers "
            "can find problems and make the site faster."
        ),
    ),
)


def _consent_panel() -> str:
    items = "".join(
        f'<li class="{CLS["field"]}" data-purpose="{n}"><strong>{title}</strong><p>{text}</p></li>'
        for n, (title, text) in enumerate(CONSENT_PURPOSES, 1)
    )
    return f'<div class="consent-panel" id="consent-panel" hidden><ul>{items}</ul></div>'


def _cookie_banner() -> str:
    buttons = "".join(
        f'<button class="{CLS["btn"]}" data-consent-action="{action}">{label}</button>'
        for action, label in (("accept", "Accept all"), ("reject", "Reject all"),
                              ("settings", "Settings"))
    )  # fmt: skip
    return (
        f'<div class="cookie-banner {CLS["dialog"]}" role="dialog" aria-modal="true" '
        'aria-labelledby="cookie-title" data-nosnippet>'
        '<h2 id="cookie-title">Your privacy</h2><p>We use cookies to improve your experience '
        "and to show you personalised advertising. We and our 32 partners store and access "
        "information on your device, such as cookies and unique identifiers, to measure how the "
        "site is used and to select and measure advertising. You can change your choices at any "
        'time under Privacy settings at the bottom of every page. <a href="/privacy">Learn more'
        f"</a></p>{buttons}{_consent_panel()}</div>"
    )


def _byline(spec: ArticleSpec) -> str:
    names = " and ".join(
        f'<a rel="author" class="{CLS["person"]}" data-link-name="byline" '
        f'href="/authors/{n.lower().replace(" ", "-")}">{n}</a>'
        for n in spec.authors
    )
    printed = spec.published.strftime("%d %B %Y, %H:%M GMT")
    if spec.printed_only_date:
        when = f'<span class="date">{spec.published.strftime("%B %d, %Y %I:%M %p")}</span>'
    else:
        when = f'<time datetime="{spec.published.isoformat()}">{printed}</time>'
    return (
        f'<div class="byline">By {names}</div>'
        f'<div class="meta {CLS["story-meta"]}">{_icon("clock")} {when}</div>'
    )


def _figure(spec: ArticleSpec, base: str) -> str:
    stem = f"{spec.index}-lead"
    sources = "".join(
        f'<source type="image/{kind}" srcset="'
        + ", ".join(f"{CDN}/img/{stem}/w_{w},q_70,f_{kind}.{kind} {w}w" for w in (480, 960, 1440))
        + '" sizes="(min-width: 1024px) 720px, 100vw">'
        for kind in ("avif", "webp")
    )
    return (
        f'<figure class="lead {CLS["figure"]}" data-component="lead-image"><picture>{sources}'
        f'<img class="{CLS["image"]}" src="{base}/img/{stem}.jpg" width="1200" height="675" '
        f'alt="{html.escape(spec.caption[:60])}" fetchpriority="high" '
        f"{_srcset(stem, (320, 480, 720, 960, 1200))}></picture>"
        f"<figcaption>{html.escape(spec.caption)} "
        f'<span class="credit">Photo: {spec.credit}</span></figcaption></figure>'
    )


def _related_box(others: list[ArticleSpec], base: str) -> str:
    """The "Related" box templates drop between paragraphs (not article text)."""
    items = "".join(
        f'<li class="{CLS["box-item"]}"><a class="{CLS["box-link"]}" href="{base}{o.path}" '
        f"{_track('related-inline', n, o)}>{o.headline}</a></li>"
        for n, o in enumerate(others[:3])
    )
    return (
        f'<aside class="related-box {CLS["box"]}" data-component="related" '
        f'aria-labelledby="related-title"><h3 id="related-title">Related</h3><ul>{items}</ul>'
        "</aside>"
    )


def _ad_slot(name: str, sizes: str) -> str:
    """An ad container with its configuration in data attributes, as ad servers want them."""
    config = (
        f'{{"slot":"/2100/gazette/article/{name}","sizes":{sizes},"lazy":true,'
        '"targeting":{"pos":"' + name + '","tmpl":"article","env":"prod"},"refresh":30}'
    )
    return (
        f'<div class="ad-slot" data-slot="{name}" id="ad-{name}" data-ad-config=\'{config}\' '
        f'style="min-height:280px;contain:layout" aria-hidden="true">'
        "<span>Advertisement</span></div>"
    )


def _body(
    spec: ArticleSpec, related: ArticleSpec | None, others: list[ArticleSpec], base: str
) -> str:
    out: list[str] = []
    para, subhead = CLS["para"], CLS["subhead"]
    for i, text in enumerate(spec.paragraphs):
        if i in spec.subheads:
            out.append(f'<h2 class="{subhead}">{spec.subheads[i]}</h2>')
        out.append(f'<p class="{para}">{text}</p>')
        if i == 2:
            out.append(_ad_slot("mid", "[[300,250],[336,280],[728,90]]"))
        if i == 4 and related is not None:
            out.append(
                f'<p class="{para}"><strong>Read more:</strong> <a class="{CLS["more-link"]}" '
                f'href="{base}{related.path}" {_track("read-more", 0, related)}>'
                f"{related.headline}</a></p>"
            )
        if i == 6:
            out.append(_related_box(others, base))
    return f'<div class="article-body {CLS["body"]}" data-component="body">{"".join(out)}</div>'


def _share(spec: ArticleSpec, base: str) -> str:
    url = base + spec.path
    share = "".join(
        f'<li class="{CLS["share-item"]}"><a class="share-{n} {CLS["share-link"]}" '
        f'href="https://share.example/{n}?u={url}" target="_blank" rel="noopener noreferrer" '
        f'aria-label="Share on {n}" data-share-network="{n}">{_icon(n)}</a></li>'
        for n in ("facebook", "x", "linkedin", "whatsapp", "email", "print")
    )
    return f'<ul class="share-tools {CLS["share-list"]}" data-component="share">{share}</ul>'


def _tags_and_bio(spec: ArticleSpec, base: str) -> str:
    tags = "".join(
        f'<li class="{CLS["topic-item"]}"><a class="{CLS["topic-link"]}" '
        f'href="{base}/topics/{w}/" data-link-name="keyword:{w}">{w.title()}</a></li>'
        for w in spec.slug.split("-")[:5]
    )
    author = spec.authors[0]
    portrait = f"authors/{spec.index % 40}"
    return (
        f'<div class="topics"><span>Topics</span><ul>{tags}</ul></div>'
        f'<div class="author-bio {CLS["bio"]}"><img src="{base}/img/{portrait}.jpg" alt="" '
        f'width="96" height="96" loading="lazy" {_srcset(portrait, (96, 192))}>'
        f"<p><strong>{author}</strong> is a correspondent covering {spec.section.lower()}.</p>"
        f'<a href="{base}/authors/{author.lower().replace(" ", "-")}">More from {author}</a></div>'
    )


def _comments(spec: ArticleSpec, seed: int) -> str:
    rng = random.Random(f"{seed}:comments:{spec.index}")
    button = f'class="{CLS["btn"]}"'
    items = "".join(
        f'<li class="comment {CLS["thread-item"]}" data-comment-id="c{spec.index}-{n}">'
        f'<div class="comment-meta"><span class="user">'
        f"{rng.choice(FIRST_NAMES).lower()}{rng.randint(1, 99)}</span> "
        f'<span class="ago">{rng.randint(1, 23)} hours ago</span></div>'
        f'<p class="{CLS["thread-copy"]}">{_sentence(rng)}</p>'
        f'<button {button} data-action="reply">Reply</button>'
        f'<button {button} data-action="like" aria-pressed="false">Like</button></li>'
        for n in range(rng.randint(0, 8))
    )
    return (
        f'<section class="comments {CLS["thread"]}" id="comments" data-component="comments">'
        f"<h2>Comments</h2><ol>{items}</ol></section>"
    )


#: The "How we report" box of the rail: standing text the template prints on every article.
STANDARDS = (
    (
        "Every story is read by a second editor before it is published, and the facts it rests on "
        "are checked against at least two sources or a document we have seen."
    ),
    (
        "We name our sources wherever we can. When we cannot, we say why, and the editor knows who "
        "they are."
    ),
    (
        "Corrections are made in the article itself, with a note at the end that says what was "
        "wrong and when it was changed."
    ),
    (
        "Opinion pieces are labelled as such, and the people who write them tell us about any "
        "interest they have in what they write about."
    ),
    (
        "We do not accept gifts or paid travel for coverage. Sponsored pages are marked and are "
        "written by a separate team."
    ),
    (
        "Readers can reach the standards editor through the contact page; every message is read "
        "and answered within a week."
    ),
)


def _standards_box() -> str:
    items = "".join(f'<li class="{CLS["box-item"]}">{text}</li>' for text in STANDARDS)
    return (
        f'<div class="standards {CLS["box"]}" data-component="standards">'
        f"<h3>How we report</h3><ul>{items}</ul>"
        '<a href="/about/standards">Read our editorial standards</a></div>'
    )


def _newsletter() -> str:
    return (
        f'<div class="newsletter {CLS["signup-box"]}" data-component="newsletter-signup">'
        "<h3>Get the morning briefing</h3>"
        "<p>Sign up for our newsletter and never miss a story.</p>"
        '<form data-form="newsletter" data-list-id="morning-briefing" novalidate>'
        '<input type="hidden" name="list" value="morning-briefing">'
        '<input type="hidden" name="source" value="article-rail">'
        f'<input type="email" placeholder="Email" aria-label="Email address" autocomplete="email" '
        f'required class="{CLS["field"]}"><button class="{CLS["btn"]}">Subscribe</button>'
        "</form></div>"
    )


def _most_read(others: list[ArticleSpec], base: str) -> str:
    items = "".join(
        f'<li class="{CLS["chart-item"]}"><a class="{CLS["chart-link"]}" href="{base}{o.path}" '
        f"{_track('most-read', n, o)}>{o.headline}</a></li>"
        for n, o in enumerate(others[:10])
    )
    return (
        f'<aside class="most-read {CLS["chart"]}" data-component="most-read">'
        f"<h2>Most read</h2><ol>{items}</ol></aside>"
    )


def _card(position: int, other: ArticleSpec, base: str) -> str:
    """One teaser card: image, kicker, headline, summary, each in the template's wrappers."""
    href = f'href="{base}{other.path}" {_track("more-from", position, other)}'
    stem = f"{other.index}-thumb"
    props = (
        f'{{"id":"a{other.index}","section":"{other.section.lower()}","layout":"card-m",'
        f'"image":{{"src":"{CDN}/img/{stem}/w_640.jpg","ratio":"16:9","focal":[0.5,0.4]}},'
        f'"badges":[],"showKicker":true,"showSummary":true,"lazy":true,"position":{position}}}'
    )
    return (
        f'<div class="card {CLS["card"]}" data-content-id="a{other.index}" '
        f"data-props='{props}' style=\"--card-accent:#{other.index * 2654435761 % 16**6:06x}\">"
        f'<div class="{CLS["card-media"]}" style="aspect-ratio:16/9">'
        f'<a {href} tabindex="-1" aria-hidden="true">'
        f'<img class="{CLS["image"]}" src="{base}/img/{stem}.jpg" alt="" loading="lazy" '
        f'width="320" height="180" {_srcset(stem, (160, 240, 320, 480, 640, 960))}></a></div>'
        f'<div class="{CLS["card-main"]}"><span class="kicker">{other.section}</span>'
        f'<h3 class="{CLS["card-h"]}"><a class="{CLS["card-link"]}" {href}>{other.headline}'
        f'</a></h3><p class="{CLS["card-copy"]}">{other.standfirst}</p>'
        f'<div class="card-author {CLS["card-copy"]}">By {" and ".join(other.authors)}</div>'
        "</div></div>"
    )


def _teasers(spec: ArticleSpec, others: list[ArticleSpec], base: str) -> str:
    """The "More from <section>" cards under the article."""
    cards = "".join(_card(n, o, base) for n, o in enumerate(others[8:20]))
    return (
        f'<section class="more-from {CLS["cards"]}" data-component="more-from">'
        f"<h2>More from {spec.section}</h2>{cards}</section>"
    )


def _footer_column(section: str, index: int, base: str) -> str:
    key = section.lower()
    links = "".join(
        f'<li class="{CLS["foot-item"]}"><a class="{CLS["foot-link"]}" href="{base}/{key}/{w}/" '
        f'data-link-name="footer:{key}:{w}">{w.title()}</a></li>'
        for w in WORDS[index * 10 : index * 10 + 10]
    )
    return (
        f'<div class="col {CLS["foot-col"]}"><h4 class="{CLS["foot-h"]}">{section}</h4>'
        f"<ul>{links}</ul></div>"
    )


def _footer(base: str) -> str:
    columns = "".join(_footer_column(s, i, base) for i, s in enumerate(SECTIONS))
    social = "".join(
        f'<a class="social {CLS["follow-link"]}" href="https://social.example/{n}" '
        f'target="_blank" rel="noopener" aria-label="{SITE_NAME} on {n}">{_icon(n)}</a>'
        for n in ("facebook", "x", "instagram", "youtube", "tiktok", "rss")
    )
    return (
        f'<div class="site-map {CLS["foot"]}" data-component="site-map">{columns}</div>'
        f'<footer class="site-footer {CLS["foot"]}" data-component="footer">'
        f'<div class="follow">{social}</div>'
        f'<div class="apps"><a href="/apps" aria-label="App Store">{_icon("app-store")}</a>'
        f'<a href="/apps" aria-label="Google Play">{_icon("play-store")}</a></div>'
        '<p class="legal"><a href="/about">About us</a> <a href="/contact">Contact</a> '
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p>'
        f"<address>{SITE_NAME}, Bench Media Ltd, 1 Harbour Street, Port Example. Registered "
        "in Example under company number 0000001. Editor-in-chief: the editorial board.</address>"
        f"<p>&copy; 2024 {SITE_NAME}. All rights reserved.</p></footer>"
    )


def _region(name: str, markup: str) -> str:
    """A template region between the comments that mark where each include starts and ends."""
    return f"<!-- {name} -->{markup}<!-- /{name} -->"


def _tracking_pixel(spec: ArticleSpec) -> str:
    return (
        f'<noscript><img src="{CDN}/px.gif?id=a{spec.index}&amp;s={spec.section.lower()}" '
        'width="1" height="1" alt="" style="display:none"></noscript>'
    )


@dataclass(frozen=True)
class Chrome:
    """The parts of a page that depend on the site's address alone, built once for a site."""

    header: str
    rail: str
    footer: str

    @classmethod
    def build(cls, base: str) -> Chrome:
        return cls(
            header=_line_breaks(_region("header", _nav(base))),
            rail=_line_breaks(_region("newsletter", _newsletter()) + _standards_box()),
            footer=_line_breaks(
                _region("footer", _footer(base)) + _region("consent", _cookie_banner())
            ),
        )


def _story(
    spec: ArticleSpec, related: ArticleSpec | None, others: list[ArticleSpec], base: str
) -> str:
    crumbs = (
        f'<nav class="breadcrumb {CLS["crumbs"]}" aria-label="Breadcrumb">'
        f'<a class="{CLS["crumb-link"]}" href="{base}/">Home</a> &rsaquo; '
        f'<a class="{CLS["crumb-link"]}" href="{base}/{spec.section.lower()}/">{spec.section}</a>'
        "</nav>"
    )
    return (
        f'<article class="story {CLS["story"]}" data-content-id="a{spec.index}">{crumbs}'
        f'<h1 class="headline {CLS["story-h1"]}">{spec.headline}</h1>'
        f'<p class="standfirst {CLS["story-dek"]}">{spec.standfirst}</p>{_byline(spec)}'
        f"{_share(spec, base)}{_figure(spec, base)}{_body(spec, related, others, base)}"
        f"{_tags_and_bio(spec, base)}{_jsonld(spec, base) if spec.jsonld_in_body else ''}"
        "</article>"
    )


def article_page(
    spec: ArticleSpec,
    specs: Sequence[ArticleSpec],
    base: str,
    seed: int,
    chrome: Chrome | None = None,
) -> bytes:
    """The HTML of one article page (UTF-8 bytes); ``specs`` are the site's articles (the
    page links to some of them); ``chrome`` the site's shared parts if already built."""
    chrome = chrome or Chrome.build(base)
    rng = random.Random(f"{seed}:links:{spec.index}")
    related = specs[rng.randrange(len(specs))] if spec.index % 3 != 1 else None
    others = [specs[rng.randrange(len(specs))] for _ in range(20)]
    top = _line_breaks(_region("top-bar", _top_bar(spec, base)))
    main = _line_breaks(
        f"{_region('ticker', _ticker(others, base))}"
        f'<main id="main" class="{CLS["layout"]}">{_story(spec, related, others, base)}'
        f"{_region('comments', _comments(spec, seed))}"
        f"{_region('more-from', _teasers(spec, others, base))}"
        f'<div class="sidebar {CLS["rail"]}">{_region("most-read", _most_read(others, base))}'
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head>{_head(spec, base)}</head>'
        f'<body class="article-page" data-section="{spec.section.lower()}">{ICON_SPRITE}'
        f"{top}{chrome.header}{main}{chrome.rail}</div></main>{chrome.footer}"
        f"{_tracking_pixel(spec)}<script>{_state_script(spec, others)}</script>"
        "<!-- rendered by gazette-web 4.12.0, edge cache: HIT --></body></html>\n"
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
    chrome = Chrome.build(base)
    for spec in specs:
        yield base + spec.path, article_page(spec, specs, base, seed, chrome)


def build_site(base: str, pages: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as ``(path, body)``, generated one at a time."""
    specs = [article_spec(i, seed) for i in range(pages)]
    chrome = Chrome.build(base)
    for spec in specs:
        yield spec.path, article_page(spec, specs, base, seed, chrome)
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


#: gzip level of the served files: 1, nginx's default (``gzip_comp_level``); level 6 took twice
#: as long to build 5,000 pages of 250 KB for 12% smaller bodies.
GZIP_LEVEL = 1


@dataclass(frozen=True)
class Resource:
    content_type: str
    gzipped: bytes


class Site:
    """The site in memory, gzipped once; a request is a dict look-up."""

    def __init__(self, files: Iterable[tuple[str, bytes]]) -> None:
        self.files = {
            path: Resource(_content_type(path), gzip.compress(body, GZIP_LEVEL, mtime=0))
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
