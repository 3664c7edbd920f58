"""Pure metric functions of ``bench/quality.py`` (no I/O): folding, names, days, snippets, shingles.

Two ways of folding text are used, each where its dev set's README asks for it:

- :func:`fold` (fundus, as the fundus benchmark has always folded): NFKC, the invisible
  characters U+200B/C/D, U+2060, U+FEFF and U+00AD dropped, whitespace runs to one space, strip,
  casefold;
- :func:`normalise` (longtail, as its README says): NFKC, whitespace runs to one space, strip;
  casefolded for headlines and names, case kept for body snippets.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

SHINGLE = 4

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_TRAIL = re.compile(r"[\s.,;:!?…]+$")
_BY = re.compile(r"^(?:by|von)\s+", re.IGNORECASE)
# fundus: the separators its benchmark has always split on; longtail: its README's list (adds "/")
FUNDUS_NAME_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b|\bund\b)\s*", re.IGNORECASE)
LONGTAIL_NAME_SPLIT = re.compile(r"\s*(?:[,;/&]|\band\b|\bund\b)\s*", re.IGNORECASE)

# ------------------------------------------------------------------------------------ folding


def fold(text: str | None) -> str:
    """Fundus folding: NFKC, invisible characters dropped, whitespace folded, casefolded.

    >>> fold("  Die\\u00a0WELT\\u200b ")
    'die welt'
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or ""))
    return _WS.sub(" ", text).strip().casefold()


def normalise(text: str | None, casefold: bool = True) -> str:
    """Longtail normalisation: NFKC, whitespace runs to one space, strip (and casefold).

    >>> normalise(" Ein\\u00a0 Titel\\n")
    'ein titel'
    >>> normalise("Ein  Satz.", casefold=False)
    'Ein Satz.'
    >>> normalise("zero\\u200bwidth")  # not whitespace: kept
    'zero\\u200bwidth'
    """
    text = _WS.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    return text.casefold() if casefold else text


# ---------------------------------------------------------------------------- headline, names


def split_names(
    names: Iterable[str],
    separators: re.Pattern[str] = FUNDUS_NAME_SPLIT,
    folding: Callable[[str], str] = fold,
) -> set[str]:
    """The set of single folded names in ``names``; a leading "By"/"Von" is dropped.

    >>> sorted(split_names(["By Ana Lee and Bo Chen", "Cy Dee; Ed Fox"]))
    ['ana lee', 'bo chen', 'cy dee', 'ed fox']
    >>> sorted(split_names(["E. Barreneche / J. I. da Silva"], LONGTAIL_NAME_SPLIT, normalise))
    ['e. barreneche', 'j. i. da silva']
    """
    out: set[str] = set()
    for name in names:
        for part in separators.split(folding(name)):
            part = _BY.sub("", part).strip()
            if part:
                out.add(part)
    return out


def same_day(expected: str, got: str | None) -> bool:
    """The first 10 characters (YYYY-MM-DD) of both dates are equal.

    >>> same_day("2024-05-03", "2024-05-03T23:50:00+02:00")
    True
    >>> same_day("2024-05-03", None)
    False
    """
    return bool(got) and str(got)[:10] == expected[:10]


# ----------------------------------------------------------------------- fundus body, captions


def word_tokens(text: str) -> list[str]:
    """Fundus body tokens: casefolded ``\\w`` runs; each CJK character is one token.

    >>> word_tokens("Der Bürgermeister, 2024! 日本代表")
    ['der', 'bürgermeister', '2024', '日', '本', '代', '表']
    """
    return _TOKEN.findall(fold(text))


def word_shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of :func:`word_tokens` ``size``-grams (a shorter text is one shingle).

    >>> word_shingles("A b C")
    Counter({('a', 'b', 'c'): 1})
    """
    toks = word_tokens(text)
    if len(toks) < size:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


def prf(expected: Counter[Any], got: Counter[Any]) -> tuple[float, float, float]:
    """Precision, recall, F1 of two multisets (both empty: a perfect score).

    >>> prf(Counter("aab"), Counter("ab"))
    (1.0, 0.6666666666666666, 0.8)
    """
    if not expected and not got:
        return 1.0, 1.0, 1.0
    common = sum((expected & got).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(expected.values()) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def body_prf(expected: str, got: str, neutral: str = "") -> tuple[float, float, float]:
    """Fundus body P/R/F1; output shingles found only in ``neutral`` (the teaser) are not counted.

    >>> body_prf("one two three four five", "one two three four")
    (1.0, 0.5, 0.6666666666666666)
    """
    want = word_shingles(expected)
    have = word_shingles(got)
    if neutral:
        for key in word_shingles(neutral).keys() - want.keys():
            have.pop(key, None)
    return prf(want, have)


def _caption_key(text: str | None) -> str:
    return _TRAIL.sub("", fold(text))


def caption_found(expected: str, ours: Iterable[str]) -> bool:
    """An expected caption equals or is inside one of ours, or holds one of ours >= 0.8 its size.

    >>> caption_found("Guards at Westminster.", ["Guards at Westminster PA"])
    True
    >>> caption_found("Guards at the Palace of Westminster", ["Guards"])
    False
    """
    want = _caption_key(expected)
    if not want:
        return False
    for candidate in ours:
        have = _caption_key(candidate)
        if have and (want in have or (have in want and len(have) >= 0.8 * len(want))):
            return True
    return False


def coverage(part: Counter[Any], whole: Counter[Any]) -> float:
    """Share of ``part``'s shingles that ``whole`` has (1 for an empty part).

    >>> coverage(Counter("ab"), Counter("a"))
    0.5
    """
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 1.0


# ------------------------------------------------------------------------------ body snippets


def snippet_text(text: str) -> str:
    """Main text (or a snippet) as snippets are matched: :func:`normalise` with case kept, and
    soft hyphens (U+00AD) removed, which the longtail README allows for extracted text.

    >>> snippet_text("Zei\\u00adtung  am\\nMorgen ")
    'Zeitung am Morgen'
    """
    return normalise(text.replace("\u00ad", ""), casefold=False)


class Snippets(NamedTuple):
    """One page's snippet tally: found "with" (tp), missed "with" (fn), found "without" (fp)."""

    tp: int
    fn: int
    fp: int
    missed: tuple[str, ...]
    leaked: tuple[str, ...]


def snippet_counts(text: str | None, with_: Sequence[str], without: Sequence[str]) -> Snippets:
    """Substring tests of the normalised snippets in the normalised main text.

    ``text`` None means the extractor failed: every "with" snippet is missed.

    >>> snippet_counts("Der erste Satz. Mehr Text.", ["erste Satz", "Ende"], ["Impressum", "Mehr"])
    Snippets(tp=1, fn=1, fp=1, missed=('Ende',), leaked=('Mehr',))
    >>> snippet_counts(None, ["a"], ["b"]).fn
    1
    """
    hay = snippet_text(text) if text is not None else None
    missed = tuple(s for s in with_ if hay is None or snippet_text(s) not in hay)
    leaked = tuple(s for s in without if hay is not None and snippet_text(s) in hay)
    return Snippets(len(with_) - len(missed), len(missed), len(leaked), missed, leaked)


def pooled_prf(tp: int, fn: int, fp: int) -> tuple[float, float, float]:
    """Precision TP/(TP+FP), recall TP/(TP+FN) and their F1 over pooled counts.

    >>> [round(x, 3) for x in pooled_prf(8, 2, 6)]
    [0.571, 0.8, 0.667]
    """
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
