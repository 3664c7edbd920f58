"""Headline: JSON-LD -> profile -> visible h1 -> OpenGraph -> <title> without site suffix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newscrawl.parsers import selectors
from newscrawl.parsers.common import first_text, override_texts
from newscrawl.parsers.structured import as_text
from newscrawl.text import fold, normalize_space

if TYPE_CHECKING:
    from newscrawl.parsers.page import Page

_SUFFIX = re.compile(r"\s+[|–—·•:-]\s+[^|–—·•]{2,60}$")


def strip_site_suffix(title: str, site_name: str | None = None) -> str:
    """Remove a trailing " | Site" / " - Site" part of a ``<title>``.

    >>> strip_site_suffix("Azerbaijan says Armenia violates truce | TRT World")
    'Azerbaijan says Armenia violates truce'
    >>> strip_site_suffix("Brexit: what next")
    'Brexit: what next'
    """
    if site_name and fold(title).endswith(fold(site_name)):
        head = title[: len(title) - len(site_name)].rstrip(" |–—·•:-")
        return head or title
    stripped = _SUFFIX.sub("", title)
    return stripped if len(stripped) >= 10 else title


def extract_headline(page: Page, site_name: str | None = None) -> str | None:
    """The article headline, or ``None``."""
    for text in override_texts(page, "headline"):
        return text
    visible = first_text(page.tree, selectors.HEADLINE, min_len=3, max_len=300)
    structured = normalize_space(as_text(page.ld.get("headline")) or as_text(page.ld.get("name")))
    if structured and (not visible or fold(visible) != fold(structured)):
        # Prefer the visible h1 when it is the structured headline with extra words cut.
        if visible and fold(structured).startswith(fold(visible)):
            return visible
        return structured
    if visible:
        return visible
    og = page.meta_first("og:title", "twitter:title")
    if og:
        return strip_site_suffix(normalize_space(og), site_name)
    title = first_text(page.tree, [selectors.TITLE])
    return strip_site_suffix(title, site_name) if title else None
