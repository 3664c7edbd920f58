"""Scrape one article (fetch URL, or read --html FILE as the page at URL) and print its record.

The page goes through the crawl's steps with the project settings (``-s NAME=VALUE`` on
top, as for ``crawl``): the parser, normalisation, validation and, with ``-o
DATASET.jsonl --state STATE``, the crawl's emission decision and two-phase write
(:mod:`newscrawl.dedup.emission`) under the state's lock (exit 3 while a crawl holds it).
See ``newscrawl scrape --help`` and the README for what is said on stderr.
"""

from __future__ import annotations

import socket
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from newscrawl.crawler import add_settings_argument, project_settings
from newscrawl.dedup.emission import Duplicate, Emission, Unchanged, write_claimed
from newscrawl.errors import FetchError, NewscrawlError, NotAnArticleError, NotHTMLError
from newscrawl.output.jsonl import append_line, cut_torn_tail, dumps
from newscrawl.parsers import parse_page
from newscrawl.pipelines.dedup_pipeline import check_threshold, near_hasher
from newscrawl.record.normalize import (
    canonical_or_same,
    normalize_article,
    time_zone,
    tracking_params,
)
from newscrawl.record.schema_check import record_errors
from newscrawl.record.validate import not_article_reason
from newscrawl.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT
from newscrawl.state.locations import open_store
from newscrawl.state.lock import StateLockedError, state_lock
from newscrawl.state.store import ClaimLost, Validators
from newscrawl.urls import check_http_url

if TYPE_CHECKING:
    import argparse
    from email.message import Message
    from http.client import HTTPMessage

    from scrapy.settings import BaseSettings

    from newscrawl.dedup.neardup import MinHasher
    from newscrawl.items import Article
    from newscrawl.state.store import StateStore

EXIT_OK, EXIT_USAGE, EXIT_LOCKED = 0, 2, 3


@attrs.frozen
class ScrapeConfig:
    """The project settings a scrape uses, read and checked once."""

    max_size: int
    timeout: float
    user_agent: str
    normalize: bool
    validate: bool
    dedup: bool
    min_words: int
    params: tuple[str, ...]
    default_tz: tzinfo | None
    hasher: MinHasher | None
    threshold: float
    state: str

    @classmethod
    def read(cls, settings: BaseSettings) -> ScrapeConfig:
        """Raises :class:`NewscrawlError` for a value of the wrong type."""
        try:
            return cls(
                max_size=settings.getint("DOWNLOAD_MAXSIZE"),
                timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
                user_agent=settings.get("USER_AGENT") or USER_AGENT,
                normalize=settings.getbool("NEWSCRAWL_NORMALIZE_ENABLED"),
                validate=settings.getbool("NEWSCRAWL_VALIDATE_ENABLED"),
                dedup=settings.getbool("NEWSCRAWL_DEDUP_ENABLED"),
                min_words=settings.getint("NEWSCRAWL_MIN_BODY_WORDS"),
                params=tracking_params(settings.getlist("NEWSCRAWL_TRACKING_PARAMS")),
                default_tz=time_zone(settings.get("NEWSCRAWL_DEFAULT_TIMEZONE") or ""),
                hasher=near_hasher(settings),
                threshold=check_threshold(settings.getfloat("NEWSCRAWL_NEARDUP_THRESHOLD")),
                state=str(settings.get("NEWSCRAWL_STATE") or ""),
            )
        except ValueError as exc:
            raise NewscrawlError(f"bad setting: {exc}") from exc


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
    add_settings_argument(parser)


# --- the page -------------------------------------------------------------------------

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 64 * 1024


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) URLs only (urllib's own handler also follows ftp:)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                req.full_url,
                code,
                f"redirect to a non-http(s) URL refused: {newurl!r}",
                headers,
                fp,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@attrs.frozen
class Fetched:
    """A page fetched (or read from ``--html``) for scraping."""

    url: str
    """The final URL, after redirects."""
    body: bytes
    encoding: str | None
    etag: str | None = None
    last_modified: str | None = None


def _check_type(headers: Message, url: str) -> None:
    ctype = (headers.get_content_type() or "").lower()
    if headers.get("Content-Type") and ctype not in _HTML_TYPES:
        raise NotHTMLError(f"{url} is not HTML (Content-Type: {ctype})")


def fetch(
    url: str,
    timeout: float = DOWNLOAD_TIMEOUT,
    max_size: int = DOWNLOAD_MAXSIZE,
    user_agent: str = USER_AGENT,
) -> Fetched:
    """GET ``url``; raise :class:`FetchError` or :class:`NotHTMLError` with a one-line reason."""
    check_http_url(url)
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.5"}
    )
    try:
        opener = urllib.request.build_opener(_HttpOnlyRedirects)
        with opener.open(request, timeout=timeout) as response:
            _check_type(response.headers, url)
            body = _read_body(response, max_size, time.monotonic() + timeout)
            if len(body) > max_size:
                raise FetchError(f"{url} is larger than {max_size} bytes")
            return Fetched(
                url=response.geturl(),
                body=body,
                encoding=response.headers.get_content_charset(),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as exc:
        reason = " ".join(str(exc.reason).split())  # urllib's loop message spans lines
        raise FetchError(f"{url} answered HTTP {exc.code} {reason}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot fetch {url}: {_reason(exc.reason)}") from exc
    except TimeoutError as exc:
        raise FetchError(f"cannot fetch {url}: timed out after {timeout:g}s") from exc
    except (ConnectionError, OSError) as exc:
        raise FetchError(f"cannot fetch {url}: {exc}") from exc


def _read_body(response: Any, max_size: int, deadline: float) -> bytes:
    """At most ``max_size + 1`` bytes, read by chunks; a :class:`TimeoutError` once
    ``deadline`` passes (a server sending a byte now and then never trips the socket
    timeout, which counts per read)."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_size:
        chunk = response.read1(min(_CHUNK, max_size + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "host name not found (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    return str(reason)


def _read_page(args: argparse.Namespace, config: ScrapeConfig) -> Fetched:
    url = check_http_url(args.url)
    max_size = config.max_size
    if args.html is None:
        return fetch(url, config.timeout, max_size, config.user_agent)
    try:
        if args.html.stat().st_size > max_size:  # the limit a fetched page has
            raise FetchError(f"--html file {args.html} is larger than {max_size} bytes")
        return Fetched(url=url, body=args.html.read_bytes(), encoding=None)
    except FileNotFoundError as exc:
        raise FetchError(f"--html file not found: {args.html}") from exc
    except IsADirectoryError as exc:
        raise FetchError(f"--html is a directory, not a file: {args.html}") from exc
    except OSError as exc:
        raise FetchError(f"cannot read --html file {args.html}: {exc.strerror}") from exc


# --- the record -----------------------------------------------------------------------


def scrape_article(args: argparse.Namespace, page: Fetched, config: ScrapeConfig) -> Article:
    """The page's article, normalised and validated as a crawl's records are (the
    ``NEWSCRAWL_*`` settings apply); raises when it is none."""
    url = page.url
    # the bytes and the HTTP charset (a <meta> may be stale), as the crawl's spider does
    try:
        article = parse_page(page.body, url, http_encoding=page.encoding).article
    except NotHTMLError as exc:  # name the page: the file read, or the URL fetched
        raise NotHTMLError(f"{args.html or url}: {exc}") from exc
    if config.normalize:
        article = normalize_article(
            article,
            now=datetime.now(UTC),
            tracking_params=config.params,
            default_tz=config.default_tz,
        )
    if not config.validate:
        return article
    reason = not_article_reason(article, config.min_words)
    if reason:
        raise NotAnArticleError(f"{url} is not an article: {reason}")
    errors = record_errors(article.to_dict())
    if errors:
        raise NotHTMLError(f"{url}: the record is invalid: {errors[0]}")
    return article


# --- writing ------------------------------------------------------------------------


def _cut_torn_tail(path: Path) -> None:
    """Cut a torn last line (left by a killed writer) before appending."""
    try:
        cut = cut_torn_tail(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NewscrawlError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if cut:
        print(f"newscrawl: {path} ended with a torn line: {cut} bytes cut", file=sys.stderr)


def _emission(store: StateStore, config: ScrapeConfig) -> Emission:
    """The crawl's emission decision over ``store`` with the ``NEWSCRAWL_NEARDUP_*``
    settings; a state whose near-duplicate index was built with another layout is not
    compared with, nor added to (a single scrape does not rebuild an index)."""
    hasher = config.hasher
    if hasher is not None and not store.adopt_layout(hasher.layout):
        hasher = None
    return Emission(hasher, config.threshold, store)


def append_version(
    path: Path, article: Article, store: StateStore, page: Fetched, config: ScrapeConfig
) -> int | None:
    """Append the article as its state's next version; return the version, ``None``
    (said on stderr) when the state already has it or a copy of it."""
    store.reconcile()  # a killed crawl's pending claims first: they may be this article
    url = article.canonical_url or article.url
    seen_at = article.scraped_at or datetime.now(UTC).isoformat()
    validators = Validators(etag=page.etag, last_modified=page.last_modified)
    decision = _emission(store, config).decide(article, seen_at, validators)
    if isinstance(decision, Unchanged):
        print(
            f"newscrawl: {url} unchanged since version {decision.version}: not appended",
            file=sys.stderr,
        )
        return None
    if isinstance(decision, Duplicate):
        print(
            f"newscrawl: {url} {_copy_of(decision)}, emitted before: not appended", file=sys.stderr
        )
        return None
    fetch_key = canonical_or_same(article.url, config.params)
    claim = Emission.claim(article, decision, fetch_key, seen_at, validators)
    _cut_torn_tail(path)
    return write_claimed(path, article, claim, store)


def _copy_of(duplicate: Duplicate) -> str:
    if duplicate.similarity is not None:
        return f"is {duplicate.similarity:.0%} similar to {duplicate.kept}"
    return f"has the same content as {duplicate.kept}"


def _rescrape(
    args: argparse.Namespace, article: Article, page: Fetched, config: ScrapeConfig
) -> None:
    with state_lock(args.state):
        store = open_store(args.state)
        try:
            version = append_version(args.output, article, store, page, config)
        except ClaimLost as exc:  # a worker of a distributed crawl emitted it first
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
    config = ScrapeConfig.read(project_settings(dict(args.settings)))
    args.state = args.state or config.state or None
    if args.state and args.output is None:
        print(
            "newscrawl: --state needs -o DATASET.jsonl (the file versions are appended to)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    page = _read_page(args, config)
    article = scrape_article(args, page, config)
    if args.output is None:
        sys.stdout.write(dumps(article.to_dict()) + "\n")
    elif not args.state or not config.dedup:
        _cut_torn_tail(args.output)
        append_line(args.output, article.to_dict())
    else:
        try:
            _rescrape(args, article, page, config)
        except StateLockedError as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            return EXIT_LOCKED
    return EXIT_OK
