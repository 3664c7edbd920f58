"""Distributed mode: the Redis fleet of one crawl, its shared scheduler and dupefilter."""
