"""Every fixture case, field by field; and the ``python -m newscrawl.devtools.fixture_cases`` commands.

A case is ``fixtures/<site>/<slug>/`` with a saved page and a hand-written
``expected.json``. Each expected field is its own test (``trtworld/slug::headline``), so
a report lists exactly which fields of which pages are wrong.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from newscrawl import parse_article
from newscrawl.dedup.fingerprints import content_hash
from newscrawl.devtools.fixture_cases import (
    EXPECTED_JSON,
    RESPONSE_HTML,
    RESPONSE_JSON,
    FixtureError,
    canonical_json,
    discover,
    load_case,
    load_expected,
    main,
)
from newscrawl.record.schema_check import record_errors
from newscrawl.text import word_count
from tests.conftest import FIXTURES, ROOT

if TYPE_CHECKING:
    from pathlib import Path

#: The record keys of INTERFACE.md (schema_version 1): every record has exactly these.
INTERFACE_KEYS = frozenset(
    {
        "schema_version", "url", "canonical_url", "headline", "description", "authors",
        "byline", "date_published", "date_modified", "date_raw", "section", "tags",
        "language", "site_name", "body", "caption", "images", "read_more", "source",
        "word_count", "content_hash", "scraped_at",
    }
)  # fmt: skip
#: What expected.json holds: all but the computed hash and the run-time fetch time.
EXPECTED_KEYS = INTERFACE_KEYS - {"content_hash", "scraped_at"}
#: A fixed fetch time, so the stamped record is the same on every run.
SCRAPED_AT = "2020-12-14T08:00:00+00:00"
#: The seed pages plus the ten outlet styles of issue #2 item 5.
MIN_CASES = 12

CASES = discover(FIXTURES)


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@functools.cache
def _record(path: Path) -> dict[str, Any]:
    """The parser's record for a case, stamped like a crawl would stamp it (parsed once)."""
    case = load_case(path)
    article = parse_article(case.html, case.url)
    return attrs.evolve(article, scraped_at=SCRAPED_AT).to_dict()


def _field_params() -> list[Any]:
    params = []
    for path in CASES:
        try:
            keys = sorted(load_expected(path))
        except FixtureError:
            # an unreadable expected.json becomes one failing test, not a collection error
            keys = [EXPECTED_JSON]
        params.extend(pytest.param(path, key, id=f"{_case_id(path)}::{key}") for key in keys)
    return params


case_params = pytest.mark.parametrize("path", CASES, ids=_case_id)


def test_cases_are_discovered():
    assert len(CASES) >= MIN_CASES, [_case_id(p) for p in CASES]
    assert all(p.parent.name != "site" for p in CASES)


@pytest.mark.parametrize(("path", "key"), _field_params())
def test_field(path, key):
    expected = load_expected(path)[key]
    record = _record(path)
    assert key in record, f"the record has no {key!r}"
    assert record[key] == expected


@case_params
def test_no_unexpected_keys(path):
    assert set(_record(path)) == INTERFACE_KEYS


@case_params
def test_content_hash_is_of_expected_headline_and_body(path):
    expected = load_expected(path)
    assert _record(path)["content_hash"] == content_hash(expected["headline"], expected["body"])


@case_params
def test_record_is_valid(path):
    assert record_errors(_record(path)) == []


# --- the expectations themselves -------------------------------------------------------


@case_params
def test_expected_is_complete_and_canonical(path):
    text = (path / EXPECTED_JSON).read_text("utf-8")
    expected = json.loads(text)
    assert set(expected) == EXPECTED_KEYS
    assert text == canonical_json(expected) + "\n"


@case_params
def test_expected_word_count_is_of_expected_body(path):
    expected = load_expected(path)
    assert expected["word_count"] == word_count(expected["body"])


@case_params
def test_expected_is_valid(path):
    expected = load_expected(path)
    stamped = {
        **expected,
        "content_hash": content_hash(expected["headline"], expected["body"]),
        "scraped_at": SCRAPED_AT,
    }
    assert record_errors(stamped) == []


@case_params
def test_response_json(path):
    info = json.loads((path / RESPONSE_JSON).read_text("utf-8"))
    assert set(info) == {"url", "status", "headers", "encoding"}
    assert info["status"] == 200
    assert info["url"] == load_expected(path)["url"]
    assert info["headers"]["Content-Type"].startswith("text/html")
    (path / RESPONSE_HTML).read_bytes().decode(info["encoding"])


# --- python -m newscrawl.devtools.fixture_cases ------------------------------------------------------

PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ferry service resumes - Harbour Times</title></head><body>
<article><h1>Ferry service resumes</h1>
<p>The island ferry sailed again on Monday after a week of storms kept it in port.</p>
<p>Operators said the timetable would be back to normal by Wednesday.</p></article>
</body></html>"""
URL = "https://harbour.example/news/ferry-service-resumes?utm_source=rss"


@pytest.fixture
def page_file(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    return path


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("newscrawl: ")
    return err


def test_save_writes_response_files_only(tmp_path, page_file):
    case_dir = tmp_path / "harbour" / "ferry"
    assert main(["save", URL, "--html", str(page_file), str(case_dir)]) == 0
    assert sorted(p.name for p in case_dir.iterdir()) == [RESPONSE_HTML, RESPONSE_JSON]
    assert (case_dir / RESPONSE_HTML).read_bytes() == PAGE
    info = json.loads((case_dir / RESPONSE_JSON).read_text("utf-8"))
    assert info == {
        "url": URL,
        "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "encoding": "utf-8",
    }
    assert load_case(case_dir).url == URL


def test_save_records_a_detected_legacy_encoding(tmp_path):
    page = tmp_path / "latin.html"
    page.write_bytes(PAGE.replace(b'charset="utf-8"', b'charset="iso-8859-1"'))
    case_dir = tmp_path / "case"
    assert main(["save", URL, "--html", str(page), str(case_dir)]) == 0
    assert json.loads((case_dir / RESPONSE_JSON).read_text("utf-8"))["encoding"] != "utf-8"


def test_save_refuses_to_replace_a_case_without_force(tmp_path, page_file, capsys):
    case_dir = tmp_path / "case"
    assert main(["save", URL, "--html", str(page_file), str(case_dir)]) == 0
    (case_dir / EXPECTED_JSON).write_text("{}\n", "utf-8")
    capsys.readouterr()
    assert main(["save", URL, "--html", str(page_file), str(case_dir)]) == 1
    assert "already holds a case" in _one_error_line(capsys)
    assert main(["save", URL, "--html", str(page_file), str(case_dir), "--force"]) == 0
    assert (case_dir / EXPECTED_JSON).read_text("utf-8") == "{}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["save", "ftp://x/y", "--html", "{page}", "{dir}"], "not an http(s) URL"),
        (["save", URL, "--html", "{missing}", "{dir}"], "--html file not found"),
        (["save", URL, "--html", "{tmp}", "{dir}"], "is a directory"),
        (["save", URL, "--html", "{binary}", "{dir}"], "does not look like an HTML page"),
        (["rerun", "{missing}"], "is not a directory"),
        (["rerun", "{tmp}"], "response.json not found"),
    ],
)
def test_bad_input_gives_one_line(tmp_path, page_file, capsys, args, message):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    names = {
        "page": page_file,
        "dir": tmp_path / "out",
        "missing": tmp_path / "nope",
        "tmp": tmp_path,
        "binary": binary,
    }
    argv = [a.format(**names) for a in args]
    assert main(argv) == 1
    assert message in _one_error_line(capsys)


def test_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["save", URL])
    assert exit_info.value.code == 2
    _one_error_line(capsys)


def test_rerun_prints_canonical_output_and_writes_nothing(tmp_path, page_file, capsys):
    case_dir = tmp_path / "case"
    main(["save", URL, "--html", str(page_file), str(case_dir)])
    capsys.readouterr()
    assert main(["rerun", str(case_dir)]) == 0
    out = capsys.readouterr().out
    output = json.loads(out)
    assert out == canonical_json(output) + "\n"
    assert set(output) == EXPECTED_KEYS
    assert output["url"] == URL
    assert output["canonical_url"] == "https://harbour.example/news/ferry-service-resumes"
    assert not (case_dir / EXPECTED_JSON).exists()


def test_rerun_diff_reports_differences(tmp_path, page_file, capsys):
    case_dir = tmp_path / "case"
    main(["save", URL, "--html", str(page_file), str(case_dir)])
    capsys.readouterr()
    main(["rerun", str(case_dir)])
    output = json.loads(capsys.readouterr().out)
    (case_dir / EXPECTED_JSON).write_text(canonical_json(output) + "\n", "utf-8")
    assert main(["rerun", str(case_dir), "--diff"]) == 0
    assert capsys.readouterr().out == ""
    wrong = {**output, "headline": "Ferry service halted"}
    (case_dir / EXPECTED_JSON).write_text(canonical_json(wrong) + "\n", "utf-8")
    assert main(["rerun", str(case_dir), "--diff"]) == 1
    out = capsys.readouterr().out
    assert '-  "headline": "Ferry service halted",' in out
    assert '+  "headline": "Ferry service resumes",' in out


def test_module_entry_point(tmp_path, page_file):
    case_dir = tmp_path / "case"
    done = subprocess.run(
        [sys.executable, "-m", "newscrawl.devtools.fixture_cases", "save", URL, "--html", str(page_file),
         str(case_dir)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (case_dir / RESPONSE_JSON).is_file()
