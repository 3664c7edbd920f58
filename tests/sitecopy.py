"""Serve a test site whose sitemaps and feeds hold ``{base}`` (the server's address).

``served_copy(src, dest)`` copies ``src`` to ``dest`` with ``{base}`` replaced in the
templated files (``*.xml``, ``*.rss``, ``*.atom``, ``robots.txt`` and, after gunzip,
``*.xml.gz``) and yields a started :class:`SiteServer`. The routes file is copied
first: the server reads it when it is created, before its port is known.
"""

from __future__ import annotations

import gzip
import shutil
from contextlib import contextmanager
from typing import TYPE_CHECKING

from newscrawl.devtools.site_server import ROUTES_FILE, SiteServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PLACEHOLDER = "{base}"
_TEMPLATED = (".xml", ".rss", ".atom")


def _fill(data: bytes, base: str) -> bytes:
    return data.decode("utf-8").replace(PLACEHOLDER, base).encode("utf-8")


def copy_site(src: Path, dest: Path, base: str) -> None:
    """Copy the site folder, filling in ``base`` where the placeholder is."""
    for path in sorted(src.rglob("*")):
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if path.name.endswith(".xml.gz"):
            data = gzip.compress(_fill(gzip.decompress(data), base), mtime=0)
        elif path.suffix in _TEMPLATED or path.name == "robots.txt":
            data = _fill(data, base)
        target.write_bytes(data)


@contextmanager
def served_copy(src: Path, dest: Path, delay: float = 0.0) -> Iterator[SiteServer]:
    """``delay``: seconds added to every response (a slowed-down site)."""
    dest.mkdir(parents=True, exist_ok=True)
    if (src / ROUTES_FILE).exists():
        shutil.copyfile(src / ROUTES_FILE, dest / ROUTES_FILE)
    server = SiteServer(dest, delay=delay)
    copy_site(src, dest, server.base_url)
    with server:
        yield server
