"""What every dev set of the quality benchmark shares: its pages, their halves, its interface."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from bench.qualitysets.tools import DATE_ONLY, NEWSCRAWL

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from bench.qualitysets.tools import Output

ROOT = Path(__file__).resolve().parents[2]
TUNE, CHECK = 0, 1
SUBSETS = ("all", "tune", "check")

Row = dict[str, Any]
"""One page's figures for one tool (JSON-ready; None where the tool gives no such field)."""
Figures = dict[str, Any]
"""One tool's figures over a set of pages (None where the tool gives no such field)."""


def datasets_dir() -> Path:
    """``$NEWSCRAWL_DATASETS``, or ``../shared/datasets`` beside the repository."""
    return Path(os.environ.get("NEWSCRAWL_DATASETS", ROOT.parent / "shared" / "datasets"))


def half(key: str) -> int:
    """The half a page belongs to: 0 = tuning, 1 = checking, by the parity of its key's MD5.

    >>> hashlib.md5(b"0001").hexdigest()[-1], half("0001")  # an even last hex digit
    ('2', 0)
    >>> hashlib.md5(b"https://example.com/a").hexdigest()[-1], half("https://example.com/a")
    ('3', 1)
    """
    return int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16) % 2


@dataclass(frozen=True)
class Page:
    """One dev-set page."""

    dataset: str
    id: str
    """How logs and ``--compare`` name it (fundus: ``cc/Publisher/Vn``, others: ``0001``)."""
    key: str
    """The halves' key: the page's URL as given, or its id when it has none (bodies)."""
    url: str
    """The URL every tool is given."""
    file: str
    """The gzipped page, relative to the dev set's folder."""
    folder: Path
    expected: dict[str, Any]
    publisher: str = ""

    @property
    def path(self) -> Path:
        return self.folder / self.file

    @property
    def half(self) -> int:
        return half(self.key)

    def matches(self, needle: str) -> bool:
        """``--only``: the needle is in the id, URL or publisher (case-insensitive)."""
        needle = needle.casefold()
        return any(needle in s.casefold() for s in (self.id, self.key, self.publisher))


def read_index(folder: Path) -> Iterator[dict[str, Any]]:
    with (folder / "index.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def mean(values: Sequence[float | int | bool]) -> float | None:
    """The average, None for no value."""
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Metric:
    """One row of a set's table."""

    key: str
    label: str
    kind: str = "rate"
    """"rate" (0..1, higher is better, gated), "info" (a rate shown for information, not
    gated), "count" (pages, lower is better) or "ms" (CPU milliseconds per page)."""


class DevSet:
    """One dev set: how to load it, score a tool's output on a page, sum up, explain misses."""

    name: ClassVar[str]
    tools: ClassVar[tuple[str, ...]]
    """The tools run on this set (optional peers are added when asked for)."""
    metrics: ClassVar[tuple[Metric, ...]]
    error_fields: ClassVar[tuple[str, ...]]

    def load(self, folder: Path) -> list[Page]:
        raise NotImplementedError

    def score(self, page: Page, tool: str, out: Output) -> Row:
        raise NotImplementedError

    def summarise(self, rows: Sequence[Row]) -> Figures:
        raise NotImplementedError

    def misses(self, page: Page, field: str, outs: dict[str, Output]) -> tuple[float, list[str]]:
        """(severity, lines) of newscrawl's miss of ``field`` on ``page``; severity 0: no miss.

        ``outs`` holds every tool's output on the page (peers' answers are shown beside ours).
        """
        raise NotImplementedError


# ------------------------------------------------------------------------ error-log helpers

_WS = re.compile(r"\s+")


def cut(text: str | None, width: int = 160) -> str:
    """One line of at most ``width`` characters.

    >>> cut("a  b\\n c"), cut("x" * 10, 5)
    ('a b c', 'xxxx…')
    """
    text = _WS.sub(" ", text or "").strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def header(page: Page, detail: str) -> str:
    name = f" ({page.publisher})" if page.publisher and page.publisher not in page.id else ""
    where = f"  {page.key}" if page.key != page.id else ""
    return f"== {page.id}{name}  half {page.half}{where}  {detail}"


def similarity(a: str, b: str) -> float:
    """Share of characters the two strings have in common, in order (0..1).

    >>> similarity("abcd", "abcd"), similarity("abcd", "wxyz")
    (1.0, 0.0)
    """
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def peer_lines(outs: dict[str, Output], show: Any) -> list[str]:
    """``   tool: <show(output)>`` for every peer that gives this field."""
    lines = []
    for tool, out in outs.items():
        value = show(tool, out)
        if tool != NEWSCRAWL and value is not None:
            lines.append(f"   {tool}: {value}")
    return lines


def diff_lines(missed: Sequence[str], extra: Sequence[str], limit: int = 15) -> list[str]:
    """Expected paragraphs missed (-) and output ones not expected (+), at most ``limit`` each.

    >>> diff_lines(["a", "b", "c"], ["x"], limit=2)
    ['   - a', '   - b', '   … 1 more missed', '   + x']
    """
    lines = [f"   - {cut(t)}" for t in missed[:limit]]
    if len(missed) > limit:
        lines.append(f"   … {len(missed) - limit} more missed")
    lines += [f"   + {cut(t)}" for t in extra[:limit]]
    if len(extra) > limit:
        lines.append(f"   … {len(extra) - limit} more not expected")
    return lines


Miss = tuple[float, list[str]]
"""(severity, lines) of one page's block in an error log; severity 0: no miss."""


def date_miss(page: Page, want: str | None, outs: dict[str, Output]) -> Miss:
    """The block of a page whose day newscrawl missed: a wrong day weighs more than none."""
    ours = outs[NEWSCRAWL]
    kind, severity = ("no date", 1.0) if not ours.date else ("wrong day", 2.0)
    lines = [header(page, kind), f"   expected: {want}", f"   newscrawl: {ours.date}"]
    raw, modified = ours.extra.get("date_raw"), ours.extra.get("date_modified")
    lines.append(f"   newscrawl date_raw: {raw!r}, date_modified: {modified!r}")
    return severity, lines + peer_lines(outs, lambda t, o: o.date)


def headline_miss(
    page: Page, want: str, outs: dict[str, Output], folding: Callable[[str], str]
) -> Miss:
    """The block of a page whose headline newscrawl missed; the least similar first."""
    have = outs[NEWSCRAWL].headline or ""
    if folding(want) == folding(have):
        return 0.0, []
    severity = 1.0 - similarity(folding(want), folding(have))
    lines = [header(page, f"similarity {1 - severity:.2f}")]
    lines += [f"   expected: {want!r}", f"   newscrawl: {have!r}"]
    return severity, lines + peer_lines(
        outs, lambda t, o: None if t in DATE_ONLY else repr(o.headline)
    )


def authors_miss(
    page: Page,
    want_names: Sequence[str],
    splitting: Callable[[Sequence[str]], set[str]],
    outs: dict[str, Output],
) -> Miss:
    """The block of a page whose set of names newscrawl missed; the most names off first."""
    ours = outs[NEWSCRAWL]
    want_set, have_set = splitting(want_names), splitting(ours.authors)
    if want_set == have_set:
        return 0.0, []
    wrong, missed = len(have_set - want_set), len(want_set - have_set)
    kind = "labelled: no author" if not want_names else f"{wrong} wrong, {missed} missed"
    lines = [
        header(page, kind),
        f"   expected: {list(want_names)}",
        f"   newscrawl: {ours.authors}",
    ]
    lines.append(f"   newscrawl byline: {ours.extra.get('byline')!r}")
    lines += peer_lines(outs, lambda t, o: None if t in DATE_ONLY else o.authors)
    return float(wrong + missed), lines
