"""The dev sets of ``bench/quality.py``: one module per set (loader, per-page scores, sums,
error logs), the shared metric functions, the tools run, the peer cache, the report."""
