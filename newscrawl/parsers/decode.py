"""Turning page bytes into text and text into one lxml tree.

No tree holds a character lxml refuses in a string handed back to it (a tag name given to
``iter()``, an XPath variable): C0 controls other than tab, LF and CR, U+FFFE, U+FFFF and
lone surrogates. libxml2 keeps them in tag and attribute names, so they are replaced in the
page before it is parsed (:func:`clean_text`). Numeric references such as ``&#1;`` are read
by libxml2 in text and attribute values only, never in names.
"""

from __future__ import annotations

import codecs
import logging
import re

import lxml.html
from bs4.dammit import EncodingDetector, UnicodeDammit
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
#: Byte order marks and their encodings (UTF-32 first: its little-endian mark starts with
#: UTF-16's). A mark decides the encoding, before the HTTP charset and ``<meta>``.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
#: What each character lxml refuses becomes: a space for the controls (pages that hold
#: them use them as word breaks; U+000C is HTML white space), U+FFFD for NUL (as HTML reads
#: it in names) and the noncharacters U+FFFE and U+FFFF. A lone surrogate becomes U+FFFD.
_REPLACEMENTS: dict[str, str] = dict.fromkeys(
    map(chr, (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))), " "
) | dict.fromkeys("\x00\ufffe\uffff", "\ufffd")
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Every byte but the C0 controls lxml refuses and 0xEF, the first byte of U+FFFE and
#: U+FFFF in UTF-8 (and of U+F000-U+FFFD).
_PLAIN_BYTES = bytes(b for b in range(256) if not (chr(b) in _REPLACEMENTS or b == 0xEF))
_NONCHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")
#: Up to how many 0xEF bytes each is looked at (beyond, one regex pass over the page).
_FEW = 64
#: Python codecs no page is written in: they read what the page writes as escapes
#: ("\\ud800", "+2D3-") as characters.
_ESCAPE_CODECS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "utf-7", "punycode", "idna", "undefined"}
)
#: Encodings a ``<meta charset>`` cannot be right about: a page whose meta can be read as
#: ASCII is not in them (HTML reads such a meta as UTF-8).
_WIDE_CODECS = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def decode_html(data: bytes, http_encoding: str | None = None) -> str:
    """Decode page bytes: BOM, then the HTTP charset, then ``<meta charset>``, then detection
    (a charset no page is written in is passed over).

    Raises :class:`NotHTMLError` for empty input or bytes that are clearly not HTML.
    """
    marked = _bom_text(data)
    if marked is not None and marked.strip():
        return marked
    if marked is not None or not data.strip():
        raise NotHTMLError("the page is empty")
    if _binary(data):
        raise NotHTMLError("the page is binary data, not HTML")
    # Bytes that are valid UTF-8 are UTF-8 (other encodings almost never are), even when
    # a stale <meta charset> says otherwise (pages re-saved as UTF-8).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    known = [http_encoding] if http_encoding and _page_codec(http_encoding, in_meta=False) else []
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    ignored = [declared] if declared and not _page_codec(declared, in_meta=True) else []
    dammit = UnicodeDammit(
        data, known_definite_encodings=known, is_html=True, exclude_encodings=ignored
    )
    text = dammit.unicode_markup
    if text is None:
        raise NotHTMLError("the page bytes could not be decoded in any encoding")
    logger.debug("decoded page as %(enc)s", {"enc": dammit.original_encoding})
    return text


def _page_codec(name: str, in_meta: bool) -> bool:
    """False for an encoding name no page can be in (``in_meta``: named by its
    ``<meta>``); True for the others, names Python does not know included (the decoder's
    own aliases may)."""
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return True
    return codec not in _ESCAPE_CODECS and not (in_meta and codec in _WIDE_CODECS)


def _bom_text(data: bytes) -> str | None:
    """The text of bytes that start with a byte order mark (an odd last byte of UTF-16
    becomes U+FFFD), ``None`` without one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    return None


def _binary(data: bytes) -> bool:
    """Bytes of a binary format: a known magic number, or NUL in the first KiB of bytes
    whose first 4 KiB carry no HTML tag (NUL inside an HTML page is read as U+FFFD)."""
    return data.startswith(_BINARY_MAGIC) or (b"\x00" in data[:1024] and not looks_like_html(data))


def looks_like_html(data: bytes) -> bool:
    """True when the first 4 KiB carry an HTML tag."""
    return bool(_MARKUP.search(data[:4096]))


def parse_bytes(data: bytes, http_encoding: str | None = None) -> lxml.html.HtmlElement:
    """Parse page bytes: read as UTF-8 by the parser itself when they are (libxml2 flags
    invalid bytes while parsing, which costs less than checking them first) and hold no
    character lxml refuses, else decoded by :func:`decode_html` first (with
    ``http_encoding``, the HTTP charset) and cleaned.

    Raises :class:`NotHTMLError` like :func:`decode_html` and :func:`parse_tree`.
    """
    if not data or data.isspace():  # (no copy, unlike data.strip())
        raise NotHTMLError("the page is empty")
    if data.startswith(_BINARY_MAGIC) or _may_hold_refused(data):  # (NUL included)
        return parse_tree(decode_html(data, http_encoding))
    parser = _parser("utf-8")
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return parse_tree(decode_html(data, http_encoding))
    if parser.error_log.filter_types(_INVALID_BYTES):  # not UTF-8: decode it properly
        return parse_tree(decode_html(data, http_encoding))
    return tree


def _may_hold_refused(data: bytes) -> bool:
    """False when ``data`` read as UTF-8 holds no character lxml refuses. One pass in C
    keeps the bytes that may start one; on nearly every page there is none."""
    suspects = data.translate(None, _PLAIN_BYTES)
    if not suspects:
        return False
    if suspects.replace(b"\xef", b""):  # a control character (or NUL)
        return True
    return _holds_noncharacter(data, len(suspects))


def _holds_noncharacter(data: bytes, count: int) -> bool:
    """Whether UTF-8 ``data``, which holds ``count`` bytes 0xEF, holds U+FFFE or U+FFFF."""
    if count > _FEW:
        return _NONCHARACTER.search(data) is not None
    at = -1
    for _ in range(count):
        at = data.find(b"\xef", at + 1)  # (memchr)
        if data[at + 1 : at + 3] in (b"\xbf\xbe", b"\xbf\xbf"):
            return True
    return False


def clean_text(text: str) -> str:
    """``text`` without the characters lxml refuses (see ``_REPLACEMENTS``).

    >>> clean_text("a\\x00b\\x07c\\ud83d")
    'a\\ufffdb c\\ufffd'
    """
    try:
        suspect = _may_hold_refused(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate
        suspect = True
    return _REFUSED.sub(_replacement, text) if suspect else text


def _replacement(match: re.Match[str]) -> str:
    return _REPLACEMENTS.get(match.group(), "\ufffd")


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
    """Parse HTML text into one tree (the only parse of a page), cleaned by
    :func:`clean_text` first.

    Raises :class:`NotHTMLError` when nothing can be parsed.
    """
    source = clean_text(_XML_DECL.sub("", text, count=1))
    parser = _parser(None)
    try:
        tree = lxml.html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NotHTMLError(f"the page could not be parsed as HTML: {exc}") from exc
    return tree
