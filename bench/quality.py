"""Extraction quality on the four dev sets: newscrawl against trafilatura and htmldate, field by field.

Usage::

    python bench/quality.py [--set fundus,longtail,dates,bodies] [--jobs 2] [--no-peer]
                            [--peers newspaper4k] [--errors FIELD] [--only SUBSTRING]
                            [--json PATH] [--compare OLD.json] [--cache DIR | --no-cache]
                            [--write-baseline]

Each set is read from ``<datasets>/<set>/index.jsonl`` (datasets: ``$NEWSCRAWL_DATASETS`` or
``../shared/datasets`` beside the repository). Every page is parsed by
:func:`newscrawl.parse_article` and, unless ``--no-peer``, by the peers: trafilatura on every
field of every set, htmldate (``find_date``, with ``original_date=True`` and with its defaults)
on the dates of fundus, longtail and dates; ``--peers newspaper4k`` adds newspaper4k (slow).
What each tool is given and which of its outputs is compared: ``bench/qualitysets/tools.py``.
How each set is scored, as its README's "Metrics to use" says: the docstrings of
``bench/qualitysets/{fundus,longtail,dates,bodies}.py`` and ``bench/zyte_eval.py``.

Halves: every page is in the tuning half (0) or the checking half (1) by the parity of
``int(md5(key).hexdigest(), 16) % 2``, key = the page's URL as its index gives it (``hard::...``
keys included), or its id when the URL is null (bodies). Every figure is computed over all
pages, the tuning half and the checking half.

The tools run in a pool of ``--jobs`` processes (2 by default); CPU milliseconds per page are
measured with ``time.process_time`` around each tool's call, inside the worker. The peers'
outputs are cached per page (``bench/results/cache``, gitignored, keyed by tool, version, page
file and its SHA-256), so a rerun costs only newscrawl's time; their CPU time is the one measured
when the cache entry was made.

Output: one markdown table per set on stdout and ``bench/results/quality.json`` (every figure of
every tool and subset, and one row per page; a run with ``--only`` or some of the sets writes
``bench/results/quality-partial.json`` instead, so that the recorded full run stays as it is).
``--errors FIELD`` writes newscrawl's misses of a field to
``bench/results/errors/<set>-<field>.txt``, worst first; ``--compare OLD.json`` prints the
figures and pages whose score changed since an earlier report (of the sets both runs have).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.qualitysets.cache import PeerCache
from bench.qualitysets.common import ROOT
from bench.qualitysets.report import LEGEND, compare, report, table, write_json
from bench.qualitysets.runner import SETS, DatasetMissing, SetRun, measure
from bench.qualitysets.tools import NEWSCRAWL, OPTIONAL_PEERS, PEERS, quiet, version

if TYPE_CHECKING:
    from collections.abc import Sequence

RESULTS = ROOT / "bench" / "results"
DEFAULT_JSON = RESULTS / "quality.json"
PARTIAL_JSON = RESULTS / "quality-partial.json"
DEFAULT_CACHE = RESULTS / "cache"
ERRORS = RESULTS / "errors"
BASELINE = RESULTS / "baseline.json"
MARGIN = 0.01
FIELDS = ("headline", "authors", "date", "body", "snippets", "captions")


@dataclass
class Options:
    sets: tuple[str, ...] = tuple(SETS)
    jobs: int = 2
    peers: tuple[str, ...] = PEERS
    errors: str | None = None
    only: str | None = None
    json_path: Path = field(default=DEFAULT_JSON)
    compare: Path | None = None
    cache: Path | None = field(default=DEFAULT_CACHE)
    write_baseline: bool = False


def _names(value: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or value!r} (choose from {', '.join(allowed)})"
        )
    return names


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--set",
        dest="sets",
        type=lambda v: _names(v, tuple(SETS), "set"),
        default=tuple(SETS),
        help="comma-separated dev sets (default: all four)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--no-peer", action="store_true", help="newscrawl only")
    parser.add_argument(
        "--peers",
        type=lambda v: _names(v, OPTIONAL_PEERS, "peer"),
        default=(),
        help="optional peers to add: newspaper4k (slow)",
    )
    parser.add_argument("--errors", choices=FIELDS, help="write newscrawl's misses of FIELD")
    parser.add_argument("--only", metavar="SUBSTRING", help="pages whose id/url/publisher has it")
    parser.add_argument(
        "--json",
        type=Path,
        help=f"where to write figures (default {DEFAULT_JSON.name}; {PARTIAL_JSON.name} for a run "
        "with --only or some of the sets)",
    )
    parser.add_argument("--compare", type=Path, metavar="OLD.json", help="changes since a report")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="the peers' cache")
    parser.add_argument("--no-cache", action="store_true", help="rerun the peers, cache nothing")
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help=f"pin the quality gate's floors (measured - {MARGIN}) in {BASELINE.name}",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.write_baseline and (args.only or len(args.sets) < len(SETS)):
        parser.error("--write-baseline needs a run over every page of every set (no --only/--set)")
    peers = () if args.no_peer else (*PEERS, *args.peers)
    partial = bool(args.only) or len(args.sets) < len(SETS)
    json_path = args.json or (PARTIAL_JSON if partial else DEFAULT_JSON)
    cache = None if args.no_cache else args.cache
    return Options(
        args.sets,
        args.jobs,
        peers,
        args.errors,
        args.only,
        json_path,
        args.compare,
        cache,
        args.write_baseline,
    )


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _commit() -> str | None:
    """HEAD's short hash, "+dirty" when newscrawl/ or the benchmark has uncommitted changes."""
    head = _git("rev-parse", "--short", "HEAD")
    if head is None:
        return None
    dirty = _git(
        "status", "--porcelain", "--", "newscrawl", "bench/qualitysets", "bench/quality.py"
    )
    return head + ("+dirty" if dirty else "")


def write_errors(runs: dict[str, SetRun], name: str) -> list[Path]:
    """``--errors``: newscrawl's misses of one field, one file per set that has the field."""
    written = []
    for set_name, run in runs.items():
        if name not in run.devset.error_fields:
            continue
        blocks = []
        for i, page in enumerate(run.pages):
            outs = {tool: run.outputs[tool][i] for tool in run.tools}
            severity, lines = run.devset.misses(page, name, outs)
            if severity > 0:
                blocks.append((severity, i, lines))
        blocks.sort(key=lambda b: (-b[0], b[1]))
        path = ERRORS / f"{set_name}-{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        head = f"# {set_name} {name}: newscrawl misses {len(blocks)} of {len(run.pages)} pages, worst first"
        text = "\n\n".join(["\n".join(b[2]) for b in blocks])
        path.write_text(f"{head}\n\n{text}\n", encoding="utf-8")
        written.append(path)
    return written


def write_baseline(runs: dict[str, SetRun]) -> None:
    """The floors of ``tests/test_quality_gate.py``: every rate figure of newscrawl over all
    pages of each set, minus ``MARGIN``, with the SHA-256 of the index it was measured on."""
    old = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else {}
    sets: dict[str, Any] = {}
    for name, run_ in runs.items():
        figures = run_.figures(NEWSCRAWL)["all"]
        rates = [m.key for m in run_.devset.metrics if m.kind == "rate"]
        measured = {k: round(figures[k], 4) for k in rates}
        floors = {k: round(v - MARGIN, 4) for k, v in measured.items()}
        sets[name] = {"index_sha256": run_.index_sha256, "measured": measured, "floors": floors}
    data = {
        "_note": (
            "Floors of tests/test_quality_gate.py: newscrawl's figures over all pages of each "
            f"dev set (bench/quality.py --write-baseline, commit {_commit()}) minus {MARGIN}; "
            "index_sha256 pins the dev set they were measured on. fixture_body_f1: the body F1 "
            "every fixture of fixtures/ must reach."
        ),
        "sets": sets,
        "fixture_body_f1": old.get("fixture_body_f1", 0.99),
    }
    BASELINE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def run(options: Options) -> int:
    try:
        old = _load_old(options.compare)
    except ValueError as exc:
        print(f"quality: {exc}", file=sys.stderr)
        return 2
    cache = None
    if options.cache is not None:
        cache = PeerCache(options.cache, {t: version(t) for t in options.peers})
    started = time.perf_counter()
    try:
        runs = measure(options.sets, options.peers, options.jobs, cache, options.only)
    except DatasetMissing as exc:
        print(f"quality: {exc}", file=sys.stderr)
        return 2
    runs = {name: r for name, r in runs.items() if r.pages}
    if not runs:
        print(f"quality: no page matches --only {options.only!r}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - started
    for run_ in runs.values():
        figures = {t: run_.figures(t) for t in run_.tools}
        print(table(run_, figures), end="\n\n")
    print(LEGEND)
    meta = _meta(options, runs, wall, cache)
    data = report(runs, meta)
    write_json(data, options.json_path)
    print(f"quality: wrote {options.json_path}", file=sys.stderr)
    if options.errors:
        for path in write_errors(runs, options.errors):
            print(f"quality: wrote {path}", file=sys.stderr)
    if options.write_baseline:
        write_baseline(runs)
        print(f"quality: wrote {BASELINE}", file=sys.stderr)
    if old:
        print("\nChanges since", options.compare)
        for line in compare(old, data):
            print(line)
    print(
        f"quality: {sum(len(r.pages) for r in runs.values())} pages in {wall:.1f} s",
        file=sys.stderr,
    )
    return 0


def _load_old(path: Path | None) -> dict[str, Any] | None:
    """The report ``--compare`` names (read before this run overwrites it)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read --compare {path}: {exc}") from None
    if not isinstance(data, dict) or "sets" not in data:
        raise ValueError(f"--compare {path} is not a report of this benchmark")
    return data


def _meta(
    options: Options, runs: dict[str, SetRun], wall: float, cache: PeerCache | None
) -> dict[str, Any]:
    tools = sorted({t for r in runs.values() for t in r.tools})
    return {
        "commit": _commit(),
        "sets": list(runs),
        "only": options.only,
        "jobs": options.jobs,
        "versions": {t: version(t) for t in tools},
        "wall_s": round(wall, 1),
        "peer_cache_hits": cache.hits if cache else 0,
        "halves": "int(md5(key).hexdigest(), 16) % 2; key = url, or id when url is null",
    }


def main(argv: Sequence[str] | None = None) -> int:
    quiet()
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
