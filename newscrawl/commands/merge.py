"""Merge run outputs into one dataset: latest version per canonical_url, validated, sorted."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from newscrawl.errors import NewscrawlError
from newscrawl.output.dataset import MergeReport, winning_records, write_atomically
from newscrawl.output.jsonl import dumps
from newscrawl.output.parquet import write_parquet

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="run outputs (.jsonl)")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="DATASET",
        help="the dataset file to write (replaced atomically)",
    )
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--quiet", action="store_true", help="do not list bad lines")


def run(args: argparse.Namespace) -> int:
    for path in args.files:
        if not path.is_file():
            raise NewscrawlError(f"input file not found: {path}")
    report = MergeReport()
    records = winning_records(args.files, report)
    if args.format == "parquet":
        write_parquet(args.output, records)
    else:
        write_atomically(args.output, ((dumps(r) + "\n").encode("utf-8") for r in records))
    if not args.quiet:
        for problem in report.problems:
            print(f"newscrawl: skipped {problem}", file=sys.stderr)
    print(
        f"merged {report.lines} lines from {len(args.files)} files into {report.records} records"
        f" ({report.superseded} older versions replaced, {report.bad_lines} bad lines skipped)"
        f" -> {args.output}",
        file=sys.stderr,
    )
    return 0
