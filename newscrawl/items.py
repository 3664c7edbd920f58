"""The record newscrawl produces: typed, frozen attrs classes.

The attribute names are the JSON keys of a record (see ``record.schema.json``
and INTERFACE.md). Parsers build an :class:`Article` without run-time facts
(``scraped_at``); pipelines add them with :func:`attrs.evolve`.
"""

from __future__ import annotations

from typing import Any

import attrs

SCHEMA_VERSION = 1


def _tuple_of_str(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if value else ()


@attrs.frozen(kw_only=True)
class Image:
    """One image of the article."""

    url: str
    """Absolute URL of the image file."""
    caption: str | None = None
    """The caption as printed, without its credit; trimmed."""
    credit: str | None = None
    """Photo credit ("Reuters", "AFP / Jane Doe"), without "Photo:" or "©"."""
    alt: str | None = None
    """The ``alt`` text of the image element."""

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "caption": self.caption, "credit": self.credit, "alt": self.alt}


@attrs.frozen(kw_only=True)
class RelatedLink:
    """A "read more" link the article itself offers in its text."""

    url: str
    """Absolute, canonicalized URL (no fragment, no tracking parameters)."""
    title: str | None = None
    """The link text, trimmed, without the "READ MORE:" lead-in."""

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title}


def _images(value: Any) -> tuple[Image, ...]:
    return tuple(v if isinstance(v, Image) else Image(**v) for v in value or ())


def _links(value: Any) -> tuple[RelatedLink, ...]:
    return tuple(v if isinstance(v, RelatedLink) else RelatedLink(**v) for v in value or ())


@attrs.frozen(kw_only=True)
class Article:
    """A news article record; ``url`` is the only required attribute.

    Text attributes are Unicode NFC, trimmed, with whitespace folded to single
    spaces (``body`` keeps blank lines between paragraphs).
    """

    url: str
    """The URL fetched, after redirects."""
    canonical_url: str | None = None
    """The article's identity: same-site ``rel=canonical``/``og:url`` or ``url``,
    scheme/host lowercased, fragment and tracking parameters removed."""
    headline: str = ""
    """The headline, without a site-name suffix; empty when none was found."""
    description: str | None = None
    """Standfirst or summary."""
    authors: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    """Person names (or the agency when no person is named), no "By", roles or dates."""
    byline: str | None = None
    """The byline as printed."""
    date_published: str | None = None
    """ISO 8601: ``YYYY-MM-DDTHH:MM:SS+HH:MM`` when the page gives a time (the offset
    only when the page states one), ``YYYY-MM-DD`` when it gives only a day. A time the
    page stores in UTC is given in the page's own offset when the page shows it (a printed
    local time of the same instant, the offset of its other dates): the same instant, the
    day its readers see. A page that prints only a modification ("Updated: 5 May 2021")
    states no other release: that date is then both published and modified, unless the
    URL names a day (``/2021/05/01/``), which is then the published day."""
    date_modified: str | None = None
    """ISO 8601, same rules as :attr:`date_published`."""
    date_raw: str | None = None
    """The published date as it appears on the page, without its label ("December 13,
    2020"); the metadata string when the page prints none for that day; ``None`` when the
    day comes from the URL or a page-wide search and the page prints no form of it."""
    section: str | None = None
    """Section or category ("World")."""
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    """Keywords and topics, in page order, without duplicates."""
    language: str | None = None
    """BCP 47 language code ("en", "tr", "pt-BR")."""
    site_name: str | None = None
    """The publication's name ("TRT World")."""
    body: str = ""
    """Article text: paragraphs and subheadings separated by a blank line."""
    caption: str | None = None
    """The lead image's caption, without its credit."""
    images: tuple[Image, ...] = attrs.field(default=(), converter=_images)
    """Images of the article, lead image first."""
    read_more: tuple[RelatedLink, ...] = attrs.field(default=(), converter=_links)
    """Related-article links offered in the article text, in page order."""
    source: str | None = None
    """The source / agency line ("TRTWorld and agencies")."""
    word_count: int = 0
    """Number of words in :attr:`body`."""
    content_hash: str | None = None
    """Stable hash of the normalized headline and body (see ``fingerprints``)."""
    scraped_at: str | None = None
    """ISO 8601 UTC time of the fetch; set by the crawler, never by the parser."""
    schema_version: int = SCHEMA_VERSION
    """Version of the record schema."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready record. ``scraped_at`` and ``content_hash`` are left out
        while unset (a parser result has no fetch time)."""
        record: dict[str, Any] = {
            "schema_version": self.schema_version,
            "url": self.url,
            "canonical_url": self.canonical_url or self.url,
            "headline": self.headline,
            "description": self.description,
            "authors": list(self.authors),
            "byline": self.byline,
            "date_published": self.date_published,
            "date_modified": self.date_modified,
            "date_raw": self.date_raw,
            "section": self.section,
            "tags": list(self.tags),
            "language": self.language,
            "site_name": self.site_name,
            "body": self.body,
            "caption": self.caption,
            "images": [i.to_dict() for i in self.images],
            "read_more": [r.to_dict() for r in self.read_more],
            "source": self.source,
            "word_count": self.word_count,
        }
        if self.content_hash is not None:
            record["content_hash"] = self.content_hash
        if self.scraped_at is not None:
            record["scraped_at"] = self.scraped_at
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Article:
        """Build an article from a record (unknown keys are ignored).

        Raises ``ValueError`` naming the key when a value has the wrong shape.
        """
        known = {f.name for f in attrs.fields(cls)}
        kwargs = {k: v for k, v in record.items() if k in known}
        if not isinstance(kwargs.get("url"), str):
            raise ValueError("record has no 'url' string")
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ValueError(f"record does not fit the schema: {exc}") from exc


@attrs.frozen(kw_only=True)
class CrawledArticle(Article):
    """An article as a spider yields it: the record, plus what its page says it is, which
    the validation pipeline reads to tell a listing from an article. Neither attribute is
    part of the record (:meth:`to_dict`); the validation pipeline passes on the plain
    :class:`Article`."""

    og_type: str | None = None
    """The page's first ``og:type``, lower-cased."""
    ld_types: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    """The lower-cased ``@type`` names of the page's JSON-LD objects."""

    def record(self) -> Article:
        """The plain :class:`Article` of the record's attributes."""
        return Article(**{f.name: getattr(self, f.name) for f in attrs.fields(Article)})
