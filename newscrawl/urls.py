"""Pure URL helpers: absolutising, canonical identity, same-site checks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from newscrawl.errors import FetchError

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Query parameters that only track a visit; removed from canonical URLs.
#: Entries ending in ``*`` are prefixes. The crawl settings can extend the list
#: (``NEWSCRAWL_TRACKING_PARAMS``).
TRACKING_PARAMS: tuple[str, ...] = (
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "ocid",
    "cmpid",
    "ito",
    "ns_campaign",
    "ns_mchannel",
    "ns_source",
    "ns_medium",
    "ns_linkname",
    "ns_fee",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "rb_clickid",
    "s_cid",
    "vero_id",
    "wickedid",
    "at_medium",
    "at_campaign",
    "share",
    "ref_src",
)


_WHITESPACE = re.compile(r"\s")  # percent-encoded in URLs, as browsers do


def _is_tracking(name: str, params: Iterable[str]) -> bool:
    lowered = name.lower()
    for param in params:
        if param.endswith("*"):
            if lowered.startswith(param[:-1]):
                return True
        elif lowered == param:
            return True
    return False


def strip_tracking(url: str, params: Iterable[str] = TRACKING_PARAMS) -> str:
    """Remove tracking query parameters and the fragment; keep everything else as is.

    >>> strip_tracking("https://ex.com/a?id=3&utm_source=x&fbclid=y#top")
    'https://ex.com/a?id=3'
    """
    params = tuple(params)
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k, params)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def canonical_url(url: str, params: Iterable[str] = TRACKING_PARAMS) -> str:
    """The identity of a page: w3lib-canonicalized, tracking parameters and fragment removed,
    scheme and host lowercased, default port dropped.

    >>> canonical_url("HTTPS://WWW.Example.com:443/News/a?b=2&a=1&utm_medium=rss#x")
    'https://www.example.com/News/a?a=1&b=2'
    >>> canonical_url("http://[::1/x")
    'http://[::1/x'
    """
    try:
        canon = str(canonicalize_url(strip_tracking(url.strip(), params), keep_fragments=False))
        parts = urlsplit(canon)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # malformed (bad IPv6 literal or port): keep it as given
        return url.strip()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    netloc = host if port in (None, default) else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def absolutize(href: str | None, base: str) -> str | None:
    """Resolve ``href`` against ``base``; ``None`` for empty, script or non-web links.

    >>> absolutize("/world/x-1", "https://ex.com/a/b")
    'https://ex.com/world/x-1'
    >>> absolutize("javascript:void(0)", "https://ex.com/") is None
    True
    >>> absolutize("http://[::1", "https://ex.com/") is None
    True
    >>> absolutize("/img/a b.jpg", "https://ex.com/")
    'https://ex.com/img/a%20b.jpg'
    """
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # raises ValueError for a port out of range
    except ValueError:  # malformed: "http://[::1", "http://x:99999"
        return None
    return _WHITESPACE.sub(lambda m: quote(m.group()), url) if valid else None


def host_of(url: str) -> str:
    """Lower-case host without ``www.``.

    >>> host_of("https://WWW.trtworld.com/x")
    'trtworld.com'
    """
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same site (equal hosts, ``www.`` and subdomains of
    one registrable-looking parent allowed).

    >>> same_site("https://www.trtworld.com/a", "https://trtworld.com/b")
    True
    >>> same_site("https://news.example.com/a", "https://example.com/b")
    True
    >>> same_site("https://example.com/a", "https://example.org/b")
    False
    """
    a, b = host_of(url), host_of(other)
    if not a or not b:
        return False
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def normalize_host(host: str) -> str:
    """Lower-case host name without ``www.`` and without a trailing dot.

    >>> normalize_host("WWW.TrtWorld.com.")
    'trtworld.com'
    """
    return host.strip().lower().rstrip(".").removeprefix("www.")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_key(url: str) -> str:
    """The host of ``url`` as the host guard compares it: :func:`normalize_host`, plus
    ``:port`` when the URL names a port other than its scheme's default (another port
    on the same host is another service, not the site).

    >>> site_key("https://WWW.ex.com:443/a"), site_key("http://127.0.0.1:8080/x")
    ('ex.com', '127.0.0.1:8080')
    """
    parts = urlsplit(url)
    host = normalize_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:  # out of range: no service there either
        port = None
    if not host or port is None or port == _DEFAULT_PORTS.get(parts.scheme):
        return host
    return f"{host}:{port}"


def offsite_reason(url: str, allowed: Iterable[str]) -> str | None:
    """Why ``url`` is outside the crawl (``None`` when it is inside).

    An empty ``allowed`` lets every http(s) host in.

    >>> offsite_reason("https://www.ex.com/a", {"ex.com"}) is None
    True
    >>> offsite_reason("file:///etc/passwd", {"ex.com"})
    "scheme 'file' is never followed"
    >>> offsite_reason("https://other.org/a", {"ex.com"})
    "host 'other.org' is outside the crawl"
    >>> offsite_reason("http://ex.com:6379/", {"ex.com"})
    "host 'ex.com:6379' is outside the crawl"
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is never followed"
    hosts = {normalize_host(h) for h in allowed}
    host = site_key(url)
    if hosts and host not in hosts:
        return f"host {host!r} is outside the crawl"
    return None


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
