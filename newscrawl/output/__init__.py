"""Writing records: JSON Lines appended whole, Scrapy's feed exporter, dataset merge, Parquet."""
