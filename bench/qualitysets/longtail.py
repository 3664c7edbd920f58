"""The longtail dev set (485 pages of small sites, ``longtail/index.jsonl``), scored as its
README says:

headline
    exact match after :func:`~bench.qualitysets.metrics.normalise` (NFKC, whitespace runs to
    one space, strip, casefold), over the pages whose title is a non-empty string.
authors
    set equality of the names, over the pages whose authors are labelled (not null); both sides
    are split into names on , ; / & and the words "and"/"und", a leading "By"/"Von" dropped and
    each name normalised as the headline. Reported over all labelled pages, over the pages WITH
    an author and over the pages labelled as having NO author (where an empty answer is right).
date
    same day: the YYYY-MM-DD part of the extracted publication date equals the label, over the
    dated pages.
snippets
    the extractor's main text and each snippet normalised (NFKC, whitespace runs to one space,
    case kept, U+00AD removed from the text) and tested for containment: a "with" snippet found
    is a TP, missed a FN; a "without" snippet found is a FP. Counts pooled over all pages, then
    P = TP/(TP+FP), R = TP/(TP+FN), F1. A tool that fails on a page misses all its "with".

    The main text is the tool's body alone: newscrawl ``body``, trafilatura ``text``,
    newspaper4k ``text``; no headline, description or captions join it. Measured at 90841ba
    (the reasons): with the description before the body, newscrawl's recall goes 0.851 -> 0.895
    and trafilatura's 0.945 -> 0.966, but 49 of the 60 descriptions that add a snippet are the
    page's meta description repeating a lead paragraph the body lost, so joining them would hide
    the body's own recall gap (the row "snippets F1, description joined" shows it for both
    tools, for information; it is not gated). With newscrawl's image captions joined, its
    precision goes 0.936 -> 0.908: the images include teasers outside the article, and some
    "without" snippets are captions; the headline adds 4 found snippets and 10 leaked ones.
    trafilatura's text keeps the captions it finds inside the article, which is the same rule:
    what the tool gives as the article's text.

    Pages keyed ``hard::<file>`` have no URL: every tool gets ``http://example.com/<id>``.
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
    authors_miss,
    cut,
    date_miss,
    header,
    headline_miss,
    mean,
    read_index,
)
from bench.qualitysets.tools import DATE_ONLY, NEWSCRAWL, PEERS

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from bench.qualitysets.tools import Output

PLACEHOLDER = "http://example.com/{id}"


def names(values: Sequence[str]) -> set[str]:
    """The README's name split and normalisation.

    >>> sorted(names(["Jelko Djuren und Jutta Klaukien", "dpa/lno"]))
    ['dpa', 'jelko djuren', 'jutta klaukien', 'lno']
    """
    return m.split_names(values, m.LONGTAIL_NAME_SPLIT, m.normalise)


def main_text(out: Output, description: bool = False) -> str | None:
    """What the snippets are looked for in (None: the tool failed on the page): the body, and
    with ``description`` the description before it (the informational row).

    >>> from bench.qualitysets.tools import Output
    >>> main_text(Output(headline="T", description="D", body="B", captions=[("C", "AP")]))
    'B'
    >>> main_text(Output(description="D", body="B"), description=True)
    'D\\nB'
    """
    if out.error:
        return None
    if description and out.description:
        return f"{out.description}\n{out.body}"
    return out.body


class Longtail(DevSet):
    name = "longtail"
    tools = (NEWSCRAWL, *PEERS)
    metrics = (
        Metric("headline", "headline, exact match"),
        Metric("authors", "authors, set equal: all labelled"),
        Metric("authors_named", "authors: pages with an author"),
        Metric("authors_none", "authors: pages with no author"),
        Metric("date", "date, same day"),
        Metric("snippet_precision", "snippets precision"),
        Metric("snippet_recall", "snippets recall"),
        Metric("snippet_f1", "snippets F1"),
        Metric("snippet_desc_f1", "snippets F1, description joined (info only)", "info"),
        Metric("ms_per_page", "CPU ms / page", "ms"),
    )
    error_fields = ("headline", "authors", "date", "snippets")

    def load(self, folder: Path) -> list[Page]:
        pages = []
        for row in read_index(folder):
            key = row["url"]
            url = PLACEHOLDER.format(id=row["id"]) if key.startswith("hard::") else key
            pages.append(
                Page(self.name, row["id"], key, url, row["html_file"], folder, row["expected"])
            )
        return pages

    def score(self, page: Page, tool: str, out: Output) -> Row:
        exp = page.expected
        row: Row = {"date": m.same_day(exp["date"], out.date)} if exp.get("date") else {}
        if tool in DATE_ONLY:
            return row
        if exp.get("title"):
            row["headline"] = m.normalise(exp["title"]) == m.normalise(out.headline)
        if exp.get("authors") is not None:
            row["authors"] = names(exp["authors"]) == names(out.authors)
            row["named"] = bool(exp["authors"])
        tally = m.snippet_counts(main_text(out), exp["with"], exp["without"])
        row.update(tp=tally.tp, fn=tally.fn, fp=tally.fp)
        joined = m.snippet_counts(main_text(out, True), exp["with"], exp["without"])
        row["desc"] = [joined.tp, joined.fn, joined.fp]
        return row

    def summarise(self, rows: Sequence[Row]) -> Figures:
        labelled = [r for r in rows if "authors" in r]
        tp, fn, fp = (sum(row.get(k, 0) for row in rows) for k in ("tp", "fn", "fp"))
        snippets = any("tp" in row for row in rows)
        precision, recall, f1 = m.pooled_prf(tp, fn, fp)
        joined = [sum(row["desc"][k] for row in rows if "desc" in row) for k in range(3)]
        _, recall_desc, f1_desc = m.pooled_prf(*joined)
        return {
            "pages": len(rows),
            "headline": mean([r["headline"] for r in rows if "headline" in r]),
            "headline_pages": sum("headline" in r for r in rows) or None,
            "authors": mean([r["authors"] for r in labelled]),
            "authors_named": mean([r["authors"] for r in labelled if r["named"]]),
            "authors_none": mean([r["authors"] for r in labelled if not r["named"]]),
            "authors_pages": len(labelled) or None,
            "authors_named_pages": sum(r["named"] for r in labelled) if labelled else None,
            "authors_none_pages": sum(not r["named"] for r in labelled) if labelled else None,
            "date": mean([r["date"] for r in rows if "date" in r]),
            "date_pages": sum("date" in r for r in rows),
            "snippet_precision": precision if snippets else None,
            "snippet_recall": recall if snippets else None,
            "snippet_f1": f1 if snippets else None,
            "snippet_counts": [tp, fn, fp] if snippets else None,
            "snippet_desc_recall": recall_desc if snippets else None,
            "snippet_desc_f1": f1_desc if snippets else None,
            "ms_per_page": mean([r["ms"] for r in rows]),
        }

    def misses(self, page: Page, field: str, outs: dict[str, Output]) -> tuple[float, list[str]]:
        ours, exp = outs[NEWSCRAWL], page.expected
        if field == "snippets":
            return self._snippet_misses(page, outs)
        if field == "date":
            want = exp.get("date")
            if not want or m.same_day(want, ours.date):
                return 0.0, []
            return date_miss(page, want, outs)
        if field == "headline":
            want = exp.get("title")
            return headline_miss(page, want, outs, m.normalise) if want else (0.0, [])
        if exp.get("authors") is None:
            return 0.0, []
        return authors_miss(page, exp["authors"], names, outs)

    def _snippet_misses(self, page: Page, outs: dict[str, Output]) -> tuple[float, list[str]]:
        exp, text = page.expected, main_text(outs[NEWSCRAWL])
        tally = m.snippet_counts(text, exp["with"], exp["without"])
        if not tally.missed and not tally.leaked:
            return 0.0, []
        detail = f"{tally.fn} of {len(exp['with'])} 'with' missed, {tally.fp} 'without' leaked"
        lines = [header(page, detail)]
        hay = m.snippet_text(text or "")
        lines += [f"   - {cut(s)}" for s in tally.missed]
        lines += [f"   + {cut(s)}   in: …{_around(hay, m.snippet_text(s))}…" for s in tally.leaked]
        lines.append(f"   newscrawl text: {len(hay)} characters, starts {cut(hay, 100)!r}")
        for tool, out in outs.items():
            if tool != NEWSCRAWL and tool not in DATE_ONLY:
                theirs = m.snippet_counts(main_text(out), exp["with"], exp["without"])
                lines.append(f"   {tool}: {theirs.fn} missed, {theirs.fp} leaked")
        return float(tally.fn + tally.fp), lines


def _around(hay: str, needle: str, width: int = 60) -> str:
    at = hay.find(needle)
    return cut(hay[max(0, at - width) : at + len(needle) + width], 3 * width + len(needle))
