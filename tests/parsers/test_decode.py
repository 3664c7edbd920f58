"""Page bytes into one tree: UTF-8 read by the parser itself, anything else decoded first."""

from __future__ import annotations

import pytest

from newscrawl.errors import NotHTMLError
from newscrawl.parsers.decode import decode_html, parse_bytes, parse_tree

PAGE = (
    "<!doctype html><html><head><meta charset='{charset}'><title>Zürich</title></head>"
    "<body><h1>Café “Zürich” – Grüße</h1><p>Straße</p></body></html>"
)


def _h1(tree: object) -> str:
    return "".join(tree.find(".//h1").itertext())  # type: ignore[attr-defined]


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1", "windows-1252"])
def test_utf8_bytes_are_utf8_whatever_the_meta_says(charset: str) -> None:
    tree = parse_bytes(PAGE.format(charset=charset).encode("utf-8"))
    assert _h1(tree) == "Café “Zürich” – Grüße"


def test_windows_1252_bytes_are_decoded_not_replaced() -> None:
    tree = parse_bytes(PAGE.format(charset="windows-1252").encode("windows-1252"))
    assert _h1(tree) == "Café “Zürich” – Grüße"
    assert "\ufffd" not in tree.findtext(".//p")


@pytest.mark.parametrize("charset", ["iso-8859-1", "utf-8"])
def test_bytes_that_are_not_utf8_are_decoded_as_a_whole(charset: str) -> None:
    # one Latin-1 byte in a UTF-8 page: the parser's own reading is not kept
    data = PAGE.format(charset=charset).encode("utf-8").replace(b"Stra\xc3\x9fe", b"Stra\xdfe")
    expected = parse_tree(decode_html(data)).findtext(".//p")
    assert parse_bytes(data).findtext(".//p") == expected
    assert (expected == "Straße") is (charset == "iso-8859-1")


def test_bytes_and_text_give_the_same_tree() -> None:
    text = PAGE.format(charset="utf-8")
    from_bytes, from_text = parse_bytes(text.encode("utf-8")), parse_tree(text)
    assert _h1(from_bytes) == _h1(from_text)
    assert [e.tag for e in from_bytes.iter()] == [e.tag for e in from_text.iter()]


def test_elements_can_be_looked_up_by_id() -> None:
    # microdata itemref is resolved with XPath id(): the parser must keep its ID table
    html = (
        "<html><body><div itemscope itemref='a'></div><p id='a' itemprop='name'>N</p></body></html>"
    )
    for tree in (parse_bytes(html.encode()), parse_tree(html)):
        assert [e.tag for e in tree.xpath("id('a')")] == ["p"]


@pytest.mark.parametrize("data", [b"", b"  \n\t ", b"%PDF-1.7 binary", b"\x89PNG\r\n\x1a\n..."])
def test_empty_or_binary_bytes_are_not_html(data: bytes) -> None:
    with pytest.raises(NotHTMLError):
        parse_bytes(data)


def test_the_http_charset_decides_bytes_that_are_not_utf8() -> None:
    """The crawl hands the bytes and the HTTP charset to the parser: the header wins over a
    ``<meta charset>`` that lies (as :func:`decode_html` with the header does)."""
    text = "<html><head><meta charset='iso-8859-1'></head><body><h1>Şırnak'ta kış</h1></body>"
    data = text.encode("windows-1254")
    assert parse_bytes(data, "windows-1254").findtext(".//h1") == "Şırnak'ta kış"
    assert parse_bytes(data).findtext(".//h1") != "Şırnak'ta kış"  # the meta's guess
    assert parse_bytes(text.encode(), "windows-1254").findtext(".//h1") == "Şırnak'ta kış"
