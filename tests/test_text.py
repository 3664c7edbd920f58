from __future__ import annotations

import re
import unicodedata

import hypothesis
import pytest
from hypothesis import strategies as st

from newscrawl.text import dedupe, fold, normalize_body, normalize_space, word_count


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\u00a0b", "a b"),
        ("  x  \n y ", "x y"),
        ("e\u0301", "é"),  # NFC
        ("zero\u200bwidth", "zerowidth"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_space(raw, expected):
    assert normalize_space(raw) == expected


def test_normalize_space_folds_exactly_what_regex_whitespace_matches():
    # normalize_space splits with str.split(); it must agree with `\s` on every character
    for code in range(0x3100):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or char in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
            continue
        expected = "a b" if re.match(r"\s", char) else unicodedata.normalize("NFC", f"a{char}b")
        assert normalize_space(f" a{char}b ") == expected, hex(code)


def test_normalize_body_keeps_paragraphs():
    assert normalize_body("P1 line\ncontinued\n\n\n\nP2") == "P1 line continued\n\nP2"


@pytest.mark.parametrize(
    ("text", "count"),
    [("one two three", 3), ("well-known Baku's", 2), ("", 0), ("2020 — 44-day war", 3)],
)
def test_word_count(text, count):
    assert word_count(text) == count


def test_fold_and_dedupe():
    assert fold("ÀB  c") == "àb c"
    assert dedupe(["X", "x ", "Y"]) == ["X", "Y"]


_TRICKY = "ab é\u0301\u00a0\n\t\r\u2028\u3000\u200b\u200c\u200d\u2060\ufeff\u00adﬁ①Ａ"


def _plain_normalize_space(text: str) -> str:
    """The definition, written plainly (the module takes shortcuts)."""
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@hypothesis.settings(max_examples=3000, deadline=None)
@hypothesis.given(st.text(alphabet=_TRICKY, max_size=30))
def test_normalize_space_and_fold_match_their_definitions(text):
    assert normalize_space(text) == _plain_normalize_space(text)
    plain_fold = _plain_normalize_space(unicodedata.normalize("NFKC", text)).casefold()
    assert fold(text) == plain_fold
