"""Authors and byline: JSON-LD persons -> profile -> author meta -> byline markup."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from newscrawl.parsers import selectors
from newscrawl.parsers.common import override_texts, text_of
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import dedupe, normalize_space

if TYPE_CHECKING:
    from collections.abc import Mapping

    from newscrawl.parsers.page import Page

_PREFIX = re.compile(
    r"^\s*(?:by|von|par|por|di|door|av|af|de|reporting by|written by|text:|texto:|autor:|"
    r"author:|authors:|reporter:|от)\s+",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\boch\b|&|\||/)\s*", re.IGNORECASE
)
_NOISE = re.compile(
    r"@\S+|https?://\S+|\S+@\S+\.\w+|\b(?:updated|published|aktualisiert|veröffentlicht)\b.*$"
    r"|\d{1,2}[./:]\d{1,2}(?:[./]\d{2,4})?.*$|\b(?:correspondent|reporter|editor|staff writer"
    r"|redakteur(?:in)?|journalist(?:in)?)\b.*$",
    re.IGNORECASE,
)
_NAME_OK = re.compile(r"^[^\W\d_][\w'’.\- ]{1,60}$")


def clean_author(raw: str) -> str | None:
    """A person (or agency) name from one byline fragment, or ``None``.

    >>> clean_author("By Jane Doe, Reuters correspondent")
    'Jane Doe'
    >>> clean_author("@janedoe") is None
    True
    """
    text = normalize_space(_PREFIX.sub("", normalize_space(raw)))
    text = normalize_space(_NOISE.sub("", text)).strip(" ,;:-–—|")
    text = text.split(",")[0].strip()
    if not text or not _NAME_OK.match(text) or len(text.split()) > 6:
        return None
    return text


def split_authors(byline: str) -> list[str]:
    """Split a printed byline into names.

    >>> split_authors("By Jane Doe and John Roe")
    ['Jane Doe', 'John Roe']
    >>> split_authors("Von Anna Schmidt und Jörg Meier")
    ['Anna Schmidt', 'Jörg Meier']
    """
    text = _PREFIX.sub("", normalize_space(byline))
    text = _NOISE.sub("", text)
    names = [clean_author(part) for part in _SPLIT.split(text)]
    return dedupe([n for n in names if n])


def _ld_authors(ld: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for person in as_list(ld.get("author")) + as_list(ld.get("creator")):
        text = as_text(person)
        if text and not text.startswith("http"):
            names.extend(split_authors(text))
    return dedupe(names)


def extract_byline(page: Page) -> str | None:
    """The byline as printed on the page."""
    for text in override_texts(page, "byline") or override_texts(page, "authors"):
        return text
    for expression in selectors.BYLINE:
        for node in expression(page.tree):
            text = text_of(node)
            if 3 <= len(text) <= 200:
                return text
    return None


def extract_authors(page: Page, byline: str | None) -> list[str]:
    """Author names, most reliable source first."""
    override = override_texts(page, "authors")
    if override:
        return dedupe([n for t in override for n in split_authors(t)])
    names = _ld_authors(page.ld)
    if names:
        return names
    for meta in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
        values = [v for v in page.meta.get(meta, ()) if v.strip() and "://" not in v]
        if values:
            return dedupe([n for v in values for n in split_authors(v)])
    return split_authors(byline) if byline else []
