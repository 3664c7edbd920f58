"""Record validation (newscrawl/record/schema_check.py): the compiled fast check and jsonschema agree.

``record_errors`` trusts the compiled check when it accepts a record; these cases make
sure it never accepts what the full validator rejects (and names).
"""

from __future__ import annotations

from typing import Any

import fastjsonschema
import pytest

from newscrawl.record.schema_check import _fast_check, _validator, record_errors

VALID: dict[str, Any] = {
    "schema_version": 1,
    "url": "https://news.example/world/2024/05/01/story.html",
    "canonical_url": "https://news.example/world/2024/05/01/story.html",
    "headline": "A headline",
    "description": None,
    "authors": ["Ana Lee"],
    "byline": "By Ana Lee",
    "date_published": "2024-05-01T10:22:00+03:00",
    "date_modified": "2024-05-01",
    "date_raw": None,
    "section": "World",
    "tags": [],
    "language": "en-GB",
    "site_name": None,
    "body": "One paragraph.\n\nAnother one.",
    "caption": None,
    "images": [{"url": "https://news.example/a.jpg", "caption": None, "credit": None, "alt": "A"}],
    "read_more": [{"url": "https://news.example/b", "title": None}],
    "source": None,
    "word_count": 4,
    "content_hash": "sha256:" + "0" * 64,
    "scraped_at": "2024-05-01T10:00:00+00:00",
}


def _fast_accepts(record: dict[str, Any]) -> bool:
    try:
        _fast_check()(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("schema_version", 2, "schema_version"),
        ("schema_version", True, "schema_version"),
        ("url", "ftp://news.example/a", "url"),
        ("url", "https://news.example/a b", "url"),
        ("headline", "", "headline"),
        ("headline", " padded", "headline"),
        ("headline", "two\nlines", "headline"),
        ("description", "", "description"),
        ("authors", ["Ana", ""], "authors.1"),
        ("authors", "Ana", "authors"),
        ("date_published", "1 May 2024", "date_published"),
        ("date_modified", "2024-5-1", "date_modified"),
        ("language", "EN", "language"),
        ("language", "english", "language"),
        ("body", None, "body"),
        ("images", [{"url": "https://x.example/a.jpg"}], "images.0"),
        ("images", [{**VALID["images"][0], "extra": 1}], "images.0"),
        ("read_more", [{"url": "/relative", "title": None}], "read_more.0.url"),
        ("word_count", -1, "word_count"),
        ("word_count", 1.5, "word_count"),
        ("word_count", True, "word_count"),
        ("content_hash", "md5:abc", "content_hash"),
        ("scraped_at", "2024-05-01T10:00:00+03:00", "scraped_at"),
        ("extra_key", 1, "<record>"),
    ],
)
def test_invalid_record_is_rejected_by_both(key: str, value: Any, field: str) -> None:
    record = {**VALID, key: value}
    assert not _fast_accepts(record)
    assert not _validator().is_valid(record)
    errors = record_errors(record)
    assert errors
    assert errors[0].startswith(f"{field}: ")


def test_missing_key_is_rejected() -> None:
    record = {k: v for k, v in VALID.items() if k != "byline"}
    assert not _fast_accepts(record)
    assert record_errors(record) == ["<record>: 'byline' is a required property"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"date_published": None, "date_modified": None, "language": None},
        {"date_published": "2024-05-01T10:22:00.5Z", "word_count": 0, "body": ""},
        {"language": "zh-Hant-TW", "authors": [], "images": [], "read_more": []},
        {"word_count": 3.0},  # JSON Schema: an integral number is an integer
    ],
)
def test_valid_record_is_accepted_by_both(changes: dict[str, Any]) -> None:
    record = {**VALID, **changes}
    assert _fast_accepts(record)
    assert _validator().is_valid(record)
    assert record_errors(record) == []
