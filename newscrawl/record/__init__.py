"""The record without Scrapy: normalisation, the article rule, the JSON Schema, reject reasons."""
