"""Pure deduplication keys: URL identity and content fingerprints (no Scrapy)."""

from __future__ import annotations

import hashlib
import re

from newscrawl.text import fold

_TOKEN = re.compile(r"\w+")


def content_hash(headline: str, body: str) -> str:
    """A stable hash of the normalized headline and body (sha256, hex, prefixed).

    Normalisation (NFKC, case folding, whitespace folding) makes the hash ignore
    cosmetic differences, so it is the same across runs, machines and re-renders.

    >>> content_hash("A  Title", "Body text.") == content_hash("a title", "body\\ntext.")
    True
    >>> content_hash("T", "B")[:7]
    'sha256:'
    """
    digest = hashlib.sha256(f"{fold(headline)}\n{fold(body)}".encode()).hexdigest()
    return f"sha256:{digest}"


def tokens(text: str) -> list[str]:
    """Lower-case word tokens.

    >>> tokens("The Baku government, said.")
    ['the', 'baku', 'government', 'said']
    """
    return _TOKEN.findall(fold(text))


def shingles(text: str, size: int = 5) -> set[str]:
    """Word ``size``-grams of a text (the whole text as one shingle when shorter).

    >>> sorted(shingles("a b c d", 3))
    ['a b c', 'b c d']
    >>> shingles("a b", 3)
    {'a b'}
    """
    words = tokens(text)
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
