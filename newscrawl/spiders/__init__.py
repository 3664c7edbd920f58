"""The spiders: ``article`` (one page), ``news`` (sitemaps, feeds, sections), ``news-redis``."""
