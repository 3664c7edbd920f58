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

_LEAD_INS = "|".join(selectors.READ_MORE_LEAD_INS)
#: A lead-in followed by a separator: "READ MORE:", "Lesen Sie auch »", "【関連記事】".
READ_MORE = re.compile(
    rf"^\s*[\[【(]?\s*(?:{_LEAD_INS})\s*(?:[:：»>|]|[\]】)]|\s[-–—]\s?)\s*", re.IGNORECASE
)
#: A lead-in alone ("Also read", "Ayrıca"): read-more only when the rest is a link.
READ_MORE_BARE = re.compile(rf"^\s*[\[【(]?\s*(?:{_LEAD_INS})[\]】)]?\s*", re.IGNORECASE)
SOURCE_LABEL = re.compile(rf"\s*(?:{'|'.join(selectors.SOURCE_LEAD_INS)})\s*[:：]", re.IGNORECASE)
SOURCE = re.compile(
    rf"^\s*(?:{'|'.join(selectors.SOURCE_LEAD_INS)})\s*[:：]\s*(.{{2,120}})$", re.IGNORECASE
)


def is_read_more(text: str, link_density: float = 0.0) -> bool:
    """True when a line is a read-more lead-in (a bare lead-in needs a link-dense line).

    >>> is_read_more("READ MORE:Turkish, Azerbaijani presidents attend parade")
    True
    >>> is_read_more("Related reports say the talks failed.")
    False
    >>> is_read_more("Ayrıca Ankara'da bir toplantı yapıldı.", link_density=0.0)
    False
    >>> is_read_more("Also read Ankara talks end without a deal", link_density=0.8)
    True
    """
    if READ_MORE.match(text):
        return True
    bare = READ_MORE_BARE.match(text)
    return bare is not None and link_density >= 0.5 and len(text) > bare.end()


def is_source_line(text: str) -> bool:
    """True for a "SOURCE: ..." line.

    >>> is_source_line("SOURCE:TRTWorld and agencies")
    True
    >>> is_source_line("The source said: talks will go on.")
    False
    """
    return bool(SOURCE.match(text))


def read_more_links(block: etree._Element, page: Page) -> list[RelatedLink]:
    """The links of one read-more block, same-site, absolute and canonical."""
    out: list[RelatedLink] = []
    for anchor in selectors.LINKS(block):
        url = absolutize(anchor.get("href"), page.url)
        if not url or not same_site(url, page.url):
            continue
        title = READ_MORE_BARE.sub("", text_of(anchor))
        out.append(RelatedLink(url=canonical_url(url), title=clean_or_none(title)))
    return out


def _in_figure(node: etree._Element) -> bool:
    return any(a.tag in ("figure", "figcaption") for a in node.iterancestors())


def extract_source(page: Page) -> str | None:
    """The "SOURCE: ..." line's value: the first line starting with a source lead-in
    (outside figures, where such lines are photo credits)."""
    for label in page.walk.tagged("label"):  # the body's elements whose text has a colon
        if not (label.text and SOURCE_LABEL.match(label.text)) or _in_figure(label):
            continue
        node: etree._Element | None = label
        for _ in range(3):
            if node is None:
                break
            match = SOURCE.match(text_of(node))
            if match:
                return clean_or_none(match[1])
            node = node.getparent()
    return None
