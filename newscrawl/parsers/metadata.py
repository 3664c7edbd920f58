"""Page-level metadata: description, section, tags, language, site name, canonical URL."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newscrawl.parsers import selectors
from newscrawl.parsers.common import (
    class_id,
    nearby,
    override_texts,
    publisher_name,
    squash,
    text_of,
)
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import clean_or_none, dedupe, normalize_space
from newscrawl.urls import absolutize, canonical_url, same_site

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from lxml import etree

    from newscrawl.parsers.page import Page

_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
#: Keyword separators; the parts are whitespace-folded afterwards (no ``\s*`` around
#: the separator: on a long run of spaces that backtracks quadratically).
_TAG_SPLIT = re.compile(r"[,;]")
#: Tag values that are identifiers, not topics (UUIDs, hex or numeric ids).
_ID_LIKE = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{16,}|\d+)$", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+[|–—·•-]\s+|\s*[|｜]\s*")
#: ``rel`` values equal to "canonical" when these letters are lower-cased.
_CANONICAL_CASE = str.maketrans("CANONICAL", "canonical")
_MAX_LABEL = 40
_MIN_STANDFIRST = 30
_MAX_STANDFIRST = 600
_MIN_WORDS = 6


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, words)) + ")")


_STANDFIRST = _words(selectors.DESCRIPTION_CLASS_WORDS)
_LOGO = _words(("logo",))
#: A line under the headline that is no standfirst: a byline ("By X on ..."), a "Posted
#: by" line, counters and labels joined by "|".
_NOT_STANDFIRST = re.compile(
    r"^(?:[+•·]\s*)?(?:" + "|".join(selectors.STANDFIRST_NOT_LEAD_INS) + r")\b|\s\|\s",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile("breadcrumb")
_HOME_LABELS = frozenset(selectors.HOME_LABELS)
_LOGO_WORDS = re.compile(
    r"\(?\b(?:" + "|".join(selectors.LOGO_LABEL_WORDS) + r")\b\)?", re.IGNORECASE
)


def extract_description(page: Page) -> str | None:
    """Standfirst / summary: profile -> JSON-LD -> OpenGraph -> meta description -> the
    standfirst printed under the headline."""
    for text in override_texts(page, "description"):
        return text
    return clean_or_none(
        html.unescape(
            as_text(page.ld.get("description"))
            or page.meta_first(
                "og:description",
                "description",
                "twitter:description",
                "dc.description",
                "dcterms.description",
            )
            or ""
        )
        or _visible_standfirst(page)
    )


def _headline_node(page: Page) -> etree._Element | None:
    return next((n for n in page.marked if n.tag == "h1" and not page.foreign(n)), None)


def _visible_standfirst(page: Page) -> str | None:
    """The lead printed right after the headline: a standfirst/intro-classed element, else
    a plain one (see :func:`_plain_standfirst`)."""
    h1 = _headline_node(page)
    if h1 is None:
        return None
    for node in nearby(h1, selectors.AFTER_HEADLINE):
        if _STANDFIRST.search(class_id(node)) and not page.foreign(node):
            text = text_of(node)
            if _MIN_STANDFIRST <= len(text) <= _MAX_STANDFIRST:
                return text
    return _plain_standfirst(page, h1)


def _plain_standfirst(page: Page, h1: etree._Element) -> str | None:
    """The first element after the ``<h1>``, beside it, when it reads as a lead: a heading
    of sentence length (``<h1>...</h1><h2>Four soldiers were killed ...</h2>``), or a
    paragraph that is the last one beside the headline (the body's paragraphs are printed
    elsewhere: the first of them is no standfirst). Not after a site-name ``<h1>`` (a
    blog's tagline), and never a byline or a date line."""
    node = next((n for n in h1.itersiblings() if _has_text(n)), None)
    if node is None or node.tag not in selectors.PLAIN_STANDFIRST_TAGS or page.foreign(node):
        return None
    if node.tag == "p" and any(s.tag == "p" for s in node.itersiblings()):
        return None
    text = text_of(node)
    if not (_MIN_STANDFIRST <= len(text) <= _MAX_STANDFIRST) or len(text.split()) < _MIN_WORDS:
        return None
    if _NOT_STANDFIRST.search(text) or _site_heading(page, h1) or _holds_marked(page, node):
        return None
    return text


def _site_heading(page: Page, h1: etree._Element) -> bool:
    """An ``<h1>`` naming the site: in the page's header or navigation, or a link."""
    if any(a.tag == "a" for a in h1.iter()):
        return True
    ancestors = list(h1.iterancestors())
    if any(a.tag in ("article", "main") for a in ancestors):
        return False
    return any(a.tag in ("header", "nav") or _LOGO.search(class_id(a)) for a in ancestors)


def _holds_marked(page: Page, node: etree._Element) -> bool:
    """``node`` is or holds a byline, date or ``<time>`` element."""
    return any(m is node or node in m.iterancestors() for m in page.marked if m.tag != "h1")


def _has_text(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and bool(text_of(node))


def extract_section(page: Page) -> str | None:
    """Section / category: profile -> JSON-LD ``articleSection`` -> section meta -> the
    section label printed above the headline -> the last breadcrumb. Never the site's own
    name (a logo link above the headline, a ``article:section`` repeating the site name)."""
    for text in override_texts(page, "section"):
        return text
    site: set[str] | None = None
    for source in _SECTION_SOURCES:
        section = clean_or_none(html.unescape(source(page) or ""))
        if section is None or squash(section) in _HOME_LABELS:
            continue
        if site is None:
            site = _site_names(page)
        if squash(section) not in site:
            return section
    return None


def _declared_section(page: Page) -> str | None:
    return as_text(page.ld.get("articleSection")) or page.meta_first(*selectors.SECTION_META)


def _site_names(page: Page) -> set[str]:
    """:func:`~newscrawl.parsers.common.squash` keys of the site's names (og:site_name,
    the publisher, the name found by :func:`extract_site_name`)."""
    names = (page.meta_first("og:site_name"), publisher_name(page), extract_site_name(page))
    return {squash(n) for n in names} - {""}


def _section_label(page: Page) -> str | None:
    """A short same-site link just above the headline, in its block ("World", "Metro")."""
    h1 = _headline_node(page)
    scope = h1
    for _ in range(2):
        if scope is not None:
            scope = scope.getparent()
    if h1 is None or scope is None:
        return None
    for link in nearby(h1, selectors.LINKS_BEFORE_HEADLINE):  # nearest first
        if scope not in link.iterancestors() or page.foreign(link):
            continue
        text = text_of(link)
        url = absolutize(link.get("href"), page.url)
        if _short_label(text) and url and same_site(url, page.url) and not _home(url):
            return text
    return None


def _home(url: str) -> bool:
    """The site's home page (a logo's link), which is no section."""
    return urlsplit(url).path.strip("/") == ""


def _short_label(text: str) -> bool:
    return (
        2 <= len(text) <= _MAX_LABEL
        and len(text.split()) <= 3
        and not any(c.isdigit() for c in text)
    )


def _breadcrumb_section(page: Page) -> str | None:
    """The deepest linked breadcrumb item that is not the home page."""
    trail = next((n for n in page.marked if _BREADCRUMB.search(class_id(n))), None)
    if trail is None:
        return None
    labels: list[str] = []
    for link in selectors.LINKS(trail):
        url = absolutize(link.get("href"), page.url)
        if not url or _home(url):
            continue
        text = text_of(link)
        if _short_label(text):
            labels.append(text)
    return labels[-1] if labels else None


_SECTION_SOURCES: tuple[Callable[[Page], str | None], ...] = (
    _declared_section,
    _section_label,
    _breadcrumb_section,
)


def extract_tags(page: Page) -> list[str]:
    """Keywords/topics: JSON-LD ``keywords`` -> ``article:tag`` -> keywords meta."""
    override = override_texts(page, "tags")
    if override:
        return dedupe(override)
    values: list[str] = []
    for raw in as_list(page.ld.get("keywords")):
        text = as_text(raw)
        if text:
            values.extend(_TAG_SPLIT.split(text))
    if not values:
        values = [normalize_space(v) for v in page.meta.get("article:tag", ())]
    if not values:
        raw_meta = page.meta_first("news_keywords", "keywords", "parsely-tags", "sailthru.tags")
        values = _TAG_SPLIT.split(raw_meta) if raw_meta else []
    tags = (normalize_space(html.unescape(v)) for v in values)
    return dedupe([t for t in tags if t and not _ID_LIKE.match(t)])


def normalize_language(value: str | None) -> str | None:
    """A BCP 47 code from ``en_US``/``en-us``/``EN`` style values.

    >>> normalize_language("en_US")
    'en-US'
    >>> normalize_language("TR")
    'tr'
    >>> normalize_language("English") is None
    True
    """
    if not value:
        return None
    value = value.strip().split(",")[0].strip()
    if not _LANG.match(value):
        return None
    parts = value.replace("_", "-").split("-")
    head = parts[0].lower()
    rest = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in parts[1:]]
    return "-".join([head, *rest])


def extract_language(page: Page) -> str | None:
    """Language: ``<html lang>`` -> JSON-LD ``inLanguage`` -> ``og:locale`` -> content-language."""
    for candidate in (
        *(str(v) for v in selectors.HTML_LANG.strings(page.tree)),
        as_text(page.ld.get("inLanguage")),
        page.meta_first("og:locale", "content-language", "language", "dc.language"),
    ):
        lang = normalize_language(candidate)
        if lang:
            return lang
    return None


def extract_site_name(page: Page) -> str | None:
    """Publication name: ``og:site_name`` -> JSON-LD publisher -> application-name ->
    the logo's text -> the ``<title>``'s suffix."""
    return clean_or_none(
        html.unescape(
            page.meta_first("og:site_name")
            or publisher_name(page)
            or page.meta_first("application-name", "apple-mobile-web-app-title")
            or _logo_name(page)
            or _title_suffix(page)
            or ""
        )
    )


def _logo_name(page: Page) -> str | None:
    """The alt text (or hidden label) of the site logo, outside the footer."""
    for node in page.marked:
        if not _LOGO.search(class_id(node)) or page.foreign(node):
            continue
        for img in node.iter("img"):
            alt = _logo_label(img.get("alt"))
            if _site_label(alt):
                return alt
        label = _logo_label(node.get("title") or node.get("aria-label") or text_of(node))
        if _site_label(label):
            return label
    return None


def _logo_label(text: str | None) -> str:
    """A logo's alt text or label without the words that describe the picture or the link
    ("Logo", "Link zur Startseite"): "Logo slf" -> "slf"."""
    return normalize_space(_LOGO_WORDS.sub(" ", text or "")).strip(" :-|")


def _site_label(text: str) -> bool:
    return (
        2 <= len(text) <= _MAX_LABEL
        and len(text.split()) <= 5
        and squash(text) not in _HOME_LABELS
        and any(c.isalpha() for c in text)
    )


def _title_suffix(page: Page) -> str | None:
    """ "Headline - Site" -> "Site" (the last short part of the ``<title>``)."""
    titles = selectors.TITLE(page.tree)
    title = text_of(titles[0]) if titles else ""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return None
    last = parts[-1].strip()
    return last if _site_label(last) and len(last) < len(title) / 2 else None


def extract_canonical(page: Page) -> str:
    """The article's identity: same-site ``rel=canonical``, then ``og:url``, else the URL."""
    for href in _canonical_candidates(page):
        url = absolutize(href, page.url)
        if url and same_site(url, page.url):
            return canonical_url(url)
    return canonical_url(page.url)


def _canonical_candidates(page: Page) -> Iterator[str | None]:
    """``rel=canonical`` hrefs, then ``og:url``, read as they are asked for."""
    for link in page.walk.tagged("link"):
        rel = link.get("rel")
        if rel and rel.translate(_CANONICAL_CASE) == "canonical":
            href = link.get("href")
            if href is not None:
                yield href
    yield page.meta_first("og:url")
