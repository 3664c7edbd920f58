"""Quality gate: newscrawl's extraction figures may not fall below the floors in
bench/results/baseline.json.

The figures are computed by the benchmark's own code (``bench/quality.py``: its runner, its
scoring of each dev set, its metric functions), with newscrawl only, over every page of the four
dev sets (fundus, longtail, dates, bodies) in a pool of two processes; a dev set that is missing
is a failure under CI=true and a skip otherwise. The project's own fixtures are checked too, and
the metric functions are tested on hand-worked cases.
"""

from __future__ import annotations

import doctest
import hashlib
import json
from typing import TYPE_CHECKING, Any

import pytest

from bench import zyte_eval
from bench.qualitysets import bodies, common, fundus, longtail, metrics, report
from bench.qualitysets.metrics import body_prf, caption_found, snippet_counts, split_names
from bench.qualitysets.runner import measure
from bench.qualitysets.tools import NEWSCRAWL
from newscrawl import parse_article
from tests.conftest import DATASETS, FIXTURES, ROOT, require_dataset

if TYPE_CHECKING:
    from pathlib import Path

BASELINE = json.loads((ROOT / "bench" / "results" / "baseline.json").read_text(encoding="utf-8"))
SETS: dict[str, dict[str, Any]] = BASELINE["sets"]
FLOORS = [(name, key) for name, pinned in SETS.items() for key in pinned["floors"]]


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    """newscrawl's figures over all pages of each dev set that is present."""
    present = [name for name in SETS if (DATASETS / name / "index.jsonl").is_file()]
    runs = measure(present, peers=(), jobs=2, cache=None) if present else {}
    return {name: run.figures(NEWSCRAWL)["all"] for name, run in runs.items()}


@pytest.mark.parametrize("name", sorted(SETS))
def test_dev_set_is_the_one_the_floors_were_set_on(name: str) -> None:
    folder = require_dataset(name)
    digest = hashlib.sha256((folder / "index.jsonl").read_bytes()).hexdigest()
    assert digest == SETS[name]["index_sha256"], f"{name} changed: re-measure and re-pin floors"


@pytest.mark.parametrize(("name", "key"), FLOORS, ids=[f"{n}-{k}" for n, k in FLOORS])
def test_dev_set_floor(measured: dict[str, dict[str, Any]], name: str, key: str) -> None:
    require_dataset(name)
    value = measured[name][key]
    floor = SETS[name]["floors"][key]
    assert value is not None
    assert value >= floor, f"{name} {key}: {value:.4f} < floor {floor}"


def test_every_set_and_rate_is_gated() -> None:
    from bench.qualitysets.runner import SETS as DEV_SETS

    for name, devset in DEV_SETS.items():
        rates = {m.key for m in devset.metrics if m.kind == "rate"}
        assert set(SETS[name]["floors"]) == rates, name


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
    "module",
    [zyte_eval, metrics, common, fundus, longtail, bodies, report],
    ids=lambda m: m.__name__,
)
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


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


def test_fundus_author_date_and_headline_rules() -> None:
    assert split_names(["By Ana Lee & Bo Chen"]) == {"ana lee", "bo chen"}
    assert split_names(["Ana Lee und Bo Chen"]) == split_names(["Bo Chen", "Ana Lee"])
    assert fundus.date_ok("2024-05-03 18:19:08", "2024-05-03T18:19:08+02:00")
    assert not fundus.date_ok("2024-05-03 00:00:00", "2024-05-04")
    assert not fundus.date_ok("2024-05-03 00:00:00", None)
    assert metrics.fold("Die\u00a0WELT\u200b") == metrics.fold("die welt")
    assert metrics.fold("Die Welt") != metrics.fold("Die Welt | Home")


def test_longtail_names_split_both_sides() -> None:
    # the README's examples: one label string holding several names, "/" and "&" included
    assert longtail.names(["CLARA LÖW, SIDDHARTH PRAKASH & KLAUS JACOB"]) == longtail.names(
        ["Clara Löw", "Siddharth Prakash", "Klaus Jacob"]
    )
    assert longtail.names(["E. BARRENECHE / J. I. DA SILVA"]) == {"e. barreneche", "j. i. da silva"}
    # trafilatura joins its authors with "; "
    assert longtail.names(["Luana Patriolino; Raphael Felice"]) == longtail.names(
        ["Luana Patriolino", "Raphael Felice"]
    )
    assert longtail.names(["Von Jelko Djuren und Jutta Klaukien"]) == {
        "jelko djuren",
        "jutta klaukien",
    }
    assert longtail.names([]) == set()


def test_snippets_are_case_sensitive_and_pooled() -> None:
    tally = snippet_counts(
        "Der  erste\nSatz. Impressum", ["erste Satz", "der erste"], ["Impressum"]
    )
    assert (tally.tp, tally.fn, tally.fp) == (1, 1, 1)  # "der erste" differs in case
    assert snippet_counts("Zei\u00adtung", ["Zeitung"], []).tp == 1  # soft hyphen removed
    assert metrics.pooled_prf(3, 1, 1) == pytest.approx((0.75, 0.75, 0.75))


def test_zyte_metric_by_hand() -> None:
    # expected: 6 tokens -> 3 shingles; predicted: its first 5 tokens + 2 others -> 4 shingles,
    # 2 shared: tp 2, fp 2, fn 1 out of 5
    counts = zyte_eval.page_counts("a b c d e f", "a b c d e x y")
    assert counts == pytest.approx((2 / 5, 2 / 5, 1 / 5))
    assert zyte_eval.page_scores(counts) == pytest.approx((0.5, 2 / 3))
    # precision averages the non-empty answers only; recall counts the empty one as 0
    agg = zyte_eval.aggregate([(False, 0.5, 1.0), (False, 1.0, 0.5), (True, 0.0, 0.0)])
    assert (agg.precision, agg.recall, agg.empty) == pytest.approx((0.75, 0.5, 1))
    assert agg.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)
    # case is kept: "The" and "the" are different tokens
    assert zyte_eval.page_counts("The cat", "the cat") == pytest.approx((0.0, 0.5, 0.5))
