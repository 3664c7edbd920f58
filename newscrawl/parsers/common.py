"""Small tree helpers shared by the field extractors."""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree

from newscrawl.parsers import selectors
from newscrawl.parsers.structured import as_text
from newscrawl.text import fold, normalize_space

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    import lxml.html

    from newscrawl.parsers.page import Page
    from newscrawl.parsers.selectors import FieldLabels, HeadlineTier, Nearby


#: Elements whose text is never shown as text.
_SKIP_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "button", "select"})
#: Elements that render on their own line: their text is separated from its neighbours.
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "td", "th", "tr", "ul",
    }
)  # fmt: skip


def _collect_text(
    node: etree._Element,
    tag: str,
    parts: list[str],
    skip: Callable[[etree._Element], bool] | None,
) -> None:
    # each lxml property read once: every read builds a new Python object
    block = tag in _BLOCK
    if block:
        parts.append(" ")
    text = node.text
    if text:
        parts.append(text)
    for child in node:
        child_tag = child.tag
        if (
            isinstance(child_tag, str)
            and child_tag not in _SKIP_TEXT
            and (skip is None or not skip(child))
        ):
            _collect_text(child, child_tag, parts, skip)
        tail = child.tail
        if tail:
            parts.append(tail)
    if block:
        parts.append(" ")


def _element_text(root: etree._Element, skip: Callable[[etree._Element], bool] | None) -> str:
    if not len(root):  # a leaf: its text (the spaces around a block are folded away)
        return root.text or ""
    parts: list[str] = []
    _collect_text(root, str(root.tag), parts, skip)
    return "".join(parts)


def text_length(node: etree._Element, limit: int = 1000) -> int:
    """The length of :func:`text_of`, exact up to ``limit``; above ``4 * limit`` raw
    characters (scripts included, counted in C) the raw count is returned: a cheap size
    check for large blocks."""
    raw = len(etree.tostring(node, method="text", encoding=str, with_tail=False))
    return raw if raw > 4 * limit else len(text_of(node))


def text_of(node: object, skip: Callable[[etree._Element], bool] | None = None) -> str:
    """Whitespace-folded text of an element or attribute result.

    Inline markup joins without a space ("Kohberger<em>'s</em>"), block elements and
    ``<br>`` are separated by one; scripts and styles give no text, nor do descendants
    for which ``skip`` is true.

    >>> import lxml.html
    >>> text_of(lxml.html.fromstring("<h1>Foden<em>'s</em> day<br>out<script>x()</script></h1>"))
    "Foden's day out"
    """
    if isinstance(node, str):
        return normalize_space(node)
    if isinstance(node, etree._Element):
        return normalize_space(_element_text(node, skip))
    return ""


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def headline_candidates(page: Page, tier: HeadlineTier) -> list[etree._Element]:
    """The elements of one headline tier (see ``selectors.HEADLINE``), in page order."""
    if tier.itemprop is not None:
        found = page.walk.tagged("headline") if tier.itemprop == "headline" else []
        return [n for n in found if n.tag != "meta"]
    h1s = [n for n in page.marked if n.tag == "h1"]
    if tier.within:
        h1s = [n for n in h1s if next(n.iterancestors(*tier.within), None) is not None]
    if tier.class_words:
        h1s = [n for n in h1s if _holds_word(n, tier.class_words)]
    return h1s


def _holds_word(node: etree._Element, words: tuple[str, ...]) -> bool:
    names = f" {(node.get('class') or '').translate(_ASCII_LOWER)} {node.get('id') or ''}"
    return any(word in names for word in words)


def nearby(node: etree._Element, spec: Nearby) -> Iterator[etree._Element]:
    """The elements ``spec`` describes around ``node`` (at most ``spec.limit``)."""
    tags = tuple(spec.tags)
    found = (
        e
        for e in (_following(node, tags) if spec.axis == "following" else _preceding(node, tags))
        if (spec.attribute is None or e.get(spec.attribute) is not None)
        and not (spec.no_children and any(c.tag in spec.no_children for c in e))
    )
    return islice(found, spec.limit)


def _following(node: etree._Element, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """The elements of these tags after ``node`` and outside it, in document order (the
    tags are matched in C)."""
    current: etree._Element | None = node
    while current is not None:
        for sibling in current.itersiblings():
            yield from sibling.iter(*tags)
        current = current.getparent()


def _preceding(node: etree._Element, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """The elements of these tags before ``node`` that do not hold it, nearest first."""
    current: etree._Element | None = node
    while current is not None:
        for sibling in current.itersiblings(preceding=True):
            yield from reversed(list(sibling.iter(*tags)))
        current = current.getparent()


def field_labels(tree: etree._Element, spec: FieldLabels) -> Iterator[etree._Element]:
    """The labels of "label value" lines, in document order."""
    for label in tree.iter(*spec.labels):
        line = label.getparent()
        if line is None or line.tag not in spec.lines or line[0] is not label:
            continue
        if len(line) > spec.max_children:
            continue
        if len(etree.tostring(label, method="text", encoding=str, with_tail=False)) < (
            spec.max_length
        ):
            yield label


def override_texts(page: Page, field: str) -> list[str]:
    """Texts matched by a site profile's selectors for ``field`` (empty without a profile)."""
    out: list[str] = []
    for expr in page.overrides.get(field, ()):
        try:
            results = page.tree.xpath(expr)
        except etree.XPathError:
            continue
        out.extend(t for t in (text_of(r) for r in results) if t)
        if out:
            break
    return out


def override_nodes(page: Page, field: str) -> Sequence[lxml.html.HtmlElement]:
    """Elements matched by a site profile's selectors for ``field``."""
    for expr in page.overrides.get(field, ()):
        try:
            results = page.tree.xpath(expr)
        except etree.XPathError:
            continue
        nodes = [r for r in results if isinstance(r, etree._Element)]
        if nodes:
            return nodes
    return []


_WORD = re.compile(r"\w+")
_TEASER_MAX_CHARS = 600
_MEDIA = frozenset({"figure", "figcaption"})
_FOREIGN_NEAR_MEDIA = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, selectors.FOREIGN_NEAR_WORDS)) + ")"
)
_FOREIGN_BLOCK = re.compile("|".join(map(re.escape, selectors.FOREIGN_BLOCK_WORDS)))
_FOREIGN_NEAR = re.compile(
    r"(?:^|[\s_-])(?:"
    + "|".join(map(re.escape, selectors.FOREIGN_NEAR_WORDS + selectors.MEDIA_NEAR_WORDS))
    + ")"
)
#: Host labels that say nothing about the site ("www.news.example.com").
_GENERIC_LABELS = frozenset({"www", "news", "online", "amp", "mobile", "edition", "com", "net"})


def squash(text: str | None) -> str:
    """Letters and digits only, folded: a key for comparing names.

    >>> squash("n-tv NACHRICHTEN")
    'ntvnachrichten'
    """
    return "".join(_WORD.findall(fold(text))).replace("_", "")


def publisher_name(page: Page) -> str | None:
    """The JSON-LD publisher's name (an ``@id`` reference resolved), never a URL."""
    publisher = page.ld.get("publisher")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    if isinstance(publisher, dict) and "name" not in publisher:
        ref = publisher.get("@id")
        publisher = next((o for o in page.ld_all if o.get("@id") == ref and o.get("name")), {})
    name = as_text(publisher.get("name") if isinstance(publisher, dict) else publisher)
    return name if name and "://" not in name else None


def site_keys(page: Page) -> list[str]:
    """:func:`squash` keys of the site's own names: site name, publisher, host labels."""
    names = [
        page.meta_first("og:site_name", "application-name"),
        publisher_name(page),
        page.meta_first("twitter:site"),
    ]
    host = (urlsplit(page.url).hostname or "").removeprefix("www.")
    names.append(host)
    names.extend(label for label in host.split(".")[:-1] if label not in _GENERIC_LABELS)
    keys = [squash(n) for n in names if n]
    return [k for k in dict.fromkeys(keys) if len(k) >= 2]


class Foreign:
    """Tells elements that belong to something else than the article: a comment, a teaser
    of another story, a caption, a side box, a footer (a byline or date there is not the
    article's). One per page: what it learns about an element's ancestors (class words,
    teaser blocks, ``<h1>`` holders) serves every later question."""

    def __init__(self, h1s: Iterable[etree._Element], headings: Iterable[etree._Element]) -> None:
        self._h1_holders: set[etree._Element] = set()
        for h1 in h1s:
            self._h1_holders.add(h1)
            self._h1_holders.update(h1.iterancestors())
        self._headings = headings
        self._linked_holders: set[etree._Element] | None = None
        self._far_memo: tuple[dict[etree._Element, bool], dict[etree._Element, bool]] = ({}, {})
        self._near_memo: tuple[dict[etree._Element, bool], dict[etree._Element, bool]] = ({}, {})
        self._teaser: dict[etree._Element, bool] = {}

    def holds_h1(self, node: etree._Element) -> bool:
        """True when ``node`` is or holds an ``<h1>``."""
        return node in self._h1_holders

    def __call__(self, node: etree._Element, media: bool = False) -> bool:
        """True for a foreign element: inside a landmark (``<aside>``, ``<footer>``, a
        figure unless ``media``) or a related/comment block below the ``<body>``, or within
        four levels of a side box or teaser."""
        closest = self._closest(node)
        for element in closest:  # (loops, not generators: this runs for every candidate)
            if self._near(element, media):
                return True
        if self._far(node, media):
            return True
        return any(self._is_teaser(element) for element in closest)  # the costly test last

    def _near(self, node: etree._Element, media: bool) -> bool:
        """Side-box words in the class/id of ``node`` (asked again for its neighbours)."""
        memo = self._near_memo[media]
        known = memo.get(node)
        if known is None:
            near = _FOREIGN_NEAR_MEDIA if media else _FOREIGN_NEAR
            known = memo[node] = near.search(class_id(node)) is not None
        return known

    @staticmethod
    def _closest(node: etree._Element) -> list[etree._Element]:
        """``node`` and its parents, four at most, below the ``<body>``."""
        found: list[etree._Element] = []
        current: etree._Element | None = node
        while current is not None and len(found) < 4 and current.tag not in ("body", "html"):
            found.append(current)
            current = current.getparent()
        return found

    def _far(self, node: etree._Element, media: bool) -> bool:
        """A landmark or a foreign block at any level up to the ``<body>``."""
        memo = self._far_memo[media]
        path: list[etree._Element] = []
        current: etree._Element | None = node
        result = False
        while current is not None:
            known = memo.get(current)
            if known is not None:
                result = known
                break
            tag = current.tag
            if tag in ("body", "html"):
                break
            path.append(current)
            if (tag in selectors.NOT_ARTICLE_TAGS and not (media and tag in _MEDIA)) or (
                _FOREIGN_BLOCK.search(class_id(current)) and current not in self._h1_holders
            ):
                result = True
                break
            current = current.getparent()
        for element in path:  # each lies below the answer's element, so shares the answer
            memo[element] = result
        return result

    def _is_teaser(self, node: etree._Element) -> bool:
        """A small block holding a linked heading (another story), not the page's ``<h1>``."""
        known = self._teaser.get(node)
        if known is None:
            known = self._teaser[node] = (
                node not in self._h1_holders
                and self._holds_linked_heading(node)
                and text_length(node) < _TEASER_MAX_CHARS
            )
        return known

    def _holds_linked_heading(self, node: etree._Element) -> bool:
        """True when a link holding a heading, or a heading holding a link, is inside
        ``node`` (found once per page from its headings)."""
        if self._linked_holders is None:
            linked: list[etree._Element] = []
            for heading in self._headings:
                if next(heading.iterdescendants("a"), None) is not None:
                    linked.append(heading)
                linked.extend(heading.iterancestors("a"))
            self._linked_holders = _ancestors_of(linked)
        return node in self._linked_holders


def _ancestors_of(nodes: Iterable[etree._Element]) -> set[etree._Element]:
    """Every ancestor of ``nodes``; each climb stops where an earlier one passed (the
    set holds every ancestor of its members)."""
    found: set[etree._Element] = set()
    for node in nodes:
        for ancestor in node.iterancestors():
            if ancestor in found:
                break
            found.add(ancestor)
    return found


def class_id(node: etree._Element) -> str:
    """Lower-cased class and id of an element, space separated."""
    return f"{node.get('class') or ''} {node.get('id') or ''}".lower()
