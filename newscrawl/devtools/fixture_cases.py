"""Fixture cases: a saved page plus the record a human expects from it.

A case is a directory ``fixtures/<site>/<slug>/`` holding ``response.html`` (the page
bytes), ``response.json`` (url, status, headers, encoding), ``expected.json`` (the
record, written by hand, canonical JSON) and optionally ``meta.json`` (notes).
``tests/parsers/test_fixtures.py`` checks every case field by field. Two commands help a human
maintain them; neither ever writes ``expected.json``::

    python -m newscrawl.devtools.fixture_cases rerun DIR [--diff]
    python -m newscrawl.devtools.fixture_cases save URL --html FILE DIR [--encoding ENC] [--force]
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from bs4.dammit import UnicodeDammit

from newscrawl.errors import FetchError, NewscrawlError
from newscrawl.parsers import parse_article
from newscrawl.parsers.decode import looks_like_html
from newscrawl.urls import check_http_url

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

RESPONSE_HTML = "response.html"
RESPONSE_JSON = "response.json"
EXPECTED_JSON = "expected.json"
#: Record keys an ``expected.json`` leaves out: computed from other fields
#: (``content_hash``) or known only at run time (``scraped_at``).
UNCHECKED_KEYS: tuple[str, ...] = ("content_hash", "scraped_at")
#: Folders under ``fixtures/`` that hold no cases (the crawl tests' demo site).
NOT_CASES: tuple[str, ...] = ("site",)


class FixtureError(NewscrawlError):
    """A case directory is missing a file or holds a malformed one."""


@attrs.frozen
class Case:
    """The saved inputs of one fixture case."""

    path: Path
    html: bytes
    url: str
    encoding: str | None = None

    @property
    def name(self) -> str:
        """``<site>/<slug>``, the id of the case in test reports."""
        return f"{self.path.parent.name}/{self.path.name}"


def canonical_json(obj: Any) -> str:
    """The one JSON text of ``obj``: sorted keys, UTF-8 characters kept, 2-space indent.

    >>> print(canonical_json({"b": [1], "a": "ü"}))
    {
      "a": "ü",
      "b": [
        1
      ]
    }
    """
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise FixtureError(f"{path} not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise FixtureError(f"{path} does not hold a JSON object")
    return data


def load_case(path: Path) -> Case:
    """Read a case's saved response; :class:`FixtureError` names what is missing."""
    if not path.is_dir():
        raise FixtureError(f"{path} is not a directory")
    info = _read_json(path / RESPONSE_JSON)
    url = info.get("url")
    if not isinstance(url, str) or not url:
        raise FixtureError(f"{path / RESPONSE_JSON} has no 'url' string")
    try:
        html = (path / RESPONSE_HTML).read_bytes()
    except FileNotFoundError as exc:
        raise FixtureError(f"{path / RESPONSE_HTML} not found") from exc
    encoding = info.get("encoding")
    return Case(path=path, html=html, url=url, encoding=encoding if encoding else None)


def load_expected(path: Path) -> dict[str, Any]:
    """The hand-written expected record of a case."""
    return _read_json(path / EXPECTED_JSON)


def discover(root: Path) -> list[Path]:
    """Every case directory ``root/<site>/<slug>/`` that has an ``expected.json``, sorted."""
    found = (
        p.parent for p in root.glob(f"*/*/{EXPECTED_JSON}") if p.parent.parent.name not in NOT_CASES
    )
    return sorted(found)


def current_output(case: Case) -> dict[str, Any]:
    """What the parser makes of a case now, keyed like ``expected.json``."""
    record = parse_article(case.html, case.url).to_dict()
    for key in UNCHECKED_KEYS:
        record.pop(key, None)
    return record


def diff_against_expected(path: Path, output: dict[str, Any]) -> list[str]:
    """A unified diff from ``expected.json`` to ``output`` (empty when they agree)."""
    expected = canonical_json(load_expected(path)).splitlines()
    actual = canonical_json(output).splitlines()
    return list(difflib.unified_diff(expected, actual, EXPECTED_JSON, "parser output", lineterm=""))


def _detect_encoding(data: bytes) -> str:
    detected = UnicodeDammit(data, is_html=True).original_encoding
    if not detected or detected.lower() in ("ascii", "us-ascii"):
        return "utf-8"
    return str(detected).lower()


def _read_page_file(html_file: Path) -> bytes:
    try:
        data = html_file.read_bytes()
    except FileNotFoundError as exc:
        raise FixtureError(f"--html file not found: {html_file}") from exc
    except IsADirectoryError as exc:
        raise FixtureError(f"--html is a directory, not a file: {html_file}") from exc
    except OSError as exc:
        raise FixtureError(f"cannot read --html file {html_file}: {exc.strerror}") from exc
    if not looks_like_html(data):
        raise FixtureError(f"{html_file} does not look like an HTML page")
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def save_case(
    url: str, html_file: Path, directory: Path, encoding: str | None = None, force: bool = False
) -> Path:
    """Create a case directory from a saved page (no ``expected.json``: a human writes it).

    Refuses to replace an existing ``response.html`` unless ``force``.
    """
    try:
        check_http_url(url)
    except FetchError as exc:
        raise FixtureError(str(exc)) from exc
    data = _read_page_file(html_file)
    if (directory / RESPONSE_HTML).exists() and not force:
        raise FixtureError(f"{directory} already holds a case (use --force to replace it)")
    charset = encoding or _detect_encoding(data)
    info = {
        "url": url,
        "status": 200,
        "headers": {"Content-Type": f"text/html; charset={charset}"},
        "encoding": charset,
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(directory / RESPONSE_HTML, data)
        _write_atomically(directory / RESPONSE_JSON, (canonical_json(info) + "\n").encode())
    except OSError as exc:
        raise FixtureError(f"cannot write the case to {directory}: {exc.strerror}") from exc
    logger.info("saved %(url)s as %(dir)s", {"url": url, "dir": directory})
    return directory


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"newscrawl: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m newscrawl.devtools.fixture_cases", description="Maintain fixture cases."
    )
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rerun = subs.add_parser("rerun", help="print the parser's current output for a case")
    rerun.add_argument("directory", type=Path, metavar="DIR", help="the case directory")
    rerun.add_argument(
        "--diff", action="store_true", help="print a diff against expected.json instead"
    )
    save = subs.add_parser("save", help="create a case directory from a saved page")
    save.add_argument("url", metavar="URL", help="the URL the page was fetched from")
    save.add_argument("--html", required=True, type=Path, metavar="FILE", help="the page file")
    save.add_argument("directory", type=Path, metavar="DIR", help="the case directory to create")
    save.add_argument("--encoding", help="the page's encoding (default: detected)")
    save.add_argument("--force", action="store_true", help="replace an existing response")
    return parser


def _rerun(args: argparse.Namespace) -> int:
    output = current_output(load_case(args.directory))
    if not args.diff:
        sys.stdout.write(canonical_json(output) + "\n")
        return 0
    lines = diff_against_expected(args.directory, output)
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 1 if lines else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run a fixture command; errors end in one ``newscrawl: ...`` line and exit 1."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "rerun":
            return _rerun(args)
        save_case(args.url, args.html, args.directory, args.encoding, args.force)
    except NewscrawlError as exc:
        print(f"newscrawl: {exc}", file=sys.stderr)
        return 1
    print(f"saved {args.directory}; now write {args.directory / EXPECTED_JSON} by hand")
    return 0


if __name__ == "__main__":
    sys.exit(main())
