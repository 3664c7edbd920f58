"""The dates dev set (185 pages with a hand-checked publication day, ``dates/index.jsonl``),
scored as its README says: same-day accuracy (the YYYY-MM-DD part of the extracted date equals
the label) over every page; a page with no answer (or a crash) and a page with a wrong day are
both misses, and are counted apart (a wrong date is worse for a pipeline than none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.qualitysets import metrics as m
from bench.qualitysets.common import (
    DevSet,
    Figures,
    Metric,
    Page,
    Row,
    date_miss,
    mean,
    read_index,
)
from bench.qualitysets.tools import NEWSCRAWL, PEERS

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from bench.qualitysets.tools import Output


class Dates(DevSet):
    name = "dates"
    tools = (NEWSCRAWL, *PEERS)
    metrics = (
        Metric("date", "date, same day"),
        Metric("no_answer", "no answer, pages", "count"),
        Metric("wrong_day", "wrong day, pages", "count"),
        Metric("ms_per_page", "CPU ms / page", "ms"),
    )
    error_fields = ("date",)

    def load(self, folder: Path) -> list[Page]:
        return [
            Page(
                self.name,
                row["id"],
                row["url"],
                row["url"],
                row["html_file"],
                folder,
                row["expected"],
            )
            for row in read_index(folder)
        ]

    def score(self, page: Page, tool: str, out: Output) -> Row:
        right = m.same_day(page.expected["date"], out.date)
        return {"date": right, "answered": bool(out.date)}

    def summarise(self, rows: Sequence[Row]) -> Figures:
        return {
            "pages": len(rows),
            "date": mean([r["date"] for r in rows]),
            "no_answer": sum(not r["answered"] for r in rows),
            "wrong_day": sum(r["answered"] and not r["date"] for r in rows),
            "ms_per_page": mean([r["ms"] for r in rows]),
        }

    def misses(self, page: Page, field: str, outs: dict[str, Output]) -> tuple[float, list[str]]:
        want = page.expected["date"]
        return (0.0, []) if m.same_day(want, outs[NEWSCRAWL].date) else date_miss(page, want, outs)
