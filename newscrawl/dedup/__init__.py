"""Deduplication without Scrapy: fingerprints, near-duplicates, the one emission decision."""
