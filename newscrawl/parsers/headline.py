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
from typing import TYPE_CHECKING, NamedTuple
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
from newscrawl.urls import absolutize, canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml import etree

    from newscrawl.parsers.page import Page

#: A separator between a title and a site-name / section suffix.
_SEPARATORS = re.compile(r"\s+[|–—·•*/:-]\s*|\s*[|｜ㅣ:：»«]\s*|--")
#: A separator after a site name printed before the title ("Site | Title").
_PREFIX_SEPARATOR = re.compile(r"\s*[|｜·•]\s*")
_KICKER_END = re.compile(r"\S\s*(?:[:|–—-]|\s-)\s+$")
_SUFFIX_PARTS = re.compile(r"\s*[|｜ㅣ–—·•]\s*|\s+-\s+|^-")
#: " | Anything short" at the end of a <title> (used when no site name is known).
_GENERIC_SUFFIX = re.compile(r"(?<=\S{3})\s+[|–—·•-]\s+(?:\S+\s?){1,4}$")
#: Class words of a kicker printed inside the headline element ("Dachzeile", overline).
_KICKER = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, selectors.KICKER_CLASS_WORDS)) + ")"
)
_WORD = re.compile(r"\w+")
_MIN_HEADLINE = 3
_MAX_H1 = 8
_MAX_PRINTED = 300


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
    matches = list(_SEPARATORS.finditer(title))
    for match in reversed(matches):
        if _squash(title[match.end() :]) in keys:
            head = title[: match.start()].rstrip(" |–—·•*/:-")
            if len(head) >= _MIN_HEADLINE:
                return head
    for match in matches[:1]:  # "Site | Headline" (not "Topic: Headline")
        if _PREFIX_SEPARATOR.fullmatch(match.group()) and _squash(title[: match.start()]) in keys:
            tail = title[match.end() :].lstrip(" |–—·•*/:-")
            if len(tail) >= _MIN_HEADLINE:
                return tail
    return title


def strip_site_suffix(title: str, names: Iterable[str] = ()) -> str:
    """Remove trailing " | Site" / " - Site" parts naming the site (repeatedly).

    >>> strip_site_suffix("Azerbaijan says Armenia violates truce | TRT World", ["TRT World"])
    'Azerbaijan says Armenia violates truce'
    >>> strip_site_suffix("Samsung soll Smartphones zerstören - Golem.de", ["golem.de"])
    'Samsung soll Smartphones zerstören'
    >>> strip_site_suffix("Brexit: what next", ["Brexit"])
    'Brexit: what next'
    >>> strip_site_suffix("EASY NEWS|New law passed", ["Easy News"])
    'New law passed'
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


def _plausible(text: str) -> bool:
    """Long enough, and with a word in it ("..." is no headline)."""
    return len(text) >= _MIN_HEADLINE and _WORD.search(text) is not None


def _shares_words(text: str, others: list[str]) -> bool:
    words = set(_WORD.findall(fold(text)))
    if not others:
        return True
    return any(len(words & set(_WORD.findall(fold(o)))) * 2 >= min(len(words), 4) for o in others)


def _is_kicker(node: etree._Element) -> bool:
    return bool(_KICKER.search(class_id(node)))


class _Printed(NamedTuple):
    """The printed headline: its text, whether a kicker element was cut from it, and
    its element (``None`` when the page prints none)."""

    text: str
    split: bool
    node: etree._Element | None


_NOTHING_PRINTED = _Printed("", False, None)


def _visible_h1(
    page: Page, others: list[str], suffixes: _Suffixes, declared: bool = True
) -> _Printed:
    """The printed headline, without a kicker element inside it ("Verkehrswende"). An
    ``<h1>`` that prints one of the page's other titles wins over those before it (a
    site-logo or blog-name ``<h1>``)."""
    found: _Printed | None = None
    loose: _Printed | None = None
    keys = {fold(o) for o in others}
    for node in _h1_nodes(page):
        whole = suffixes.clean(text_of(node))
        text = suffixes.clean(text_of(node, skip=_is_kicker).strip(" :|–—-"))
        if len(text) * 2 < len(whole):  # the "kicker" was the longer line: misnamed
            text = whole
        if not (_plausible(text) and len(text) <= _MAX_PRINTED):
            continue
        if fold(text) in keys or fold(whole) in keys:
            return _Printed(text, text != whole, node)
        if found is None and _shares_words(whole, others):
            found = _Printed(text, text != whole, node)
        elif loose is None and not _is_logo(node):
            loose = _Printed(text, text != whole, node)
    if found is None and loose is not None and not declared and _single_h1(page):
        return loose
    return found or _NOTHING_PRINTED


def _single_h1(page: Page) -> bool:
    h1s = (n for n in page.marked if n.tag == "h1")
    return next(h1s, None) is not None and next(h1s, None) is None


def _is_logo(node: etree._Element) -> bool:
    """An ``<h1>`` that is the site's logo or name: in the page header or navigation,
    a link, or marked as a logo."""
    if node.find(".//a") is not None or node.find(".//img") is not None:
        return True
    return any(
        a.tag in ("header", "nav", "a") or "logo" in class_id(a) for a in node.iterancestors()
    ) or "logo" in class_id(node)


def _h1_nodes(page: Page) -> Iterator[etree._Element]:
    """The headline elements of each tier in turn (see ``selectors.HEADLINE``), each once,
    at most ``_MAX_H1`` of them."""
    seen: set[etree._Element] = set()
    for tier in selectors.HEADLINE:
        for node in headline_candidates(page, tier):
            if node not in seen:
                seen.add(node)
                yield node
                if len(seen) >= _MAX_H1:
                    return


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
        if _squash(head) == _squash(other_head):  # the same words, other punctuation
            continue
        if _KICKER_END.search(head) and (not other_head or _KICKER_END.search(other_head)):
            return tail
    return text


def _raw_titles(page: Page) -> list[str]:
    """The declared headline (JSON-LD/microdata ``headline``), the page's titles: the
    JSON-LD ``name`` (else a ``<meta name|itemprop=headline>``), og:title, twitter:title,
    <title>; entities decoded, whitespace folded."""
    titles = selectors.TITLE(page.tree)
    raw = [
        as_text(page.ld.get("headline")),
        as_text(page.ld.get("name")) or page.meta_first("headline"),
        page.meta_first("og:title"),
        page.meta_first("twitter:title"),
        text_of(titles[0]) if titles else "",
    ]
    return [normalize_space(html.unescape(r or "")) for r in raw]


def _outvoted(structured: str, name: str, visible: str) -> bool:
    """The JSON-LD ``headline`` is not the page's title when the same object's ``name``
    and the printed ``<h1>`` agree on other words (a short description, an SEO line)."""
    if not name or not visible:
        return False
    key = _squash(name)
    return key == _squash(visible) != _squash(structured)


def _labelled(printed: _Printed, other: str) -> bool:
    """The printed headline is ``other`` with a label element before or after it
    (``<h1><em>Topic</em> Other</h1>``, ``<h1>Other <small>02.02.2022</small></h1>``)."""
    text = printed.text
    if printed.node is None or len(other) < _MIN_HEADLINE or len(text) <= len(other):
        return False
    key, folded = fold(other), fold(text)
    if folded.startswith(key):
        rest = folded[len(key) :]
    elif folded.endswith(key):
        rest = folded[: -len(key)]
    else:
        return False
    label = _squash(rest)
    return bool(label) and any(
        _squash(text_of(child)) == label for child in printed.node.iterdescendants()
    )


def _links_away(node: etree._Element, url: str) -> bool:
    """The ``<h1>`` is a link to another page (the home page, the publisher): a logo or
    a site name, not this page's headline."""
    for link in node.iter("a"):
        href = absolutize(link.get("href"), url)
        if href and canonical_url(href).split("#")[0] != canonical_url(url).split("#")[0]:
            return len(text_of(link)) * 2 >= len(text_of(node))
    return False


def _printed_first(printed: _Printed, shared: list[str], title: str, url: str) -> list[str]:
    """Without a declared headline, the page's titles (JSON-LD ``name``, og:title,
    twitter:title: ``shared``, and the <title>) are often rewritten for sharing or carry
    the site name: the printed ``<h1>`` comes first, unless it is one of them with a label
    element added, or a link to another page (then only the <title> comes after it)."""
    if any(_labelled(printed, t) for t in (*shared, title)):
        return [*shared, title]
    if printed.node is not None and _links_away(printed.node, url):
        return [*shared, printed.text, title]
    return [printed.text, *shared, title]


def extract_headline(page: Page, site_name: str | None = None) -> str | None:
    """The article headline, or ``None``."""
    for text in override_texts(page, "headline"):
        return text
    raw = _raw_titles(page)
    names = site_names(page, site_name) + _suffix_names([r for r in raw if r])
    suffixes = _Suffixes(names)
    structured, name, og, twitter, title = (suffixes.strip(r) for r in raw)
    title = _GENERIC_SUFFIX.sub("", title) if title == raw[4] else title
    others = [t for t in (structured, name, og, twitter, title) if t]
    printed = _visible_h1(page, others, suffixes, bool(structured))
    visible, split = printed.text, printed.split
    # Not against the <h1>: pages often print a kicker the declared headline keeps
    # apart from the <h1> ("Akkutechnik: Hat ..." beside <h1>"Hat ...").
    structured = _without_kicker(structured, (og, twitter))
    # og:title (used without a structured headline) loses a kicker the <h1> prints apart.
    og = _without_kicker(og, (twitter, visible) if split else (twitter,))
    # A declared headline before the page's own markup (the house cascade: JSON-LD ->
    # meta -> DOM): where og:title and the <h1> found disagree, og:title is right 47 times
    # to 21 on the Fundus set. <title> last: its suffix is cut by guesswork.
    if structured and not _outvoted(structured, name, visible):
        candidates = [structured, og, twitter, visible, title]
    else:
        candidates = _printed_first(printed, [name, og, twitter], title, page.url)
    for candidate in candidates:
        if _plausible(candidate) and fold(candidate) not in map(fold, names):
            return candidate
    return None
