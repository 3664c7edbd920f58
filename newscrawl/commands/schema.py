"""Print the JSON Schema of the record."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from newscrawl.record.schema_check import schema_text

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    del args
    sys.stdout.write(schema_text())
    return 0
