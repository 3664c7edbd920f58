"""Pure string normalisers: total functions with doctests, no I/O."""

from __future__ import annotations

import re
import unicodedata

_BLANKS = re.compile(r"\n\s*\n+")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
#: A word: one CJK character (those scripts don't separate words), or a run of other
#: word characters with inner hyphens or apostrophes.
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:[-'’][^\W{_CJK}]+)*")


def normalize_space(text: str | None) -> str:
    """Fold every run of whitespace to one space, NFC, trimmed; drop invisible characters.

    >>> normalize_space("  Four\\u00a0Azerbaijani\\n servicemen ")
    'Four Azerbaijani servicemen'
    >>> normalize_space(None)
    ''
    """
    if not text:
        return ""
    return _fold_spaces(unicodedata.normalize("NFC", text))


def _fold_spaces(text: str) -> str:
    """:func:`normalize_space` of a text already in NFC (or NFKC, which is NFC too)."""
    # (a substring test per invisible character is cheaper than the regex pass)
    if not text.isascii() and any(char in text for char in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    # str.split() splits on exactly the characters `\s` matches, faster than a regex
    return " ".join(text.split())


def clean_or_none(text: str | None) -> str | None:
    """:func:`normalize_space`, with ``None`` for an empty result.

    >>> clean_or_none("  ") is None
    True
    >>> clean_or_none(" World ")
    'World'
    """
    return normalize_space(text) or None


def normalize_body(text: str | None) -> str:
    """Normalise a body: paragraphs separated by exactly one blank line.

    >>> normalize_body("One  two\\n\\n\\n  Three \\n")
    'One two\\n\\nThree'
    """
    if not text:
        return ""
    paragraphs = (normalize_space(p) for p in _BLANKS.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def word_count(text: str | None) -> int:
    """Count words: runs of letters/digits (inner hyphens and apostrophes kept), and each
    Chinese/Japanese character as one word.

    >>> word_count("Azerbaijan's defence ministry, on Sunday.")
    5
    >>> word_count("")
    0
    >>> word_count("東京都は13日、新しい計画を発表した。")
    16
    """
    return len(_WORD.findall(text or ""))


def fold(text: str | None) -> str:
    """A comparison key: NFKC, case-folded, whitespace folded.

    >>> fold("  READ\\u00a0More ")
    'read more'
    """
    return _fold_spaces(unicodedata.normalize("NFKC", text or "")).casefold()


def dedupe(values: list[str]) -> list[str]:
    """Drop empty and repeated values (compared with :func:`fold`), keeping order.

    >>> dedupe(["Ana Lee", "ana lee", "", "Bo Chen"])
    ['Ana Lee', 'Bo Chen']
    """
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = fold(value)
        if key and key not in seen:
            seen.add(key)
            out.append(value)
    return out
