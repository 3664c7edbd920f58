"""Scrape one article (fetch URL, or read --html FILE as the page at URL) and print its record.

The record goes through the same normalisation as a crawl's (``newscrawl.normalize``).
With ``-o DATASET.jsonl`` it is appended to that file as one whole line (a torn last line
left by a killed writer is cut first). With ``--state STATE`` as well, the scrape is a
re-scrape into a crawl's dataset: the state's version of the article is updated (new or
changed: version + 1, appended; unchanged: nothing appended, said on stderr, exit 0)
with the crawl's two-phase emission, under the state's lock (exit 3 while a crawl holds
it). Its body joins the state's near-duplicate index as a crawl's would, and a near copy of
an article the state emitted under another URL is not appended (said on stderr, exit 0);
a state whose index was built with other ``NEWSCRAWL_NEARDUP_*`` settings than the
defaults is left alone.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newscrawl.errors import FetchError, NewscrawlError, NotAnArticleError, NotHTMLError
from newscrawl.fetch import Fetched, check_http_url, fetch
from newscrawl.fingerprints import content_hash
from newscrawl.jsonl import append_line, cut_torn_tail, dumps
from newscrawl.lock import StateLockedError, state_lock
from newscrawl.neardup import MinHasher
from newscrawl.normalize import canonical_or_same, normalize_article
from newscrawl.parsers import parse_page
from newscrawl.rejects import RejectItem
from newscrawl.schema import record_errors
from newscrawl.settings import (
    DOWNLOAD_MAXSIZE,
    NEWSCRAWL_NEARDUP_BANDS,
    NEWSCRAWL_NEARDUP_NUM_PERM,
    NEWSCRAWL_NEARDUP_SHINGLE_SIZE,
    NEWSCRAWL_NEARDUP_THRESHOLD,
)
from newscrawl.state import open_store
from newscrawl.state.base import Claim, Validators
from newscrawl.urls import TRACKING_PARAMS
from newscrawl.validation import not_article_reason

if TYPE_CHECKING:
    import argparse

    from newscrawl.items import Article
    from newscrawl.neardup import Fingerprint
    from newscrawl.state.base import NearMatch, StateStore

EXIT_OK, EXIT_USAGE, EXIT_LOCKED = 0, 2, 3


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
    parser.add_argument(
        "--state",
        metavar="STATE",
        help="with -o: update the version in this crawl state (SQLite path or redis:// URL);"
        " an unchanged article is not appended",
    )


def _read_page(args: argparse.Namespace) -> Fetched:
    url = check_http_url(args.url)
    if args.html is None:
        return fetch(url)
    try:
        if args.html.stat().st_size > DOWNLOAD_MAXSIZE:  # the limit a fetched page has
            raise FetchError(f"--html file {args.html} is larger than {DOWNLOAD_MAXSIZE} bytes")
        return Fetched(url=url, body=args.html.read_bytes(), encoding=None)
    except FileNotFoundError as exc:
        raise FetchError(f"--html file not found: {args.html}") from exc
    except IsADirectoryError as exc:
        raise FetchError(f"--html is a directory, not a file: {args.html}") from exc
    except OSError as exc:
        raise FetchError(f"cannot read --html file {args.html}: {exc.strerror}") from exc


def scrape_article(args: argparse.Namespace, page: Fetched) -> Article:
    """The page's article, normalised as a crawl's records are; raises when it is none."""
    url = page.url
    # the bytes and the HTTP charset (a <meta> may be stale), as the crawl's spider does
    try:
        parsed = parse_page(page.body, url, http_encoding=page.encoding).article
    except NotHTMLError as exc:  # name the page: the file read, or the URL fetched
        raise NotHTMLError(f"{args.html or url}: {exc}") from exc
    article = normalize_article(parsed, now=datetime.now(UTC))
    reason = not_article_reason(article)
    if reason:
        raise NotAnArticleError(f"{url} is not an article: {reason}")
    errors = record_errors(article.to_dict())
    if errors:
        raise NotHTMLError(f"{url}: the record is invalid: {errors[0]}")
    return article


def _cut_torn_tail(path: Path) -> int:
    """Cut a torn last line (left by a killed writer) before appending; return the size."""
    try:
        cut = cut_torn_tail(path)
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise NewscrawlError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if cut:
        print(f"newscrawl: {path} ended with a torn line: {cut} bytes cut", file=sys.stderr)
    return size


def _claim(article: Article, store: StateStore, page: Fetched) -> Claim | None:
    """The claim for a new version of the article, or ``None`` (said on stderr) when the
    state already has it (unchanged, or the same content under another URL)."""
    url = article.canonical_url or article.url
    digest = article.content_hash or content_hash(article.headline, article.body)
    seen_at = article.scraped_at or datetime.now(UTC).isoformat()
    validators = Validators(etag=page.etag, last_modified=page.last_modified)
    known = store.page(url)
    if known is not None and known.content_hash == digest:
        store.mark_unchanged(url, seen_at, validators or None)
        print(
            f"newscrawl: {url} unchanged since version {known.version}: not appended",
            file=sys.stderr,
        )
        return None
    kept = store.url_with_hash(digest)
    if kept is not None and kept != url:
        print(
            f"newscrawl: {url} has the same content as {kept}, emitted before: not appended",
            file=sys.stderr,
        )
        return None
    fingerprint = _fingerprint(article, store)
    near = _near_copy(store, fingerprint, url)
    if near is not None:
        print(
            f"newscrawl: {url} is {near.similarity:.0%} similar to {near.canonical_url},"
            " emitted before: not appended",
            file=sys.stderr,
        )
        return None
    return Claim(
        canonical_url=url,
        url=article.url,
        fetch_key=canonical_or_same(article.url, TRACKING_PARAMS),
        content_hash=digest,
        version=known.version + 1 if known is not None else 1,
        seen_at=seen_at,
        fingerprint=fingerprint,
        validators=validators,
    )


def _fingerprint(article: Article, store: StateStore) -> Fingerprint | None:
    """The body's near-duplicate fingerprint in the layout of a crawl with the default
    settings; ``None`` when the state's index was built with another layout."""
    hasher = MinHasher(
        NEWSCRAWL_NEARDUP_NUM_PERM, NEWSCRAWL_NEARDUP_BANDS, NEWSCRAWL_NEARDUP_SHINGLE_SIZE
    )
    if not store.adopt_layout(hasher.layout):
        return None
    return hasher.fingerprint(article.body)


def _near_copy(store: StateStore, fingerprint: Fingerprint | None, url: str) -> NearMatch | None:
    """An article the state emitted under another URL whose body this one nearly copies."""
    if fingerprint is None:
        return None
    matches = store.near_duplicates(fingerprint, NEWSCRAWL_NEARDUP_THRESHOLD)
    return next((m for m in matches if m.canonical_url != url), None)


def append_version(path: Path, article: Article, store: StateStore, page: Fetched) -> int | None:
    """Append the article as its state's next version (pending claim, line appended and
    fsynced, claim committed); return the version, ``None`` when nothing was appended."""
    store.reconcile()  # a killed crawl's pending claims first: they may be this article
    claim = _claim(article, store, page)
    if claim is None:
        return None
    output = os.path.abspath(path)
    offset = _cut_torn_tail(path)
    store.begin(claim, output, offset)
    written_at = append_line(path, article.to_dict())
    if written_at != offset:
        store.begin(claim, output, written_at)
    return store.commit(claim.canonical_url)


def _rescrape(args: argparse.Namespace, article: Article, page: Fetched) -> None:
    with state_lock(args.state):
        store = open_store(args.state)
        try:
            version = append_version(args.output, article, store, page)
        except RejectItem as exc:  # a worker of a distributed crawl emitted it first
            print(
                f"newscrawl: {article.canonical_url} not appended: {exc.reject.detail}",
                file=sys.stderr,
            )
            return
        finally:
            store.close()
    if version is not None:
        print(
            f"newscrawl: {article.canonical_url}: version {version} appended to {args.output}",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    if args.state and args.output is None:
        print(
            "newscrawl: --state needs -o DATASET.jsonl (the file versions are appended to)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    page = _read_page(args)
    article = scrape_article(args, page)
    if args.output is None:
        sys.stdout.write(dumps(article.to_dict()) + "\n")
    elif not args.state:
        _cut_torn_tail(args.output)
        append_line(args.output, article.to_dict())
    else:
        try:
            _rescrape(args, article, page)
        except StateLockedError as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            return EXIT_LOCKED
    return EXIT_OK
