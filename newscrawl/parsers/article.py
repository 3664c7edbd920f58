"""``parse_article(html, url) -> Article``: the only module that knows every field.

Pure: no network, no clock, no settings. The page is decoded and parsed once; the
structured data is read once; each field extractor receives the same :class:`Page`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import attrs

from newscrawl.dedup.fingerprints import content_hash
from newscrawl.items import Article, Image
from newscrawl.parsers import byline as byline_mod
from newscrawl.parsers import metadata
from newscrawl.parsers.body import extract_body
from newscrawl.parsers.dates import extract_dates
from newscrawl.parsers.decode import parse_bytes, parse_tree
from newscrawl.parsers.headline import extract_headline
from newscrawl.parsers.links import extract_source
from newscrawl.parsers.media import extract_images
from newscrawl.parsers.page import Overrides, Page
from newscrawl.parsers.structured import (
    jsonld_objects,
    meta_contents,
    pick_article,
    read_microdata,
    type_names,
)
from newscrawl.parsers.walk import walk_page
from newscrawl.text import normalize_space, word_count

if TYPE_CHECKING:
    from collections.abc import Mapping

logger = logging.getLogger(__name__)


def load_page(html: str | bytes, url: str, overrides: Overrides | None = None) -> Page:
    """Decode and parse a page, walk it once, read its structured data."""
    return _load(html, url, overrides)[0]


def _load(
    html: str | bytes, url: str, overrides: Overrides | None, http_encoding: str | None = None
) -> tuple[Page, list[Mapping[str, Any]]]:
    """The page and its JSON-LD objects (``page.ld_all`` may add microdata to them)."""
    tree = parse_bytes(html, http_encoding) if isinstance(html, bytes) else parse_tree(html)
    walk = walk_page(tree)
    jsonld = jsonld_objects(walk.tagged("script"))
    objects = jsonld
    ld = pick_article(objects)
    if not ld:
        objects = objects + read_microdata(tree, url, walk.itemscope)
        ld = pick_article(objects)
    meta = meta_contents(walk.tagged("meta"))
    page = Page(
        tree=tree, url=url, ld=ld, ld_all=objects, meta=meta, walk=walk, overrides=overrides or {}
    )
    return page, jsonld


def _lead_caption(images: list[Image]) -> str | None:
    return images[0].caption if images else None


@attrs.frozen
class Parsed:
    """An article and what its page says about itself, read in the same pass: the crawl
    tells listings from articles with these (``newscrawl.discovery.pagesignals.PageSignals``)."""

    article: Article
    og_type: str | None
    """The first ``og:type`` meta content, lower-cased (``None`` when absent or empty)."""
    ld_types: tuple[str, ...]
    """The lower-cased ``@type`` names of the page's JSON-LD objects, in page order."""


def parse_page(
    html: str | bytes,
    url: str,
    overrides: Overrides | None = None,
    http_encoding: str | None = None,
) -> Parsed:
    """:func:`parse_article` with the page's ``og:type`` and JSON-LD types.

    ``http_encoding`` is the charset the HTTP ``Content-Type`` names, for bytes that are
    not UTF-8 (it wins over a ``<meta charset>``; bytes that are valid UTF-8 are UTF-8).
    """
    page, jsonld = _load(html, url, overrides, http_encoding)
    og_types = page.meta.get("og:type")
    og_type = (og_types[0].strip().lower() or None) if og_types else None
    ld_types = tuple(dict.fromkeys(t for obj in jsonld for t in type_names(obj)))
    return Parsed(_article(page), og_type, ld_types)


def parse_article(html: str | bytes, url: str, overrides: Overrides | None = None) -> Article:
    """Extract an :class:`Article` from a page.

    ``html`` is the page as text or as the bytes downloaded (decoded here); ``url`` the
    address it was fetched from; ``overrides`` optional site-profile selectors
    (field -> XPaths tried first). Raises :class:`~newscrawl.errors.NotHTMLError` for
    input that is not an HTML page; a page without an article gives an empty headline
    and body (the validation pipeline decides what to keep).
    """
    return _article(load_page(html, url, overrides))


def _article(page: Page) -> Article:
    language = metadata.extract_language(page)
    site_name = metadata.extract_site_name(page)
    headline = extract_headline(page, site_name) or ""
    byline_nodes = byline_mod.byline_nodes(page)
    byline = byline_mod.extract_byline(page, byline_nodes)
    dates = extract_dates(page, language)
    body = extract_body(page)
    images = extract_images(page)
    return Article(
        url=page.url,
        canonical_url=metadata.extract_canonical(page),
        headline=headline,
        description=metadata.extract_description(page),
        authors=byline_mod.extract_authors(page, byline_nodes, body.container),
        byline=byline,
        date_published=dates.published,
        date_modified=dates.modified,
        date_raw=dates.raw,
        section=metadata.extract_section(page),
        tags=metadata.extract_tags(page),
        language=language,
        site_name=site_name,
        body=body.text,
        caption=_lead_caption(images),
        images=images,
        read_more=body.read_more,
        source=extract_source(page),
        word_count=word_count(body.text),
        content_hash=content_hash(normalize_space(headline), body.text),
    )
