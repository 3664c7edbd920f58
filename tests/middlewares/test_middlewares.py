"""The crawl's own components: host guard, Retry-After, run report, record exporter."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import random
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import CloseSpider, DropItem, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.extensions.report import RunReport, stem_paths
from newscrawl.items import Article
from newscrawl.middlewares.hostguard import HostGuardMiddleware, OffsiteRequest
from newscrawl.middlewares.inflate import GzipMiddleware, gunzip_whole
from newscrawl.middlewares.metarefresh import MetaRefreshMiddleware
from newscrawl.middlewares.parseerror import ParseErrorMiddleware
from newscrawl.middlewares.retryafter import RetryAfterMiddleware
from newscrawl.output.feedexport import RecordJsonLinesExporter
from newscrawl.pipelines.drops import RejectItem
from newscrawl.record.rejects import Reject, page_rejected


class _Spider(Spider):
    name = "t"
    allowed_hosts = frozenset({"news.example"})


def _crawler(settings=None):
    crawler = get_crawler(_Spider, settings or {})
    crawler.spider = _Spider()
    crawler.stats.open_spider()
    return crawler


# --- host guard -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://news.example/a", "http://www.news.example/b", "https://NEWS.example./c"],
)
def test_host_guard_lets_allowed_hosts_through(url):
    guard = build_from_crawler(HostGuardMiddleware, _crawler())
    assert guard.process_request(Request(url)) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://other.example/a", "host 'other.example' is outside the crawl"),
        ("https://sub.news.example/a", "host 'sub.news.example' is outside the crawl"),
        ("file:///etc/passwd", "scheme 'file' is never followed"),
        ("ftp://news.example/x", "scheme 'ftp' is never followed"),
        ("data:text/html,hello", "scheme 'data' is never followed"),
    ],
)
def test_host_guard_refuses_everything_else(url, message):
    crawler = _crawler()
    guard = build_from_crawler(HostGuardMiddleware, crawler)
    with pytest.raises(OffsiteRequest, match=message):
        guard.process_request(Request(url))
    assert crawler.stats.get_value("newscrawl/offsite/filtered") == 1


# --- Retry-After ------------------------------------------------------------------------


def _retry_after(**settings):
    defaults = {"NEWSCRAWL_RETRY_AFTER_MAX": 30, "RETRY_TIMES": 2}
    return build_from_crawler(RetryAfterMiddleware, _crawler({**defaults, **settings}))


def _response(status, retry_after=None, retry_times=0):
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    request = Request("https://news.example/a", meta={"retry_times": retry_times})
    return request, HtmlResponse(request.url, status=status, headers=headers, request=request)


@pytest.mark.parametrize(
    ("status", "header", "retry_times", "wait"),
    [
        (429, "5", 0, 5.0),
        (503, "3600", 1, 30.0),  # bounded by NEWSCRAWL_RETRY_AFTER_MAX
        (429, "5", 2, 0.0),  # retries used up: nothing to wait for
        (429, None, 0, 0.0),
        (429, "Wed, 21 Oct 2015 07:28:00 GMT", 0, 0.0),  # a date in the past
        (404, "5", 0, 0.0),  # not a retried status
    ],
)
def test_retry_after_wait(status, header, retry_times, wait):
    request, response = _response(status, header, retry_times)
    assert _retry_after().wait_for(request, response) == wait


def test_retry_after_passes_the_response_on():
    middleware = _retry_after()
    request, response = _response(429, "0")
    assert asyncio.run(middleware.process_response(request, response)) is response


def test_retry_after_can_be_switched_off():
    with pytest.raises(NotConfigured):
        _retry_after(NEWSCRAWL_RETRY_AFTER_MAX=0)
    with pytest.raises(NotConfigured):
        _retry_after(RETRY_ENABLED=False)


# --- gzip -------------------------------------------------------------------------------

PAGE = b"<html><head><title>T</title></head><body><p>" + b"words " * 2000 + b"</p></body></html>"


def _gzip_middleware(**settings):
    return build_from_crawler(GzipMiddleware, _crawler(settings))


def _gzipped(body=PAGE, encoding=b"gzip", url="https://news.example/a", **headers):
    headers = {"Content-Encoding": encoding, "Content-Type": "text/html", **headers}
    return Response(url, body=body, headers=headers)


def test_gzip_is_inflated_once_into_the_right_response_class():
    middleware = _gzip_middleware()
    for encoding in (b"gzip", b"x-gzip", b" GZIP "):
        out = middleware.process_response(
            Request("https://news.example/a"), _gzipped(gzip.compress(PAGE), encoding)
        )
        assert isinstance(out, HtmlResponse)
        assert out.body == PAGE
        assert b"Content-Encoding" not in out.headers
    stats = middleware.stats
    assert stats.get_value("httpcompression/response_count") == 3
    assert stats.get_value("httpcompression/response_bytes") == 3 * len(PAGE)


def test_gzip_sitemap_becomes_an_xml_response():
    xml = b'<?xml version="1.0"?><urlset><url><loc>https://news.example/a</loc></url></urlset>'
    response = _gzipped(gzip.compress(xml), url="https://news.example/s.xml")
    response.headers["Content-Type"] = "application/xml"
    out = _gzip_middleware().process_response(Request(response.url), response)
    assert isinstance(out, XmlResponse)
    assert out.body == xml


def test_gzip_cut_before_its_trailer_is_refused():
    packed = gzip.compress(PAGE)
    with pytest.raises(IgnoreRequest, match="gzip body cut before its trailer or corrupt"):
        _gzip_middleware().process_response(
            Request("https://news.example/a"), _gzipped(packed[: len(packed) - 9])
        )


@pytest.mark.parametrize("size", [0, 1, 100, 70_000, 3_000_000])
def test_gunzip_whole_gives_back_what_was_compressed(size):
    data = bytes(random.Random(size).randrange(256) for _ in range(min(size, 5000))) * (
        size // 5000 or 1
    )
    assert gunzip_whole(gzip.compress(data)) == data


@pytest.mark.parametrize("where", [10, 20, -6, -2])
def test_gunzip_whole_refuses_a_corrupt_stream(where):
    data = bytearray(gzip.compress(b"<p>" + b"news " * 2000 + b"</p>"))
    data[where] ^= 0xFF  # header flags, the deflate data, the CRC, the length
    assert gunzip_whole(bytes(data)) is None


def test_a_body_that_is_not_gzip_is_refused_too():
    with pytest.raises(IgnoreRequest, match="gzip body cut before its trailer or corrupt"):
        _gzip_middleware().process_response(Request("https://news.example/a"), _gzipped(PAGE))


def test_gzip_bomb_stops_at_download_maxsize():
    bomb = gzip.compress(b"\0" * (3 << 20))
    with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
        _gzip_middleware(DOWNLOAD_MAXSIZE=1 << 20).process_response(
            Request("https://news.example/a"), _gzipped(bomb)
        )


@pytest.mark.parametrize(
    ("method", "encoding", "body"),
    [
        ("GET", b"br", b"not gzip"),  # Scrapy's HttpCompressionMiddleware decodes it
        ("GET", b"gzip, br", b"stacked"),  # idem
        ("GET", b"gzip", b""),  # a 304 or a HEAD answer with the header and no body
        ("HEAD", b"gzip", b"x"),
    ],
)
def test_other_answers_pass_untouched(method, encoding, body):
    response = _gzipped(body, encoding)
    out = _gzip_middleware().process_response(Request(response.url, method=method), response)
    assert out is response


def test_gzip_middleware_follows_compression_enabled():
    with pytest.raises(NotConfigured):
        _gzip_middleware(COMPRESSION_ENABLED=False)


# --- meta refresh -----------------------------------------------------------------------

REFRESH = b'<meta http-equiv="Refresh" content="0; url=https://news.example/b">'


def _refresh(body, encoding="utf-8"):
    middleware = build_from_crawler(MetaRefreshMiddleware, _crawler())
    request = Request("https://news.example/a")
    response = HtmlResponse(request.url, body=body, encoding=encoding, request=request)
    return middleware.process_response(request, response), response


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (b"<html><head>" + REFRESH + b"</head><body>x</body></html>", "utf-8"),
        (("<html><head>" + REFRESH.decode() + "</head></html>").encode("utf-16-le"), "utf-16-le"),
        (b"<html><head><title>" + "ş".encode() * 3000 + b"</title>" + REFRESH, "utf-8"),
    ],
)
def test_meta_refresh_is_followed(body, encoding):
    out, _ = _refresh(body, encoding)
    assert isinstance(out, Request)
    assert out.url == "https://news.example/b"


@pytest.mark.parametrize(
    "body",
    [
        b"<html><head><title>x</title></head><body>" + b"<p>words</p>" * 5000 + b"</body></html>",
        # Scrapy reads the first 4,096 characters only: a refresh after them is ignored
        b"<html><head><script>" + b"x" * 20000 + b"</script>" + REFRESH + b"</head></html>",
    ],
)
def test_pages_without_a_meta_refresh_pass_untouched(body):
    out, response = _refresh(body)
    assert out is response


# --- run report -------------------------------------------------------------------------


def _report(tmp_path, **settings):
    out = tmp_path / "runs" / "day.jsonl"
    rejects, stats = stem_paths(out)
    values = {
        "NEWSCRAWL_REPORT_ENABLED": True,
        "NEWSCRAWL_SUMMARY": True,
        "NEWSCRAWL_OUTPUT": str(out),
        "NEWSCRAWL_REJECTS": str(rejects),
        "NEWSCRAWL_STATS": str(stats),
        **settings,
    }
    crawler = _crawler(values)
    return crawler, build_from_crawler(RunReport, crawler), rejects, stats


def test_stem_paths():
    assert [p.name for p in stem_paths(Path("a/out"))] == [
        "out.rejects.jsonl",
        "out.stats.json",
    ]


def test_report_writes_each_reject_as_it_happens(tmp_path):
    crawler, report, rejects, _ = _report(tmp_path)  # keep the report: signals hold weak refs
    crawler.signals.send_catch_log(
        page_rejected, reject=Reject(url="https://news.example/a", reason="robots", detail="x")
    )
    assert json.loads(rejects.read_text("utf-8")) == {
        "url": "https://news.example/a",
        "reason": "robots",
        "detail": "x",
    }
    assert crawler.stats.get_value("newscrawl/rejects/robots") == 1
    assert report.reasons == {"robots": 1}


def test_report_turns_dropped_items_into_rejects(tmp_path):
    _, report, rejects, _ = _report(tmp_path)
    item = Article(url="https://news.example/b")
    duplicate = Reject(
        url=item.url,
        reason="duplicate",
        detail="same canonical_url",
        duplicate_of="https://news.example/a",
    )
    report.item_dropped(item, RejectItem(duplicate))
    report.item_dropped(item, DropItem("no body"))
    lines = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    assert lines == [
        duplicate.to_dict(),
        {"url": "https://news.example/b", "reason": "invalid", "detail": "no body"},
    ]


def test_report_stats_file_and_summary(tmp_path, capsys):
    crawler, report, _, stats_path = _report(tmp_path)
    report.spider_opened()
    crawler.stats.set_value("downloader/response_count", 4)
    crawler.stats.set_value("downloader/response_bytes", 4096)
    crawler.stats.set_value("downloader/response_status_count/200", 3)
    crawler.stats.set_value("downloader/response_status_count/404", 1)
    report.item_scraped(
        Article(url="https://news.example/a", authors=("Ana Lee",), section="World")
    )
    report.item_scraped(Article(url="https://news.example/b", section="World"))
    report.page_rejected(
        Reject(url="https://news.example/c", reason="http_error", detail="HTTP 404")
    )
    report.spider_closed("finished")
    stats = json.loads(stats_path.read_text("utf-8"))
    assert stats["articles_emitted"] == 2
    assert stats["pages_fetched"] == 4
    assert stats["bytes"] == 4096
    assert stats["http_statuses"] == {"200": 3, "404": 1}
    assert stats["rejects"] == {"http_error": 1}
    assert stats["field_coverage"]["authors"] == 50.0
    assert stats["field_coverage"]["section"] == 100.0
    assert stats["field_coverage"]["caption"] == 0.0
    assert stats["finish_reason"] == "finished"
    err = capsys.readouterr().err
    assert err.startswith("newscrawl: 2 articles -> ")
    assert "1 rejects (http_error 1); 4 pages, 4.0 KiB" in err


def test_report_summary_can_be_silenced(tmp_path, capsys):
    _, report, _, stats_path = _report(tmp_path, NEWSCRAWL_SUMMARY=False)
    report.spider_opened()
    report.spider_closed("finished")
    assert capsys.readouterr().err == ""
    assert stats_path.exists()


def test_report_of_a_run_that_never_opened_is_not_written(tmp_path, capsys):
    _, report, _, stats_path = _report(tmp_path)
    report.spider_closed("shutdown")
    assert capsys.readouterr().err == ""
    assert not stats_path.exists()


def test_report_can_be_switched_off(tmp_path):
    with pytest.raises(NotConfigured):
        _report(tmp_path, NEWSCRAWL_REPORT_ENABLED=False)


def test_record_exporter_writes_the_record_keys():
    buffer = io.BytesIO()
    exporter = RecordJsonLinesExporter(buffer)
    exporter.start_exporting()
    exporter.export_item(Article(url="https://news.example/a", headline="H"))
    exporter.finish_exporting()
    line = buffer.getvalue().decode("utf-8")
    assert line.endswith("\n")
    assert json.loads(line) == Article(url="https://news.example/a", headline="H").to_dict()


# --- parse errors -----------------------------------------------------------------------


def test_callback_errors_become_parse_error_rejects(caplog):
    crawler = _crawler()
    middleware = build_from_crawler(ParseErrorMiddleware, crawler)
    rejects = []
    crawler.signals.connect(lambda reject: rejects.append(reject), signal=page_rejected, weak=False)
    response = HtmlResponse("https://news.example/a", body=b"<html></html>")
    assert middleware.process_spider_exception(response, ValueError("odd page")) == []
    assert [(r.url, r.reason, r.detail) for r in rejects] == [
        ("https://news.example/a", "parse_error", "ValueError: odd page")
    ]
    assert "error parsing https://news.example/a" in caplog.text
    assert middleware.process_spider_exception(response, CloseSpider("enough")) is None
