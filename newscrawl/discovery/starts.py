"""What a START is: an http(s) URL, several in one argument, or ``@FILE`` of URLs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable


class StartError(ValueError):
    """A START argument that is neither an http(s) URL nor a readable ``@FILE``."""


def _read_start_file(name: str) -> list[str]:
    path = Path(name).expanduser()
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise StartError(f"START file not found: {name}") from None
    except IsADirectoryError:
        raise StartError(f"START file is a directory: {name}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StartError(f"cannot read START file {name}: {exc}") from None
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def parse_starts(value: str | Iterable[str] | None) -> list[str]:
    """START arguments as URLs: several per string (space- or comma-separated), ``@FILE``
    reads one URL per line (``#`` comments allowed). Raises :class:`StartError`.

    >>> parse_starts("https://a.example/feed, https://b.example/")
    ['https://a.example/feed', 'https://b.example/']
    >>> parse_starts(["ftp://a.example/x"])
    Traceback (most recent call last):
    ...
    newscrawl.discovery.starts.StartError: START is neither an http(s) URL nor @FILE: 'ftp://a.example/x'
    """
    items = [value] if isinstance(value, str) else list(value or ())
    urls: list[str] = []
    for item in items:
        for token in (t for t in re.split(r"[\s,]+", item) if t):
            candidates = _read_start_file(token[1:]) if token.startswith("@") else [token]
            for url in candidates:
                try:
                    parts = urlsplit(url)
                    valid = parts.scheme in ("http", "https") and bool(parts.hostname)
                    _ = parts.port  # ValueError for a port out of range
                except ValueError as exc:  # a broken IPv6 literal, a port out of range
                    raise StartError(f"START is not a valid URL: {url!r} ({exc})") from None
                if not valid:
                    raise StartError(f"START is neither an http(s) URL nor @FILE: {url!r}")
                urls.append(url)
    return list(dict.fromkeys(urls))
