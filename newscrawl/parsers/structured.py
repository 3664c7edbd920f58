"""Structured data readers: JSON-LD, microdata and ``<meta>`` tags, read tolerantly.

Every reader returns plain dicts/lists. Broken embedded data is logged and skipped.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from extruct.w3cmicrodata import LxmlMicrodataExtractor

from newscrawl.parsers import selectors

if TYPE_CHECKING:
    import lxml.html
    from lxml import etree

logger = logging.getLogger(__name__)

#: ``//`` line comments (indentation is spaces/tabs only: ``\s*`` would cross lines and
#: backtrack quadratically over a run of newlines) and ``/* */`` block comments.
_JS_COMMENT = re.compile(r"^[ \t]*//[^\n]*$|/\*.*?\*/", re.MULTILINE | re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_JSONLD_TYPES = frozenset({"application/ld+json", "application/json+ld"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: A ``\\uD800``-``\\uDFFF`` escape: JSON decodes a lone one to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")

#: schema.org types that describe an article page, most specific first.
ARTICLE_TYPES: tuple[str, ...] = (
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "livebloggosting",
    "liveblogposting",
    "article",
    "blogposting",
    "socialmediaposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "medicalwebpage",
    "creativework",
    "webpage",
)


def loads_tolerant(text: str) -> Any:
    """Parse JSON that may carry comments, CDATA wrappers, control characters, trailing
    commas or numbers Python cannot hold. Returns ``None`` when it stays unreadable.
    ``NaN``, ``Infinity`` and numbers too large for a float read as ``None``; a lone
    surrogate (``"\\ud83d"``) as U+FFFD.

    >>> loads_tolerant('// note\\n{"a": 1, /* x */ "b": [2,],}')
    {'a': 1, 'b': [2]}
    >>> loads_tolerant('{oops') is None
    True
    >>> loads_tolerant('{"a": NaN, "b": 1e999, "c": "\\\\ud83d!"}')
    {'a': None, 'b': None, 'c': '\\ufffd!'}
    """
    text = _unwrap(text.strip())
    # Strict first: most JSON-LD holds no control character, and then needs no repair.
    for attempt in range(3):  # (each repair only when the previous try fails)
        candidate = text if attempt == 0 else _repaired(text, full=attempt == 2)
        try:
            data = json.loads(candidate, strict=attempt == 0, **_READERS[attempt])
        except (ValueError, RecursionError):  # RecursionError: hostile nesting ([[[[...)
            continue
        return _without_surrogates(data) if _SURROGATE_ESCAPE.search(candidate) else data
    return None


def _repaired(text: str, full: bool) -> str:
    """``text`` with control characters as spaces; ``full``: without comments and trailing
    commas too."""
    if full:
        text = _TRAILING_COMMA.sub(r"\1", _JS_COMMENT.sub("", text))
    return _CONTROL.sub(" ", text)


def _no_number(literal: str) -> None:
    """``NaN``, ``Infinity`` and ``-Infinity`` (not JSON; Python would read them)."""
    del literal


def _finite(literal: str) -> float | None:
    number = float(literal)
    return number if math.isfinite(number) else None


def _int(literal: str) -> int | None:
    """An integer literal, ``None`` for one of more digits than Python converts."""
    try:
        return int(literal)
    except ValueError:
        return None


_NUMBERS: dict[str, Any] = {"parse_constant": _no_number, "parse_float": _finite}
#: The number readers of each try (the last one reads integers Python refuses too).
_READERS: tuple[dict[str, Any], ...] = (_NUMBERS, _NUMBERS, _NUMBERS | {"parse_int": _int})


def _without_surrogates(data: Any) -> Any:
    """``data`` with the lone surrogates of its strings (keys too) replaced by U+FFFD: no
    record could be written as UTF-8 with one. Walked without recursion (JSON nests as
    deep as Python's stack)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            node[:] = [_fixed(v) for v in node]
            stack.extend(v for v in node if isinstance(v, list | dict))
        elif isinstance(node, dict):
            items = [(_fixed(k), _fixed(v)) for k, v in node.items()]
            node.clear()
            node.update(items)
            stack.extend(v for _, v in items if isinstance(v, list | dict))
    return _fixed(data)


def _fixed(value: Any) -> Any:
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def _unwrap(text: str) -> str:
    """``text`` (stripped) without a ``<![CDATA[ ... ]]>`` or ``<!-- ... -->`` wrapper."""
    for start in ("<![CDATA[", "<!--"):
        if text.startswith(start):
            text = text[len(start) :]
            break
    for end in ("]]>", "-->"):
        if text.endswith(end):
            return text[: -len(end)]
    return text


def _flatten(node: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for child in node:
            yield from _flatten(child, depth + 1)
    elif isinstance(node, Mapping):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node and isinstance(node[key], list | Mapping):
                yield from _flatten(node[key], depth + 1)


def read_jsonld(tree: lxml.html.HtmlElement) -> list[Mapping[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` and arrays flattened."""
    return jsonld_objects(selectors.JSONLD(tree))


def jsonld_objects(scripts: Iterable[etree._Element]) -> list[Mapping[str, Any]]:
    """The JSON-LD objects of these ``<script>`` elements (those of a JSON-LD type)."""
    objects: list[Mapping[str, Any]] = []
    for script in scripts:
        if script.get("type") not in _JSONLD_TYPES:
            continue
        text = script.text_content() if hasattr(script, "text_content") else script.text or ""
        if not text.strip():
            continue
        data = loads_tolerant(text)
        if data is None:
            logger.debug("ignoring unreadable JSON-LD block (%(n)d chars)", {"n": len(text)})
            continue
        objects.extend(_flatten(data))
    return objects


def read_microdata(
    tree: lxml.html.HtmlElement, url: str, itemscope: bool | None = None
) -> list[Mapping[str, Any]]:
    """schema.org microdata items, as ``{"@type": ..., prop: value}`` dicts; ``itemscope``
    says whether the page has any ``itemscope`` element when the caller knows."""
    if not (selectors.ITEMSCOPE(tree) if itemscope is None else itemscope):
        return []
    try:
        items = LxmlMicrodataExtractor().extract_items(tree, url)
    except (ValueError, TypeError, AttributeError) as exc:
        logger.debug("ignoring unreadable microdata: %(exc)s", {"exc": exc})
        return []
    out: list[Mapping[str, Any]] = []
    for item in items:
        props = dict(item.get("properties", {}))
        types = item.get("type")
        types = types if isinstance(types, list) else [types]
        props["@type"] = [str(t).rsplit("/", 1)[-1] for t in types if t]
        out.extend(_flatten(props))
    return out


def type_names(obj: Mapping[str, Any]) -> list[str]:
    """Lower-cased ``@type`` names of an object.

    >>> type_names({"@type": ["NewsArticle", "http://schema.org/Article"]})
    ['newsarticle', 'article']
    """
    raw = obj.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return [str(v).rsplit("/", 1)[-1].lower() for v in values if v]


def pick_article(objects: list[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The object that best describes the article: the most specific article type,
    with a headline preferred; ``{}`` when there is none."""
    best: tuple[int, int] | None = None
    chosen: Mapping[str, Any] = {}
    for obj in objects:
        types = type_names(obj)
        ranks = [ARTICLE_TYPES.index(t) for t in types if t in ARTICLE_TYPES]
        if not ranks:
            continue
        key = (0 if obj.get("headline") or obj.get("name") else 1, min(ranks))
        if best is None or key < best:
            best, chosen = key, obj
    return chosen


def meta_contents(metas: Iterable[etree._Element]) -> dict[str, list[str]]:
    """The contents of these ``<meta>`` elements by lower-cased name/property/itemprop."""
    meta: dict[str, list[str]] = {}
    for node in metas:
        content = node.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = node.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta


def as_text(value: Any) -> str | None:
    """A plain string from a JSON-LD value (string, number, ``{"name"}``/``{"@value"}``
    object, or the first of a list).

    >>> as_text({"@type": "Person", "name": "Ana Lee"})
    'Ana Lee'
    >>> as_text(["World", "Europe"])
    'World'
    """
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Mapping):
        for key in ("name", "@value", "text", "headline", "url", "@id"):
            if key in value:
                return as_text(value[key])
        return None
    if isinstance(value, list):
        for item in value:
            text = as_text(item)
            if text:
                return text
    return None


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list (``None`` -> ``[]``)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
