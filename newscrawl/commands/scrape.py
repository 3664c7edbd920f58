"""Scrape one article (fetch URL, or read --html FILE as the page at URL) and print its record."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from newscrawl.errors import FetchError, NotAnArticleError, NotHTMLError
from newscrawl.fetch import check_http_url, fetch
from newscrawl.jsonl import append_line, dumps
from newscrawl.parsers import parse_article
from newscrawl.parsers.decode import decode_html
from newscrawl.schema import record_errors
from newscrawl.settings import DOWNLOAD_MAXSIZE
from newscrawl.validation import not_article_reason

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the article's URL")
    parser.add_argument(
        "--html",
        metavar="FILE",
        type=Path,
        help="read the page from FILE instead of fetching URL (no network)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.jsonl",
        type=Path,
        help="append the record as one line to OUT.jsonl instead of printing it",
    )


def _read_page(args: argparse.Namespace) -> tuple[bytes, str, str | None]:
    url = check_http_url(args.url)
    if args.html is None:
        fetched = fetch(url)
        return fetched.body, fetched.url, fetched.encoding
    try:
        if args.html.stat().st_size > DOWNLOAD_MAXSIZE:  # the limit a fetched page has
            raise FetchError(f"--html file {args.html} is larger than {DOWNLOAD_MAXSIZE} bytes")
        return args.html.read_bytes(), url, None
    except FileNotFoundError as exc:
        raise FetchError(f"--html file not found: {args.html}") from exc
    except IsADirectoryError as exc:
        raise FetchError(f"--html is a directory, not a file: {args.html}") from exc
    except OSError as exc:
        raise FetchError(f"cannot read --html file {args.html}: {exc.strerror}") from exc


def run(args: argparse.Namespace) -> int:
    body, url, encoding = _read_page(args)
    # the HTTP charset is the page's own word on its encoding (a <meta> may be stale)
    try:
        article = parse_article(decode_html(body, encoding), url)
    except NotHTMLError as exc:  # name the page: the file read, or the URL fetched
        raise NotHTMLError(f"{args.html or url}: {exc}") from exc
    reason = not_article_reason(article)
    if reason:
        raise NotAnArticleError(f"{url} is not an article: {reason}")
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    record = attrs.evolve(article, scraped_at=now).to_dict()
    errors = record_errors(record)
    if errors:
        raise NotHTMLError(f"{url}: the record is invalid: {errors[0]}")
    if args.output is None:
        sys.stdout.write(dumps(record) + "\n")
    else:
        append_line(args.output, record)
    return 0
