"""One-off HTTP fetch for ``newscrawl scrape`` (crawls go through Scrapy's downloader)."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from newscrawl.errors import FetchError, NotHTMLError
from newscrawl.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT

if TYPE_CHECKING:
    from email.message import Message
    from http.client import HTTPMessage

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
    url: str
    """The final URL, after redirects."""
    body: bytes
    encoding: str | None
    etag: str | None = None
    last_modified: str | None = None


def check_http_url(url: str) -> str:
    """Return ``url`` when it is an absolute http(s) URL, else raise :class:`FetchError`.

    >>> check_http_url("ftp://x/y")
    Traceback (most recent call last):
    ...
    newscrawl.errors.FetchError: not an http(s) URL: 'ftp://x/y'
    """
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # ValueError for a port out of range
    except ValueError as exc:  # "http://[::1/": a broken IPv6 literal
        raise FetchError(f"not a valid URL: {url!r} ({exc})") from exc
    if not valid:
        raise FetchError(f"not an http(s) URL: {url!r}")
    return url


def _check_type(headers: Message, url: str) -> None:
    ctype = (headers.get_content_type() or "").lower()
    if headers.get("Content-Type") and ctype not in _HTML_TYPES:
        raise NotHTMLError(f"{url} is not HTML (Content-Type: {ctype})")


def fetch(url: str, timeout: float = DOWNLOAD_TIMEOUT, max_size: int = DOWNLOAD_MAXSIZE) -> Fetched:
    """GET ``url``; raise :class:`FetchError` or :class:`NotHTMLError` with a one-line reason."""
    check_http_url(url)
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"}
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
