"""`newscrawl merge`: one record per canonical_url (latest scraped_at), validated, date-sorted."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from newscrawl.record.schema_check import record_errors


def record(url: str, scraped_at: str, published: str | None, headline: str = "A headline"):
    return {
        "schema_version": 1,
        "url": url,
        "canonical_url": url,
        "headline": headline,
        "description": None,
        "authors": ["Ana Lee"],
        "byline": "By Ana Lee",
        "date_published": published,
        "date_modified": None,
        "date_raw": None,
        "section": "World",
        "tags": ["x"],
        "language": "en",
        "site_name": "Example",
        "body": "One paragraph.\n\nTwo.",
        "caption": None,
        "images": [{"url": "https://ex.com/i.jpg", "caption": "C", "credit": None, "alt": None}],
        "read_more": [{"url": "https://ex.com/r", "title": "R"}],
        "source": None,
        "word_count": 3,
        "content_hash": "sha256:" + "0" * 64,
        "scraped_at": scraped_at,
    }


def write_jsonl(path, *items, tail: bytes = b""):
    with path.open("wb") as handle:
        for item in items:
            line = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
            handle.write(line.encode() + b"\n")
        handle.write(tail)
    return path


def merge(*args):
    return subprocess.run(
        [sys.executable, "-m", "newscrawl", "merge", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def runs(tmp_path):
    a = "https://ex.com/a"
    b = "https://ex.com/b"
    c = "https://ex.com/c"
    day1 = write_jsonl(
        tmp_path / "day1.jsonl",
        record(a, "2026-11-01T10:00:00+00:00", "2026-10-31T09:00:00+02:00", "A v1"),
        record(b, "2026-11-01T10:00:01+00:00", "2026-10-30"),
        "{not json",
    )
    day2 = write_jsonl(
        tmp_path / "day2.jsonl",
        record(a, "2026-11-02T10:00:00+00:00", "2026-10-31T09:00:00+02:00", "A v2"),
        record(c, "2026-11-02T10:00:05+00:00", None),
        {**record(c, "2026-11-02T10:00:06+00:00", None), "headline": ""},
        tail=b'{"schema_version": 1, "url": "https://ex.com/torn"',
    )
    return day1, day2


def test_merge_keeps_latest_version_sorted_by_date(runs, tmp_path):
    out = tmp_path / "dataset.jsonl"
    result = merge(*map(str, runs), "-o", str(out))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    # b (Oct 30) before a (Oct 31), c (no date) last; a is its day-2 version.
    assert [r["canonical_url"].rsplit("/", 1)[1] for r in records] == ["b", "a", "c"]
    assert records[1]["headline"] == "A v2"
    assert all(record_errors(r) == [] for r in records)


def test_merge_reports_bad_lines_with_file_and_line(runs, tmp_path):
    result = merge(*map(str, runs), "-o", str(tmp_path / "d.jsonl"))
    lines = result.stderr.splitlines()
    assert any("day1.jsonl:3: not JSON" in line for line in lines)
    assert any("day2.jsonl:3: invalid record: headline" in line for line in lines)
    assert any("day2.jsonl:4: torn last line" in line for line in lines)
    assert "3 bad lines skipped" in lines[-1]
    assert "into 3 records" in lines[-1]


def test_merge_to_parquet_maps_every_field(runs, tmp_path):
    out = tmp_path / "d.parquet"
    result = merge(*map(str, runs), "-o", str(out), "--format", "parquet")
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert set(table.column_names) == set(record("u", "t", None))
    rows = table.to_pylist()
    assert rows[1]["images"][0]["url"] == "https://ex.com/i.jpg"
    assert rows[1]["authors"] == ["Ana Lee"]


def test_merge_missing_input(tmp_path):
    result = merge(str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "d.jsonl"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"newscrawl: input file not found: {tmp_path / 'nope.jsonl'}"


def test_merge_unwritable_output(runs, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = merge(str(runs[0]), "-o", str(blocker / "d.jsonl"))
    assert result.returncode == 1
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_merge_requires_output(runs):
    result = merge(str(runs[0]))
    assert result.returncode == 2
    assert "-o" in result.stderr
