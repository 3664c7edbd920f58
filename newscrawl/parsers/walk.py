"""The one pass over a page that every field extractor shares.

It turns the body into text blocks (``body.py`` chooses the article's among them) and, on
the same visit of each element, collects the *marked* elements the byline, date and
metadata readers look at: ``<h1>``, ``<time>``, author/date ``itemprop`` and ``rel=author``
elements, and elements whose class/id holds a byline, date or page word. Each element's
attributes are read once; each distinct class/id string is classified once per page.

Every block-level element becomes a text block (``<div>``s without ``<p>`` and
``<br><br>``-separated text included), recorded with its owner element, how much of it is
link text and which boilerplate markup (share bar, related stories, comments, hidden
elements, ...) encloses it.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from newscrawl.parsers import selectors

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lxml import etree

SKIP = frozenset(selectors.BOILERPLATE_TAGS)
BLOCK = frozenset(selectors.BLOCK_TAGS)
BOILER_TAGS = frozenset(selectors.BOILERPLATE_BLOCK_TAGS)
#: Skipped tags that also end the text block around them (the others are inline).
_SKIP_BREAKS = frozenset(
    {"h1", "header", "footer", "nav", "aside", "figure", "figcaption", "menu", "dialog"}
)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_ROOTS = frozenset({"html", "body", "main"})
_MARKED_TAGS = frozenset({"h1", "time"})
#: Elements the pass also lists for other readers: tag -> list name.
_LISTED: Mapping[str, str] = MappingProxyType(
    {"script": "script", "meta": "meta", "link": "link"}
    | dict.fromkeys(selectors.IMAGE_TAGS, "img")
    | dict.fromkeys(selectors.TEASER_HEADING_TAGS, "heading")
)
_LISTED_TAGS = frozenset(_LISTED)
_LABEL_TAGS = frozenset(selectors.SOURCE_LABEL_TAGS)
#: Elements whose class flags the text walk never uses.
_NO_FLAGS = SKIP | {"a"}


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal ``words`` written as a trie ("ad(?:s|vert)?"):
    Python's regex engine tries alternatives one by one at each position, so shared
    prefixes make class-name matching several times faster.

    >>> alternation(["ad", "ads", "advert", "nav"])
    '(?:ad(?:s|vert)?|nav)'
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(trie) or "(?!)"


def _branch(node: dict[str, dict[str, Any]]) -> str:
    alternatives = [re.escape(char) + _branch(sub) for char, sub in sorted(node.items()) if char]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
    if "" not in node:
        return body
    return f"{body}?" if len(alternatives) > 1 else f"(?:{body})?"


def words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Class/id words matched whole (delimited by space, "-", "_" or the ends)."""
    return re.compile(rf"(?<![^\s_-]){alternation(words)}(?![^\s_-])")


def parts_pattern(parts: Iterable[str]) -> re.Pattern[str]:
    """Class/id fragments matched anywhere."""
    return re.compile(alternation(parts))


_BOILER_PARTS = parts_pattern(selectors.BOILERPLATE_CLASS_PARTS)
_BOILER_WORDS = words_pattern(selectors.BOILERPLATE_CLASS_WORDS)
_STANDFIRST = words_pattern(selectors.STANDFIRST_CLASS_WORDS)
_MARK_WORDS = parts_pattern(
    selectors.BYLINE_CLASS_WORDS + selectors.DATE_CLASS_WORDS + selectors.PAGE_CLASS_WORDS
)
#: Every word above as a fragment: most class names hold none and need no other test.
_ANY_WORD = parts_pattern(
    {
        *selectors.BOILERPLATE_CLASS_PARTS,
        *selectors.BOILERPLATE_CLASS_WORDS,
        *selectors.STANDFIRST_CLASS_WORDS,
        *selectors.BYLINE_CLASS_WORDS,
        *selectors.DATE_CLASS_WORDS,
        *selectors.PAGE_CLASS_WORDS,
    }
)
_LAYOUT_FLAG = re.compile(r"(?:has|with|without|no|show|hide|enable|disable)[-_]")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Flags of one class/id string.
_MARK = 1
_BOILER = 2
_LEAD = 4


@attrs.define(slots=True)
class Block:
    """One text block of the page, in document order."""

    text: str
    owner: etree._Element
    kind: str
    link_chars: int
    boiler: etree._Element | None
    standfirst: bool
    size: int = 0
    """Length with CJK characters counted three times (they carry about a word each)."""

    def __attrs_post_init__(self) -> None:
        text = self.text
        self.size = len(text) if text.isascii() else len(text) + 2 * len(_CJK.findall(text))

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@attrs.frozen
class Walk:
    """What the pass found, in page order: the body's text blocks, the marked elements,
    the elements listed by tag (``script``, ``meta``, ``link``; ``img`` for
    every image tag, ``heading`` for the teaser headings ``<h2>``-``<h5>``; ``headline``
    for the ``itemprop=headline`` elements; ``label`` for the elements of the walked root
    whose own text has a colon and may start a source line) and whether any element
    carries ``itemscope``."""

    blocks: list[Block]
    marked: list[etree._Element]
    listed: Mapping[str, list[etree._Element]]
    itemscope: bool

    def tagged(self, name: str) -> list[etree._Element]:
        return self.listed.get(name, [])


def _token_flags(token: str) -> int:
    """Flags of one class name or id, lower-cased. No pattern matches across white space,
    so an element's flags are those of its class names and id together. A layout flag
    (``has-sidebar``, ``without-comments``) names no boilerplate.

    >>> [_token_flags(t) & _BOILER for t in ("share-bar", "without-sidebar", "ad", "head")]
    [2, 0, 2, 0]
    """
    if not _ANY_WORD.search(token):
        return 0
    flags = _MARK if _MARK_WORDS.search(token) else 0
    if not _LAYOUT_FLAG.match(token) and (
        _BOILER_PARTS.search(token) or _BOILER_WORDS.search(token)
    ):
        flags |= _BOILER
    return flags | _LEAD if _STANDFIRST.search(token) else flags


def _names_author(node: etree._Element) -> bool:
    """``rel=author``: the only ``rel`` a reader asks for (most ``rel`` elements are the
    head's ``<link>`` tags and ``nofollow``/``noopener`` links, which mark nothing)."""
    rel = node.get("rel")
    return rel is not None and "author" in rel and "author" in rel.split()


def _hidden(node: etree._Element, names: list[str]) -> bool:
    if "hidden" in names:
        return True
    if "aria-hidden" in names and node.get("aria-hidden") == "true":
        return True
    style = node.get("style") if "style" in names else None
    return bool(style and _HIDDEN_STYLE.search(style))


def _kind(tag: str) -> str:
    if tag in _HEADINGS:
        return "heading"
    if tag in ("li", "dt", "dd"):
        return "item"
    if tag in ("blockquote", "pre"):
        return "quote"
    return "text"


class _Walker:
    """Turns a subtree into :class:`Block` s and collects marked elements, in one
    recursive pass."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.marked: list[etree._Element] = []
        self.listed: dict[str, list[etree._Element]] = {}
        self.itemscope = False
        self._parts: list[str] = []
        self._link_chars = 0
        self._in_link = 0
        self._after_br = False
        self._owner: etree._Element | None = None
        self._boiler: etree._Element | None = None
        self._standfirst = False
        self._flags: dict[str, int] = {}
        self._marks: dict[str, bool] = {}

    def read(self, node: etree._Element, tag: object) -> tuple[int, list[str]]:
        """The class/id flags and attribute names of ``node``, which is collected when
        marked."""
        names: list[str] = node.keys()  # type: ignore[assignment]  # HTML names are str
        if tag in _LISTED_TAGS:
            self.listed.setdefault(_LISTED[str(tag)], []).append(node)
        if not names:
            if tag in _MARKED_TAGS:
                self.marked.append(node)
            return 0, names
        flags = 0
        if "class" in names:
            value = node.get("class")
            if value:
                known = self._flags.get(value)
                flags = self._name_flags(value) if known is None else known
        if "id" in names:
            value = node.get("id")
            if value:
                known = self._flags.get(value)
                flags |= self._name_flags(value) if known is None else known
        if "itemscope" in names:
            self.itemscope = True
        itemprop = self._itemprop(node) if "itemprop" in names else None
        if (
            flags & _MARK
            or tag in _MARKED_TAGS
            or ("rel" in names and _names_author(node))
            or itemprop in selectors.MARKED_ITEMPROPS
        ):
            self.marked.append(node)
        return flags, names

    def _itemprop(self, node: etree._Element) -> str | None:
        """The ``itemprop`` of ``node``, listing ``itemprop=headline`` elements."""
        itemprop = node.get("itemprop")
        if itemprop == "headline":
            self.listed.setdefault("headline", []).append(node)
        return itemprop

    def _name_flags(self, value: str) -> int:
        flags = 0
        for token in value.lower().split():
            found = self._flags.get(token)
            if found is None:
                found = self._flags[token] = _token_flags(token)
            flags |= found
        self._flags[value] = flags
        return flags

    def read_all(self, node: etree._Element, labels: bool = True) -> None:
        """Collect the marked and listed elements of a subtree that gives no text (most of
        a page: its head, navigation, header, footer, asides): only the mark words of
        its class names are looked at; ``labels`` when it lies in the walked root."""
        marked, listed, marked_by = self.marked, self.listed, self._marked_by
        for child in node.iterdescendants():  # (no call per element on the common path)
            tag = child.tag
            if tag in _LISTED_TAGS:
                listed.setdefault(_LISTED[str(tag)], []).append(child)
            elif labels and tag in _LABEL_TAGS:
                text = child.text
                if text and (":" in text or "\uff1a" in text):
                    listed.setdefault("label", []).append(child)
            names: list[str] = child.keys()  # type: ignore[assignment]
            if (names and marked_by(child, names)) or tag in _MARKED_TAGS:
                marked.append(child)

    def read_marks(self, node: etree._Element, tag: object) -> list[str]:
        """Like :meth:`read` for an element whose class flags are not needed (a link, an
        element that gives no text, anything inside boilerplate): its attribute names."""
        if tag in _LISTED_TAGS:
            self.listed.setdefault(_LISTED[str(tag)], []).append(node)
        names: list[str] = node.keys()  # type: ignore[assignment]
        if (names and self._marked_by(node, names)) or tag in _MARKED_TAGS:
            self.marked.append(node)
        return names

    def _note_label(self, node: etree._Element, text: str | None) -> None:
        """List an element whose own text may start a source line ("SOURCE: AA")."""
        if text and (":" in text or "\uff1a" in text):
            self.listed.setdefault("label", []).append(node)

    def _marked_by(self, node: etree._Element, names: list[str]) -> bool:
        """True when the attributes of ``node`` mark it (itemscope noted on the way)."""
        if "itemscope" in names:
            self.itemscope = True
        if "itemprop" in names and self._itemprop(node) in selectors.MARKED_ITEMPROPS:
            return True
        if "rel" in names and _names_author(node):
            return True
        if "class" in names and self._marks_value(node.get("class")):
            return True
        return "id" in names and self._marks_value(node.get("id"))

    def _marks_value(self, value: str | None) -> bool:
        """Whether a class/id value holds a mark word (which holds no space: the value is
        not split)."""
        if not value:
            return False
        known = self._marks.get(value)
        if known is None:
            known = self._marks[value] = bool(_MARK_WORDS.search(value.lower()))
        return known

    def result(self) -> Walk:
        return Walk(self.blocks, self.marked, self.listed, self.itemscope)

    def _add(self, text: str | None) -> None:
        if not text:
            return
        self._parts.append(text)
        if not text.isspace():
            self._after_br = False
            if self._in_link:
                self._link_chars += len(text.strip())

    def _flush(self) -> None:
        if self._parts and self._owner is not None:
            # whitespace folded here; NFC and invisible characters in normalize_body
            text = " ".join("".join(self._parts).split())
            if text:
                link = min(self._link_chars, len(text))
                kind = _kind(str(self._owner.tag))
                block = Block(text, self._owner, kind, link, self._boiler, self._standfirst)
                self.blocks.append(block)
        self._parts = []
        self._link_chars = 0
        self._after_br = False

    def _line_break(self) -> None:
        if self._after_br:
            self._flush()
        else:
            self._parts.append(" ")
            self._after_br = True

    def visit(self, node: etree._Element) -> None:
        tag = node.tag
        if tag in BLOCK or (self._boiler is None and tag not in _NO_FLAGS and isinstance(tag, str)):
            flags, names = self.read(node, tag)
        else:  # a link, a skipped element or inline markup inside boilerplate
            flags, names = 0, self.read_marks(node, tag)
        if tag in BLOCK:
            self._visit_block(node, tag, flags, names)
        elif (
            not isinstance(tag, str) or tag in SKIP or self._inline_boiler(node, tag, flags, names)
        ):
            if tag in _SKIP_BREAKS and self._parts:
                self._flush()
            if tag in _LABEL_TAGS:
                self._note_label(node, node.text)
            if len(node):  # (most skipped elements are empty: script, img, input...)
                self.read_all(node)
        elif tag == "br":
            self._line_break()
            if len(node):
                self.read_all(node)
        else:
            self._visit_inline(node, tag)
        tail = node.tail
        if tail:
            self._add(tail)

    def _inline_boiler(self, node: etree._Element, tag: str, flags: int, names: list[str]) -> bool:
        """An inline widget (share count, caption span) inside ordinary text; links stay:
        read-more lines and link density need their text."""
        if tag == "a" or self._boiler is not None:
            return False
        return bool(flags & _BOILER and tag not in _ROOTS) or _hidden(node, names)

    def _visit_inline(self, node: etree._Element, tag: str) -> None:
        link = tag == "a"
        self._in_link += link
        text = node.text
        if text:
            self._add(text)
            if tag in _LABEL_TAGS:
                self._note_label(node, text)
        for child in node:
            self.visit(child)
        self._in_link -= link

    def _visit_block(self, node: etree._Element, tag: str, flags: int, names: list[str]) -> None:
        if self._parts:
            self._flush()
        saved = (self._owner, self._boiler, self._standfirst)
        self._owner = node
        # boilerplate and standfirst markup starting here
        if self._boiler is None and (
            (flags & _BOILER and tag not in _ROOTS)
            or tag in BOILER_TAGS
            or (names and _hidden(node, names))
        ):
            self._boiler = node
        if flags & _LEAD:
            self._standfirst = True
        text = node.text
        if text:
            self._add(text)
            if tag in _LABEL_TAGS:
                self._note_label(node, text)
        for child in node:
            self.visit(child)
        if self._parts:  # (without text there is nothing to flush)
            self._flush()
        self._owner, self._boiler, self._standfirst = saved


def walk_page(tree: etree._Element) -> Walk:
    """The text blocks of the page's ``<body>`` (of the whole page without one) and the
    marked elements of the whole page, in document order."""
    walker = _Walker()
    body = tree.find("body")
    if body is None:
        walker.visit(tree)
        return walker.result()
    walker.read(tree, tree.tag)
    for child in tree:
        if child is body:
            walker.visit(body)
        else:
            walker.read(child, child.tag)
            walker.read_all(child, labels=False)
    return walker.result()
