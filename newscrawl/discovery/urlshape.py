"""URL shapes: whether a URL looks like an article, and whether it is a site root."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

#: Path segments of pages that are never articles (tags, people, search, accounts,
#: video hubs, pagination, site furniture).
NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag", "tags", "topic", "topics", "author", "authors", "contributor", "contributors",
        "search", "login", "signin", "sign-in", "logout", "register", "signup", "sign-up",
        "subscribe", "subscription", "account", "profile", "video", "videos", "watch",
        "live-tv", "livetv", "tv", "page", "feed", "rss", "newsletter", "newsletters",
        "about", "about-us", "contact", "contact-us", "privacy", "privacy-policy", "terms",
        "cookies", "cookie-policy", "careers", "jobs", "advertise", "archive", "archives",
        "wp-admin", "wp-login.php", "cdn-cgi",
    }
)  # fmt: skip


_NOT_PAGE_EXTENSIONS = frozenset(
    {
        "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "pdf", "zip", "gz", "mp3", "mp4",
        "webm", "mov", "css", "js", "json", "xml", "rss", "atom", "txt", "woff", "woff2",
    }
)  # fmt: skip


_DATE_PATH = re.compile(
    r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?(?:/|-)"
)


_COMPACT_DATE = re.compile(
    r"(?:^|[/_-])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:$|[/_.-])"
)


_NUMERIC_ID = re.compile(r"(?:^|[-_./])\d{5,}(?:$|[-_./])")


_SLUG_WORD = re.compile(r"[^\W\d_]{2,}")


_PAGINATION_PARAMS = frozenset({"page", "paged", "pg", "offset", "start"})


_ID_PARAMS = frozenset({"id", "p", "story", "article", "articleid", "storyid", "newsid"})


def _is_slug(segment: str) -> bool:
    stem = segment.rsplit(".", 1)[0]
    words = re.split(r"[-_+]", stem)
    return len(words) >= 3 and sum(bool(_SLUG_WORD.search(w)) for w in words) >= 3


def looks_like_article_url(url: str) -> bool:
    """Whether a URL has the shape of an article (dated path, slug or numeric id) and
    not of a tag, author, search, login, video, pagination or static-file address.

    >>> looks_like_article_url("https://ex.com/world/2024/03/14/summit-ends")
    True
    >>> looks_like_article_url("https://ex.com/middle-east/turkey-hosts-regional-talks-41234")
    True
    >>> looks_like_article_url("https://ex.com/world")
    False
    >>> looks_like_article_url("https://ex.com/tag/turkey-and-the-eu-talks")
    False
    >>> looks_like_article_url("https://ex.com/world/page/2")
    False
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or any(s in NOT_ARTICLE_SEGMENTS for s in segments):
        return False
    if segments[-1].rsplit(".", 1)[-1] in _NOT_PAGE_EXTENSIONS and "." in segments[-1]:
        return False
    query = dict(parse_qsl(parts.query.lower()))
    if _PAGINATION_PARAMS & query.keys():
        return False
    if segments[-1].isdigit() and len(segments[-1]) < 5:
        return False  # a date archive (/2024/03/) or a page number
    path = "/" + "/".join(segments)
    return bool(
        _DATE_PATH.search(path + "/")
        or _COMPACT_DATE.search(path)
        or _NUMERIC_ID.search(path)
        or _is_slug(segments[-1])
        or any(query.get(k, "").isdigit() for k in _ID_PARAMS)
    )


def is_site_root(url: str) -> bool:
    """True for a bare site address (``https://host/``), which also announces feeds and
    sitemaps.

    >>> is_site_root("https://ex.com"), is_site_root("https://ex.com/world")
    (True, False)
    """
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query
