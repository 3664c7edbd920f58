"""Scrapy extensions and add-ons: run report, progress, GC tuning, state store, fleet worker."""
