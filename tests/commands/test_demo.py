"""``newscrawl demo``: the bundled site served on 127.0.0.1 and crawled through Scrapy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newscrawl.commands.demo import summary
from newscrawl.devtools.demo_site import (
    EXPECTED_ARTICLES,
    MISSING_PAGES,
    NON_ARTICLE_PAGES,
    PRIVATE_PAGES,
)
from newscrawl.record.schema_check import record_errors


def _read(path):
    text = path.read_text("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_demo_crawls_the_bundled_site(tmp_path):
    stale = tmp_path / "output" / "demo.jsonl"
    stale.parent.mkdir()
    stale.write_text('{"stale": true}\n', "utf-8")
    command = [sys.executable, "-m", "newscrawl", "demo"]
    proc = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    records = _read(tmp_path / "output" / "demo.jsonl")
    assert sorted(_path(r["url"]) for r in records) == sorted(EXPECTED_ARTICLES)
    assert all(record_errors(r) == [] for r in records)
    rejects = {
        (_path(r["url"]), r["reason"]) for r in _read(tmp_path / "output" / "demo.rejects.jsonl")
    }
    assert rejects == (
        {(p, "robots") for p in PRIVATE_PAGES}
        | {(p, "http_error") for p in MISSING_PAGES}
        | {(p, "not_article") for p in NON_ARTICLE_PAGES}
    )
    stats = json.loads((tmp_path / "output" / "demo.stats.json").read_text("utf-8"))
    assert stats["articles_emitted"] == len(EXPECTED_ARTICLES)
    assert f"articles:           {len(EXPECTED_ARTICLES)} -> output/demo.jsonl" in proc.stdout
    assert "duplicates dropped: 0" in proc.stdout


def test_summary_separates_duplicates_from_other_rejects():
    report = {
        "articles_emitted": 3,
        "rejects": {"duplicate": 2, "robots": 1},
        "pages_fetched": 9,
        "duration_s": 0.42,
    }
    text = summary(report, Path("out/demo.jsonl"))
    assert "articles:           3 -> out/demo.jsonl" in text
    assert "duplicates dropped: 2" in text
    assert "rejects:            1 (robots 1) -> out/demo.rejects.jsonl" in text
    assert "pages fetched:      9 in 0.4s" in text
