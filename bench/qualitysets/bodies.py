"""The bodies dev set (1,379 pages of 2012 with hand-extracted main text, ``bodies/index.jsonl``),
scored with Zyte's shingle metric exactly as its README says (``bench/zyte_eval.py``): regex
``\\w+`` tokens with case kept, token 4-grams as a multiset (1-3 tokens = one shingle), per-page
precision and recall, precision averaged over the pages with a non-empty prediction (one with at
least one token), recall over all pages, F1 from the two means; empty answers are counted.

The text compared is newscrawl's ``article.body`` (as the README's reference figures) and
trafilatura's ``text``. Every tool gets ``http://example.com/<name>`` as the URL (the README's
placeholder: upstream gives none); the halves' key is the page's id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench import zyte_eval as z
from bench.qualitysets import metrics as m
from bench.qualitysets.common import (
    DevSet,
    Figures,
    Metric,
    Page,
    Row,
    diff_lines,
    header,
    mean,
    read_index,
)
from bench.qualitysets.tools import NEWSCRAWL, TRAFILATURA

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Sequence
    from pathlib import Path

    from bench.qualitysets.tools import Output

PLACEHOLDER = "http://example.com/{name}"


def score_body(expected: str, predicted: str) -> tuple[bool, float, float]:
    """(prediction empty?, precision, recall) of one page.

    >>> score_body("one two three four five", "one two three four")
    (False, 1.0, 0.5)
    >>> score_body("one two", " - ")
    (True, 0.0, 0.0)
    """
    if not z.tokens(predicted):
        return True, 0.0, 0.0
    precision, recall = z.page_scores(z.page_counts(expected, predicted))
    return False, precision, recall


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


class Bodies(DevSet):
    name = "bodies"
    tools = (NEWSCRAWL, TRAFILATURA)
    metrics = (
        Metric("body_precision", "body precision"),
        Metric("body_recall", "body recall"),
        Metric("body_f1", "body F1"),
        Metric("empty", "empty answers, pages", "count"),
        Metric("ms_per_page", "CPU ms / page", "ms"),
    )
    error_fields = ("body",)

    def load(self, folder: Path) -> list[Page]:
        pages = []
        for row in read_index(folder):
            url = PLACEHOLDER.format(name=row["name"])
            key = row["url"] or row["id"]
            pages.append(
                Page(
                    self.name,
                    row["id"],
                    key,
                    url,
                    row["html_file"],
                    folder,
                    row["expected"],
                    row["name"],
                )
            )
        return pages

    def score(self, page: Page, tool: str, out: Output) -> Row:
        empty, precision, recall = score_body(page.expected["body"], out.body)
        return {"empty": empty, "body_p": round(precision, 4), "body_r": round(recall, 4)}

    def summarise(self, rows: Sequence[Row]) -> Figures:
        agg = z.aggregate((r["empty"], r["body_p"], r["body_r"]) for r in rows)
        return {
            "pages": len(rows),
            "body_precision": agg.precision,
            "body_recall": agg.recall,
            "body_f1": agg.f1,
            "empty": agg.empty,
            "ms_per_page": mean([r["ms"] for r in rows]),
        }

    def misses(self, page: Page, field: str, outs: dict[str, Output]) -> tuple[float, list[str]]:
        ours, want = outs[NEWSCRAWL], page.expected["body"]
        empty, precision, recall = score_body(want, ours.body)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 >= 0.99:
            return 0.0, []
        detail = "EMPTY" if empty else f"F1 {f1:.3f}  P {precision:.3f}  R {recall:.3f}"
        lines = [header(page, detail)]
        if TRAFILATURA in outs:
            _, tp, tr = score_body(want, outs[TRAFILATURA].body)
            lines.append(f"   trafilatura: P {tp:.3f}  R {tr:.3f}")
        have, allowed = z.shingles(ours.body), z.shingles(want)
        missed = [t for t in _lines(want) if _missed(t, have)]
        extra = [t for t in _lines(ours.body) if _missed(t, allowed)]
        return 1.0 - f1, lines + diff_lines(missed, extra)


def _missed(text: str, whole: Counter[tuple[str, ...]]) -> bool:
    """Less than half of the line's shingles are in ``whole``."""
    return m.coverage(z.shingles(text), whole) < 0.5
