"""Downloader and spider middlewares, one module per component."""
