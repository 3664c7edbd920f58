"""Broken JSON-LD: the block is read as far as it makes sense, or ignored; never an error,
never a string a record cannot hold.

JSON allows ``"\\ud83d"``, an escape of half a surrogate pair: Python decodes it to a lone
surrogate, which no UTF-8 writer accepts (the content hash of such a headline raised
``UnicodeEncodeError``). ``NaN`` and ``Infinity`` are not JSON, Python reads them (a headline
"nan"); an integer of thousands of digits made Python refuse the whole block.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from newscrawl import parse_article
from newscrawl.parsers.structured import loads_tolerant
from tests.parsers.test_robustness_markup import HEADLINE, URL, page

if TYPE_CHECKING:
    from newscrawl.items import Article

DATE = "2026-03-03T07:45:00+01:00"
#: The date of the URL, when no JSON-LD date is read.
URL_DAY = "2026-03-03"


def article_with(jsonld: str) -> Article:
    html = page(head=f'<script type="application/ld+json">{jsonld}</script>')
    return parse_article(html.encode("utf-8", "surrogatepass"), URL)


@pytest.mark.parametrize(
    ("jsonld", "field", "expected"),
    [
        # not JSON numbers: no value (the headline is the page's)
        ('{"@type": "NewsArticle", "headline": NaN}', "headline", HEADLINE),
        ('{"@type": "NewsArticle", "headline": Infinity}', "headline", HEADLINE),
        ('{"@type": "NewsArticle", "headline": -Infinity}', "headline", HEADLINE),
        ('{"@type": "NewsArticle", "headline": 1e999}', "headline", HEADLINE),
        # an integer too long for Python: the rest of the block is still read
        ('{"@type": "NewsArticle", "wordCount": ' + "9" * 5000 + f', "datePublished": "{DATE}"}}',
         "date_published", DATE),
        # half a surrogate pair: U+FFFD; a whole pair is the character
        ('{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Ana \\ud83d Lee"}}',
         "authors", ("Ana \ufffd Lee",)),
        ('{"@type": "NewsArticle", "description": "Crossings \\udc00 restart"}',
         "description", "Crossings \ufffd restart"),
        ('{"@type": "NewsArticle", "description": "Crossings restart \\ud83d\\ude00"}',
         "description", "Crossings restart \U0001f600"),
        # shapes that hold no article: ignored
        ("[" * 100_000 + "]" * 100_000, "date_published", URL_DAY),
        ('{"a":' * 5000 + "1" + "}" * 5000, "date_published", URL_DAY),
        ('[1, "x", null, true, 2.5]', "date_published", URL_DAY),
        ('{"@graph": ["a", 1, null, [], {"@type": null}]}', "date_published", URL_DAY),
        ('"NewsArticle"', "date_published", URL_DAY),
        ('{"@type": "NewsArticle", "headline": "Ferry', "date_published", URL_DAY),
        ('{"@type": [null, 5, {}], "headline": {"@value": [1]}, "datePublished": {"@value": [{}]}}',
         "date_published", URL_DAY),
        # repairable: comments, a trailing comma, a control character between tokens
        (f'// x\n{{"@type": "NewsArticle", "datePublished": "{DATE}",}}', "date_published", DATE),
        (f'{{"@type": "NewsArticle",\x0b"datePublished": "{DATE}"}}', "date_published", DATE),
    ],
)  # fmt: skip
def test_broken_jsonld(jsonld: str, field: str, expected: object) -> None:
    article = article_with(jsonld)
    assert getattr(article, field) == expected
    assert article.headline == HEADLINE
    json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


def test_lone_surrogate_in_the_jsonld_headline() -> None:
    # the JSON-LD headline wins; its half pair is U+FFFD and the record can be written
    article = article_with(f'{{"@type": "NewsArticle", "headline": "{HEADLINE} \\ud83d"}}')
    assert article.headline == f"{HEADLINE} \ufffd"
    json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": NaN, "b": [Infinity, -Infinity, 1e400, 2.5]}', {"a": None, "b": [None, None, None, 2.5]}),
        ('{"\\ud800": "\\udfff", "c": ["\\ud83d\\ude00", {"d": "\\ud83d"}]}',
         {"\ufffd": "\ufffd", "c": ["\U0001f600", {"d": "\ufffd"}]}),
        ('{"n": 1' + "0" * 5000 + ', "m": 2}', {"n": None, "m": 2}),
        ('{"a": "line\x01break"}', {"a": "line break"}),
        ("[" * 100_000 + "]" * 100_000, None),
    ],
)  # fmt: skip
def test_loads_tolerant_numbers_and_surrogates(text: str, expected: object) -> None:
    assert loads_tolerant(text) == expected


def test_lone_surrogates_deep_in_nested_jsonld() -> None:
    # the repair walks without recursion: JSON-LD nests as deep as json.loads reads
    depth = 900
    data = loads_tolerant("[" * depth + '"\\ud800"' + "]" * depth)
    for _ in range(depth):
        data = data[0]
    assert data == "\ufffd"


@pytest.mark.parametrize("url", ["data:,", "javascript:alert(1)", "mailto:desk@example.org"])
def test_non_web_image_url_from_jsonld(url: str) -> None:
    article = article_with(json.dumps({"@type": "NewsArticle", "image": url}))
    assert all(image.url.startswith(("http://", "https://")) for image in article.images)
