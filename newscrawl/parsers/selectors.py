"""Every XPath newscrawl uses for extraction: data only, compiled once, specific first.

Tiers are commented with what they target. Site profiles add their own expressions
in front of these (see ``newscrawl.sites``); nothing here names a publisher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from lxml import etree

if TYPE_CHECKING:
    import lxml.html

_NS = {"re": "http://exslt.org/regular-expressions"}


class Query:
    """A compiled XPath with typed results: ``q(node)`` gives elements, ``q.strings(node)``
    gives attribute or text results as ``str``."""

    __slots__ = ("_xpath", "expr")

    def __init__(self, expr: str) -> None:
        self.expr = expr
        self._xpath = etree.XPath(expr, namespaces=_NS)

    def __call__(self, node: etree._Element) -> list[lxml.html.HtmlElement]:
        result = self._xpath(node)
        if not isinstance(result, list):
            return []
        return [cast("lxml.html.HtmlElement", r) for r in result if isinstance(r, etree._Element)]

    def strings(self, node: etree._Element) -> list[str]:
        result = self._xpath(node)
        if not isinstance(result, list):
            return []
        return [str(r) for r in result if isinstance(r, str | bytes) and not isinstance(r, bytes)]

    def __repr__(self) -> str:
        return f"Query({self.expr!r})"


def _xp(expr: str) -> Query:
    return Query(expr)


def _class_has(*words: str) -> str:
    """An XPath predicate: the class or id attribute contains one of ``words``."""
    return " or ".join(
        f"contains(concat(' ', translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
        f"'abcdefghijklmnopqrstuvwxyz'), ' ', @id), '{w}')"
        for w in words
    )


# --- structured data -------------------------------------------------------------------
JSONLD = _xp("//script[@type='application/ld+json' or @type='application/json+ld']")
ITEMSCOPE = _xp("(//*[@itemscope])[1]")
META = _xp("//meta")
CANONICAL = _xp("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
HTML_LANG = _xp("/html/@lang | /html/@xml:lang")
TITLE = _xp("//head/title")

# --- headline ---------------------------------------------------------------------------
HEADLINE: tuple[Query, ...] = (
    # itemprop inside the article, then a single h1 inside article/main
    _xp("//*[@itemprop='headline' and not(self::meta)]"),
    _xp("//article//h1 | //main//h1"),
    # any h1 with a title-ish class, then the first h1 anywhere
    _xp(f"//h1[{_class_has('title', 'headline', 'heading')}]"),
    _xp("//h1"),
)

# --- byline -----------------------------------------------------------------------------
BYLINE: tuple[Query, ...] = (
    # explicit author markup
    _xp("//*[@rel='author' and not(ancestor::footer) and not(ancestor::aside)]"),
    _xp("//*[@itemprop='author']//*[@itemprop='name'] | //*[@itemprop='author' and not(*)]"),
    # class/id names that say byline or author, outside asides and footers
    _xp(
        "//*[(self::span or self::div or self::p or self::a or self::address or self::li)"
        f" and ({_class_has('byline', 'author', 'writer')})"
        " and not(ancestor::aside) and not(ancestor::footer) and not(ancestor::nav)]"
    ),
)

# --- dates ------------------------------------------------------------------------------
TIME_ELEMENTS = _xp(
    "//time[@datetime or @pubdate] "
    "| //*[@itemprop='datePublished' or @itemprop='dateModified'][not(self::meta)]"
)
DATE_TEXT: tuple[Query, ...] = (
    _xp(
        "//*[(self::span or self::div or self::p or self::time or self::li)"
        f" and ({_class_has('date', 'time', 'published', 'timestamp', 'dateline')})"
        " and not(ancestor::aside) and not(ancestor::footer) and not(ancestor::figure)]"
    ),
)

# --- images -----------------------------------------------------------------------------
FIGURES = _xp("//figure[.//img or .//picture or .//source]")
FIGCAPTION = _xp(".//figcaption")
CAPTION_PARTS = _xp(f".//*[{_class_has('caption', 'description', 'text')}][not(*)]")
CREDIT_PARTS = _xp(f".//*[{_class_has('credit', 'copyright', 'source', 'author', 'byline')}]")
IMG = _xp(".//img")

# --- body -------------------------------------------------------------------------------
#: Elements whose whole subtree is never article text.
BOILERPLATE_TAGS: tuple[str, ...] = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "select",
    "input",
    "figure",
    "figcaption",
    "header",
    "menu",
    "dialog",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "picture",
)
#: Class/id fragments of blocks that are never article text.
BOILERPLATE_CLASS_WORDS: tuple[str, ...] = (
    "share",
    "social",
    "related",
    "recommend",
    "newsletter",
    "subscribe",
    "advert",
    "promo",
    "comment",
    "sidebar",
    "breadcrumb",
    "cookie",
    "paywall",
    "outbrain",
    "taboola",
    "most-read",
    "mostread",
    "popular",
    "trending",
    "tags",
    "explore",
    "read-more",
    "readmore",
    "also-read",
    "teaser",
    "byline",
    "caption",
    "credit",
    "author",
    "meta",
    "toolbar",
    "widget",
    "banner",
    "modal",
    "overlay",
    "signup",
    "login",
    "skip",
)
_BODY_CLASSES = _class_has(
    "article-body",
    "articlebody",
    "article__body",
    "story-body",
    "post-content",
    "entry-content",
    "article-content",
    "content-body",
    "story-content",
    "body-text",
    "article-text",
)
BODY_CONTAINERS: tuple[Query, ...] = (
    # explicit article-body markup
    _xp("//*[@itemprop='articleBody']"),
    _xp(f"//*[self::div or self::section or self::article][{_BODY_CLASSES}]"),
    # the article element, then the main landmark
    _xp("//article"),
    _xp("//main"),
)
BLOCKS = _xp(".//p | .//h2 | .//h3 | .//h4 | .//li | .//blockquote | .//pre")

# --- related links ----------------------------------------------------------------------
LINKS = _xp(".//a[@href]")

# --- source line ------------------------------------------------------------------------
SOURCE_PREFIX = _xp(
    "//*[(self::p or self::div or self::span)"
    " and re:test(normalize-space(.), '^(SOURCE|Source|Quelle|Kaynak|Fuente)\\s*:', '')]"
)
