"""newscrawl: a news scraping and ingestion pipeline on Scrapy.

Public API::

    from newscrawl import parse_article
    article = parse_article(html, url)
    record = article.to_dict()
"""

from __future__ import annotations

from newscrawl.items import Article, Image, RelatedLink
from newscrawl.parsers import parse_article

__version__ = "0.1.0"
__all__ = ["Article", "Image", "RelatedLink", "__version__", "parse_article"]
