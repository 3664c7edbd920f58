"""What ``bench/quality.py`` writes: a markdown table per set, the JSON file, error logs, diffs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bench.qualitysets.common import SUBSETS, Figures
from bench.qualitysets.tools import HTMLDATE_DEFAULT, HTMLDATE_ORIGINAL, NEWSCRAWL

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from bench.qualitysets.common import Metric
    from bench.qualitysets.runner import SetRun

HEADINGS = {
    NEWSCRAWL: "newscrawl",
    HTMLDATE_ORIGINAL: "htmldate (original)",
    HTMLDATE_DEFAULT: "htmldate (default)",
}
_HTMLDATE = (HTMLDATE_ORIGINAL, HTMLDATE_DEFAULT)

# ------------------------------------------------------------------------------------ tables


def cell(value: Any, metric: Metric) -> str:
    """A figure as the table shows it ("—": the tool gives no such field).

    >>> from bench.qualitysets.common import Metric
    >>> cell(0.78449, Metric("x", "x")), cell(12, Metric("e", "e", "count")), cell(None, Metric("x", "x"))
    ('0.784', '12', '—')
    """
    if value is None:
        return "—"
    if metric.kind == "count":
        return str(value)
    if metric.kind == "ms":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _best(values: dict[str, Any], metric: Metric) -> set[str]:
    """The tools whose figure is the best of the row (none for the time row)."""
    known: dict[str, float] = {t: v for t, v in values.items() if v is not None}
    if metric.kind == "ms" or len(known) < 2:
        return set()
    best = min(known.values()) if metric.kind == "count" else max(known.values())
    return {t for t, v in known.items() if round(v, 3) == round(best, 3)}


def _better_htmldate(values: dict[str, Any], metric: Metric) -> set[str]:
    return _best({t: values[t] for t in _HTMLDATE if t in values}, metric)


def table(run: SetRun, figures: dict[str, dict[str, Figures]]) -> str:
    """One set's markdown table: newscrawl (all, tune, check) and each peer over all pages."""
    ours = figures[NEWSCRAWL]
    peers = [t for t in run.tools if t != NEWSCRAWL]
    counts = f"{ours['all']['pages']} pages: tune {ours['tune']['pages']}, check {ours['check']['pages']}"
    heads = ["newscrawl", "tune", "check", *(HEADINGS.get(t, t) for t in peers)]
    lines = [
        f"**{run.devset.name}** ({counts})",
        "",
        "| metric | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(heads),
    ]
    for metric in run.devset.metrics:
        values = {t: figures[t]["all"].get(metric.key) for t in run.tools}
        best, better = _best(values, metric), _better_htmldate(values, metric)
        cells = []
        for tool in run.tools:
            text = cell(values[tool], metric)
            text = f"**{text}**" if tool in best else text
            cells.append(text + ("\\*" if tool in better else ""))
        halves = [cell(ours[s].get(metric.key), metric) for s in ("tune", "check")]
        row = [cells[0], *halves, *cells[1:]]
        lines.append(f"| {_label(metric, ours['all'])} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _label(metric: Metric, figures: Figures) -> str:
    covered = figures.get(f"{metric.key}_pages")
    return f"{metric.label} ({covered} pages)" if covered is not None else metric.label


LEGEND = (
    "Bold: the best figure of the row; \\*: the better of htmldate's two modes; —: the tool "
    "gives no such field. tune / check: newscrawl on the tuning and the checking half."
)

# -------------------------------------------------------------------------------------- JSON


def _rounded(figures: Figures) -> Figures:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in figures.items()}


def report(runs: dict[str, SetRun], meta: dict[str, Any]) -> dict[str, Any]:
    """Every figure (each tool, each subset) and the per-page rows of every set."""
    sets: dict[str, Any] = {}
    for name, run in runs.items():
        figures = {t: {s: _rounded(f) for s, f in run.figures(t).items()} for t in run.tools}
        pages = []
        for i, page in enumerate(run.pages):
            row: dict[str, Any] = {"id": page.id, "key": page.key, "half": page.half}
            # CPU time stays out of the page rows, so that a rerun changes only the lines of
            # pages whose score changed (it is in the figures, per tool and subset)
            row.update({t: _without_ms(run.rows[t][i]) for t in run.tools})
            pages.append(row)
        sets[name] = {
            "pages": len(run.pages),
            "index_sha256": run.index_sha256,
            "tools": list(run.tools),
            "figures": figures,
            "page_rows": pages,
        }
    return {"run": meta, "sets": sets}


def _without_ms(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "ms"}


def write_json(data: dict[str, Any], path: Path) -> None:
    """The report as JSON, one line per page row (so that two runs diff line by line)."""
    parts = ["{", f' "run": {json.dumps(data["run"], ensure_ascii=False)},', ' "sets": {']
    names = list(data["sets"])
    for n, name in enumerate(names):
        parts.append(f"  {json.dumps(name)}: {{")
        for key, value in data["sets"][name].items():
            if key == "figures":
                parts.append('   "figures": {')
                parts.append(",\n".join(_figure_lines(value)))
                parts.append("   },")
            elif key != "page_rows":
                parts.append(f"   {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
        rows = data["sets"][name]["page_rows"]
        parts.append('   "page_rows": [')
        parts.append(",\n".join(f"    {json.dumps(r, ensure_ascii=False)}" for r in rows))
        parts.append("   ]")
        parts.append("  }" + ("," if n < len(names) - 1 else ""))
    parts += [" }", "}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)


def _figure_lines(figures: dict[str, dict[str, Figures]]) -> Iterator[str]:
    for tool, subsets in figures.items():
        inner = ",\n".join(f"     {json.dumps(s)}: {json.dumps(f)}" for s, f in subsets.items())
        yield f"    {json.dumps(tool)}: {{\n{inner}\n    }}"


# ------------------------------------------------------------------------------------ compare


def compare(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """The figures and the pages whose score changed between two reports (time aside)."""
    for name, now in new["sets"].items():
        before = old.get("sets", {}).get(name)
        if before is None:
            yield f"{name}: not in the old report"
            continue
        yield from _figure_changes(name, before["figures"], now["figures"])
        yield from _page_changes(name, before["page_rows"], now["page_rows"])


def _figure_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for tool, subsets in new.items():
        for subset in SUBSETS:
            was, now = old.get(tool, {}).get(subset, {}), subsets.get(subset, {})
            for key, value in now.items():
                if key == "ms_per_page" or was.get(key) == value:
                    continue
                delta = ""
                if isinstance(value, float) and isinstance(was.get(key), float):
                    delta = f"  ({value - was[key]:+.4f})"
                yield f"{name} {tool} {subset} {key}: {was.get(key)} -> {value}{delta}"


def _page_changes(name: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterator[str]:
    before = {r["id"]: r for r in old}
    changed = 0
    for row in new:
        was = before.get(row["id"])
        if was is None:
            continue
        for tool, scores in row.items():
            if not isinstance(scores, dict) or not isinstance(was.get(tool), dict):
                continue
            diffs = [
                f"{k} {was[tool].get(k)} -> {v}"
                for k, v in scores.items()
                if k != "ms" and was[tool].get(k) != v
            ]
            if diffs:
                changed += 1
                yield f"{name} {tool} {row['id']} (half {row['half']}): " + ", ".join(diffs)
    yield f"{name}: {changed} page scores changed"
