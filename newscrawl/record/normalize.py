"""Record normalisation: pure functions, no Scrapy, no I/O.

:func:`normalize_article` turns any article (a parser result, or an item a user's own
spider built, see :func:`as_article`) into the record formats of the schema: Unicode NFC
with folded whitespace, ISO 8601 dates, a canonical ``canonical_url``, de-duplicated
authors and tags, and the derived ``word_count``, ``content_hash`` and ``scraped_at``.
The clock is an argument (``now``), so the result is a function of the inputs.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import dateparser
from itemadapter import ItemAdapter

from newscrawl.dedup.fingerprints import content_hash
from newscrawl.errors import NewscrawlError
from newscrawl.items import Article, Image, RelatedLink
from newscrawl.text import clean_or_none, dedupe, normalize_body, normalize_space, word_count
from newscrawl.urls import TRACKING_PARAMS, canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

logger = logging.getLogger(__name__)

_DAY_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
_HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
#: Longer strings are not dates (dateparser would spend time on them for nothing).
_MAX_DATE_TEXT = 80


def as_article(item: Any) -> Article:
    """An :class:`Article` from an article, a dict or any item ``itemadapter`` knows.

    Raises ``ValueError`` (naming the key) when the item cannot be one.

    >>> as_article({"url": "https://ex.com/a", "headline": "Hi", "extra": 1}).headline
    'Hi'
    """
    if isinstance(item, Article):
        return item
    if isinstance(item, dict):
        return Article.from_dict(item)
    if ItemAdapter.is_item(item):
        return Article.from_dict(ItemAdapter(item).asdict())
    raise ValueError(f"not an item: {type(item).__name__}")


def _to_iso(value: datetime | date, default_tz: tzinfo | None) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None and default_tz is not None:
            value = value.replace(tzinfo=default_tz)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def _parse_text_date(text: str) -> datetime | date | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed.date() if _DAY_ONLY.match(text) else parsed
    if len(text) > _MAX_DATE_TEXT:
        return None
    try:
        found = dateparser.parse(
            text,
            settings={"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    except (ValueError, OverflowError, TypeError) as exc:
        logger.debug("unreadable date %(raw)r: %(exc)s", {"raw": text, "exc": exc})
        return None
    if found is None:
        return None
    moment: datetime = found
    return moment if _HAS_TIME.search(text) else moment.date()


def normalize_date(value: Any, default_tz: tzinfo | None = None) -> str | None:
    """ISO 8601 for a date given as text, ``datetime`` or ``date``; ``None`` when unreadable.

    ``default_tz`` (a site's time zone) is attached only to a time that states no offset;
    without it such a time stays without offset (never an invented one). A day stays a day.

    >>> normalize_date("2020-12-13T10:22:00Z")
    '2020-12-13T10:22:00+00:00'
    >>> normalize_date("December 13, 2020")
    '2020-12-13'
    >>> from zoneinfo import ZoneInfo
    >>> normalize_date("2020-12-13 10:22", ZoneInfo("Europe/Istanbul"))
    '2020-12-13T10:22:00+03:00'
    >>> normalize_date("2020-12-13T10:22:00-05:00", ZoneInfo("Europe/Istanbul"))
    '2020-12-13T10:22:00-05:00'
    >>> normalize_date("2020-12-13 10:22")
    '2020-12-13T10:22:00'
    >>> normalize_date("soon") is None
    True
    """
    if isinstance(value, datetime | date):
        return _to_iso(value, default_tz)
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = _parse_text_date(normalize_space(value))
    return None if parsed is None else _to_iso(parsed, default_tz)


def utc_seconds(value: Any, now: datetime) -> str:
    """``value`` (ISO text or ``datetime``) as ISO 8601 UTC with seconds; ``now`` when unset
    or unreadable, or when it states no offset (a fetch time must be UTC, not guessed).

    >>> now = datetime(2024, 5, 1, 12, 0, 1, 999, tzinfo=UTC)
    >>> utc_seconds("2024-05-01T15:00:00+03:00", now)
    '2024-05-01T12:00:00+00:00'
    >>> utc_seconds(None, now)
    '2024-05-01T12:00:01+00:00'
    """
    moment: datetime | None = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        moment = now
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def normalize_language(code: str | None) -> str | None:
    """A BCP 47 code: primary subtag lower case, region upper case; ``None`` when malformed.

    >>> normalize_language("EN_us")
    'en-US'
    >>> normalize_language("zh-Hant-TW")
    'zh-Hant-TW'
    >>> normalize_language("english") is None
    True
    """
    text = normalize_space(code)
    if not _LANGUAGE.match(text):
        return None
    first, *rest = text.replace("_", "-").split("-")
    subtags = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            subtags.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            subtags.append(part.title())
        else:
            subtags.append(part)
    return "-".join(subtags)


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dedupe([normalize_space(v) for v in values]))


def _http(url: str | None) -> str | None:
    url = normalize_space(url)
    return url if url.startswith(("http://", "https://")) else None


def _images(images: Sequence[Image]) -> tuple[Image, ...]:
    out: dict[str, Image] = {}
    for image in images:
        url = _http(image.url)
        if url and url not in out:
            out[url] = Image(
                url=url,
                caption=clean_or_none(image.caption),
                credit=clean_or_none(image.credit),
                alt=clean_or_none(image.alt),
            )
    return tuple(out.values())


def canonical_or_same(url: str, params: Sequence[str]) -> str:
    """``canonical_url``, or the URL as given when it is not a web URL (the schema check
    then names it)."""
    if not url.startswith(("http://", "https://")):
        return url
    try:
        return canonical_url(url, params)
    except ValueError:
        logger.debug("cannot canonicalize %(url)r", {"url": url})
        return url


def _links(links: Sequence[RelatedLink], params: Sequence[str]) -> tuple[RelatedLink, ...]:
    out: dict[str, RelatedLink] = {}
    for link in links:
        url = _http(link.url)
        if url:
            url = canonical_or_same(url, params)
            out.setdefault(url, RelatedLink(url=url, title=clean_or_none(link.title)))
    return tuple(out.values())


def _derived(article: Article, headline: str, body: str) -> dict[str, Any]:
    """``word_count`` and ``content_hash`` of the normalised headline and body. A parser
    result carries both, computed from the same headline and body: they are kept when
    normalisation left the body as it was, so each is computed once per record."""
    if article.content_hash and body == article.body and (article.word_count or not body):
        return {"word_count": article.word_count, "content_hash": article.content_hash}
    return {"word_count": word_count(body), "content_hash": content_hash(headline, body)}


def normalize_article(
    article: Article,
    *,
    now: datetime,
    tracking_params: Sequence[str] = TRACKING_PARAMS,
    default_tz: tzinfo | None = None,
) -> Article:
    """The article in the record formats (see the module docstring); ``now`` is the fetch
    time used when the article carries no ``scraped_at``.

    >>> a = Article(url=" https://Ex.com/a?utm_source=x ", headline=" Cafe\\u0301  news ",
    ...             body="One  two.\\n\\n\\nThree.", authors=["Ana", "ANA", " "])
    >>> n = normalize_article(a, now=datetime(2024, 5, 1, tzinfo=UTC))
    >>> n.canonical_url, n.headline, n.body, n.authors, n.word_count
    ('https://ex.com/a', 'Café news', 'One two.\\n\\nThree.', ('Ana',), 3)
    >>> n.scraped_at
    '2024-05-01T00:00:00+00:00'
    """
    url = normalize_space(article.url)
    headline = normalize_space(article.headline)
    body = normalize_body(article.body)
    text: dict[str, Any] = {
        name: clean_or_none(getattr(article, name))
        for name in ("description", "byline", "date_raw", "section", "site_name", "caption")
    }
    return attrs.evolve(
        article,
        url=url,
        canonical_url=canonical_or_same(
            normalize_space(article.canonical_url) or url, tracking_params
        ),
        headline=headline,
        body=body,
        authors=_texts(article.authors),
        tags=_texts(article.tags),
        date_published=normalize_date(article.date_published, default_tz),
        date_modified=normalize_date(article.date_modified, default_tz),
        language=normalize_language(article.language),
        images=_images(article.images),
        read_more=_links(article.read_more, tracking_params),
        source=clean_or_none(article.source),
        **_derived(article, headline, body),
        scraped_at=utc_seconds(article.scraped_at, now),
        **text,
    )


def tracking_params(extra: Iterable[str]) -> tuple[str, ...]:
    """The default tracking parameters extended by ``extra`` (``NEWSCRAWL_TRACKING_PARAMS``).

    >>> tracking_params([" Ref ", ""])[-1]
    'ref'
    """
    added = [p.strip().lower() for p in extra]
    return tuple(dict.fromkeys([*TRACKING_PARAMS, *(p for p in added if p)]))


def time_zone(name: str) -> tzinfo | None:
    """The time zone named by ``NEWSCRAWL_DEFAULT_TIMEZONE`` (``None`` when empty)."""
    name = name.strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise NewscrawlError(f"NEWSCRAWL_DEFAULT_TIMEZONE: unknown time zone {name!r}") from exc
