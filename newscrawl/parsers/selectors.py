"""Every XPath newscrawl uses for extraction: data only, compiled once, specific first.

Tiers are commented with what they target. Site profiles add their own expressions
in front of these (see ``newscrawl.sites``); nothing here names a publisher.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple, cast

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


class Nearby(NamedTuple):
    """Elements near a node in document order, read in Python (XPath's ``following::``
    and ``preceding::`` axes build the node-set of the whole rest of the page first): the
    first ``limit`` elements of ``tags`` after it (``following``) or before it, nearest
    first (``preceding``), that carry ``attribute`` and have no child of ``no_children``."""

    axis: str
    tags: frozenset[str]
    limit: int
    attribute: str | None = None
    no_children: frozenset[str] = frozenset()


class FieldLabels(NamedTuple):
    """The labels of "label value" lines: the first child element, of ``labels``, of a
    ``lines`` element with at most ``max_children`` child elements, whose text (script
    text included, not folded) is shorter than ``max_length``."""

    lines: frozenset[str]
    labels: tuple[str, ...]
    max_children: int
    max_length: int


def _xp(expr: str) -> Query:
    return Query(expr)


# --- structured data -------------------------------------------------------------------
JSONLD = _xp("//script[@type='application/ld+json' or @type='application/json+ld']")
ITEMSCOPE = _xp("(//*[@itemscope])[1]")
HTML_LANG = _xp("/html/@lang | /html/@xml:lang")
#: The HTML parser always puts ``<head>`` under the root: an absolute path, no page scan.
TITLE = _xp("/html/head/title")

# --- page metadata: section label, standfirst, logo, breadcrumb -------------------------
#: From the headline: the links printed just before it (a section label above the title).
LINKS_BEFORE_HEADLINE = Nearby("preceding", frozenset({"a"}), 12, attribute="href")
#: From the headline: the elements printed just after it (the standfirst).
AFTER_HEADLINE = Nearby("following", frozenset({"p", "h2", "div", "span"}), 40)
#: Class/id words of a standfirst printed under the headline.
DESCRIPTION_CLASS_WORDS: tuple[str, ...] = (
    "standfirst",
    "intro",
    "lede",
    "lead",
    "summary",
    "excerpt",
    "description",
    "dek",
    "deck",
    "abstract",
    "subtitle",
    "subheadline",
    "sapo",
    "entradilla",
    "vorspann",
    "spot",
)
#: Section meta tags, in trust order.
SECTION_META: tuple[str, ...] = (
    "article:section",
    "section",
    "parsely-section",
    "sailthru.section",
    "dc.subject",
    "category",
)
#: Link labels of the home page (letters and digits only, folded): no section, no site
#: name.
HOME_LABELS: tuple[str, ...] = (
    "home",
    "homepage",
    "start",
    "startseite",
    "zurstartseite",
    "accueil",
    "inicio",
    "portada",
    "menu",
    "slogan",
)
#: Words of a logo's alt text that describe the picture or its link, not the site
#: (regular expressions, matched whole, case-insensitively).
LOGO_LABEL_WORDS: tuple[str, ...] = (
    r"(?:link\s+)?(?:zur|to\s+the)\s+(?:startseite|homepage|home\s*page)",
    r"geh\s+zur\s+startseite",
    r"logo(?:\s+(?:of(?:\s+the)?|der|des|del|de|du|von))?",
)
#: Tags of a standfirst printed without a class right after the headline.
PLAIN_STANDFIRST_TAGS: frozenset[str] = frozenset({"h2", "h3", "h4", "p"})
#: First words of a line under the headline that is a byline, not a standfirst.
STANDFIRST_NOT_LEAD_INS: tuple[str, ...] = (
    "by",
    "von",
    "por",
    "par",
    "door",
    "av",
    "af",
    "posted",
    "geschrieben",
    "written",
)
#: Class/id words of page-level elements found in the one pass of ``common.scan_marked``.
PAGE_CLASS_WORDS: tuple[str, ...] = ("logo", "breadcrumb")


# --- headline ---------------------------------------------------------------------------
class HeadlineTier(NamedTuple):
    """Elements that may print the headline, in page order (found from the one pass over
    the page, see ``common.headline_candidates``): with ``itemprop``, the elements (not
    ``<meta>``) carrying it; else the ``<h1>`` elements, those inside one of ``within``
    or whose class (ASCII lower-cased) or id holds one of ``class_words`` if given."""

    itemprop: str | None = None
    within: tuple[str, ...] = ()
    class_words: tuple[str, ...] = ()


HEADLINE: tuple[HeadlineTier, ...] = (
    # itemprop inside the article, then a single h1 inside article/main
    HeadlineTier(itemprop="headline"),
    HeadlineTier(within=("article", "main")),
    # any h1 with a title-ish class, then the first h1 anywhere
    HeadlineTier(class_words=("title", "headline", "heading")),
    HeadlineTier(),
)

#: Class/id words of a kicker (overline, "Dachzeile") printed inside the ``<h1>``.
KICKER_CLASS_WORDS: tuple[str, ...] = (
    "kicker",
    "overline",
    "topline",
    "dachzeile",
    "roofline",
    "eyebrow",
    "supertitle",
)

# --- byline -----------------------------------------------------------------------------
# Byline tiers, first match wins (see ``byline.byline_nodes``). First the explicit author
# markup found in the one pass of ``common.scan_marked``: ``rel=author`` elements, then
# ``itemprop=author`` elements, or
#: the ``itemprop=name`` inside an ``itemprop=author`` element.
ITEMPROP_NAME = _xp(".//*[@itemprop='name']")
#: Then: elements of these tags whose class/id holds one of these words (matched in one
#: Python pass over the page, see ``common.scan_marked``).
BYLINE_CLASS_WORDS: tuple[str, ...] = (
    "byline",
    "author",
    "writer",
    "autor",
    "reporter",
    "journalist",
)
BYLINE_TAGS: frozenset[str] = frozenset({"span", "div", "p", "a", "address", "li", "h5", "h6"})
#: Then: the short lines printed just under the headline (an unmarked "By X" line).
LINES_AFTER_HEADLINE = Nearby(
    "following",
    frozenset({"p", "div", "span", "address"}),
    30,
    no_children=frozenset({"p", "div"}),
)
#: Then: the label of a "label value" metadata line (``<li><strong>Autor</strong> X</li>``).
FIELD_LABELS = FieldLabels(
    lines=frozenset({"li", "p", "div", "dd", "tr"}),
    labels=("strong", "b", "dt", "span", "th"),
    max_children=3,
    max_length=25,
)
#: Inside one byline element: links, each holding one name when it names several people.
BYLINE_LINKS = _xp(".//a")
#: A linked heading (a link holding one of these headings, or one holding a link) is the
#: mark of a teaser for another story (found from the page's list of headings, see
#: ``common.Foreign``).
TEASER_HEADING_TAGS: tuple[str, ...] = ("h2", "h3", "h4", "h5")
#: Author ``<meta>`` names, most specific first.
AUTHOR_META: tuple[str, ...] = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "cxenseparse:author",
    "articleauthor",
    "byl",
)
#: Elements whose bylines are never the article's (landmarks, figures).
NOT_ARTICLE_TAGS: frozenset[str] = frozenset({"aside", "footer", "nav", "figure", "figcaption"})
#: Class/id words of a block (any ancestor) whose bylines belong to other stories/comments.
FOREIGN_BLOCK_WORDS: tuple[str, ...] = (
    "comment",
    "teaser",
    "related",
    "recommend",
    "explore",
    "outbrain",
    "taboola",
    "most-read",
    "mostread",
    "popular",
    "trending",
)
#: Class/id words near an element (up to 3 levels) that make it part of a side box.
FOREIGN_NEAR_WORDS: tuple[str, ...] = (
    "newsletter",
    "sidebar",
    "promo",
    "more-from",
    "read-more",
    "readmore",
)
#: ... or part of an image block (a byline or date there is a caption's or credit's).
MEDIA_NEAR_WORDS: tuple[str, ...] = ("caption", "image", "photo", "media", "credit")

# --- dates ------------------------------------------------------------------------------
#: Class/id words of elements that may print a date (matched in one Python pass over the
#: page, see ``common.scan_marked``), and the tags such an element may have.
DATE_CLASS_WORDS: tuple[str, ...] = ("date", "time", "published", "updated", "modified")
DATE_TAGS: frozenset[str] = frozenset(
    {"span", "div", "p", "li", "small", "dd", "details", "summary", "em", "strong", "header"}
)
DATE_ITEMPROPS: frozenset[str] = frozenset({"datePublished", "dateModified"})
#: ``itemprop`` values of the elements ``common.scan_marked`` collects.
MARKED_ITEMPROPS: frozenset[str] = DATE_ITEMPROPS | {"author"}
#: Published-time ``<meta>`` names, most specific first.
PUBLISHED_META: tuple[str, ...] = (
    "article:published_time",
    "article:published:time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date.created",
    "dc.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
#: Modified-time ``<meta>`` names.
MODIFIED_META: tuple[str, ...] = (
    "article:modified_time",
    "article:modified:time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "lastmod",
    "last-modified",
)
#: Elements that may print a date alone, without a date class ("<span>December 13,
#: 2020</span>" under the lead image), how many of them after the first ``<h1>`` and before
#: it are looked at, and the longest text such a date has.
PLAIN_DATE_TAGS: tuple[str, ...] = (
    "span", "div", "p", "time", "small", "em", "strong", "b", "i", "li", "td", "dd",
    "font", "abbr", "h2", "h3", "h4", "h5", "h6",
)  # fmt: skip
PLAIN_DATE_AFTER_H1 = 150
PLAIN_DATE_BEFORE_H1 = 30
PLAIN_DATE_MAX_LENGTH = 60
#: schema.org types besides articles whose dates are the page's (a fact check's page).
PAGE_DATE_TYPES: frozenset[str] = frozenset(
    {"claimreview", "webpage", "itempage", "collectionpage", "liveblogposting"}
)

# --- images -----------------------------------------------------------------------------
#: Image elements (AMP pages use ``<amp-img>``).
IMAGE_TAGS: tuple[str, ...] = ("img", "amp-img")
# Class/id words, matched at a word start ("caption" matches "image-caption__text").
#: Elements holding an image's caption.
IMAGE_CAPTION_WORDS: tuple[str, ...] = (
    "caption",
    "figcaption",
    "legend",
    "subtitle",
    "bildunterschrift",
    "bildtext",
    "bu",
    "infotext",
    "img-info",
    "image-info",
    "imageinfo",
)
#: ... then, when none of those is there, loosely named elements in the image's block.
IMAGE_CAPTION_LOOSE_WORDS: tuple[str, ...] = ("description", "desc", "info", "text", "title")
#: Elements holding an image's credit.
IMAGE_CREDIT_WORDS: tuple[str, ...] = (
    "credit",
    "copyright",
    "photographer",
    "source",
    "quelle",
    "author",
    "byline",
    "rights",
    "fotograf",
)
#: Images that are not article images: logos, avatars, icons, ads, tracking pixels.
IMAGE_SKIP_WORDS: tuple[str, ...] = (
    "logo",
    "avatar",
    "icon",
    "sprite",
    "emoji",
    "badge",
    "author",
    "profile",
    "advert",
    "ad-",
    "ads",
    "banner",
    "sponsor",
    "pixel",
    "tracking",
    "gravatar",
    "thumb-author",
)
#: Screen-reader-only labels ("Image caption", "Credit...") that are not printed text.
HIDDEN_WORDS: tuple[str, ...] = (
    "off-screen",
    "offscreen",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader",
    "screenreader",
    "a11y",
    "hidden",
)
#: Controls inside a caption ("Acquire Licensing Rights", "Enlarge").
CAPTION_NOISE_WORDS: tuple[str, ...] = (
    "license",
    "licensing",
    "share",
    "button",
    "expand",
    "enlarge",
    "zoom",
    "fullscreen",
)
#: A link to an image file (an image linked to itself is not a teaser).
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$")

# --- body -------------------------------------------------------------------------------
# The body walker (parsers/body.py) reads these as plain data: tag names and class words,
# matched in Python while it walks the tree once.

#: Elements whose whole subtree is never article text.
BOILERPLATE_TAGS: tuple[str, ...] = (
    # code, styling and embedded objects
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "picture",
    "img",
    # page furniture: navigation, footers, side content, dialogs
    "nav",
    "footer",
    "menu",
    "dialog",
    # controls (a <form> itself is walked: some sites wrap the whole page in one)
    "button",
    "select",
    "input",
    "textarea",
    "label",
    # images and their captions/credits (captions are ``images``, never body)
    "figure",
    "figcaption",
    # the article header: headline, standfirst, byline, dates
    "header",
    "h1",
)
#: Elements never body text but walked for read-more lines ("Related: <a>...</a>" boxes).
BOILERPLATE_BLOCK_TAGS: tuple[str, ...] = ("aside",)
#: Tags that start and end a text block (everything else is inline text).
BLOCK_TAGS: tuple[str, ...] = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "body",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "address",
    "center",
    "hr",
    "form",
    "fieldset",
    "details",
    "summary",
    "hgroup",
    "aside",
)
#: Block tags that are never chosen as the body container (they are paragraphs).
LEAF_BLOCK_TAGS: tuple[str, ...] = (
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "pre",
    "tr",
    "th",
    "caption",
    "hr",
)
#: Class/id words of blocks that are never article text, matched anywhere in the class or id
#: (distinctive enough that a longer name containing them means the same thing).
BOILERPLATE_CLASS_PARTS: tuple[str, ...] = (
    "share",
    "social",
    "related",
    "recommend",
    "newsletter",
    "subscri",
    "promo",
    "comment",
    "sidebar",
    "breadcrumb",
    "cookie",
    "consent",
    "outbrain",
    "taboola",
    "mostread",
    "most-read",
    "popular",
    "trending",
    "readmore",
    "read-more",
    "alsoread",
    "also-read",
    "byline",
    "caption",
    "copyright",
    "toolbar",
    "signup",
    "sign-up",
    "login",
    "paywall-",
    "teaserlist",
    "teaser-list",
    "further-reading",
    "next-article",
    "author-bio",
    "authorbio",
    "author-box",
    "newsticker",
    "sr-only",
    "twitter-tweet",
    "instagram-media",
    "tiktok-embed",
    "visually-hidden",
)
#: Class/id words of non-text blocks, matched as whole words (split on space, "-", "_").
BOILERPLATE_CLASS_WORDS: tuple[str, ...] = (
    "ad",
    "ads",
    "adslot",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "ad-slot",
    "tags",
    "tag-list",
    "keywords",
    "topics",
    "credit",
    "credits",
    "author",
    "authors",
    "meta",
    "widget",
    "banner",
    "modal",
    "overlay",
    "skip",
    "explore",
    "print",
    "rating",
    "poll",
    "survey",
    "gallery",
    "slideshow",
    "carousel",
    "video",
    "player",
    "infobox",
    "disclaimer",
    "pagination",
    "pager",
    "footer",
    "nav",
    "navigation",
    "menu",
)
#: Class/id words of a standfirst / teaser / lead above the body (it is ``description``).
STANDFIRST_CLASS_WORDS: tuple[str, ...] = (
    "standfirst",
    "teaser",
    "intro",
    "lead",
    "lede",
    "subtitle",
    "subheadline",
    "sub-headline",
    "subline",
    "dek",
    "deck",
    "excerpt",
    "description",
    "abstract",
    "kicker",
)
#: Class/id fragments of explicit article-body markup (a bonus when choosing the container).
BODY_CLASS_PARTS: tuple[str, ...] = (
    "article-body",
    "articlebody",
    "article__body",
    "article_body",
    "story-body",
    "storybody",
    "post-content",
    "entry-content",
    "article-content",
    "articlecontent",
    "article__content",
    "content-body",
    "story-content",
    "body-text",
    "bodytext",
    "article-text",
    "articletext",
    "article__text",
    "rich-text",
    "richtext",
)

#: Whole lines that are page furniture, not text (regexes matched against the folded line).
BOILERPLATE_LINES: tuple[str, ...] = (
    # ad labels
    (
        r"(?:advertisement|advertising|sponsored|anzeige|werbung|publicidad|publicité|pubblicità"
        r"|annonse|annons|reklame|reklam|mainos|reklama|広告|광고)"
    ),
    # share / follow / print prompts
    (
        r"(?:share|teilen|partager|compartir|condividi|paylaş|del|dela)"
        r"(?: (?:this|the|on|via|article|story|artikel|post))*[ :.!]*"
    ),
    r"(?:follow us|folgen sie uns|suivez-nous|síguenos|seguici)\b.{0,80}",
    r"(?:print|drucken|imprimer|imprimir|stampa|copy link|link kopieren|e-?mail)",
    # newsletter and subscription prompts
    r"(?:sign up|subscribe|melden sie sich|abonnieren|inscrivez-vous|suscríbete|iscriviti)\b.{0,150}",
    r".{0,60}\b(?:newsletter)\b.{0,100}",
    # copyright and rights lines
    r"(?:©|\(c\)|copyright)\s.{0,150}",
    (
        r".{0,100}\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés"
        r"|todos los derechos reservados)\b.{0,60}"
    ),
    # subscription walls
    r".{0,60}(?:会員限定|有料会員|会員登録|有料記事).{0,100}",
    r".{0,100}\b(?:la suite est réservée aux abonnés|réservé aux abonnés)\b.{0,80}",
    (
        r"(?:subscribe to (?:continue|read)|already a subscriber|this article is for subscribers)"
        r"\b.{0,120}"
    ),
    # date and time lines of the page header or of embedded items
    (
        r"(?:stand|erstellt|aktualisiert|publiziert|veröffentlicht|updated|published|posted"
        r"|last updated)(?: am| on)?\s*:?\s*.{0,40}\d{1,2}[:.h]\d{2}.{0,20}"
    ),
    (
        r"(?:[^\W\d]+,?\s+)?\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4},?\s*(?:[-–|]\s*)?"
        r"(?:\d{1,2}[:.]\d{2}\s*(?:uhr)?)?"
    ),
    r"(?:\d+|an?|one) (?:minutes?|hours?|days?|mins?|hrs?) ago|vor \d+ (?:minuten|stunden|tagen)",
    # photo credits on a line of their own
    r"(?:foto|fotos|photo|photos|bild|bilder|image|credit|crédit|quelle)\s*:\s*.{1,80}",
    (
        r".{0,60}(?:/|\bvia )\s*(?:getty(?: images)?|afp|reuters|dpa|ap|imago|epa|shutterstock"
        r"|istock(?:photo)?|picture alliance|keystone|anadolu)\b.{0,30}"
    ),
    # consent placeholders of blocked embeds, expand/collapse toggles
    (
        r".{0,40}\b(?:externer inhalt|ein klick für den datenschutz|ich bin damit einverstanden"
        r"|empfohlener redaktioneller inhalt|external content|privacy settings"
        r"|datenschutzeinstellungen)\b.{0,250}"
    ),
    (
        r".{0,30}\b(?:aufklappen|zuklappen|ausklappen|einklappen|show more|show less"
        r"|mehr anzeigen|weniger anzeigen)\b.{0,30}"
    ),
    # "continues below" markers and subscription prompts
    r"(?:article|story|der artikel|artikel) (?:continues|geht) (?:below|weiter|unten weiter).{0,20}",
    r"jetzt (?:abonnieren|weiterlesen|registrieren)\b.{0,120}",
    # the signature line of an embedded post
    r"[—–-]\s*.{1,80}\(@\w{1,30}\)\s*.{0,40}",
    # reading-time and photo-count widgets
    r"\d+\s*(?:min(?:ute)?s?|minuten)\s*(?:read|lesezeit|lesen|de lecture)",
    r"(?:lesezeit|reading time)\s*:?\s*\d+.{0,20}",
)

# --- related links ----------------------------------------------------------------------
LINKS = _xp(".//a[@href]")
#: Lead-ins of read-more lines (regex alternatives, matched case-insensitively at the start
#: of a line). "Recommended", "Most read", "Explore" are widgets, never read-more lines.
READ_MORE_LEAD_INS: tuple[str, ...] = (
    r"read more",
    r"read also",
    r"also read",
    r"see also",
    r"more on this(?: story)?",
    r"related(?: (?:article|story|news|coverage|content)s?)?",
    r"lesen sie (?:auch|dazu|mehr)",
    r"mehr zum thema",
    r"auch interessant",
    r"ayrıca(?: (?:bakınız|okuyun|bkz\.?))?",
    r"ilgili haber(?:ler)?",
    r"(?:à )?lire (?:aussi|également)",
    r"voir aussi",
    r"lea también",
    r"lee también",
    r"leer más",
    r"leggi anche",
    r"leia também",
    r"læs også",
    r"les også",
    r"läs (?:även|också)",
    r"lees ook",
    r"czytaj (?:też|także)",
    r"читайте также",
    r"あわせて読みたい",
    r"関連記事",
    r"관련 ?기사",
)

# --- source line ------------------------------------------------------------------------
#: Lead-ins of the source / agency line ("SOURCE: TRTWorld and agencies").
SOURCE_LEAD_INS: tuple[str, ...] = ("source", "sources", "quelle", "kaynak", "fuente", "fonte")
#: Elements whose own text may start a source line ("SOURCE:", "Kaynak:"); the line itself
#: may be the element or one of its parents.
SOURCE_LABEL_TAGS: tuple[str, ...] = ("p", "div", "span", "strong", "b", "em", "i", "li", "small")
