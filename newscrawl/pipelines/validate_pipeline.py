"""``ValidatePipeline``: rejects non-articles and records that break the schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from newscrawl.items import CrawledArticle
from newscrawl.pipelines.drops import RejectItem, article_of, count, invalid
from newscrawl.record.rejects import Reject
from newscrawl.record.schema_check import record_errors
from newscrawl.record.validate import not_article_reason

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.items import Article


class ValidatePipeline:
    """Rejects non-articles (``not_article``, :func:`~newscrawl.record.validate.not_article_reason`
    with ``NEWSCRAWL_MIN_BODY_WORDS``) and records that break the shipped JSON Schema
    (``invalid``, the field named). It is the only place a crawl validates an article."""

    def __init__(self, min_words: int, stats: StatsCollector | None = None) -> None:
        self.min_words = min_words
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_VALIDATE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_VALIDATE_ENABLED is off")
        return cls(settings.getint("NEWSCRAWL_MIN_BODY_WORDS"), crawler.stats)

    def process_item(self, item: Any) -> Article:
        article = article_of(item, self.stats)
        reason = not_article_reason(article, self.min_words)
        if reason:
            count(self.stats, "newscrawl/validate/not_article")
            raise RejectItem(Reject(url=article.url, reason="not_article", detail=reason))
        if isinstance(article, CrawledArticle):
            article = article.record()
        errors = record_errors(article.to_dict())
        if errors:
            count(self.stats, "newscrawl/validate/invalid")
            raise invalid(article, errors[0])
        count(self.stats, "newscrawl/validate/valid")
        return article
