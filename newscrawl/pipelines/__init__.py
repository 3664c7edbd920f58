"""Item pipelines: thin adapters over record/ and dedup/ (normalize, validate, dedup, output)."""
