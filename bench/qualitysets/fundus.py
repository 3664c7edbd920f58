"""The fundus dev set (258 pages of large publishers, ``fundus/index.jsonl``), scored as always:

headline
    exact match after :func:`~bench.qualitysets.metrics.fold` (NFKC, invisible characters
    dropped, whitespace folded, casefolded).
authors
    the *set* of names equal: every name (ours, the peers' and the expected ones alike) split on
    commas, semicolons (trafilatura joins authors with "; "), "&", " and ", " und ", stripped
    of a leading "By"/"Von" and folded like the headline. A page whose expected authors are
    missing or empty counts as right when no author is output.
date
    the publication day equal: the first 10 characters of the output date against the expected
    "YYYY-MM-DD ..." (the earliest release date of the ground truth).
body
    precision / recall / F1 of token 4-gram shingles as a multiset, tokens = casefolded ``\\w+``
    runs with every CJK character a token of its own, averaged over pages. The reference is the
    section headlines plus paragraphs. The expected summary (teaser) is *neutral*: newscrawl
    keeps it in ``description`` and not in ``body``, trafilatura keeps it in its text, so output
    shingles found only in the summary are removed before counting.
captions
    the share of expected captions (micro average over all pages) found among the output's image
    captions, each taken bare and joined with its credit (Fundus captions have no credit); see
    :func:`~bench.qualitysets.metrics.caption_found`. Only newscrawl outputs captions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    diff_lines,
    header,
    headline_miss,
    mean,
    read_index,
)
from bench.qualitysets.tools import DATE_ONLY, NEWSCRAWL, PEERS, TRAFILATURA, WITH_CAPTIONS

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from bench.qualitysets.tools import Output


def expected_body(body: dict[str, Any]) -> tuple[str, str]:
    """(section headlines + paragraphs, summary) of a Fundus body, as text.

    >>> expected_body({"summary": ["T"], "sections": [{"headline": ["H"], "paragraphs": ["P"]}]})
    ('H\\n\\nP', 'T')
    """
    parts: list[str] = []
    for section in body.get("sections") or ():
        parts.extend(section.get("headline") or ())
        parts.extend(section.get("paragraphs") or ())
    return "\n\n".join(parts), "\n\n".join(body.get("summary") or ())


def expected_captions(images: Iterable[dict[str, Any]] | None) -> list[str]:
    return [i["caption"] for i in images or () if i.get("caption")]


def authors_ok(expected: Sequence[str] | None, got: Sequence[str]) -> bool:
    """Same set of names; no expected name means none should be output.

    >>> authors_ok(["Ana Lee", "Bo Chen"], ["By Bo Chen and Ana Lee"]), authors_ok(None, [])
    (True, True)
    """
    return m.split_names(expected or ()) == m.split_names(got)


def date_ok(expected: str | None, got: str | None) -> bool:
    """Same publication day; no expected date means none should be output.

    >>> date_ok("2024-05-03 18:19:08", "2024-05-03T18:19:08+02:00"), date_ok(None, None)
    (True, True)
    """
    return m.same_day(expected, got) if expected else not got


def our_captions(out: Output) -> list[str]:
    """Each caption bare and joined with its credit."""
    found: list[str] = []
    for caption, credit in out.captions:
        found.append(caption)
        if credit:
            found.append(f"{caption} {credit}")
    return found


class Fundus(DevSet):
    name = "fundus"
    tools = (NEWSCRAWL, *PEERS)
    metrics = (
        Metric("headline", "headline, exact match"),
        Metric("authors", "authors, set equal"),
        Metric("date", "date, same day"),
        Metric("body_precision", "body precision"),
        Metric("body_recall", "body recall"),
        Metric("body_f1", "body F1"),
        Metric("captions", "captions found"),
        Metric("ms_per_page", "CPU ms / page", "ms"),
    )
    error_fields = ("headline", "authors", "date", "body", "captions")

    def load(self, folder: Path) -> list[Page]:
        pages = []
        for row in read_index(folder):
            name = f"{row['country']}/{row['publisher']}/{row['parser_version']}"
            pages.append(
                Page(
                    self.name,
                    name,
                    row["url"],
                    row["url"],
                    row["html_file"],
                    folder,
                    row["expected"],
                    row["publisher"],
                )
            )
        return pages

    def score(self, page: Page, tool: str, out: Output) -> Row:
        exp = page.expected
        row: Row = {"date": date_ok(exp.get("publishing_date"), out.date)}
        if tool in DATE_ONLY:
            return row
        want_body, summary = expected_body(exp.get("body") or {})
        p, r, f = m.body_prf(want_body, out.body, summary)
        row.update(
            headline=m.fold(exp.get("title")) == m.fold(out.headline),
            authors=authors_ok(exp.get("authors"), out.authors),
            body_p=round(p, 4),
            body_r=round(r, 4),
            body_f1=round(f, 4),
        )
        if tool in WITH_CAPTIONS:
            wanted = expected_captions(exp.get("images"))
            ours = our_captions(out)
            row["captions"] = [sum(m.caption_found(c, ours) for c in wanted), len(wanted)]
        return row

    def summarise(self, rows: Sequence[Row]) -> Figures:
        def avg(key: str) -> float | None:
            return mean([r[key] for r in rows if r.get(key) is not None])

        caps = [r["captions"] for r in rows if r.get("captions") is not None]
        total = sum(c[1] for c in caps)
        return {
            "pages": len(rows),
            "headline": avg("headline"),
            "authors": avg("authors"),
            "date": avg("date"),
            "body_precision": avg("body_p"),
            "body_recall": avg("body_r"),
            "body_f1": avg("body_f1"),
            "captions": sum(c[0] for c in caps) / total if total else None,
            "captions_total": total if caps else None,
            "ms_per_page": avg("ms"),
        }

    def misses(self, page: Page, field: str, outs: dict[str, Output]) -> tuple[float, list[str]]:
        ours, exp = outs[NEWSCRAWL], page.expected
        if field == "body":
            return self._body_misses(page, outs)
        if field == "captions":
            return self._caption_misses(page, ours)
        if field == "date":
            want = exp.get("publishing_date")
            return (0.0, []) if date_ok(want, ours.date) else date_miss(page, want, outs)
        if field == "headline":
            return headline_miss(page, exp.get("title") or "", outs, m.fold)
        return authors_miss(page, exp.get("authors") or [], m.split_names, outs)

    def _body_misses(self, page: Page, outs: dict[str, Output]) -> tuple[float, list[str]]:
        ours = outs[NEWSCRAWL]
        want_text, summary = expected_body(page.expected.get("body") or {})
        p, r, f = m.body_prf(want_text, ours.body, summary)
        if f >= 0.99:
            return 0.0, []
        have = m.word_shingles(ours.body)
        allowed = m.word_shingles(want_text) + m.word_shingles(summary)
        lines = [header(page, f"F1 {f:.3f}  P {p:.3f}  R {r:.3f}")]
        if TRAFILATURA in outs:
            tp, tr, tf = m.body_prf(want_text, outs[TRAFILATURA].body, summary)
            lines.append(f"   trafilatura: F1 {tf:.3f}  P {tp:.3f}  R {tr:.3f}")
        missed = [t for t in want_text.split("\n\n") if m.coverage(m.word_shingles(t), have) < 0.5]
        extra = [
            t for t in ours.body.split("\n\n") if m.coverage(m.word_shingles(t), allowed) < 0.5
        ]
        return 1.0 - f, lines + diff_lines(missed, extra)

    def _caption_misses(self, page: Page, ours: Output) -> tuple[float, list[str]]:
        ours_all = our_captions(ours)
        missing = [
            c
            for c in expected_captions(page.expected.get("images"))
            if not m.caption_found(c, ours_all)
        ]
        if not missing:
            return 0.0, []
        lines = [header(page, f"{len(missing)} captions missed")]
        lines += [f"   ours: {cut(c, 100)}" for c in ours_all]
        lines += [f"   - {cut(c)}" for c in missing]
        return float(len(missing)), lines
