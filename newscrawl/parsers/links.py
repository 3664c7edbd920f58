"""Read-more links the article offers in its own text, and the source line."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newscrawl.items import RelatedLink
from newscrawl.parsers import selectors
from newscrawl.parsers.common import text_of
from newscrawl.text import clean_or_none
from newscrawl.urls import absolutize, canonical_url, same_site

if TYPE_CHECKING:
    from lxml import etree

    from newscrawl.parsers.page import Page

#: Lead-ins of related-article lines, in the languages newscrawl meets most.
READ_MORE = re.compile(
    r"^\s*(?:read more|read also|also read|related|see also|more on this|more:|lesen sie auch"
    r"|mehr zum thema|auch interessant|ayrıca (?:bakınız|okuyun)|ilgili haber|lire aussi"
    r"|à lire aussi|lee también|leer más|leggi anche|あわせて読みたい|関連記事)\s*[:：»>-]?\s*",
    re.IGNORECASE,
)
SOURCE = re.compile(
    r"^\s*(?:source|sources|quelle|kaynak|fuente|fonte)\s*[:：]\s*(.{2,120})$", re.IGNORECASE
)


def is_read_more(text: str) -> bool:
    """True when a line is a read-more lead-in.

    >>> is_read_more("READ MORE:Turkish, Azerbaijani presidents attend parade")
    True
    >>> is_read_more("He read more books.")
    False
    """
    return bool(READ_MORE.match(text))


def is_source_line(text: str) -> bool:
    """True for a "SOURCE: ..." line.

    >>> is_source_line("SOURCE:TRTWorld and agencies")
    True
    """
    return bool(SOURCE.match(text))


def read_more_links(block: etree._Element, page: Page) -> list[RelatedLink]:
    """The links of one read-more block, same-site, absolute and canonical."""
    out: list[RelatedLink] = []
    for anchor in selectors.LINKS(block):
        url = absolutize(anchor.get("href"), page.url)
        if not url or not same_site(url, page.url):
            continue
        title = READ_MORE.sub("", text_of(anchor))
        out.append(RelatedLink(url=canonical_url(url), title=clean_or_none(title)))
    return out


def extract_source(page: Page) -> str | None:
    """The "SOURCE: ..." line's value."""
    for node in selectors.SOURCE_PREFIX(page.tree):
        match = SOURCE.match(text_of(node))
        if match:
            return clean_or_none(match[1])
    return None
