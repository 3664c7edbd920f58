"""The newscrawl spiders: ``article`` (one page) and ``news`` (sitemaps, feeds, sections)."""
