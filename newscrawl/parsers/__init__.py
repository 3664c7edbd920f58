"""Extraction: (html, url) -> :class:`~newscrawl.items.Article`. No Scrapy imports here."""

from __future__ import annotations

from newscrawl.parsers.article import Parsed, load_page, parse_article, parse_page

__all__ = ["Parsed", "load_page", "parse_article", "parse_page"]
