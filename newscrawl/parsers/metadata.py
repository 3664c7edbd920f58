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
    text_of,
)
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import clean_or_none, dedupe, normalize_space
from newscrawl.urls import absolutize, canonical_url, same_site

if TYPE_CHECKING:
    from collections.abc import Iterator

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


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, words)) + ")")


_STANDFIRST = _words(selectors.DESCRIPTION_CLASS_WORDS)
_LOGO = _words(("logo",))
_BREADCRUMB = re.compile("breadcrumb")


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
    """The lead printed right after the headline (a standfirst/intro-classed element)."""
    h1 = _headline_node(page)
    if h1 is None:
        return None
    for node in nearby(h1, selectors.AFTER_HEADLINE):
        if _STANDFIRST.search(class_id(node)) and not page.foreign(node):
            text = text_of(node)
            if _MIN_STANDFIRST <= len(text) <= _MAX_STANDFIRST:
                return text
    return None


def extract_section(page: Page) -> str | None:
    """Section / category: profile -> JSON-LD ``articleSection`` -> section meta -> the
    section label printed above the headline -> the last breadcrumb."""
    for text in override_texts(page, "section"):
        return text
    section = (
        as_text(page.ld.get("articleSection"))
        or page.meta_first(
            "article:section",
            "section",
            "parsely-section",
            "sailthru.section",
            "dc.subject",
            "category",
        )
        or _section_label(page)
        or _breadcrumb_section(page)
    )
    return clean_or_none(html.unescape(section)) if section else None


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
        if _short_label(text) and url and same_site(url, page.url):
            return text
    return None


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
        if not url or urlsplit(url).path.strip("/") == "":
            continue
        text = text_of(link)
        if _short_label(text):
            labels.append(text)
    return labels[-1] if labels else None


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
        page.meta_first("og:site_name")
        or publisher_name(page)
        or page.meta_first("application-name", "apple-mobile-web-app-title")
        or _logo_name(page)
        or _title_suffix(page)
    )


def _logo_name(page: Page) -> str | None:
    """The alt text (or hidden label) of the site logo, outside the footer."""
    for node in page.marked:
        if not _LOGO.search(class_id(node)) or page.foreign(node):
            continue
        for img in node.iter("img"):
            alt = normalize_space(img.get("alt"))
            if _site_label(alt):
                return alt
        label = normalize_space(node.get("title") or node.get("aria-label") or text_of(node))
        if _site_label(label):
            return label
    return None


def _site_label(text: str) -> bool:
    return 2 <= len(text) <= _MAX_LABEL and len(text.split()) <= 5


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
