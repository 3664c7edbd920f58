"""The quick reader of common English/German dates reads every form it accepts exactly as
dateparser does (parsers/dates.py calls dateparser only for the rest)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from newscrawl.parsers.dates import _dateparser, parse_human, quick_date

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "APR",
        "jan.",
        "Dec.",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
        "Jan",
        "Feb",
        "Mär",
        "MÄR",
        "Apr",
        "Okt",
        "Dez",
        "Sep",
        "Sept",
        "Mrz",
        "Jan.",
    ],
}
WEEKDAYS = {
    "en": ["Monday", "Friday", "Sunday", "Mon", "Fri", "Thu", "Tues", "Thurs", "FRIDAY", "Gear"],
    "de": ["Montag", "Freitag", "Sonntag", "Mo", "Fr", "Samstag", "Sonnabend", "Heute"],
}
TIMES = [
    "9:05", "09:05", "12:30 am", "12:30 pm", "11:21am", "11:21pm", "23:59", "0:15",
    "14:02:33", "13:00 pm", "00:00", "12:00", "9:33PM", "5:09:", "24:10",
]  # fmt: skip
LINKS = [", ", " ", " - ", " um ", ", at ", " at ", " , "]
DAYS = ["1", "01", "2", "9", "12", "13", "28", "29", "30", "31", "0", "32"]


def _one(rng: random.Random, lang: str) -> str:
    month, day, year = rng.choice(MONTHS[lang]), rng.choice(DAYS), rng.choice(["2019", "2024"])
    form = rng.choice(["mdy", "dmy", "dmy.", "time first"])
    if form == "mdy":
        core = f"{month} {day}{rng.choice([',', ''])} {year}"
    else:
        core = f"{day}{'.' if form == 'dmy.' else ''} {month} {year}"
    if form == "time first":
        return f"{rng.choice(TIMES)}{rng.choice([', ', ' , ', ' '])}{core}"
    weekday = rng.choice(["", "", *WEEKDAYS[lang]])
    head = f"{weekday}{rng.choice([', ', ' '])}" if weekday else ""
    time = rng.choice(["", "", *TIMES])
    return head + core + (rng.choice(LINKS) + time if time else "")


def _samples(lang: str, count: int) -> list[str]:
    rng = random.Random(f"quick dates {lang}")  # the same strings every run
    return [_one(rng, lang) for _ in range(count)]


@pytest.mark.parametrize("language", ["en", "en-GB", "de", "de-AT"])
def test_quick_reading_equals_dateparser(language: str) -> None:
    read = 0
    for text in _samples(language.split("-")[0], 400):
        quick = quick_date(text, language)
        if quick is not None:
            read += 1
            assert quick == _dateparser(text, language), text
    assert read >= 80  # the generator does reach the quick forms


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("October 23, 2025 5:50 pm", "en-GB", datetime(2025, 10, 23, 17, 50)),
        ("Jul 17, 2024, 11:21am", "en", datetime(2024, 7, 17, 11, 21)),
        ("17:41 , October 13, 2024", "en", datetime(2024, 10, 13, 17, 41)),
        ("Friday 22 November 2024 08:49", "en", datetime(2024, 11, 22, 8, 49)),
        ("3. Mai 2024, 17:47", "de-AT", datetime(2024, 5, 3, 17, 47)),
        ("12. MÄR 2025 18:03", "de", datetime(2025, 3, 12, 18, 3)),
        ("20:00, 29 Jan 2024", "de-DE", datetime(2024, 1, 29, 20, 0)),
    ],
)
def test_common_forms_are_read_quickly(text: str, language: str, expected: datetime) -> None:
    assert quick_date(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Gear Apr 28, 2024 10:00 AM", "en-US"),  # not a weekday (and 28 April is a Sunday)
        ("Thursday, 22 Nov 2024", "en"),  # a Friday
        ("13 Mai 2024", "en"),  # German month on an English page
        ("3. Mai 2024, 17:47", "fr"),  # no quick forms for this language
        ("3. Mai 2024, 17:47", None),
        ("February 30, 2024", "en"),
        ("13:00 pm, 3 May 2024", "en"),
        ("١٣ May 2024", "en"),  # other digits: left to dateparser
    ],
)
def test_other_forms_are_left_to_dateparser(text: str, language: str | None) -> None:
    assert quick_date(text, language) is None


def test_parse_human_reads_alike_through_either_reader() -> None:
    # "en" takes the quick reader, "fr" dateparser (which falls back to English)
    quick, slow = (parse_human("Sun 13 Dec 2020 14.05 GMT", lang) for lang in ("en", "fr"))
    assert quick == slow is not None
