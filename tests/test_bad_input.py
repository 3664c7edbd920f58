"""Bad input to every command: one line ``newscrawl: <what was wrong>``, a non-zero exit,
no traceback; a crawl that meets a bad page completes and records a reject.

``tests/test_cli_scrape.py`` already covers scrape's 404/500/PDF/not-article/refused/
non-http/empty/binary/missing-file/unwritable cases; these are the rest. Commands run in
this process through :func:`newscrawl.cli.main` (fast), except where the process
itself matters (standard output on a full disk, a crawl's Twisted reactor).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from newscrawl import parse_article
from newscrawl.cli import main
from newscrawl.record.schema_check import record_errors
from newscrawl.settings import DOWNLOAD_MAXSIZE
from tests.faultserver import (
    FaultServer,
    Tripwire,
    article_html,
    big,
    drip,
    gzip_bomb,
    hang,
    page,
    redirect,
    reset_mid_body,
    status,
)

ARTICLE = article_html("Ferry line opens to the islands")
ARTICLE_URL = "https://harbour.example/news/2026/11/20/ferry-line-opens"
TURKISH = "İstanbul'da feribot hattı açıldı"
#: Small, fast crawls: no politeness delays, one retry, short timeouts.
FAST = [
    *("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1"),
    *("-s", "DOWNLOAD_TIMEOUT=2", "-s", "NEWSCRAWL_RETRY_AFTER_MAX=1"),
]


@attrs.frozen
class Result:
    code: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    """Run ``newscrawl ARGV`` in this process."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run(*argv: str, cwd: Path | None = None, stdout: Any = subprocess.PIPE) -> Result:
    """Run ``newscrawl ARGV`` in a child process."""
    proc = subprocess.run(
        [sys.executable, "-m", "newscrawl", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )
    return Result(proc.returncode, proc.stdout or "", proc.stderr)


def assert_one_line(result: Result, *words: str, code: int = 1) -> str:
    """The failure contract: exit ``code``, nothing on stdout, one ``newscrawl:`` line
    on stderr holding every one of ``words``; return that line."""
    assert result.code == code, result.err
    assert "Traceback" not in result.err, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("newscrawl: "), result.err
    for word in words:
        assert word in lines[0], lines[0]
    assert result.out == ""
    return lines[0]


# --- scrape: pages served badly -------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
GARBAGE = bytes((i * 37 + 11) % 256 for i in range(8192))


@pytest.fixture(scope="module")
def tripwire():
    with Tripwire() as wire:
        yield wire


@pytest.fixture(scope="module")
def server(tripwire):
    with FaultServer() as fault:
        fault.add("/hang", hang())
        fault.add("/drip", drip(ARTICLE, every=0.2))
        fault.add("/reset", reset_mid_body(ARTICLE))
        fault.add("/loop-a", redirect("/loop-b"))
        fault.add("/loop-b", redirect("/loop-a"))
        fault.add("/to-ftp", redirect(f"ftp://127.0.0.1:{tripwire.port}/x"))
        fault.add("/to-file", redirect("file:///etc/passwd"))
        fault.add("/big", big(50 << 20))
        fault.add("/png", page(b"\x89PNG\r\n\x1a\n" + GARBAGE, content_type="image/png"))
        fault.add("/jpeg-as-html", page(JPEG))
        fault.add("/garbage-as-html", page(GARBAGE))
        fault.add("/gzip-unasked", gzip_bomb(8 << 20))
        fault.add("/empty", page(b""))
        fault.add("/429", status(429, {"Retry-After": "3600"}))
        fault.add("/503", status(503))
        yield fault


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/hang", ("timed out after 1s",)),
        ("/drip", ("timed out after 1s",)),  # a byte every 0.2 s: no single read times out
        ("/reset", ("cannot fetch", "reset")),
        ("/loop-a", ("HTTP 302", "infinite loop")),
        ("/to-ftp", ("redirect to a non-http(s) URL refused", "ftp://")),
        ("/to-file", ("file:///etc/passwd", "not allowed")),
        ("/big", (f"larger than {DOWNLOAD_MAXSIZE} bytes",)),
        ("/png", ("not HTML", "image/png")),
        ("/jpeg-as-html", ("binary",)),
        ("/garbage-as-html", ("binary",)),
        ("/gzip-unasked", ("binary",)),
        ("/empty", ("empty",)),
        ("/429", ("HTTP 429",)),
        ("/503", ("HTTP 503",)),
    ],
)
def test_scrape_bad_pages(capsys, server, tripwire, path, words):
    # -s DOWNLOAD_TIMEOUT=1: scrape reads the project settings as crawl does
    result = cli(capsys, "scrape", server.url(path), "-s", "DOWNLOAD_TIMEOUT=1")
    assert_one_line(result, server.url(path)[:20], *words)
    assert tripwire.connections == 0


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://news.invalid/a", ("host name not found (DNS)",)),
        ("http://[::1/a", ("not a valid URL", "Invalid IPv6 URL")),
        ("http://127.0.0.1:99999/a", ("not a valid URL", "Port out of range")),
        ("", ("not an http(s) URL",)),
        ("data:text/html,<h1>x</h1>", ("not an http(s) URL",)),
        ("javascript:alert(1)", ("not an http(s) URL",)),
    ],
)
def test_scrape_bad_urls(capsys, url, words):
    assert_one_line(cli(capsys, "scrape", url), *words)


@pytest.mark.parametrize(
    ("label", "make"),
    [
        # the meta says ISO-8859-9, the bytes are UTF-8: valid UTF-8 wins
        ("stale meta", lambda p: p.replace("utf-8", "iso-8859-9").encode("utf-8")),
        ("unknown meta charset", lambda p: p.replace("utf-8", "x-no-such").encode("utf-8")),
        ("UTF-16 with BOM", lambda p: p.encode("utf-16")),
    ],
)
def test_scrape_unknown_or_lying_charset(capsys, tmp_path, label, make):
    html = tmp_path / "page.html"
    html.write_bytes(make(article_html(TURKISH)))
    result = cli(capsys, "scrape", ARTICLE_URL, "--html", str(html))
    assert result.code == 0, (label, result.err)
    record = json.loads(result.out)
    assert record["headline"] == TURKISH
    assert record_errors(record) == []


def test_scrape_lying_meta_charset_under_a_true_http_charset(capsys):
    """ISO-8859-9 bytes whose <meta> claims UTF-8, served with ``charset=iso-8859-9``: the
    HTTP header is believed (the bytes are not UTF-8, so the meta is wrong)."""
    body = article_html(TURKISH).encode("iso-8859-9")
    with FaultServer() as fault:
        url = fault.add("/tr", page(body, content_type="text/html; charset=iso-8859-9"))
        result = cli(capsys, "scrape", url)
    assert result.code == 0, result.err
    assert json.loads(result.out)["headline"] == TURKISH


def test_scrape_unknown_http_charset_is_not_fatal(capsys):
    with FaultServer() as fault:
        url = fault.add("/x", page(ARTICLE, content_type="text/html; charset=x-no-such"))
        result = cli(capsys, "scrape", url)
    assert result.code == 0, result.err
    assert json.loads(result.out)["headline"] == "Ferry line opens to the islands"


def test_scrape_200000_nested_elements(capsys, tmp_path):
    """Nesting deeper than the HTML parser follows: the article before it is read,
    what lies below the limit is cut, and nothing breaks."""
    nested = "<div>" * 200_000 + "deep" + "</div>" * 200_000
    html = tmp_path / "nested.html"
    html.write_text(ARTICLE.replace("</article>", "</article>" + nested), "utf-8")
    result = cli(capsys, "scrape", ARTICLE_URL, "--html", str(html))
    assert result.code == 0, result.err
    assert json.loads(result.out)["headline"] == "Ferry line opens to the islands"
    html.write_text(ARTICLE.replace("<article>", "<article>" + nested), "utf-8")
    assert_one_line(cli(capsys, "scrape", ARTICLE_URL, "--html", str(html)), "not an article")


def test_scrape_html_file_larger_than_the_download_limit(capsys, tmp_path):
    html = tmp_path / "huge.html"
    with html.open("wb") as handle:
        handle.truncate(DOWNLOAD_MAXSIZE + 1)  # sparse: no 16 MB written
    result = cli(capsys, "scrape", ARTICLE_URL, "--html", str(html))
    assert_one_line(result, "huge.html", f"larger than {DOWNLOAD_MAXSIZE} bytes")


def test_scrape_html_is_a_directory(capsys, tmp_path):
    result = cli(capsys, "scrape", ARTICLE_URL, "--html", str(tmp_path))
    assert_one_line(result, "is a directory")


@pytest.mark.parametrize("target", ["directory", "/dev/full"])
def test_scrape_output_not_writable(capsys, tmp_path, target):
    html = tmp_path / "page.html"
    html.write_text(ARTICLE, "utf-8")
    out = str(tmp_path) if target == "directory" else target
    if target == "/dev/full" and not Path(target).exists():
        pytest.fail("/dev/full is needed for the disk-full case (Linux)")
    result = cli(capsys, "scrape", ARTICLE_URL, "--html", str(html), "-o", out)
    assert_one_line(result, f"cannot write {out}")


def test_scrape_output_keeps_whole_lines_when_the_disk_fills(tmp_path, monkeypatch):
    """A write that fails half-way is cut back: the file never ends in half a record."""
    out = tmp_path / "out.jsonl"
    out.write_text('{"first": 1}\n', "utf-8")
    real_write = __import__("os").write

    def half_write(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("newscrawl.output.jsonl.os.write", half_write)
    from newscrawl.errors import NewscrawlError
    from newscrawl.output.jsonl import append_line

    with pytest.raises(NewscrawlError, match="No space left on device"):
        append_line(out, {"second": 2})
    assert out.read_text("utf-8") == '{"first": 1}\n'


@pytest.mark.parametrize("command", ["schema", "scrape"])
def test_standard_output_on_a_full_disk(tmp_path, command):
    html = tmp_path / "page.html"
    html.write_text(ARTICLE, "utf-8")
    argv = ["schema"] if command == "schema" else ["scrape", ARTICLE_URL, "--html", str(html)]
    with open("/dev/full", "w") as full:
        result = run(*argv, stdout=full)
    assert_one_line(result, "cannot write to standard output", "No space left")


def test_schema_takes_no_arguments(capsys):
    assert_one_line(cli(capsys, "schema", "extra"), "unrecognized arguments: extra", code=2)


# --- merge --------------------------------------------------------------------------------


def _record(headline: str = "Ferry line opens to the islands", **changes: object) -> dict:
    article = parse_article(article_html(headline), ARTICLE_URL)
    record = attrs.evolve(article, scraped_at="2026-11-25T00:00:00+00:00").to_dict()
    return {**record, **changes}


def test_merge_missing_input(capsys, tmp_path):
    result = cli(capsys, "merge", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, "input file not found", "nope.jsonl")


def test_merge_input_is_a_directory(capsys, tmp_path):
    result = cli(capsys, "merge", str(tmp_path), "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, "input file not found", str(tmp_path))


def test_merge_empty_and_garbage_inputs_are_reported_not_fatal(capsys, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(GARBAGE)
    shapes = tmp_path / "shapes.jsonl"
    shapes.write_text('[1, 2]\n"x"\nnull\n{"a": 1}\n{"schema_version": 1}\n', "utf-8")
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(_record()) + "\n", "utf-8")
    out = tmp_path / "merged.jsonl"
    result = cli(capsys, "merge", *map(str, (empty, garbage, shapes, good)), "-o", str(out))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    bad = GARBAGE.count(b"\n") + 1 + 5
    assert f"into 1 records (0 older versions replaced, {bad} bad lines skipped)" in result.err
    assert [json.loads(line)["headline"] for line in out.read_text("utf-8").splitlines()] == [
        "Ferry line opens to the islands"
    ]


def test_merge_impossible_date_is_not_fatal(capsys, tmp_path):
    """ "2026-13-45" has the schema's shape but is no date: the record sorts as undated."""
    runs = tmp_path / "run.jsonl"
    dated = _record()
    bridge = "https://harbour.example/news/2026/11/21/bridge-reopens"
    impossible = _record(
        "Bridge reopens", date_published="2026-13-45", url=bridge, canonical_url=bridge
    )
    runs.write_text("".join(json.dumps(r) + "\n" for r in (impossible, dated)), "utf-8")
    out = tmp_path / "merged.jsonl"
    result = cli(capsys, "merge", str(runs), "-o", str(out))
    assert result.code == 0, result.err
    headlines = [json.loads(line)["headline"] for line in out.read_text("utf-8").splitlines()]
    assert headlines == ["Ferry line opens to the islands", "Bridge reopens"]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
@pytest.mark.parametrize("target", ["directory", "under a file"])
def test_merge_output_not_writable(capsys, tmp_path, fmt, target):
    runs = tmp_path / "run.jsonl"
    runs.write_text(json.dumps(_record()) + "\n", "utf-8")
    out = tmp_path / "dataset" if target == "directory" else runs / "dataset"
    if target == "directory":
        out.mkdir()
    result = cli(capsys, "merge", str(runs), "-o", str(out), "--format", fmt)
    line = assert_one_line(result, str(out))
    assert "cannot write" in line or "pyarrow" in line
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


# --- crawl: arguments, state, profiles ----------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "words"),
    [
        (["http://[::1/"], ("START is not a valid URL", "Invalid IPv6 URL")),
        (["http://127.0.0.1:99999/"], ("START is not a valid URL", "Port out of range")),
        (["file:///etc/passwd"], ("START is neither an http(s) URL nor @FILE",)),
        (["data:text/html,x"], ("START is neither an http(s) URL nor @FILE",)),
    ],
)
def test_crawl_bad_start_urls(capsys, tmp_path, starts, words):
    result = cli(capsys, "crawl", *starts, "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, *words, code=2)
    assert not (tmp_path / "o.jsonl").exists()


def test_crawl_binary_start_file(capsys, tmp_path):
    starts = tmp_path / "starts.txt"
    starts.write_bytes(GARBAGE)
    result = cli(capsys, "crawl", f"@{starts}", "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, "cannot read START file", "starts.txt", code=2)


def test_crawl_start_file_with_a_bad_line(capsys, tmp_path):
    starts = tmp_path / "starts.txt"
    starts.write_text("https://ex.com/feed.xml\n# comment\nftp://ex.com/x\n", "utf-8")
    result = cli(capsys, "crawl", f"@{starts}", "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, "ftp://ex.com/x", code=2)


def test_crawl_output_is_a_directory(capsys, tmp_path):
    result = cli(capsys, "crawl", "http://127.0.0.1:9/", "-o", str(tmp_path))
    assert_one_line(result, f"cannot write {tmp_path}", "Is a directory")


def _sqlite_prefix(path: Path, size: int) -> bytes:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("row " * 50,)] * 200)
    db.commit()
    db.close()
    return path.read_bytes()[:size]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("binary garbage", ("not a usable SQLite database",)),
        ("truncated database", ("not a usable SQLite database",)),
        ("inside a file", ("cannot open state",)),
    ],
)
def test_crawl_corrupt_state(capsys, tmp_path, kind, words):
    state = tmp_path / "state.db"
    if kind == "binary garbage":
        state.write_bytes(GARBAGE)
    elif kind == "truncated database":
        state.write_bytes(_sqlite_prefix(tmp_path / "real.db", 3000))
    else:
        state.write_bytes(b"x")
        state = state / "state.db"
    out = tmp_path / "o.jsonl"
    result = cli(capsys, "crawl", "http://127.0.0.1:9/", "--state", str(state), "-o", str(out))
    assert_one_line(result, str(state), *words)
    assert not out.with_name("o.stats.json").exists()


PROFILES = {  # name: (file content, words the message holds)
    "broken": ("start_urls = [\n", ("broken.toml", "not valid TOML")),
    "notutf8": (b"\xff\xfe\x00\x01 garbage", ("notutf8.toml", "not UTF-8")),
    "code": ('import os\nos.system("touch pwned")\n', ("code.toml", "not valid TOML")),
    "unknownkey": (
        'start_urls = []\nexec = "rm -rf /"\n',
        ("unknownkey.toml", "unknown key 'exec'"),
    ),
    "badurl": (
        'start_urls = ["http://[::1/"]\n',
        ("badurl.toml", "'start_urls[0]'", "not a valid URL"),
    ),
    "ftpurl": (
        'start_urls = ["ftp://ex.com/"]\n',
        ("ftpurl.toml", "'start_urls[0]'", "not an http(s) URL"),
    ),
    "badhost": ('allowed_hosts = ["ex.com/x"]\n', ("badhost.toml", "'allowed_hosts[0]'")),
    "badzone": ('timezone = "Mars/Olympus"\n', ("badzone.toml", "'timezone'", "unknown time zone")),
    "badxpath": (
        '[selectors]\nheadline = ["//h1[("]\n',
        ("badxpath.toml", "'selectors.headline[0]'"),
    ),
    "badfield": ('[selectors]\npassword = ["//x"]\n', ("badfield.toml", "'selectors.password'")),
    "wrongtype": ("start_urls = 5\n", ("wrongtype.toml", "'start_urls'", "list of strings")),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_crawl_invalid_site_profile(capsys, tmp_path, monkeypatch, name):
    content, words = PROFILES[name]
    sites = tmp_path / "sites"
    sites.mkdir()
    data = content.encode("utf-8") if isinstance(content, str) else content
    (sites / f"{name}.toml").write_bytes(data)
    monkeypatch.setenv("NEWSCRAWL_SITES", str(sites))
    monkeypatch.chdir(tmp_path)
    result = cli(capsys, "crawl", "--site", name, "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, *words)
    assert not (tmp_path / "pwned").exists()


def test_crawl_site_profile_must_be_toml(capsys, tmp_path, monkeypatch):
    """A ``.py`` file in the profile folder is not a profile (profiles are data only)."""
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "evil.py").write_text('open("pwned", "w")\n', "utf-8")
    monkeypatch.setenv("NEWSCRAWL_SITES", str(sites))
    monkeypatch.chdir(tmp_path)
    result = cli(capsys, "crawl", "--site", "evil", "-o", str(tmp_path / "o.jsonl"))
    assert_one_line(result, "unknown site profile 'evil'", code=2)
    assert not (tmp_path / "pwned").exists()


def test_crawl_bad_setting_value(tmp_path):
    argv = ["crawl", "http://127.0.0.1:9/", "-o", "o.jsonl", "-s", "DOWNLOAD_TIMEOUT=soon"]
    result = run(*argv, cwd=tmp_path)
    assert_one_line(result, "could not run", "'soon'")


# --- crawl: START pages that fail (the run completes: exit 0, one reject) -------------------


def _crawl(tmp_path: Path, *starts: str) -> tuple[Result, list[dict]]:
    out = tmp_path / "o.jsonl"
    result = run("crawl", *starts, "-o", str(out), "--quiet", *FAST, cwd=tmp_path)
    rejects = tmp_path / "o.rejects.jsonl"
    text = rejects.read_text("utf-8") if rejects.exists() else ""
    assert not text or text.endswith("\n")
    return result, [json.loads(line) for line in text.splitlines()]


def test_crawl_unreachable_starts_are_rejects(tmp_path):
    dns, refused = "http://news.invalid/sitemap.xml", "http://127.0.0.1:9/feed.xml"
    result, rejects = _crawl(tmp_path, dns, refused)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err, result.err
    by_url = {r["url"]: r for r in rejects}
    assert set(by_url) == {dns, refused}
    assert by_url[dns]["reason"] == "fetch_error"
    assert "DNS" in by_url[dns]["detail"]
    assert by_url[refused]["reason"] == "fetch_error"
    assert "refused" in by_url[refused]["detail"].lower()
    assert (tmp_path / "o.jsonl").read_text("utf-8") == ""


def test_crawl_start_that_is_a_pdf_or_too_large(tmp_path):
    with FaultServer() as fault:
        pdf = fault.add("/report.pdf", page(b"%PDF-1.4\n" + GARBAGE, "application/pdf"))
        huge = fault.add("/huge", big(50 << 20))
        result, rejects = _crawl(tmp_path, pdf, huge)
    assert result.code == 0, result.err
    assert {(r["url"], r["reason"]) for r in rejects} == {(pdf, "not_html"), (huge, "too_large")}
