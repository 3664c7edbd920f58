"""Extraction: (html, url) -> :class:`~newscrawl.items.Article`. No Scrapy imports here."""

from __future__ import annotations

from newscrawl.parsers.article import load_page, parse_article

__all__ = ["load_page", "parse_article"]
