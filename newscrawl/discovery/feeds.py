"""RSS, Atom and RDF feeds: the pages a feed lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.discovery.documents import Entry, child_text, children, listed_entry, local_name

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml import etree


def _feed_item_link(item: etree._Element) -> str | None:
    link = child_text(item, "link")
    if link:
        return link
    for guid in children(item, "guid"):
        permalink = (guid.get("isPermaLink") or "true").strip().lower() == "true"
        if permalink and (guid.text or "").strip():
            return (guid.text or "").strip()
    return None


def _atom_link(entry: etree._Element) -> str | None:
    for link in children(entry, "link"):
        if (link.get("rel") or "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def read_feed(root: etree._Element, url: str) -> Iterator[Entry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; relative links resolved
    against ``xml:base`` or the feed's URL."""
    if local_name(root) == "feed":
        for node in children(root, "entry"):
            base = node.base or url
            entry = listed_entry(_atom_link(node), base, child_text(node, "published", "updated"))
            if entry is not None:
                yield entry
        return
    items = root.iter() if local_name(root) == "rdf" else _channel_items(root)
    for node in items:
        if local_name(node) != "item":
            continue
        when = child_text(node, "pubdate", "date", "published")
        entry = listed_entry(_feed_item_link(node), node.base or url, when)
        if entry is not None:
            yield entry


def _channel_items(root: etree._Element) -> Iterator[etree._Element]:
    for channel in children(root, "channel"):
        yield from children(channel, "item")
