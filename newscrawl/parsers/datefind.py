"""Dates of pages whose markup does not say which element is the date.

Two readers, for pages without a structured or date-classed published date:

- :func:`plain_dates`: elements near the headline whose whole text is one date ("December
  13, 2020" alone in a ``<span>`` under the lead image, "Posted on 3 May 2021" in a
  ``<p>``), in page order, those after the ``<h1>`` first;
- :func:`find_day`: htmldate's search over the page (URL, header, markup and text
  patterns, with bounds), on a copy of the tree: it gives a day only, so
  ``date_raw`` is then the plain date printed for that day, when the page prints one.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import htmldate
from lxml import etree

from newscrawl.parsers import selectors
from newscrawl.parsers.common import text_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newscrawl.parsers.page import Page

logger = logging.getLogger(__name__)

_STRING = etree.XPath("string()")
#: The longest raw text (white space and all) of an element that may print a date alone.
_RAW_LIMIT = 1000
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DIGIT_RUN = re.compile(r"\d+")


def plain_dates(page: Page) -> Iterator[tuple[etree._Element, str]]:
    """``(element, text)`` for every element near the headline whose text is short, has one
    year and another number (a day) and is the element's own (no child with more text);
    the ``selectors.PLAIN_DATE_AFTER_H1`` elements after the first ``<h1>`` first, then the
    ``selectors.PLAIN_DATE_BEFORE_H1`` before it. Candidates, not read yet: the caller
    parses them. Nothing on a page without ``<h1>`` (no headline to be near)."""
    h1 = page.first_h1
    if h1 is None:
        return
    before: list[etree._Element] = []
    after = 0
    seen = False
    for node in page.tree.iter(selectors.PLAIN_DATE_TAGS, "h1"):
        if node is h1:
            seen = True
            continue
        if not seen:
            before.append(node)
            continue
        after += 1
        if after > selectors.PLAIN_DATE_AFTER_H1:
            break
        found = _alone(node, page)
        if found:
            yield node, found
    for node in before[-selectors.PLAIN_DATE_BEFORE_H1 :]:
        found = _alone(node, page)
        if found:
            yield node, found


def _alone(node: etree._Element, page: Page) -> str | None:
    """The element's text when it may be a date printed alone: not a link's."""
    raw = _STRING(node)  # in C: most elements are ruled out before the Python text walk
    if not isinstance(raw, str) or len(raw) > _RAW_LIMIT or not _YEAR.search(raw):
        return None
    text = text_of(node)
    if not text or len(text) > selectors.PLAIN_DATE_MAX_LENGTH or len(_YEAR.findall(text)) != 1:
        return None
    if len(_DIGIT_RUN.findall(text)) < 2 or any(text_of(c) == text for c in node):
        return None  # a bare year, or the date is a child's (read there)
    if _linked(node) or page.foreign(node):
        return None  # a link's date is another page's (an archive, a teaser)
    return text


def _linked(node: etree._Element) -> bool:
    return next(node.iterancestors("a"), None) is not None or next(node.iter("a"), None) is not None


#: Date-shaped runs of text in any language: numeric, ISO, "3. Mai 2021", "3 de mayo
#: de 2021", "May 3rd, 2021", "2021年5月3日".
_DATE_RUN = re.compile(
    r"(?<!\d)(?:\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{4}|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\.?\s(?:de\s)?[^\W\d_]{3,12}\.?,?\s(?:de\s)?\d{4}"
    r"|[^\W\d_]{3,12}\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s\d{4}"
    r"|\d{4}年\s?\d{1,2}月\s?\d{1,2}日)(?!\d)"
)
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title"})


def date_runs(page: Page, day: str) -> Iterator[str]:
    """Date-shaped runs of the page's text that may print ``day`` (``YYYY-MM-DD``: its
    year and its day of the month are in them), those after the first ``<h1>`` first;
    not read yet."""
    year, number = day[:4], int(day[8:10])
    before: list[str] = []
    seen = page.first_h1 is None
    for node in page.tree.iter():
        if node is page.first_h1:
            seen = True
        if not isinstance(node.tag, str) or node.tag in _NO_TEXT:
            continue
        for text in (node.text, node.tail):
            if not text or year not in text:
                continue
            for match in _DATE_RUN.finditer(" ".join(text.split())):
                run = match[0]
                if number in {int(d) for d in _DIGIT_RUN.findall(run) if len(d) <= 2}:
                    if seen:
                        yield run
                    else:
                        before.append(run)
    yield from before


#: htmldate's upper bound: the parser reads no clock, so the bound is a fixed far date.
_LATEST = "2099-12-31"


def find_day(page: Page) -> str | None:
    """The publication day htmldate finds (``YYYY-MM-DD``), or ``None``. htmldate copies a
    tree it is given before pruning it, so the page's tree is left as it is."""
    try:
        return htmldate.find_date(page.tree, url=page.url, original_date=True, max_date=_LATEST)
    except Exception as exc:  # noqa: BLE001  (a third-party search: never fail the page)
        logger.debug("htmldate failed on %(url)s: %(exc)r", {"url": page.url, "exc": exc})
        return None
