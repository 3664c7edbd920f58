"""The bundled demo news site: *The Meridian Courier*, written for newscrawl.

Static pages under ``site/`` (every story, person and firm invented): a home page, three
sections, 22 articles, an About page, ``robots.txt``, sitemaps and an RSS feed, with the
traps a crawl must handle (listed below). The sitemaps, feed and ``robots.txt`` hold the
placeholder ``{base}``, filled in by :func:`prepare_site` with the address served at.
"""

from __future__ import annotations

import logging
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

from newscrawl.devtools.site_server import SiteServer

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

logger = logging.getLogger(__name__)

#: What ``{base}`` stands for in the templated files: scheme, host and port, no slash.
BASE_PLACEHOLDER = "{base}"

#: The documents a crawl of the whole site starts from (paths; prefix the base URL).
START_PATHS: tuple[str, ...] = ("/sitemap.xml", "/feed.xml")

#: Every article a complete crawl must emit, once each (written by hand, not computed).
EXPECTED_ARTICLES: frozenset[str] = frozenset(
    {
        # world
        "/world/2026/11/24/quake-hits-coastal-town-of-port-almira/",
        "/world/2026/11/23/ferry-strike-strands-island-commuters/",
        "/world/2026/11/22/border-towns-reopen-rail-link-after-decades/",
        "/world/2026/11/21/election-count-delayed-in-northern-province/",
        "/world/2026/11/19/delta-farmers-build-floating-gardens/",
        "/world/2026/11/17/capital-bans-cars-from-old-town-on-sundays/",
        "/world/2026/11/14/wildfire-smoke-closes-schools-across-valley/",
        "/world/2026/11/12/museum-returns-bronze-masks-to-mountain-villages/",
        # business
        "/business/2026/11/25/port-operator-posts-record-quarter/",
        "/business/2026/11/24/regional-bank-raises-mortgage-rates-again/",
        "/business/2026/11/20/bakery-chain-bets-on-four-day-week/",
        "/business/2026/11/18/copper-prices-slide-as-smelter-restarts/",
        "/business/2026/11/16/startup-turns-coffee-grounds-into-packaging/",
        "/business/2026/11/13/airline-orders-twelve-electric-commuter-planes/",
        "/business/2026/11/10/shipyard-workers-approve-new-pay-deal/",
        # science
        "/science/2026/11/25/deep-sea-survey-finds-coral-garden/",
        "/science/2026/11/23/students-track-migrating-swifts-with-tiny-tags/",
        "/science/2026/11/21/comet-fragment-to-pass-close-to-earth/",
        "/science/2026/11/18/hospital-trial-cuts-infections-with-copper-fittings/",
        "/science/2026/11/15/ancient-grain-stores-found-under-market-square/",
        "/science/2026/11/12/new-battery-chemistry-survives-ten-thousand-cycles/",
        "/science/2026/11/09/glacier-melt-measured-by-citizen-drone-pilots/",
    }
)

#: Pages that are listed (sitemap, links) but are not articles.
NON_ARTICLE_PAGES: frozenset[str] = frozenset({"/about/"})

#: Article-shaped pages under the folder robots.txt disallows: never fetched. Linked
#: from the business section page and from a read-more line of one article.
PRIVATE_PAGES: frozenset[str] = frozenset({"/private/2026/11/26/budget-preview-housing-measures/"})

#: Pages that are linked (a read-more line) but do not exist: the server answers 404.
MISSING_PAGES: frozenset[str] = frozenset(
    {"/world/2026/11/02/old-town-traffic-consultation-opens/"}
)

#: Old addresses that redirect (301) to an article: linked from a read-more line.
REDIRECTS: MappingProxyType[str, str] = MappingProxyType(
    {
        "/science/2026/11/12/battery-survives-10000-cycles/": (
            "/science/2026/11/12/new-battery-chemistry-survives-ten-thousand-cycles/"
        ),
    }
)

#: An article as the RSS feed links it (with tracking parameters); the sitemap lists
#: the clean address, and a crawl must emit the article once.
TRACKED_LINKS: MappingProxyType[str, str] = MappingProxyType(
    {
        "/business/2026/11/24/regional-bank-raises-mortgage-rates-again/"
        "?utm_source=rss&utm_medium=feed": (
            "/business/2026/11/24/regional-bank-raises-mortgage-rates-again/"
        ),
    }
)

_TEMPLATED_SUFFIXES = (".xml",)
_TEMPLATED_NAMES = ("robots.txt",)


def site_root() -> Traversable:
    """The packaged site folder (read-only; the XML files still hold ``{base}``)."""
    return resources.files(__name__) / "site"


def is_templated(name: str) -> bool:
    """Whether a file of the site holds the ``{base}`` placeholder.

    >>> is_templated("feed.xml"), is_templated("robots.txt"), is_templated("index.html")
    (True, True, False)
    """
    return name.endswith(_TEMPLATED_SUFFIXES) or name in _TEMPLATED_NAMES


def prepare_site(dest: Path, base_url: str) -> None:
    """Copy the demo site into ``dest`` (created if needed), with ``{base}`` in the
    sitemaps, the feed and robots.txt replaced by ``base_url``.

    ``base_url`` is where ``dest`` will be served, e.g. ``http://127.0.0.1:8123``; a
    trailing slash is dropped. Raises ``ValueError`` for anything but an http(s) URL.
    """
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or "{" in base:
        raise ValueError(f"not an http(s) base URL: {base_url!r}")
    count = _copy_tree(site_root(), dest, base)
    logger.debug("demo site: %(count)d files copied to %(dest)s", {"count": count, "dest": dest})


def serve_site(dest: Path, delay: float = 0.0) -> SiteServer:
    """A :class:`SiteServer` (not yet started) for a fresh copy of the site in ``dest``.

    The server reads ``_routes.json`` when it is created, and its port is known only
    then, so the site is copied once before and filled in again with the real address.
    Use it as ``with serve_site(tmp) as server: crawl(server.url("/sitemap.xml"))``.
    """
    prepare_site(dest, "http://127.0.0.1")
    server = SiteServer(dest, delay=delay)
    prepare_site(dest, server.base_url)
    return server


def _copy_tree(source: Traversable, dest: Path, base: str) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for entry in source.iterdir():
        target = dest / entry.name
        if entry.is_dir():
            count += _copy_tree(entry, target, base)
            continue
        data = entry.read_bytes()
        if is_templated(entry.name):
            data = data.decode("utf-8").replace(BASE_PLACEHOLDER, base).encode("utf-8")
        target.write_bytes(data)
        count += 1
    return count
