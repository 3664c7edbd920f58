"""The decision "is this an article?": one pure function, for the pipeline and ``scrape``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.discovery.pagesignals import PageSignals
from newscrawl.items import CrawledArticle

if TYPE_CHECKING:
    from newscrawl.items import Article


def not_article_reason(article: Article, min_words: int) -> str | None:
    """Why ``article`` is not an article (``None`` when it is one): no headline, fewer
    body words than ``min_words`` (``NEWSCRAWL_MIN_BODY_WORDS``), or, for an article a
    spider crawled, a page that declares itself a listing (``og:type``, JSON-LD).

    >>> from newscrawl.items import Article
    >>> not_article_reason(Article(url="https://ex.com/", headline="Home"), 40)
    'body has 0 words (fewer than 40)'
    >>> not_article_reason(Article(url="https://ex.com/", body="word " * 50), 40)
    'no headline found'
    >>> page = CrawledArticle(url="https://ex.com/", headline="Hi", word_count=50,
    ...                       ld_types=("collectionpage",))
    >>> not_article_reason(page, 40)
    'the page declares itself a collectionpage (JSON-LD)'
    """
    if not article.headline.strip():
        return "no headline found"
    if article.word_count < min_words:
        return f"body has {article.word_count} words (fewer than {min_words})"
    if isinstance(article, CrawledArticle):
        return PageSignals(article.og_type, article.ld_types).listing_reason(article.url)
    return None
