"""Headline: the article's own title, without the site name, chosen among its sources.

Sources, in trust order: the JSON-LD/microdata ``headline`` (else a ``headline`` meta
tag), ``og:title``, ``twitter:title``, the visible ``<h1>`` and ``<title>``. Every
candidate is cleaned the same way (HTML entities decoded, site-name suffix cut); a visible
``<h1>`` that shares no words with the page's other titles (a logo, a "Log in" box) is not
a candidate. A kicker ("Topic: ") before the structured headline is dropped when another
source shows the same headline without it or behind a different kicker.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newscrawl.parsers import selectors
from newscrawl.parsers.common import (
    class_id,
    headline_candidates,
    override_texts,
    publisher_name,
    text_of,
)
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import fold, normalize_space

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml import etree

    from newscrawl.parsers.page import Page

#: A separator between a title and a site-name / section suffix.
_SEPARATORS = re.compile(r"\s+[|–—·•*/:-]\s*|\s*[|｜ㅣ:：»«]\s*|--")
_KICKER_END = re.compile(r"\S\s*(?:[:|–—-]|\s-)\s+$")
_SUFFIX_PARTS = re.compile(r"\s*[|｜ㅣ–—·•]\s*|\s+-\s+|^-")
#: " | Anything short" at the end of a <title> (used when no site name is known).
_GENERIC_SUFFIX = re.compile(r"(?<=\S{3})\s+[|–—·•]\s+(?:\S+\s?){1,4}$")
#: Class words of a kicker printed inside the headline element ("Dachzeile", overline).
_KICKER = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, selectors.KICKER_CLASS_WORDS)) + ")"
)
_WORD = re.compile(r"\w+")
_MIN_HEADLINE = 3


def site_names(page: Page, site_name: str | None) -> list[str]:
    """Names a title suffix may carry: the site name, publisher, host name."""
    names = [site_name or "", page.meta_first("og:site_name", "application-name") or ""]
    names.append(publisher_name(page) or "")
    host = (urlsplit(page.url).hostname or "").removeprefix("www.")
    names.extend([host, *(label for label in host.split(".")[:-1] if len(label) >= 3)])
    names.extend(as_text(v) or "" for v in as_list(page.ld.get("articleSection")))
    names.append(page.meta_first("article:section") or "")
    return [n for n in (normalize_space(x) for x in names) if 2 <= len(n) <= 40]


def _squash(text: str) -> str:
    return "".join(_WORD.findall(fold(text)))


def _strip_once(title: str, keys: frozenset[str]) -> str:
    """``title`` without its last part when that part names the site (one of ``keys``)."""
    for match in reversed(list(_SEPARATORS.finditer(title))):
        if _squash(title[match.end() :]) in keys:
            head = title[: match.start()].rstrip(" |–—·•*/:-")
            if len(head) >= _MIN_HEADLINE:
                return head
    return title


def strip_site_suffix(title: str, names: Iterable[str] = ()) -> str:
    """Remove trailing " | Site" / " - Site" parts naming the site (repeatedly).

    >>> strip_site_suffix("Azerbaijan says Armenia violates truce | TRT World", ["TRT World"])
    'Azerbaijan says Armenia violates truce'
    >>> strip_site_suffix("Samsung soll Smartphones zerstören - Golem.de", ["golem.de"])
    'Samsung soll Smartphones zerstören'
    >>> strip_site_suffix("Brexit: what next", ["Brexit"])
    'Brexit: what next'
    """
    return _Suffixes(names).strip(title)


class _Suffixes:
    """Cuts the site-name suffixes off one page's titles. The site names are squashed once;
    a page repeats its titles (og:title, twitter:title, the ``<h1>`` with and without a
    kicker), each distinct one is cut once."""

    def __init__(self, names: Iterable[str]) -> None:
        self.keys = frozenset(k for k in (_squash(n) for n in names) if k)
        self._done: dict[str, str] = {}

    def strip(self, title: str) -> str:
        done = self._done.get(title)
        if done is None:
            done = self._done[title] = self._strip(title)
        return done

    def _strip(self, title: str) -> str:
        for _ in range(3):
            stripped = _strip_once(title, self.keys)
            if stripped == title:
                break
            title = stripped
        return title

    def clean(self, raw: str | None) -> str:
        """Entities decoded, whitespace folded, site suffix cut."""
        text = normalize_space(html.unescape(raw or ""))
        return self.strip(text) if text else ""


def clean_title(raw: str | None, names: Iterable[str] = ()) -> str:
    """A title candidate: entities decoded, whitespace folded, site suffix cut.

    >>> clean_title("Pendler &quot;sparen&quot; - FAZ", ["FAZ"])
    'Pendler "sparen"'
    """
    return _Suffixes(names).clean(raw)


def _shares_words(text: str, others: list[str]) -> bool:
    words = set(_WORD.findall(fold(text)))
    if not others:
        return True
    return any(len(words & set(_WORD.findall(fold(o)))) * 2 >= min(len(words), 4) for o in others)


def _is_kicker(node: etree._Element) -> bool:
    return bool(_KICKER.search(class_id(node)))


def _visible_h1(page: Page, others: list[str], suffixes: _Suffixes) -> tuple[str, bool]:
    """The printed headline, without a kicker element inside it ("Verkehrswende"), and
    whether such a kicker was cut off."""
    for tier in selectors.HEADLINE:
        for node in headline_candidates(page, tier):
            whole = suffixes.clean(text_of(node))
            text = suffixes.clean(text_of(node, skip=_is_kicker).strip(" :|–—-"))
            if len(text) * 2 < len(whole):  # the "kicker" was the longer line: misnamed
                text = whole
            if _MIN_HEADLINE <= len(text) <= 300 and _shares_words(whole, others):
                return text, text != whole
    return "", False


def _suffix_names(titles: list[str]) -> list[str]:
    """Short suffixes one title carries after another: "X | Sport" beside "X" -> "Sport"."""
    found: list[str] = []
    keys = [fold(t) for t in titles]
    for text, folded in zip(titles, keys, strict=True):
        for other, key in zip(titles, keys, strict=True):
            if len(key) >= 10 and folded.startswith(key) and len(folded) > len(key):
                rest = text[len(other) :]
                parts = _SUFFIX_PARTS.split(rest)
                found.extend(p for p in parts if p.strip() and len(p.split()) <= 4)
    return found


def _common_tail(text: str, other: str) -> str:
    """The ending ``text`` and ``other`` share (compared case-insensitively, character by
    character), from the start of a word."""
    n = 0
    for a, b in zip(reversed(text), reversed(other), strict=False):
        if a.casefold() != b.casefold():
            break
        n += 1
    return text[len(text) - n :].lstrip() if n else ""


def _without_kicker(text: str, others: Iterable[str]) -> str:
    """``text`` without a leading "Kicker: " when another source prints the rest alone,
    or after a different kicker ("Region - Rest" beside "Topic: Rest"): a kicker is a
    label the publisher varies between sources, the headline is what they share."""
    for other in others:
        tail = _common_tail(text, other)
        if len(tail) < 15 or len(tail) >= len(text):
            continue
        head, other_head = text[: -len(tail)], other[: -len(tail)]
        if _KICKER_END.search(head) and (not other_head or _KICKER_END.search(other_head)):
            return tail
    return text


def _raw_titles(page: Page) -> list[str]:
    """Structured headline (JSON-LD, else a ``<meta name|itemprop=headline>``), og:title,
    twitter:title, <title>: entities decoded, whitespace folded."""
    titles = selectors.TITLE(page.tree)
    raw = [
        as_text(page.ld.get("headline"))
        or as_text(page.ld.get("name"))
        or page.meta_first("headline"),
        page.meta_first("og:title"),
        page.meta_first("twitter:title"),
        text_of(titles[0]) if titles else "",
    ]
    return [normalize_space(html.unescape(r or "")) for r in raw]


def extract_headline(page: Page, site_name: str | None = None) -> str | None:
    """The article headline, or ``None``."""
    for text in override_texts(page, "headline"):
        return text
    raw = _raw_titles(page)
    names = site_names(page, site_name) + _suffix_names([r for r in raw if r])
    suffixes = _Suffixes(names)
    structured, og, twitter, title = (suffixes.strip(r) for r in raw)
    title = _GENERIC_SUFFIX.sub("", title) if title == raw[3] else title
    others = [t for t in (structured, og, twitter, title) if t]
    visible, split = _visible_h1(page, others, suffixes)
    # Not against the <h1>: pages often print a kicker the declared headline keeps
    # apart from the <h1> ("Akkutechnik: Hat ..." beside <h1>"Hat ...").
    structured = _without_kicker(structured, (og, twitter))
    # og:title (used without a structured headline) loses a kicker the <h1> prints apart.
    og = _without_kicker(og, (twitter, visible) if split else (twitter,))
    # Declared titles before the page's own markup (the house cascade: JSON-LD -> meta ->
    # DOM): where og:title and the <h1> found disagree, og:title is right 47 times to 21
    # on the dev set. <title> last: its suffix is cut by guesswork.
    for candidate in (structured, og, twitter, visible, title):
        if len(candidate) >= _MIN_HEADLINE and fold(candidate) not in map(fold, names):
            return candidate
    return None
