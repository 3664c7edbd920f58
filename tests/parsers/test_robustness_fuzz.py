"""Structural fuzzing of ``parse_article``: real markup, mutated where parsers are fragile.

The seed pages are the fixture cases (invented sites, real-looking markup). Each example
applies a few of the mutations of ``bench/fuzz_parser.py`` (which atheris runs for as long as
one wants): characters lxml refuses (C0 controls, NUL, U+FFFE/U+FFFF, lone surrogates) inside
tag names, attribute names and values, numeric character references of every range, broken
comments and processing instructions, deep nesting, cuts, and broken JSON-LD of every shape.
The page then goes to the parser as text, as UTF-8 bytes, or in another encoding (UTF-16/32
with a byte order mark, odd lengths, Latin-1, a ``<meta charset>`` or HTTP charset naming a
codec no page uses).

Whatever the mutations, the parser returns an article whose record passes the JSON Schema and
can be written as UTF-8. Bounded and repeatable: a fixed number of examples, derandomized, no
deadline (nothing here depends on timing).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, TypeVar

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_parser import (
    HTTP_CHARSETS,
    JSONLD_MUTATIONS,
    MARKUP_MUTATIONS,
    encode,
    mutate,
    seed_pages,
)
from newscrawl.parsers.article import parse_page
from newscrawl.record.schema_check import record_errors

if TYPE_CHECKING:
    from collections.abc import Sequence

URL = "https://fuzz.example/world/2026/11/20/story"
SCRAPED_AT = "2026-11-25T00:00:00+00:00"
T = TypeVar("T")

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class DrawChooser:
    """The mutations' choices, drawn by hypothesis (so a failure shrinks and replays)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def pick(self, items: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(items))

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))


@cache
def seeds() -> list[str]:
    return seed_pages()


def check(html: str | bytes, http_encoding: str | None = None) -> None:
    """The properties every mutated page must have."""
    parsed = parse_page(html, URL, None, http_encoding if isinstance(html, bytes) else None)
    record = attrs.evolve(parsed.article, scraped_at=SCRAPED_AT).to_dict()
    errors = record_errors(record)
    if not parsed.article.headline:  # every headline mutated away: not an article, no error
        errors = [e for e in errors if not e.startswith("headline:")]
    assert errors == [], errors
    json.dumps(record, ensure_ascii=False).encode("utf-8")  # no lone surrogate anywhere


@FUZZ
@given(st.data())
def test_markup_mutations(data: st.DataObject) -> None:
    c = DrawChooser(data)
    page = mutate(c.pick(seeds()), c, MARKUP_MUTATIONS)
    check(encode(page, c), c.pick(HTTP_CHARSETS))


@FUZZ
@given(st.data())
def test_jsonld_mutations(data: st.DataObject) -> None:
    c = DrawChooser(data)
    page = mutate(c.pick(seeds()), c, JSONLD_MUTATIONS)
    check(c.pick([page, page.encode("utf-8", "surrogatepass")]))


def test_seeds_are_articles() -> None:
    # the mutations start from pages that are articles (a headline and a body each)
    assert len(seeds()) >= 12
    for page in seeds():
        article = parse_page(page, URL).article
        assert article.headline
        assert article.body
