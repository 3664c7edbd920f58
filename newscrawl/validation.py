"""The decision "is this an article?": a pure function shared by pipelines and commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newscrawl.items import Article

#: Fewer body words than this and a page with a headline is still not an article.
MIN_BODY_WORDS = 40


def not_article_reason(article: Article, min_words: int = MIN_BODY_WORDS) -> str | None:
    """Why ``article`` is not an article (``None`` when it is one).

    >>> from newscrawl.items import Article
    >>> not_article_reason(Article(url="https://ex.com/", headline="Home"))
    'body has 0 words (fewer than 40)'
    >>> not_article_reason(Article(url="https://ex.com/", body="word " * 50))
    'no headline found'
    """
    if not article.headline.strip():
        return "no headline found"
    if article.word_count < min_words:
        return f"body has {article.word_count} words (fewer than {min_words})"
    return None
