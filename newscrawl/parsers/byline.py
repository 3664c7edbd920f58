"""Authors and byline.

Authors cascade: structured persons (JSON-LD/microdata ``author``, ``@id`` references
resolved) -> author ``<meta>`` tags -> the visible byline -> structured organisations.
The site's own name is never an author ("TRT World and Agencies" names nobody), and a
byline under another story's teaser (related lists, "Explore" cards) or in a comment
is not the article's byline.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING, Any

from newscrawl.parsers import selectors
from newscrawl.parsers.common import (
    class_id,
    field_labels,
    nearby,
    override_texts,
    site_keys,
    squash,
    text_length,
    text_of,
)
from newscrawl.parsers.structured import as_list, as_text, type_names
from newscrawl.text import dedupe, normalize_space

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from lxml import etree

    from newscrawl.parsers.page import Page

_PREFIX = re.compile(
    r"^\s*(?:[^\W\d][\w-]*\s+(?=(?:by|von)\s))?"  # a lower-case brand label: "capital von X"
    r"(?:(?:by|von|par|por|di|door|av|af|written by|reporting by|story by|words by)\s+"
    r"|(?:text|texto|tekst|autor(?:in)?|author|authors|reporter|от)\s*:\s*)",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\boch\b|&|、|·)\s*", re.IGNORECASE
)
#: Trailing matter that is never part of a name: dates, "Updated", roles, handles.
_NOISE = re.compile(
    r"@\S+|https?://\S+|\S+@\S+\.\w+|\([^)]{0,40}\)"
    r"|\b(?:updated|published|aktualisiert|veröffentlicht|stand|actualizado|mis à jour)\b.*$"
    r"|\d{1,2}[./:]\d{1,2}(?:[./]\d{2,4})?.*$|\b\d{1,2}\.? \w+ \d{4}.*$"
    r"|\b(?:senior |chief |special |foreign |political |staff |leitende[rn]? )?(?:correspondent"
    r"|reporter|editor|writer|columnist|contributor|\w*redakteur(?:in)?|\w*journalist(?:in)?"
    r"|\w*korrespondent(?:in)?)s?\b.*$|\s(?:기자|記者|特派員|編集委員)$"
    r"|,?\s+in\s+\S.*$",  # "By X in Valencia", "By X, in News, Portugal"
    re.IGNORECASE,
)
#: Lower-case words inside names ("Ursula von der Leyen", "Luis de la Fuente").
_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "zu",
     "ter", "ten", "bin", "ibn", "al", "el", "y", "e", "dos", "das", "do", "af", "av"}
)  # fmt: skip
_INLINE = frozenset({"a", "span", "em", "strong", "b", "i", "small", "font", "cite"})
_AUTHOR_LABEL = re.compile(
    r"^(?:autor(?:in)?(?:/autor(?:in)?)?|autoren|author|authors|verfasser(?:in)?|text|texto"
    r"|written by|reporter|yazar|auteur|autore)\s*:?$",
    re.IGNORECASE,
)
_BY_LINE = re.compile(r"^(?:by|von|por|par|door|av|af)\s+\S", re.IGNORECASE)
_MAX_PREFIXED = 150
_MAX_BYLINE = 200
_MAX_SIGNATURE = 60
_SENTENCE = re.compile(r"[.!?:;]\s|[.!?:;]$")
#: "... and agencies": a source line that names no author.
_UNNAMED = re.compile(r"\b(?:agencies|agencias|agences|agenturen|wires)\b", re.IGNORECASE)
_NAME_OK = re.compile(r"^[^\W\d_][^\d@/:;,()\[\]|<>\"“”«»?!]{1,60}$")
#: Words that are a byline's filler, never a name.
_NOT_NAMES = frozenset({"agencies", "agency", "staff", "admin", "redaktion", "editorial", "team"})


def clean_author(raw: str) -> str | None:
    """A person (or agency) name from one byline fragment, or ``None``.

    >>> clean_author("By Jane Doe, Reuters correspondent")
    'Jane Doe'
    >>> clean_author("Elena Oberholzer (obe)")
    'Elena Oberholzer'
    >>> clean_author("@janedoe") is None
    True
    """
    text = normalize_space(_PREFIX.sub("", normalize_space(raw)))
    text = normalize_space(_NOISE.sub("", text)).strip(" ,;:-–—|")
    text = text.split(",")[0].strip()
    if not text or not _NAME_OK.match(text) or len(text.split()) > 6:
        return None
    if " " not in text and "." not in text and text.islower() and len(text) > 3:
        return None  # a label ("capital", "news"), not a name
    return None if text.casefold() in _NOT_NAMES else text


def split_authors(byline: str) -> list[str]:
    """Split a printed byline into names.

    >>> split_authors("By Jane Doe and John Roe")
    ['Jane Doe', 'John Roe']
    >>> split_authors("Von Anna Schmidt und Jörg Meier, Berlin 13.12.2020")
    ['Anna Schmidt', 'Jörg Meier', 'Berlin']
    """
    text = _PREFIX.sub("", normalize_space(byline))
    if _UNNAMED.search(text):
        return []
    text = _NOISE.sub("", text)
    parts = [p for part in _SPLIT.split(text) for p in _split_slash(part)]
    names = [clean_author(part) for part in parts]
    return dedupe([n for n in names if n])


def _split_slash(part: str) -> list[str]:
    """ "Mathatisi Sebusi/Mohalenyane Phakela" names two people; "srf/hosb" is one code."""
    pieces = [p.strip() for p in part.split("/")]
    if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
        return pieces
    return [part]


def _own_site(name: str, keys: Iterable[str], inside: bool = False) -> bool:
    """True for the site's own name ("n-tv NACHRICHTEN" on n-tv.de); with ``inside``,
    also for a value naming the site anywhere ("Deutsche Welle (www.dw.com)")."""
    key = squash(name)
    return any(
        key == k or (len(k) >= 3 and key.startswith(k)) or (inside and len(k) >= 5 and k in key)
        for k in keys
    )


def _person_name(obj: Any, index: Mapping[str, Mapping[str, Any]]) -> tuple[str, bool] | None:
    """(name, is_organisation) of one JSON-LD author value."""
    if isinstance(obj, str):
        return (obj, False) if not obj.startswith("http") else None
    if not isinstance(obj, dict):
        return None
    ref = obj.get("@id")
    if "name" not in obj and isinstance(ref, str) and ref in index:
        obj = index[ref]
    name = as_text(obj.get("name"))
    if not name:
        parts = (as_text(obj.get(k)) for k in ("givenName", "additionalName", "familyName"))
        name = " ".join(p for p in parts if p)
    org = any("organization" in t or "corporation" in t for t in type_names(obj))
    return (name, org) if name else None


def _structured(page: Page) -> tuple[list[str], list[str]]:
    """(person names, organisation names) of the structured article's authors."""
    index = {str(o["@id"]): o for o in page.ld_all if isinstance(o.get("@id"), str)}
    people: list[str] = []
    orgs: list[str] = []
    for value in as_list(page.ld.get("author")) + as_list(page.ld.get("creator")):
        found = _person_name(value, index)
        if found:
            (orgs if found[1] else people).extend(split_authors(found[0]))
    return people, orgs


def _meta_names(page: Page, keys: list[str]) -> tuple[list[str], list[str]]:
    """(people, every name) of the first author ``<meta>`` that names someone. A value
    that starts with the site's own name ("hessenschau.de, Frankfurt") names no person."""
    for meta in selectors.AUTHOR_META:
        people: list[str] = []
        every: list[str] = []
        for value in page.meta.get(meta, ()):
            if "://" in value:
                continue
            found = split_authors(value)
            every.extend(found)
            if found and not _own_site(value.split(",")[0], keys, inside=True):
                people.extend(n for n in found if not _own_site(n, keys))
        if every:
            return dedupe(people), dedupe(every)
    return [], []


def _node_names(node: etree._Element) -> list[str]:
    """Names in one byline element: one per link when it links several people; a
    "label value" line without its label."""
    first = node[0] if len(node) else None
    if first is not None and _AUTHOR_LABEL.match(text_of(first)):
        return split_authors(text_of(node, skip=lambda n: n is first))
    parts = [t for t in (text_of(n) for n in selectors.BYLINE_LINKS(node)) if t]
    names = [n for p in parts for n in split_authors(p)] if len(parts) >= 2 else []
    if len(names) >= 2 and all(len(n.split()) >= 2 for n in names):
        return dedupe(names)
    return split_authors(text_of(node))


_BYLINE_WORDS = re.compile("|".join(map(re.escape, selectors.BYLINE_CLASS_WORDS)))


def _rel_authors(page: Page) -> list[etree._Element]:
    return [n for n in page.marked if "author" in (n.get("rel") or "").split()]


def _itemprop_authors(page: Page) -> list[etree._Element]:
    found: list[etree._Element] = []
    for node in page.marked:
        if node.get("itemprop") == "author":
            names = selectors.ITEMPROP_NAME(node)
            found.extend(names if names else [node] if len(node) == 0 else [])
    return found


def _classed_bylines(page: Page) -> list[etree._Element]:
    return [
        n
        for n in page.marked
        if n.tag in selectors.BYLINE_TAGS and _BYLINE_WORDS.search(class_id(n))
    ]


def _labelled_values(page: Page) -> list[etree._Element]:
    """A metadata line whose leading label says author: "<li><strong>Autorin/Autor</strong>
    Roman Goncharenko</li>" (the value is the rest of the line)."""
    for label in field_labels(page.tree, selectors.FIELD_LABELS):
        if _AUTHOR_LABEL.match(text_of(label)):
            line = label.getparent()
            if line is not None and not page.foreign(line):
                return [line]
    return []


def _prefixed_lines(page: Page) -> list[etree._Element]:
    """Short unmarked lines printed under the headline that start "By"/"Von"/"Por"."""
    h1 = next((n for n in page.marked if n.tag == "h1"), None)
    if h1 is None:
        return []
    for node in nearby(h1, selectors.LINES_AFTER_HEADLINE):
        text = text_of(node)
        if len(text) <= _MAX_PREFIXED and _BY_LINE.match(text) and split_authors(text):
            return [node]
    return []


def byline_nodes(page: Page) -> list[etree._Element]:
    """The article's byline elements: the first tier that matches (``rel=author``,
    ``itemprop=author``, byline/author classes, a "By X" line under the headline, an
    "Autor: X" line), without foreign bylines, limited to the block of the first one."""
    tiers = [
        _rel_authors,
        _itemprop_authors,
        _classed_bylines,
        _prefixed_lines,
        _labelled_values,
    ]
    for tier in tiers:
        nodes = _same_block(tier(page), page)
        if nodes:
            return _innermost(nodes)
    return []


def _is_candidate(node: etree._Element, page: Page) -> bool:
    return 2 <= text_length(node) <= _MAX_BYLINE and not page.foreign(node)


def _innermost(nodes: list[etree._Element]) -> list[etree._Element]:
    """The nodes that hold no other node of the list (the name, not its wrappers)."""
    inner: set[etree._Element] = set()
    for node in nodes:
        inner.update(node.iterancestors())
    return [n for n in nodes if n not in inner]


def _same_block(nodes: list[etree._Element], page: Page) -> list[etree._Element]:
    """The first candidate among ``nodes`` and the later ones in its block (up to four
    levels above it, below the headline's holders); those outside it are not tested."""
    rest = iter(nodes)
    first = next((n for n in rest if _is_candidate(n, page)), None)
    if first is None:
        return []
    block = first
    for _ in range(4):
        parent = block.getparent()
        if parent is None or page.foreign.holds_h1(parent):
            break
        block = parent
    return [first] + [
        n for n in rest if (n is first or block in n.iterancestors()) and _is_candidate(n, page)
    ]


def extract_byline(page: Page, nodes: list[etree._Element] | None = None) -> str | None:
    """The byline as printed on the page: the line holding the byline elements ("By A,
    B and C", "By X, Political Correspondent"), without the dates beside it; the first
    element's line when they are not on one line (their common block is long or names
    nobody)."""
    for text in override_texts(page, "byline") or override_texts(page, "authors"):
        return text
    nodes = byline_nodes(page) if nodes is None else nodes
    for group in (nodes, nodes[:1]) if len(nodes) > 1 else (nodes,) if nodes else ():
        text = text_of(_byline_line(group))
        if 3 <= len(text) <= 200 and split_authors(text):
            return text
    return None


def _common_ancestor(nodes: list[etree._Element]) -> etree._Element:
    common = nodes[0]
    for node in nodes[1:]:
        ancestors = {node, *node.iterancestors()}  # elements kept alive: ids stay theirs
        parent = common.getparent()
        while common not in ancestors and parent is not None:
            common, parent = parent, parent.getparent()
    return common


def _byline_line(nodes: list[etree._Element]) -> etree._Element:
    """The element printing the whole byline: up through inline wrappers, then into the
    line (``<p>``, ``<li>``, ``<div>``) around them when it adds no date."""
    line = _common_ancestor(nodes)
    while line.tag in _INLINE:
        parent = line.getparent()
        if parent is None or not _adds_no_date(parent):
            return line
        line = parent
        if line.tag not in _INLINE:
            return line
    return line


def _adds_no_date(node: etree._Element) -> bool:
    text = text_of(node)
    return len(text) <= 200 and not any(c.isdigit() for c in text)


def _not_site(names: list[str], keys: list[str]) -> list[str]:
    return dedupe([n for n in names if not _own_site(n, keys)])


def extract_authors(
    page: Page,
    nodes: list[etree._Element] | None = None,
    body: etree._Element | None = None,
) -> list[str]:
    """Author names, most reliable source first; an organisation where no person is named.

    ``nodes`` are the page's :func:`byline_nodes` when the caller has them already;
    ``body`` the article body's container, whose first or last line may sign the article.
    """
    override = override_texts(page, "authors")
    if override:
        return dedupe([n for t in override for n in split_authors(t)])
    keys = site_keys(page)
    people, orgs = _structured(page)
    meta_people, meta = _meta_names(page, keys)
    persons = _not_site(people, keys) or meta_people
    nodes = byline_nodes(page) if nodes is None else nodes
    printed = [n for node in nodes for n in _node_names(node)]
    visible = _not_site([n for n in printed if _printed_name(n)], keys)
    if persons:
        agencies = [o for o in _not_site(orgs, keys) if squash(o) not in map(squash, persons)]
        return dedupe(persons + _extra_people(visible, persons) + agencies)
    signed = _not_site(body_signature(body), keys) if body is not None else []
    return visible or signed or _not_site(orgs, keys) or meta or dedupe(orgs) or dedupe(people)


def body_signature(body: etree._Element) -> list[str]:
    """Names signing the body: a short line of bold or italic text only
    ("<p><strong>Jane Doe</strong></p>", "<p><em>IN-Redaktion</em></p>") among its first
    two or last three paragraphs."""
    for para, text in _ends(body, 2, 3):
        marked = "".join(text_of(b) for b in para.iter("strong", "b", "em", "i"))
        if len(text) > _MAX_SIGNATURE or squash(marked) != squash(text) or _SENTENCE.search(text):
            continue
        names = [n for n in split_authors(text) if _printed_name(n) and _signature_name(n)]
        if names:
            return names
    return []


def _ends(body: etree._Element, first: int, last: int) -> list[tuple[etree._Element, str]]:
    """The first ``first`` and the last ``last`` paragraphs of ``body`` that print text,
    with their text (the middle ones are not read)."""
    paragraphs = list(body.iter("p"))
    head = list(islice(_printing(paragraphs), first))
    tail = list(islice(_printing(reversed(paragraphs)), last))
    return head + tail[::-1]


def _printing(paragraphs: Iterable[etree._Element]) -> Iterator[tuple[etree._Element, str]]:
    return ((p, text) for p in paragraphs if (text := text_of(p)))


def _signature_name(name: str) -> bool:
    """A signature is a full name (not in capitals, like a bold subheading), or one
    hyphenated/capitalised token ("IN-Redaktion", "AFP"), not a single word ("Fazit")."""
    words = name.split()
    if len(words) >= 2:
        return not name.isupper()  # "İKİNCİ OPERASYON" is a bold subheading
    return "-" in name or (name.isupper() and len(name) >= 2)


def _printed_name(name: str) -> bool:
    """A name printed on the page is capitalised ("Anna von Humboldt", "MTHOBISI
    SITHOLE", "dpa" as an agency code), not a control label ("Themen bearbeiten")."""
    words = name.split()
    if len(words) == 1:
        return True
    return all(not w[:1].isalpha() or not w[:1].islower() or w in _PARTICLES for w in words)


def _extra_people(visible: list[str], people: list[str]) -> list[str]:
    """Visible byline names beyond the structured ones, when the byline shows all of
    these and the extra names look like people ("Ingrid Treborg", not "Travel")."""
    known = {squash(p) for p in people}
    if not known <= {squash(v) for v in visible}:
        return []
    extra = [v for v in visible if squash(v) not in known]
    if len(extra) > 2 or any(k in squash(v) for v in extra for k in known):
        return []
    return [v for v in extra if _looks_like_person(v)]


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)
