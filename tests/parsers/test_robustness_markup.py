"""Hostile characters in markup: the parser returns the article, never a lxml error.

lxml refuses, in any string handed back to it (a tag name given to ``iter()``, an XPath
variable), C0 control characters other than tab, LF and CR, U+FFFE, U+FFFF and lone
surrogates; libxml2 itself keeps them in tag and attribute names. Such a character in the name
of the element holding the body made body selection raise ``ValueError: All strings must be
XML compatible``.
"""

from __future__ import annotations

import json

import pytest

from newscrawl import parse_article

URL = "https://harbour-post.example/news/2026/03/03/ferry-service-resumes"
HEADLINE = "Ferry service resumes after storm"
PARAGRAPHS = (
    "The island ferry sailed again on Tuesday morning after three days in port.",
    "Crews checked the landing ramps at both harbours before the first crossing.",
    "Passengers queued from six o'clock, many of them workers returning home.",
)
BODY = "\n\n".join(PARAGRAPHS)


def page(
    open_tag: str = "div class='article-body'",
    close_tag: str = "div",
    *,
    head: str = "",
    paragraphs: tuple[str, ...] = PARAGRAPHS,
) -> str:
    """The test article; ``open_tag``/``close_tag`` write the element holding the body."""
    markup = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{HEADLINE} | Harbour Post</title>{head}</head><body>"
        "<header><a href='/'>Harbour Post</a></header>"
        f"<main><h1>{HEADLINE}</h1><{open_tag}>{markup}</{close_tag}></main>"
        "<footer>Harbour Post, 2 Quay Street</footer></body></html>"
    )


def forms(html: str) -> list[str | bytes]:
    """The page as text and as the UTF-8 bytes a crawl downloads (lone surrogates stay
    invalid bytes there)."""
    return [html, html.encode("utf-8", "surrogatepass")]


def assert_article(html: str | bytes) -> None:
    article = parse_article(html, URL)
    assert article.headline == HEADLINE
    assert article.body == BODY
    json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


#: Characters lxml refuses back (tab, LF, CR and FF end a name in HTML: they split it).
REFUSED = [chr(c) for c in (*range(0x09), 0x0B, *range(0x0E, 0x20))] + ["\ufffe", "\uffff"]


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_refused_character_in_the_body_element_name(char: str) -> None:
    for html in forms(page(f"div{char}x class='article-body'", f"div{char}x")):
        assert_article(html)


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_refused_character_in_an_attribute_name_of_the_body_element(char: str) -> None:
    for html in forms(page(f"div data-x{char}y='1' class='article-body'")):
        assert_article(html)


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_refused_character_in_the_body_element_class(char: str) -> None:
    for html in forms(page(f"div class='article-body{char}'")):
        assert_article(html)


@pytest.mark.parametrize("count", [0, 1, 64, 65, 500])
@pytest.mark.parametrize("char", ["\ufffe", "\uffff"], ids=["U+FFFE", "U+FFFF"])
def test_noncharacter_among_other_characters_of_the_same_first_byte(count: int, char: str) -> None:
    # U+FF01-U+FFFD start with the byte 0xEF too, like U+FFFE/U+FFFF in UTF-8
    head = "<meta name='x' content='" + "\uff01\ufffd" * count + "'>"
    html = page(f"div{char}x class='article-body'", f"div{char}x", head=head)
    assert_article(html.encode("utf-8"))


def test_lone_surrogate_in_a_text_page() -> None:
    # lxml stopped reading a Python string at the surrogate: the page lost everything after it
    assert_article(page("article\ud800 class='article-body'", "article\ud800"))
    assert_article(page(head="<meta name='x' content='\udc00'>"))
