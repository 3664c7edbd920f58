"""Running the tools over the dev sets: a process pool, the peer cache, one row per page and tool."""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.qualitysets.bodies import Bodies
from bench.qualitysets.cache import file_sha256
from bench.qualitysets.common import DevSet, Figures, Page, Row, datasets_dir
from bench.qualitysets.dates import Dates
from bench.qualitysets.fundus import Fundus
from bench.qualitysets.longtail import Longtail
from bench.qualitysets.tools import (
    NEWSCRAWL,
    OPTIONAL_PEERS,
    Output,
    Task,
    init_worker,
    run_task,
    warm_up,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from bench.qualitysets.cache import PeerCache

SETS: dict[str, DevSet] = {s.name: s for s in (Fundus(), Longtail(), Dates(), Bodies())}


class DatasetMissing(Exception):
    """A dev set's ``index.jsonl`` is not where the datasets folder says."""


@dataclass
class SetRun:
    """Every tool's outputs and rows on one dev set."""

    devset: DevSet
    pages: list[Page]
    index_sha256: str
    tools: tuple[str, ...]
    outputs: dict[str, list[Output]] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def figures(self, tool: str) -> dict[str, Figures]:
        """The tool's figures over all pages, the tuning half and the checking half."""
        rows = self.rows[tool]
        halves = [p.half for p in self.pages]
        return {
            "all": self.devset.summarise(rows),
            "tune": self.devset.summarise([r for r, h in zip(rows, halves, strict=True) if h == 0]),
            "check": self.devset.summarise(
                [r for r, h in zip(rows, halves, strict=True) if h == 1]
            ),
        }


def load_set(name: str, only: str | None = None) -> tuple[list[Page], str]:
    """The pages of one dev set (those matching ``only``) and the SHA-256 of its index."""
    folder = datasets_dir() / name
    index = folder / "index.jsonl"
    if not index.is_file():
        raise DatasetMissing(f"{index} not found (set NEWSCRAWL_DATASETS)")
    pages = SETS[name].load(folder)
    if only:
        pages = [p for p in pages if p.matches(only)]
    return pages, hashlib.sha256(index.read_bytes()).hexdigest()


def _pool_map(tasks: list[Task], jobs: int, tools: tuple[str, ...]) -> Iterator[Output]:
    if jobs <= 1 or len(tasks) < 2:
        warm_up(tools)
        for task in tasks:
            yield Output.from_dict(run_task(task))
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=init_worker, initargs=(tools,)
    ) as pool:
        for data in pool.map(run_task, tasks, chunksize=4):
            yield Output.from_dict(data)


def measure(
    names: Sequence[str],
    peers: Sequence[str],
    jobs: int,
    cache: PeerCache | None,
    only: str | None = None,
) -> dict[str, SetRun]:
    """Run newscrawl and ``peers`` (those a set has) over the named sets; rows scored."""
    runs: dict[str, SetRun] = {}
    for name in names:
        pages, digest = load_set(name, only)
        devset = SETS[name]
        tools = (NEWSCRAWL, *(t for t in peers if t in devset.tools or t in OPTIONAL_PEERS))
        runs[name] = SetRun(devset, pages, digest, tools)
    wanted = _plan(runs, cache)
    tasks = [
        Task(tool, str(runs[name].pages[i].path), runs[name].pages[i].url)
        for name, tool, i in wanted
    ]
    _progress(runs, len(tasks), cache)
    all_tools = tuple(sorted({t.tool for t in tasks}))
    for (name, tool, i), out in zip(wanted, _pool_map(tasks, jobs, all_tools), strict=True):
        page = runs[name].pages[i]
        runs[name].outputs[tool][i] = out
        if cache is not None and tool != NEWSCRAWL:
            cache.put(tool, name, page.file, _digest(page), page.url, out)
    for run in runs.values():
        for tool in run.tools:
            outs = zip(run.pages, run.outputs[tool], strict=True)
            run.rows[tool] = [_row(run.devset, p, tool, o) for p, o in outs]
    return runs


def _plan(runs: dict[str, SetRun], cache: PeerCache | None) -> list[tuple[str, str, int]]:
    """Fill the outputs the cache has; the (set, tool, page index) runs still to do."""
    wanted = []
    for name, run in runs.items():
        for tool in run.tools:
            run.outputs[tool] = [Output()] * len(run.pages)
            for i, page in enumerate(run.pages):
                hit = _cached(cache, tool, page)
                if hit is None:
                    wanted.append((name, tool, i))
                else:
                    run.outputs[tool][i] = hit
    return wanted


def _cached(cache: PeerCache | None, tool: str, page: Page) -> Output | None:
    if cache is None or tool == NEWSCRAWL:
        return None
    return cache.get(tool, page.dataset, page.file, _digest(page), page.url)


def _digest(page: Page) -> str:
    return _file_digest(str(page.path))


@functools.cache
def _file_digest(path: str) -> str:
    return file_sha256(Path(path))


def _row(devset: DevSet, page: Page, tool: str, out: Output) -> Row:
    row = devset.score(page, tool, out)
    row["ms"] = round(out.ms, 2)
    if out.error:
        row["error"] = True
    return row


def _progress(runs: dict[str, SetRun], todo: int, cache: PeerCache | None) -> None:
    pages = sum(len(r.pages) for r in runs.values())
    cached = f", {cache.hits} peer outputs from the cache" if cache is not None else ""
    print(f"quality: {pages} pages, {todo} tool runs{cached}", file=sys.stderr)
