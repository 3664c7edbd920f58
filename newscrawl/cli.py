"""The ``newscrawl`` command: one sub-command per module in ``newscrawl.commands``.

Every failure the user can cause ends in one line on stderr ("newscrawl: ...") and a
non-zero exit code; no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from newscrawl import __version__
from newscrawl.errors import NewscrawlError

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Sub-command name -> module in newscrawl.commands (``add_arguments`` and ``run``).
COMMANDS: dict[str, str] = {
    "scrape": "scrape",
    "schema": "schema",
    "merge": "merge",
    "crawl": "crawl",
    "demo": "demo",
    "redis": "redis",
}

#: Exit codes (documented in the README).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"newscrawl: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newscrawl", description="News scraping and ingestion on Scrapy.")
    parser.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    parser.add_argument("--log-level", default="WARNING", help="log level (default WARNING)")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"newscrawl.commands.{module_name}")
        sub = subs.add_parser(name, help=module.__doc__.splitlines()[0] if module.__doc__ else "")
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=str(args.log_level).upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
    except NewscrawlError as exc:
        print(f"newscrawl: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        if exc.filename:  # a file error a command did not turn into its own message
            print(f"newscrawl: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_FAILED
        _drop_stdout()  # writing the standard output failed (disk full, closed pipe)
        print(f"newscrawl: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("newscrawl: interrupted", file=sys.stderr)
        return 130
    return code


def _drop_stdout() -> None:
    """Point the standard output at /dev/null: what is still buffered for it cannot be
    written either, and must not fail again when the interpreter exits."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured output)
        return
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
