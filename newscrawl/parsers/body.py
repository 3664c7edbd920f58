"""Body text: pick the main-content node, walk its text blocks in order, drop boilerplate.

Read-more lines and the source line met on the way are set aside (they become
``read_more`` and ``source``), never body text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from newscrawl.parsers import selectors
from newscrawl.parsers.common import class_id, override_nodes, text_of
from newscrawl.parsers.links import is_read_more, is_source_line, read_more_links
from newscrawl.text import normalize_body

if TYPE_CHECKING:
    import lxml.html
    from lxml import etree

    from newscrawl.items import RelatedLink
    from newscrawl.parsers.page import Page

_BOILER_CLASS = re.compile(
    r"(?:^|[\s_-])(?:"
    + "|".join(re.escape(w) for w in selectors.BOILERPLATE_CLASS_WORDS)
    + r")(?:$|[\s_-])"
)
_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre"})
_MIN_BODY_CHARS = 200


@attrs.frozen
class Body:
    text: str
    read_more: list[RelatedLink]
    container: lxml.html.HtmlElement | None


def is_boilerplate(node: etree._Element) -> bool:
    """True for elements that never hold article text (navigation, share bars, ...)."""
    if not isinstance(node.tag, str):
        return True
    if node.tag in selectors.BOILERPLATE_TAGS:
        return True
    return bool(_BOILER_CLASS.search(class_id(node)))


def _inside_boilerplate(node: etree._Element, container: etree._Element) -> bool:
    current = node.getparent()
    while current is not None and current is not container:
        if is_boilerplate(current):
            return True
        current = current.getparent()
    return False


def _text_length(node: etree._Element) -> int:
    return sum(len(text_of(p)) for p in node.iter("p"))


def _best_container(page: Page) -> lxml.html.HtmlElement | None:
    for node in override_nodes(page, "body"):
        return node
    for expression in selectors.BODY_CONTAINERS:
        nodes = expression(page.tree)
        if nodes:
            best = max(nodes, key=_text_length)
            if _text_length(best) >= _MIN_BODY_CHARS:
                return best
    return _densest_parent(page.tree)


def _densest_parent(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    scores: dict[etree._Element, float] = {}
    for para in tree.iter("p"):
        length = len(text_of(para))
        parent = para.getparent()
        if length < 40 or parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + length
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + length / 2
    return max(scores, key=scores.__getitem__) if scores else None


def _has_block_child(node: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in node.iterdescendants())


def extract_body(page: Page) -> Body:
    """The article body and the read-more links found in it."""
    container = _best_container(page)
    if container is None:
        return Body("", [], None)
    paragraphs: list[str] = []
    links: list[RelatedLink] = []
    for block in selectors.BLOCKS(container):
        if _has_block_child(block) or _inside_boilerplate(block, container):
            continue
        if is_boilerplate(block):
            continue
        text = text_of(block)
        if not text:
            continue
        if is_read_more(text):
            links.extend(read_more_links(block, page))
            continue
        if is_source_line(text):
            continue
        paragraphs.append(text)
    return Body(normalize_body("\n\n".join(paragraphs)), links, container)
