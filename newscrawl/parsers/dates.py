"""Dates: structured data, then the dates printed in the article, then a page-wide search.

Published comes from JSON-LD/microdata ``datePublished`` or the published-time meta
tags; without them, from the dates printed in the article (``<time>`` elements and
date-classed elements outside comments, teasers, captions and footers), where a label
("Updated", "Aktualisiert:", "Last modified on") marks a modification date; then from a
date printed alone near the headline (:func:`~newscrawl.parsers.datefind.plain_dates`);
then from htmldate's day (:func:`~newscrawl.parsers.datefind.find_day`), then the URL's.
A page that prints only "Updated: ..." has that date as published (see ``_unstructured``).
A date without a year ("16:45", "2 hours ago") is never read: it depends on the clock.
Numeric dates are read day first unless the page's English is month-first (or the URL's
day settles the order); a UTC time is given in the page's own offset when the page shows
it (:mod:`~newscrawl.parsers.datezone`).

ISO 8601 out: ``YYYY-MM-DDTHH:MM:SS+HH:MM`` when the page gives a time and states its
zone, no offset when it gives a local time only, ``YYYY-MM-DD`` when it gives a day.
``date_raw`` is the published date as printed: the visible text when a printed date
agrees with the published one, else the metadata string"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import attrs
import dateparser

from newscrawl.parsers import datefind, datezone, selectors
from newscrawl.parsers.common import class_id, override_texts, text_of
from newscrawl.parsers.structured import ARTICLE_TYPES, as_text, type_names

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from lxml import etree

    from newscrawl.parsers.page import Page

logger = logging.getLogger(__name__)

_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})(?:([/_-])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2}))(?:[/_.-]|$)"
)
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DIGITS = re.compile(r"\d+")
_HAS_TIME = re.compile(
    r"\d{1,2}\s?(?:[:h時]\s?\d{2}|[.]\d{2}(?!\d|\.\d)|\s?[ap]\.?m\b)", re.IGNORECASE
)
_NUMERIC_DAY = re.compile(
    r"^(?:[^\W\d_]{2,12}\.?,?\s+)?(\d{1,2})([./-])\s?(\d{1,2})\2\s?(\d{4})"
    r"(?:,?\s+(?:um\s+|at\s+|[-|]\s+)?(\d{1,2})[:.h](\d{2})(?:[:.](\d{2}))?\s*([ap])?\.?m?\.?"
    r"(?:\s*uhr)?)?$",
    re.IGNORECASE,
)
#: The ``language`` of dates read from metadata (no language: servers write them).
_MACHINE = "machine"
#: Regions of English that print numeric dates month first ("11/08/2023" = November 8).
_MONTH_FIRST_REGIONS = frozenset({"", "us", "ph"})
_DOT_TIME = re.compile(r"(?<=\d)\.(?=\d{2}\b(?!\.\d))")
_MERIDIEM = re.compile(r"\b([ap])\.m\.", re.IGNORECASE)
_ZONE = re.compile(
    r"(?:\b(?P<name>UTC|GMT|CET|CEST|MEZ|MESZ|BST|EST|EDT|ET|PST|PDT|PT|CST|CDT|CT|MST|MDT"
    r"|MT|IST|JST|KST|TRT|EET|EEST|WET|WEST|MSK|AEST|AEDT|SGT|HKT)\b"
    r"|(?<=\d)Z\b)(?:\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?"
)
#: Zones as fixed offsets (hours), or a region whose offset depends on the date.
_ZONES: Mapping[str, float | str] = MappingProxyType({
    "UTC": 0, "GMT": 0, "Z": 0, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "BST": 1,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "IST": 5.5, "JST": 9, "KST": 9, "TRT": 3, "MSK": 3, "EET": 2, "EEST": 3, "WET": 0,
    "WEST": 1, "AEST": 10, "AEDT": 11, "SGT": 8, "HKT": 8,
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles",
})  # fmt: skip
#: Lead-ins of printed dates: a modification, or a publication.
_MODIFIED_LABEL = re.compile(
    r"\b(?:updated|last (?:updated|modified)|modified|aktualisiert|geändert|stand|mis à jour"
    r"|actualizado|actualización|aggiornat[oa]|güncelleme|güncellendi|oppdatert|opdateret"
    r"|uppdaterad|bijgewerkt|更新)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^.*?(?:updated|modified|published|posted|veröffentlicht|aktualisiert|erstellt|stand"
    r"|publiziert|erschienen|publisert|publicerad|gepubliceerd|opublikowano|publikováno"
    r"|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|güncelleme|yayınlanma"
    r"|coverage started|datum|date|fecha|on)\b\s*(?:on|am|le|el|il)?\s*[:：]?\s*",
    re.IGNORECASE,
)
_MAX_HUMAN = 80

# The commonest printed dates in English and German ("October 23, 2025 5:50 pm",
# "Fri 22 Nov 2024 08:49", "17:41, 13 October 2024", "3. Mai 2024, 17:47") are read here;
# dateparser (about 1.4 ms a call) reads the rest. tests/test_parsers_dates_quick.py checks
# that both read every form accepted here alike.
_MONTH_NAMES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "en": (
            "january february march april may june july august september october november december",
            "jan feb mar apr may jun jul aug sep oct nov dec",
        ),
        "de": (
            "januar februar märz april mai juni juli august september oktober november dezember",
            "jan feb mär apr mai jun jul aug sep okt nov dez",
        ),
    }
)
_DAY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "en": "monday tuesday wednesday thursday friday saturday sunday"
        " mon tue wed thu fri sat sun",
        "de": "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    }
)
#: Words that may join a date and its time, per language ("at", "um").
_DATE_TIME_LINKS: Mapping[str, str] = MappingProxyType({"en": "at", "de": "um"})
_Q_TIME = r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))? ?(?P<ampm>[ap]m)?"
_Q_WEEKDAY = r"(?:(?P<weekday>[^\W\d_]+),? )?"
_Q_MDY = r"(?P<month>[^\W\d_]+)\.? (?P<day>[0-9]{1,2}),? (?P<year>[0-9]{4})"
_Q_DMY = r"(?P<day>[0-9]{1,2})\.? (?P<month>[^\W\d_]+)\.?,? (?P<year>[0-9]{4})"


def _quick_patterns(link: str) -> tuple[re.Pattern[str], ...]:
    joint = f"(?:,? (?:- |{link} )?{_Q_TIME})?"
    forms = (
        f"{_Q_WEEKDAY}{_Q_MDY}{joint}",
        f"{_Q_WEEKDAY}{_Q_DMY}{joint}",
        f"{_Q_TIME},? {_Q_MDY}",
        f"{_Q_TIME},? {_Q_DMY}",
    )
    return tuple(re.compile(form, re.IGNORECASE) for form in forms)


def _name_table(names: str) -> Mapping[str, int]:
    return MappingProxyType({name: i for i, name in enumerate(names.split())})


_QUICK_PATTERNS = MappingProxyType({k: _quick_patterns(v) for k, v in _DATE_TIME_LINKS.items()})
_MONTHS = MappingProxyType(
    {
        k: MappingProxyType({**_name_table(f), **_name_table(s)})
        for k, (f, s) in _MONTH_NAMES.items()
    }
)
_WEEKDAYS = MappingProxyType({k: _name_table(v) for k, v in _DAY_NAMES.items()})


@attrs.frozen
class Dates:
    published: str | None = None
    modified: str | None = None
    raw: str | None = None


@attrs.frozen
class Stamp:
    """One date: its ISO form, the text it was read from, and whether a label says it
    is a modification."""

    iso: str
    raw: str
    modified: bool = False
    printed: bool = False


def to_iso(value: datetime | date) -> str:
    """ISO 8601: a date alone, or date-time with offset when the value is aware.

    >>> to_iso(datetime(2020, 12, 13, 9, 5, tzinfo=timezone.utc))
    '2020-12-13T09:05:00+00:00'
    >>> to_iso(date(2020, 12, 13))
    '2020-12-13'
    """
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def parse_machine(text: str) -> datetime | date | None:
    """An ISO 8601 machine date ("2020-12-13T09:47:00Z", "2026-05-13 15:44").

    >>> parse_machine("2020-12-13T10:22:00+0300")
    datetime.datetime(2020, 12, 13, 10, 22, tzinfo=datetime.timezone(datetime.timedelta(seconds=10800)))
    >>> parse_machine("2020-12-13")
    datetime.date(2020, 12, 13)
    """
    text = text.strip()
    if not _ISO.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1).replace(" ", ""))
    except ValueError:
        return None
    return parsed.date() if len(text) == 10 else parsed


def _with_zone(value: datetime, match: re.Match[str]) -> datetime:
    """``value`` (a local wall time) in the zone the page printed."""
    name = (match["name"] or "Z").upper()
    base = _ZONES.get(name, 0)
    if match["sign"]:
        hours = int(match["hours"]) + int(match["minutes"] or 0) / 60
        base = (hours if match["sign"] == "+" else -hours) + (
            base if isinstance(base, float | int) else 0
        )
    if isinstance(base, str):
        offset = value.replace(tzinfo=ZoneInfo(base)).utcoffset() or timedelta(0)
    else:
        offset = timedelta(hours=base)
    return value.replace(tzinfo=timezone(offset))


def _numeric(text: str, language: str | None, hint: str | None) -> datetime | date | None:
    """Numeric dates: "13.12.2020", "13.12.2020, 18:30 Uhr", "02/10/2020". Dots put the
    day first; slashes and dashes too, except in month-first English and in metadata
    (``language`` :data:`_MACHINE`: servers write US dates), so "02/10/2020" is October 2 on an en-GB
    page and February 10 on an en-US one. An order the numbers leave open is settled by ``hint`` (a day
    ``YYYY-MM-DD`` the page states elsewhere, in its URL) when one reading is that day.

    >>> _numeric("10.12.2022, 07:00:03", None, None)
    datetime.datetime(2022, 12, 10, 7, 0, 3)
    >>> _numeric("02/10/2020", "en-US", "2020-10-02")
    datetime.date(2020, 10, 2)
    """
    match = _NUMERIC_DAY.match(text)
    if not match:
        return None
    first, sep, second, year, hour, minute, second_s, meridiem = match.groups()
    evidence = (int(year), hint) if hint else None
    day, month = _day_month(int(first), int(second), sep, language, evidence)
    try:
        if hour is None:
            return date(int(year), month, day)
        hours = int(hour)
        if meridiem:
            hours = hours % 12 + (12 if meridiem.lower() == "p" else 0)
        return datetime(int(year), month, day, hours, int(minute), int(second_s or 0))
    except ValueError:
        return None


def _day_month(
    first: int, second: int, sep: str, language: str | None, hint: tuple[int, str] | None
) -> tuple[int, int]:
    """(day, month) of a numeric date whose first two numbers are ``first``, ``second``."""
    if sep == "." or first > 12 or second > 12 or first == second:
        return (second, first) if second > 12 and sep != "." else (first, second)
    if hint is not None:
        year, day = hint
        for option in ((first, second), (second, first)):
            if f"{year:04d}-{option[1]:02d}-{option[0]:02d}" == day:
                return option
    lang, _, region = (language or "").lower().partition("-")
    month_first = language == _MACHINE or (lang == "en" and region in _MONTH_FIRST_REGIONS)
    return (second, first) if month_first else (first, second)


def quick_date(text: str, language: str | None) -> datetime | None:
    """A date in one of the common English or German forms, read without dateparser (to
    the same value); ``None`` for anything else.

    >>> quick_date("Friday, 22 Nov 2024 4:55 pm", "en-GB")
    datetime.datetime(2024, 11, 22, 16, 55)
    >>> quick_date("13. Mai 2026 um 15:44", "de")
    datetime.datetime(2026, 5, 13, 15, 44)
    >>> quick_date("Thursday, 22 Nov 2024", "en") is None  # a Friday: left to dateparser
    True
    """
    lang = (language or "").split("-")[0].lower()
    if lang not in _QUICK_PATTERNS:
        return None
    text = " ".join(text.split()).replace(" ,", ",")
    for pattern in _QUICK_PATTERNS[lang]:
        match = pattern.fullmatch(text)
        if match:
            return _quick_value(match, lang)
    return None


def _quick_value(match: re.Match[str], lang: str) -> datetime | None:
    month = _MONTHS[lang].get(match["month"].casefold())
    hour, minute = int(match["hour"] or 0), int(match["minute"] or 0)
    meridiem = (match["ampm"] or "").lower()
    if month is None or (meridiem and not 1 <= hour <= 12):
        return None
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    try:
        value = datetime(
            int(match["year"]), month % 12 + 1, int(match["day"]), hour, minute,
            int(match["second"] or 0),
        )  # fmt: skip
    except ValueError:
        return None
    weekday = match.groupdict().get("weekday")
    if weekday is None:
        return value
    index = _WEEKDAYS[lang].get(weekday.casefold())
    return value if index is not None and index % 7 == value.weekday() else None


def _dateparser(text: str, language: str | None) -> datetime | None:
    lang = "" if language == _MACHINE else (language or "").split("-")[0].lower()
    languages = [lang, "en"] if lang and lang != "en" else ["en"] if lang else None
    try:
        parsed = dateparser.parse(
            text,
            languages=languages,
            settings={
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["day", "month", "year"],
            },
        )
    except (ValueError, OverflowError, TypeError, AttributeError) as exc:
        logger.debug("unreadable date %(raw)r: %(exc)s", {"raw": text, "exc": exc})
        return None
    return parsed if isinstance(parsed, datetime) else None


def strip_label(text: str) -> str:
    """The date part of a printed date: without a leading "Published"/"Updated:" label.

    >>> strip_label("Last modified on Sun 13 Dec 2020 16.20 GMT")
    'Sun 13 Dec 2020 16.20 GMT'
    >>> strip_label("Dec. 13, 2020")
    'Dec. 13, 2020'
    """
    first_digit = next((i for i, c in enumerate(text) if c.isdigit()), len(text))
    head = _LABEL.sub("", text[:first_digit], count=1)
    return (head + text[first_digit:]).strip(" ,:|–-")


def parse_human(
    text: str, language: str | None = None, hint: str | None = None
) -> datetime | date | None:
    """A date printed for people, with the page language as a hint. Text without a year
    is not read (relative dates depend on the clock).

    >>> parse_human("Sun 13 Dec 2020 14.05 GMT", "en")
    datetime.datetime(2020, 12, 13, 14, 5, tzinfo=datetime.timezone.utc)
    >>> parse_human("13.12.2020, 18:30 Uhr", "de")
    datetime.datetime(2020, 12, 13, 18, 30)
    >>> parse_human("Updated 2 hours ago") is None
    True
    """
    text = strip_label(text)
    if len(text) > _MAX_HUMAN or len(_YEAR.findall(text)) != 1:
        return None
    numeric = _numeric(text, language, hint)
    if numeric is not None:
        return numeric
    zone = _ZONE.search(text)
    cleaned = _ZONE.sub(" ", text) if zone else text
    cleaned = _MERIDIEM.sub(r"\1m", _DOT_TIME.sub(":", cleaned)).replace("Uhr", " ")
    parsed = quick_date(cleaned, language) or _dateparser(cleaned, language)
    if parsed is None:
        return None
    if not _HAS_TIME.search(text):
        return parsed.date()
    return _with_zone(parsed, zone) if zone else parsed


def parse_date(raw: str | None, language: str | None = None) -> str | None:
    """Parse a machine or human date into ISO 8601; ``None`` when unreadable.

    >>> parse_date("2020-12-13T10:22:00Z")
    '2020-12-13T10:22:00+00:00'
    >>> parse_date("December 13, 2020")
    '2020-12-13'
    >>> parse_date("Dec. 13, 2020, 5:15 p.m. ET")
    '2020-12-13T17:15:00-05:00'
    >>> parse_date("soon") is None
    True
    """
    if not raw or not raw.strip():
        return None
    parsed = parse_machine(raw) or parse_human(raw, language)
    return to_iso(parsed) if parsed is not None else None


def _stamp(raw: str | None, language: str | None, modified: bool = False) -> Stamp | None:
    iso = parse_date(raw, language)
    return Stamp(iso, normalize_raw(raw or ""), modified) if iso else None


def normalize_raw(text: str) -> str:
    return " ".join(text.split())


def _structured(page: Page, keys: tuple[str, ...], meta: tuple[str, ...]) -> Stamp | None:
    """The first readable date among the article object's ``keys`` (then other page
    objects') and the ``meta`` tags."""
    for raw in _structured_candidates(page, keys, meta):
        if raw and raw.strip():
            found = _stamp(raw, _MACHINE)
            if found:
                return found
    return None


def _structured_candidates(
    page: Page, keys: tuple[str, ...], meta: tuple[str, ...]
) -> Iterator[str | None]:
    """The raw dates :func:`_structured` tries, in order, read as they are asked for (the
    first is usually the one)."""
    for key in keys:
        yield as_text(page.ld.get(key))
    for obj in page.ld_all:
        if _describes_page(obj):
            for key in keys:
                yield as_text(obj.get(key))
    for name in meta:
        yield page.meta_first(name)


def _describes_page(obj: object) -> bool:
    names = type_names(obj) if isinstance(obj, dict) else []
    return any(n in ARTICLE_TYPES or n in selectors.PAGE_DATE_TYPES for n in names)


@attrs.frozen
class Printed:
    """A date an element prints (``printed``, its label stripped) or carries in
    ``datetime``/``content`` (``machine``), not read yet: most never need the date parser."""

    raw: str
    printed: str
    machine: str | None
    modified: bool


def _printed_date(node: etree._Element, text: str) -> Printed | None:
    label = _label_context(node, text)
    printed = strip_label(text) if _YEAR.search(text) and len(text) <= _MAX_HUMAN else ""
    machine = node.get("datetime") or node.get("content")
    if not printed and not machine:
        return None
    raw = printed or normalize_raw(machine or "")
    return Printed(raw, printed, machine, bool(_MODIFIED_LABEL.search(label)))


def _may_print_day(text: str, day: str) -> bool:
    """False when ``text`` cannot print the day ``day`` (``YYYY-MM-DD``): none of its
    numbers is that day of the month (a long digit run may be a compact date)."""
    wanted = int(day[8:10])
    return any(len(d) > 4 or (len(d) <= 2 and int(d) == wanted) for d in _DIGITS.findall(text))


@attrs.define
class DateReader:
    """Reads :class:`Printed` dates on demand, each distinct text once."""

    language: str | None
    hint: str | None = None
    """A day (``YYYY-MM-DD``) the page states elsewhere (its URL's), for numeric dates."""
    _seen: dict[str, datetime | date | None] = attrs.field(factory=dict)

    def stamp(self, found: Printed, day: str | None = None) -> Stamp | None:
        """The date read, or ``None``; with ``day``, a printed text that cannot print
        that day is not read (``None``)."""
        value = parse_machine(found.machine) if found.machine else None
        if value is None and found.printed and (day is None or _may_print_day(found.printed, day)):
            value = self._human(found.printed)
        if value is None:
            return None
        return Stamp(to_iso(value), found.raw, found.modified, bool(found.printed))

    def first(self, candidates: Iterable[Printed]) -> Stamp | None:
        return next((s for s in map(self.stamp, candidates) if s is not None), None)

    def read(self, text: str) -> datetime | date | None:
        """A printed date (machine forms too), read once per text."""
        return parse_machine(text) or self._human(text)

    def _human(self, text: str) -> datetime | date | None:
        if text not in self._seen:
            self._seen[text] = parse_human(text, self.language, self.hint)
        return self._seen[text]


#: A "Updated <time>" lead-in sits in a small parent; a larger one lists many dates.
_LABEL_PARENT_CHILDREN = 8


def _label_context(node: etree._Element, text: str) -> str:
    """The words before the date: the element's own lead-in, or its parent's for a
    ``<time>`` inside "Updated <time>"."""
    first_digit = next((i for i, c in enumerate(text) if c.isdigit()), len(text))
    own = text[:first_digit]
    parent = node.getparent()
    if node.tag != "time" or parent is None or len(parent) > _LABEL_PARENT_CHILDREN:
        return own  # a parent with many children is a list of dates, not "Updated <time>"
    context = text_of(parent)
    at = context.find(text) if text else -1
    return own + " " + context[:at] if 0 <= at <= 60 else own


_DATE_WORDS = re.compile("|".join(map(re.escape, selectors.DATE_CLASS_WORDS)))


def _date_nodes(page: Page) -> Iterator[etree._Element]:
    """The first ``<h1>`` and every element that may print a date, in page order."""
    seen_h1 = False
    for node in page.marked:
        tag = node.tag
        if tag == "h1":
            if not seen_h1:
                seen_h1 = True
                yield node
        elif (
            tag == "time"
            or node.get("itemprop") in selectors.DATE_ITEMPROPS
            or (tag in selectors.DATE_TAGS and _DATE_WORDS.search(class_id(node)))
        ):
            yield node


def printed_dates(page: Page, wanted: Callable[[str], bool] | None = None) -> list[Printed]:
    """Dates printed in the article, those after the headline first, not read yet; with
    ``wanted``, only those whose text it accepts."""
    before: list[Printed] = []
    after: list[Printed] = []
    seen_headline = False
    for node in _date_nodes(page):
        if node.tag == "h1":
            seen_headline = True
            continue
        text = text_of(node)
        if len(_YEAR.findall(text)) > 1 or (wanted is not None and not wanted(text)):
            continue
        if page.foreign(node):
            continue
        found = _printed_date(node, text)
        if found:
            (after if seen_headline else before).append(found)
    return after + before


def _still_wanted(published: Stamp | None, modified: Stamp | None) -> Callable[[str], bool] | None:
    """With a structured published date, a printed date matters only when it may print
    that date (its year is in it: for ``date_raw``) or a modification the structured data
    lacks."""
    if published is None:
        return None
    year = published.iso[:4]
    if modified is not None:
        return lambda text: year in text
    return lambda text: year in text or bool(_MODIFIED_LABEL.search(text))


def _agreeing_raw(published: Stamp, visible: list[Printed], reader: DateReader) -> str:
    """The printed form of the published date: the shortest printed date at the same
    minute, else the shortest on the same day, else the structured string."""
    day, minute = published.iso[:10], published.iso[:16]
    printed = sorted((p for p in visible if p.printed and not p.modified), key=lambda p: len(p.raw))
    same_day: str | None = None
    for candidate in printed:
        found = reader.stamp(candidate, day)
        iso = _in_zone(found.iso, published.iso) if found else ""
        if found is None or iso[:10] != day:
            continue
        if len(iso) > 10 and iso[:16] == minute:
            return found.raw
        if same_day is None:
            same_day = found.raw
            if len(minute) == 10:  # no time to agree on: the shortest same day is it
                break
    return same_day or published.raw


def _in_zone(iso: str, like: str) -> str:
    """``iso`` in the offset of ``like`` when both are times with an offset (a ``<time>``
    that prints the local day carries the UTC instant).

    >>> _in_zone("2023-11-01T23:01:00+00:00", "2023-11-02T00:01:00+01:00")
    '2023-11-02T00:01:00+01:00'
    """
    if len(iso) <= _NAIVE_LENGTH or len(like) <= _NAIVE_LENGTH:
        return iso
    try:
        value, zone = datetime.fromisoformat(iso), datetime.fromisoformat(like).tzinfo
    except ValueError:
        return iso
    return to_iso(value.astimezone(zone)) if value.tzinfo and zone else iso


#: Length of a date-time without offset ("2023-11-02T00:01:00").
_NAIVE_LENGTH = 19


def _url_date(url: str) -> Stamp | None:
    """The day a URL's path names: ``/2023/11/08/``, ``/2023-11-08-``, ``/20231108/``."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, _, month, day, compact_month, compact_day = match.groups()
    try:
        value = date(int(year), int(month or compact_month), int(day or compact_day))
    except ValueError:
        return None
    return Stamp(value.isoformat(), "")


def _local(
    published: Stamp, page: Page, visible: list[Printed], reader: DateReader, url_day: Stamp | None
) -> Stamp:
    """A UTC published time in the page's own offset (see :mod:`~newscrawl.parsers.datezone`)."""
    utc = datezone.utc_time(published.iso)
    if utc is None:
        return published
    walls = _wall_times(visible, reader)
    local = datezone.in_page_offset(utc, page, walls, url_day.iso if url_day else None)
    return published if local is utc else attrs.evolve(published, iso=to_iso(local))


def _wall_times(visible: list[Printed], reader: DateReader) -> Iterator[datetime]:
    """Date-times the page writes or prints (not as modification times)."""
    for found in visible:
        if found.modified or not (found.machine or _HAS_TIME.search(found.printed)):
            continue
        stamp = reader.stamp(found)
        value = parse_machine(stamp.iso) if stamp else None
        if isinstance(value, datetime):
            yield value


def _unstructured(
    page: Page, reader: DateReader, modified: Stamp | None, url_day: Stamp | None
) -> Stamp | None:
    """The published date of a page that neither marks nor prints one alone: htmldate's
    day (unless it is January 1, what a year alone gives, or a caption prints it: a
    photo's date), else the URL's; for a page that prints only a modification ("Updated: ..."),
    the URL's day, else that modification (the only release it states)."""
    if modified is not None and modified.printed:
        return url_day or attrs.evolve(modified, modified=False)
    day = datefind.find_day(page)
    if (
        day is None
        or day.endswith(_NEW_YEAR)
        or (url_day is None and day in _caption_days(page, reader))
    ):
        return url_day  # a bare year (a copyright line) or a photo's date is not the article's
    return Stamp(day, "")


#: htmldate's day for a year alone ("© 2026"): January 1 of it.
_NEW_YEAR = "-01-01"


def _in_caption(node: etree._Element) -> bool:
    return any(a.tag in _CAPTION_TAGS for a in node.iterancestors())


_CAPTION_TAGS = frozenset({"figure", "figcaption"})


def _caption_days(page: Page, reader: DateReader) -> set[str]:
    """The days of the date elements inside captions (a photo's date, not the article's)."""
    days: set[str] = set()
    for node in _date_nodes(page):
        if node.tag == "h1" or not _in_caption(node):
            continue
        found = _printed_date(node, text_of(node))
        stamp = reader.stamp(found) if found else None
        if stamp is not None:
            days.add(stamp.iso[:10])
    return days


def extract_dates(page: Page, language: str | None) -> Dates:
    """Published (earliest release), modified and the published date as printed."""
    override = [
        s for s in (_stamp(t, language) for t in override_texts(page, "date_published")) if s
    ]
    published = (
        override[0]
        if override
        else _structured(page, ("datePublished", "dateCreated"), selectors.PUBLISHED_META)
    )
    modified = _structured(page, ("dateModified",), selectors.MODIFIED_META)
    visible = printed_dates(page, _still_wanted(published, modified))
    url_day = _url_date(page.url)
    reader = DateReader(language, url_day.iso if url_day else None)
    plain: list[Printed] = []
    if published is None:
        published = reader.first(p for p in visible if not p.modified)
    if published is None:
        plain = [p for p in (_printed_date(n, t) for n, t in datefind.plain_dates(page)) if p]
        published = reader.first(p for p in plain if not p.modified)
    if modified is None:
        modified = reader.first(p for p in visible + plain if p.modified)
    if published is None:
        published = _unstructured(page, reader, modified, url_day)
    if published is None:
        return Dates(None, modified.iso if modified else None, None)
    published = _local(published, page, visible, reader, url_day)
    raw = _agreeing_raw(published, visible + plain, reader) or _printed_day(page, published, reader)
    return Dates(published.iso, modified.iso if modified else None, raw)


def _printed_day(page: Page, published: Stamp, reader: DateReader) -> str | None:
    """For a day found without its printed form (htmldate's, the URL's), the first date
    the page's text prints for that day."""
    day = published.iso[:10]
    for run in datefind.date_runs(page, day):
        value = reader.read(run)
        if value is not None and value.isoformat()[:10] == day:
            return run
    return None
