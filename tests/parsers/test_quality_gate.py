"""Quality gate: extraction figures may not fall below the floors in bench/results/baseline.json.

The figures are computed with the benchmark's own metric functions (``bench/quality.py``), with
newscrawl only: on the Fundus dev set (a failure under CI=true when the dataset is missing) and
on the project's own fixtures.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pytest

from bench.quality import (
    Totals,
    body_prf,
    caption_found,
    date_ok,
    evaluate,
    headline_ok,
    load_index,
    newscrawl_fields,
    split_authors,
    summarise,
)
from newscrawl import parse_article
from tests.conftest import FIXTURES, ROOT, require_dataset

if TYPE_CHECKING:
    from pathlib import Path

BASELINE = json.loads((ROOT / "bench" / "results" / "baseline.json").read_text(encoding="utf-8"))
FLOORS: dict[str, float] = BASELINE["floors"]


@pytest.fixture(scope="module")
def fundus() -> Path:
    return require_dataset("fundus")


@pytest.fixture(scope="module")
def dev_totals(fundus: Path) -> Totals:
    results = list(evaluate(load_index(fundus), newscrawl_fields))
    return summarise([s for _, _, s in results], [g.ms for _, g, _ in results])


def test_corpus_is_the_one_the_floors_were_set_on(fundus: Path) -> None:
    digest = hashlib.sha256((fundus / "index.jsonl").read_bytes()).hexdigest()
    assert digest == BASELINE["index_sha256"], "the dev set changed: re-measure and re-pin floors"


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_dev_set_floor(dev_totals: Totals, field: str) -> None:
    measured = getattr(dev_totals, field)
    assert measured is not None
    assert measured >= FLOORS[field], f"{field}: {measured:.4f} < floor {FLOORS[field]}"


# --- the project's own fixtures ----------------------------------------------------------------


def _fixture_dirs() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.glob("*/*/expected.json"))


def _fixture_case(folder: Path) -> tuple[dict[str, object], bytes, str]:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    info_path = folder / "response.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
    url = str(info.get("url") or expected["url"])
    return expected, (folder / "response.html").read_bytes(), url


def test_fixtures_exist() -> None:
    assert _fixture_dirs(), f"no fixtures/<site>/<slug>/expected.json under {FIXTURES}"


@pytest.mark.parametrize("folder", _fixture_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_body(folder: Path) -> None:
    expected, html, url = _fixture_case(folder)
    article = parse_article(html, url)
    precision, recall, f1 = body_prf(str(expected["body"]), article.body)
    assert f1 >= BASELINE["fixture_body_f1"], (precision, recall)


# --- the metric functions themselves -----------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "got", "want"),
    [
        ("one two three four five", "one two three four five", (1.0, 1.0, 1.0)),
        ("one two three four five", "one two three four", (1.0, 0.5, 2 / 3)),
        ("one two three four", "", (0.0, 0.0, 0.0)),
        ("", "", (1.0, 1.0, 1.0)),
        ("a b c d a b c d", "a b c d", (1.0, 0.2, 1 / 3)),
    ],
)
def test_body_prf(expected: str, got: str, want: tuple[float, float, float]) -> None:
    assert body_prf(expected, got) == pytest.approx(want)


def test_body_prf_summary_is_neutral() -> None:
    body = " ".join(f"word{i}" for i in range(40))
    teaser = "a short teaser that only the standfirst has"
    # only the 3 shingles across the teaser/body junction still count against precision
    assert body_prf(body, f"{teaser} {body}", neutral=teaser)[0] == pytest.approx(37 / 40)
    assert body_prf(body, f"{teaser} {body}")[0] == pytest.approx(37 / 45)


@pytest.mark.parametrize(
    ("expected", "ours", "found"),
    [
        ("Guards at Westminster.", ["guards at westminster"], True),
        ("Guards at Westminster", ["Guards at Westminster / PA"], True),
        ("Guards arriving at the Palace of Westminster", ["Guards arriving at the Palace"], False),
        (
            "Guards arriving at the Palace of Westminster",
            ["Guards arriving at the Palace of Westminste"],
            True,
        ),
        ("Guards", [], False),
    ],
)
def test_caption_found(expected: str, ours: list[str], found: bool) -> None:
    assert caption_found(expected, ours) is found


def test_author_and_date_and_headline_rules() -> None:
    assert split_authors(["By Ana Lee & Bo Chen"]) == {"ana lee", "bo chen"}
    assert split_authors(["Ana Lee und Bo Chen"]) == split_authors(["Bo Chen", "Ana Lee"])
    assert date_ok("2024-05-03 18:19:08", "2024-05-03T18:19:08+02:00")
    assert not date_ok("2024-05-03 00:00:00", "2024-05-04")
    assert headline_ok("Die\u00a0WELT\u200b", "die welt")
    assert not headline_ok("Die Welt", "Die Welt | Home")
