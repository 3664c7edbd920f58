"""The parsed page every field extractor reads: one tree, structured data read once."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from newscrawl.parsers.common import scan_marked

if TYPE_CHECKING:
    import lxml.html

#: Site-profile selector overrides: field name -> XPath expressions tried first.
Overrides = Mapping[str, Sequence[str]]


@attrs.frozen
class Page:
    """A page being parsed.

    ``ld`` holds the JSON-LD / microdata object that describes the article (``{}`` when
    none); ``ld_all`` every object found (flattened ``@graph``, arrays, ``mainEntity``);
    ``meta`` maps lower-cased ``<meta>`` name/property/itemprop to their contents in
    page order.
    """

    tree: lxml.html.HtmlElement
    url: str
    ld: Mapping[str, Any]
    ld_all: Sequence[Mapping[str, Any]]
    meta: Mapping[str, Sequence[str]]
    overrides: Overrides = attrs.field(factory=dict)

    @functools.cached_property
    def marked(self) -> list[lxml.html.HtmlElement]:
        """Headlines, ``<time>`` elements and elements whose class/id names a byline or a
        date, in page order: found in one pass, shared by the byline and date readers."""
        return scan_marked(self.tree)

    def meta_first(self, *names: str) -> str | None:
        """The first non-empty content among the named ``<meta>`` tags, in ``names`` order."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None
