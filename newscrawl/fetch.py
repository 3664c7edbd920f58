"""One-off HTTP fetch for ``newscrawl scrape`` (crawls go through Scrapy's downloader)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import attrs

from newscrawl.errors import FetchError, NotHTMLError
from newscrawl.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT

if TYPE_CHECKING:
    from email.message import Message

_HTML_TYPES = ("text/html", "application/xhtml+xml")


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
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
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
        with urllib.request.urlopen(request, timeout=timeout) as response:
            _check_type(response.headers, url)
            body = response.read(max_size + 1)
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
        raise FetchError(f"{url} answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot fetch {url}: {_reason(exc.reason)}") from exc
    except TimeoutError as exc:
        raise FetchError(f"cannot fetch {url}: timed out after {timeout:g}s") from exc
    except (ConnectionError, OSError) as exc:
        raise FetchError(f"cannot fetch {url}: {exc}") from exc


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "host name not found (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    return str(reason)
