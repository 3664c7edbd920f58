"""The parsed page every field extractor reads: one tree, structured data read once."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from newscrawl.parsers.common import Foreign

if TYPE_CHECKING:
    import lxml.html
    from lxml import etree

    from newscrawl.parsers.walk import Walk

#: Site-profile selector overrides: field name -> XPath expressions tried first.
Overrides = Mapping[str, Sequence[str]]


@attrs.frozen
class Page:
    """A page being parsed.

    ``ld`` holds the JSON-LD / microdata object that describes the article (``{}`` when
    none); ``ld_all`` every object found (flattened ``@graph``, arrays, ``mainEntity``);
    ``meta`` maps lower-cased ``<meta>`` name/property/itemprop to their contents in
    page order; ``walk`` is the one pass over every element (text blocks, marked and
    listed elements, see :mod:`newscrawl.parsers.walk`).
    """

    tree: lxml.html.HtmlElement
    url: str
    ld: Mapping[str, Any]
    ld_all: Sequence[Mapping[str, Any]]
    meta: Mapping[str, Sequence[str]]
    walk: Walk
    overrides: Overrides = attrs.field(factory=dict)

    @property
    def marked(self) -> list[etree._Element]:
        """Headlines, ``<time>`` elements, author/date ``itemprop`` and ``rel=author`` elements,
        and elements whose class/id names a byline, a date or a page part (logo,
        breadcrumb), in page order; shared by the byline, date and metadata readers."""
        return self.walk.marked

    @functools.cached_property
    def foreign(self) -> Foreign:
        """``page.foreign(node)``: True for an element that belongs to something else
        than the article (see :class:`~newscrawl.parsers.common.Foreign`)."""
        h1s = (n for n in self.marked if n.tag == "h1")
        return Foreign(h1s, self.walk.tagged("heading"))

    @property
    def first_h1(self) -> etree._Element | None:
        """The page's first ``<h1>``."""
        return next((n for n in self.walk.marked if n.tag == "h1"), None)

    def meta_first(self, *names: str) -> str | None:
        """The first non-empty content among the named ``<meta>`` tags, in ``names`` order."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None
