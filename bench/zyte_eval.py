"""The body metric of Zyte's article-extraction benchmark, as the bodies dev set's README defines it.

- tokens: the regex ``\\w+`` (Unicode), case kept;
- shingles: token 4-grams as a multiset; a text of 1 to 3 tokens is one shingle, no token none;
- :func:`page_counts`: the multiset overlap of the expected and the extracted shingles as
  (tp, fp, fn), divided by tp + fp + fn;
- :func:`page_scores`: per-page precision tp / (tp + fp) and recall tp / (tp + fn), both 1 when
  fp = fn = 0;
- :func:`aggregate`: precision = mean over the pages with a non-empty prediction, recall = mean
  over all pages (an empty answer or a crash counts as recall 0), F1 = 2PR / (P + R) of the two
  means. Every page weighs the same however long it is.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable

SHINGLE = 4
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """The ``\\w+`` runs of ``text``, case kept.

    >>> tokens("Don't stop, Zoë: 3.5%")
    ['Don', 't', 'stop', 'Zoë', '3', '5']
    """
    return _WORD.findall(text)


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of token ``size``-grams; fewer tokens than ``size`` make one shingle.

    >>> sorted(shingles("a b c d a b c d").items())[:2]
    [(('a', 'b', 'c', 'd'), 2), (('b', 'c', 'd', 'a'), 1)]
    >>> shingles("only two")
    Counter({('only', 'two'): 1})
    >>> shingles("  ")
    Counter()
    """
    toks = tokens(text)
    if len(toks) < size:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


class Counts(NamedTuple):
    """One page's shingle overlap, as shares of tp + fp + fn."""

    tp: float
    fp: float
    fn: float


def page_counts(expected: str, predicted: str) -> Counts:
    """Multiset overlap of the two texts' shingles, normalised by tp + fp + fn.

    >>> page_counts("one two three four five", "one two three four")
    Counts(tp=0.5, fp=0.0, fn=0.5)
    >>> page_counts("", "")
    Counts(tp=0.0, fp=0.0, fn=0.0)
    """
    want, have = shingles(expected), shingles(predicted)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn
    if not total:
        return Counts(0.0, 0.0, 0.0)
    return Counts(tp / total, fp / total, fn / total)


def page_scores(counts: Counts) -> tuple[float, float]:
    """Per-page (precision, recall); both 1 when nothing is wrong (fp = fn = 0).

    >>> page_scores(Counts(0.5, 0.0, 0.5))
    (1.0, 0.5)
    >>> page_scores(Counts(0.0, 0.0, 1.0))
    (0.0, 0.0)
    >>> page_scores(Counts(0.0, 0.0, 0.0))
    (1.0, 1.0)
    """
    tp, fp, fn = counts
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


class Aggregate(NamedTuple):
    """Precision, recall, F1 of one tool over a set of pages, and its empty answers."""

    precision: float
    recall: float
    f1: float
    empty: int


def aggregate(pages: Iterable[tuple[bool, float, float]]) -> Aggregate:
    """Aggregate (prediction empty?, precision, recall) per page as the benchmark does.

    Precision is averaged over pages with a non-empty prediction only, recall over all pages.

    >>> aggregate([(False, 1.0, 0.5), (True, 0.0, 0.0)])
    Aggregate(precision=1.0, recall=0.25, f1=0.4, empty=1)
    >>> aggregate([])
    Aggregate(precision=0.0, recall=0.0, f1=0.0, empty=0)
    """
    precisions: list[float] = []
    recalls: list[float] = []
    empty = 0
    for is_empty, precision, recall in pages:
        recalls.append(0.0 if is_empty else recall)
        if is_empty:
            empty += 1
        else:
            precisions.append(precision)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Aggregate(p, r, f1, empty)
