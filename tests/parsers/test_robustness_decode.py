"""Hostile bytes around the markup: NUL, control characters used as word breaks, byte order
marks with odd lengths, ``<meta charset>`` and HTTP charsets naming codecs no page uses."""

from __future__ import annotations

import pytest

from newscrawl import parse_article
from newscrawl.errors import NotHTMLError
from newscrawl.parsers.article import parse_page
from newscrawl.parsers.decode import clean_text, decode_html, parse_bytes
from tests.parsers.test_robustness_markup import BODY, HEADLINE, PARAGRAPHS, URL, page

GERMAN = "Fähre fährt wieder nach dem Sturm"
BOMS = {
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # pages use control characters as word breaks: each is a space (folded later)
        ("WWF\x07 (2020):\x07 Living Planet Report", "WWF (2020): Living Planet Report"),
        ("Panel\x07on Climate\x1dChange", "Panel on Climate Change"),
        ("Tab\x0bvertical\x0cform\x1ffeed\x01end", "Tab vertical form feed end"),
        # numeric references are read as HTML reads them: NUL, surrogates and code points
        # past U+10FFFF as U+FFFD, C1 references as windows-1252, the others as they are
        ("References in text: a&#0;b c&#xD800;d e&#x110000;f g&#99999999999;h.",
         "References in text: a\ufffdb c\ufffdd e\ufffdf g\ufffdh."),
        ("References in text: m&#128;n o&#x9F;p q&#x1F;r s&#1;t.",
         "References in text: m€n oŸp q r s\x01t."),
    ],
)  # fmt: skip
def test_text_with_control_characters(text: str, expected: str) -> None:
    html = page(paragraphs=(*PARAGRAPHS, text))
    for form in (html, html.encode("utf-8")):
        article = parse_article(form, URL)
        assert article.body == f"{BODY}\n\n{expected}"


def test_nul_near_the_top_of_an_html_page() -> None:
    # a NUL in the first KiB made the page "binary data"; libxml2 reads NUL as U+FFFD
    html = page().replace("<title>", "<title>\x00", 1).encode("utf-8")
    article = parse_article(html, URL)
    assert article.headline == HEADLINE
    assert article.body == BODY


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02\x03" * 300, b"\x00" * 5000 + b"<html>", b"MZ\x90\x00\x03\x00\x00\x00" * 100],
    ids=["controls", "nul-then-tag", "exe"],
)
def test_nul_bytes_without_markup_are_binary(data: bytes) -> None:
    with pytest.raises(NotHTMLError, match="binary data"):
        parse_bytes(data)


@pytest.mark.parametrize("encoding", sorted(BOMS))
@pytest.mark.parametrize("cut", [0, 1, 2, 3])
def test_byte_order_marks_and_odd_lengths(encoding: str, cut: int) -> None:
    # the mark decides the encoding; a cut last character becomes U+FFFD (UTF-32 big-endian
    # pages were "binary data")
    data = BOMS[encoding] + page().replace(HEADLINE, GERMAN).encode(encoding)
    article = parse_article(data[: len(data) - cut], URL)
    assert article.headline == GERMAN
    assert article.body == BODY


@pytest.mark.parametrize(
    "data", [b"\xff\xfe", b"\xfe\xff\x00 \x00\n", b"\xef\xbb\xbf  ", b"\t \r\n"]
)
def test_a_mark_and_white_space_is_an_empty_page(data: bytes) -> None:
    with pytest.raises(NotHTMLError, match="the page is empty"):
        decode_html(data)


@pytest.mark.parametrize(
    "charset",
    ["utf-16", "UTF-16LE", "utf-32", "unicode_escape", "raw-unicode-escape", "utf-7", "UTF7",
     "punycode", "idna", "undefined", "rot13", "base64", "x-bogus", "\x01", "utf-8\x00", ""],
)  # fmt: skip
@pytest.mark.parametrize("where", ["meta", "http"])
def test_charsets_no_page_is_written_in(charset: str, where: str) -> None:
    # Latin-1 bytes (not UTF-8): a meta naming UTF-16 decoded them as UTF-16 (the article
    # lost); the escape codecs read "\\ud800" or "+2D3-" written in the page as characters
    text = page(paragraphs=(*PARAGRAPHS, "Escapes stay text: \\ud800 +2D3- \\x41."))
    text = text.replace(HEADLINE, GERMAN)
    if where == "meta":
        text = text.replace("charset='utf-8'", f"charset='{charset}'")
    http = charset if where == "http" else None
    article = parse_page(text.encode("latin-1"), URL, None, http).article
    assert article.headline == GERMAN
    assert article.body == f"{BODY}\n\nEscapes stay text: \\ud800 +2D3- \\x41."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a\x00b", "a\ufffdb"),
        ("a\x01b\x1fc", "a b c"),
        ("tab\tLF\nCR\r", "tab\tLF\nCR\r"),
        ("\ufffe\uffff\ufffd", "\ufffd\ufffd\ufffd"),
        ("\ud83d\ude00 \ud83d", "\ufffd\ufffd \ufffd"),  # (as text, a pair is two halves)
        ("\U0001f600 \u2028 \x85 \x7f", "\U0001f600 \u2028 \x85 \x7f"),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected
