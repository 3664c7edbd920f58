"""Page-level metadata: description, section, tags, language, site name, canonical URL."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newscrawl.parsers import selectors
from newscrawl.parsers.common import override_texts
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import clean_or_none, dedupe, normalize_space
from newscrawl.urls import absolutize, canonical_url, same_site

if TYPE_CHECKING:
    from newscrawl.parsers.page import Page

_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_TAG_SPLIT = re.compile(r"\s*[,;]\s*")


def extract_description(page: Page) -> str | None:
    """Standfirst / summary: profile -> JSON-LD -> OpenGraph -> meta description."""
    for text in override_texts(page, "description"):
        return text
    return clean_or_none(
        as_text(page.ld.get("description"))
        or page.meta_first(
            "og:description",
            "description",
            "twitter:description",
            "dc.description",
            "dcterms.description",
        )
    )


def extract_section(page: Page) -> str | None:
    """Section / category: profile -> JSON-LD ``articleSection`` -> ``article:section``."""
    for text in override_texts(page, "section"):
        return text
    return clean_or_none(
        as_text(page.ld.get("articleSection"))
        or page.meta_first(
            "article:section",
            "section",
            "parsely-section",
            "sailthru.section",
            "dc.subject",
            "category",
        )
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
            values.extend(_TAG_SPLIT.split(text) if isinstance(raw, str) else [text])
    if not values:
        values = [normalize_space(v) for v in page.meta.get("article:tag", ())]
    if not values:
        raw_meta = page.meta_first("news_keywords", "keywords", "parsely-tags", "sailthru.tags")
        values = _TAG_SPLIT.split(raw_meta) if raw_meta else []
    return dedupe([normalize_space(v) for v in values])


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
    """Publication name: ``og:site_name`` -> JSON-LD publisher -> application-name."""
    publisher = page.ld.get("publisher")
    return clean_or_none(
        page.meta_first("og:site_name")
        or (as_text(publisher) if publisher else None)
        or page.meta_first("application-name", "apple-mobile-web-app-title", "twitter:site")
    )


def extract_canonical(page: Page) -> str:
    """The article's identity: same-site ``rel=canonical``, then ``og:url``, else the URL."""
    candidates = [
        *(str(h) for h in selectors.CANONICAL.strings(page.tree)),
        page.meta_first("og:url"),
    ]
    for href in candidates:
        url = absolutize(href, page.url)
        if url and same_site(url, page.url):
            return canonical_url(url)
    return canonical_url(page.url)
