"""Turning page bytes into text and text into one lxml tree."""

from __future__ import annotations

import logging
import re

import lxml.html
from bs4.dammit import UnicodeDammit
from lxml import etree

from newscrawl.errors import NotHTMLError

logger = logging.getLogger(__name__)

#: Leading bytes of formats that are never HTML pages.
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"BM",
    b"OggS",
    b"ID3",
    b"\x7fELF",
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_INVALID_BYTES = (etree.ErrorTypes.ERR_INVALID_ENCODING,)
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|h1)\b", re.IGNORECASE
)


def decode_html(data: bytes, http_encoding: str | None = None) -> str:
    """Decode page bytes: BOM, then the HTTP charset, then ``<meta charset>``, then detection.

    Raises :class:`NotHTMLError` for empty input or bytes that are clearly not HTML.
    """
    if not data.strip():
        raise NotHTMLError("the page is empty")
    if data.startswith(_BINARY_MAGIC) or (b"\x00" in data[:1024] and not _utf16_bom(data)):
        raise NotHTMLError("the page is binary data, not HTML")
    if b"\x00" not in data:
        # Bytes that are valid UTF-8 are UTF-8 (other encodings almost never are), even
        # when a stale <meta charset> says otherwise (pages re-saved as UTF-8).
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    known = [http_encoding] if http_encoding else []
    dammit = UnicodeDammit(data, known_definite_encodings=known, is_html=True)
    text = dammit.unicode_markup
    if text is None:
        raise NotHTMLError("the page bytes could not be decoded in any encoding")
    logger.debug("decoded page as %(enc)s", {"enc": dammit.original_encoding})
    return text


def _utf16_bom(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


def looks_like_html(data: bytes) -> bool:
    """True when the first 4 KiB carry an HTML tag."""
    return bool(_MARKUP.search(data[:4096]))


def parse_bytes(data: bytes, http_encoding: str | None = None) -> lxml.html.HtmlElement:
    """Parse page bytes: read as UTF-8 by the parser itself when they are (libxml2 flags
    invalid bytes while parsing, which costs less than checking them first), else
    decoded by :func:`decode_html` first (with ``http_encoding``, the HTTP charset).

    Raises :class:`NotHTMLError` like :func:`decode_html` and :func:`parse_tree`.
    """
    if not data or data.isspace():  # (no copy, unlike data.strip())
        raise NotHTMLError("the page is empty")
    if b"\x00" in data or data.startswith(_BINARY_MAGIC):
        return parse_tree(decode_html(data, http_encoding))
    parser = _parser("utf-8")
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return parse_tree(decode_html(data, http_encoding))
    if parser.error_log.filter_types(_INVALID_BYTES):  # not UTF-8: decode it properly
        return parse_tree(decode_html(data, http_encoding))
    return tree


def _parser(encoding: str | None) -> etree.HTMLParser:
    """An HTML parser whose elements are all ``HtmlElement``: lxml.html's own parser
    picks form-element classes with a Python call for every element Python touches."""
    parser = etree.HTMLParser(  # (the ID table stays: microdata itemref uses XPath id())
        remove_comments=True, remove_pis=True, huge_tree=False, encoding=encoding
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def parse_tree(text: str) -> lxml.html.HtmlElement:
    """Parse HTML text into one tree (the only parse of a page).

    Raises :class:`NotHTMLError` when nothing can be parsed.
    """
    source = _XML_DECL.sub("", text, count=1)
    parser = _parser(None)
    try:
        tree = lxml.html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NotHTMLError(f"the page could not be parsed as HTML: {exc}") from exc
    return tree
