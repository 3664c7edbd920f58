"""Item pipelines and the conditional-request middleware, built as Scrapy builds them
(``get_crawler`` + ``build_from_crawler``), with real state files in tmp_path."""

from __future__ import annotations

import json

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl import settings as project_settings
from newscrawl.errors import NewscrawlError
from newscrawl.extensions.state_extension import StateExtension
from newscrawl.items import Article
from newscrawl.middlewares.conditional import ConditionalRequestMiddleware, NotModified
from newscrawl.pipelines.dedup_pipeline import DedupPipeline
from newscrawl.pipelines.drops import RejectItem, SkipItem
from newscrawl.pipelines.normalize_pipeline import NormalizePipeline
from newscrawl.pipelines.output_pipeline import OutputPipeline
from newscrawl.pipelines.validate_pipeline import ValidatePipeline
from newscrawl.state.locations import open_store

WORDS = [f"word{i}" for i in range(2000)]


def body(seed: int, words: int = 300) -> str:
    step = 7 + seed % 5
    text = [WORDS[(seed * 131 + i * step) % len(WORDS)] for i in range(words)]
    return " ".join(" ".join(text[i : i + 15]) + "." for i in range(0, words, 15))


def crawler_for(**overrides):
    values = {k: v for k, v in vars(project_settings).items() if k.isupper()}
    values.pop("TWISTED_REACTOR", None)
    values.update(
        EXTENSIONS={"newscrawl.extensions.state_extension.StateExtension": 100}, **overrides
    )
    return get_crawler(Spider, values)


def chain(crawler):
    """The four pipelines in ITEM_PIPELINES order, opened."""
    stages = [build_from_crawler(cls, crawler) for cls in (
        NormalizePipeline, ValidatePipeline, DedupPipeline, OutputPipeline)]  # fmt: skip
    for stage in stages:
        if hasattr(stage, "open_spider"):
            stage.open_spider()
    return stages


def run(stages, item):
    """Process one item through the chain: the item, or the drop exception."""
    try:
        for stage in stages:
            item = stage.process_item(item)
    except (RejectItem, SkipItem) as exc:
        return exc
    return item


def close(crawler):
    extension = crawler.get_extension(StateExtension)
    if extension is not None:
        extension.close()


def article(url, seed=1, headline=None, **kw):
    return {"url": url, "headline": headline or f"Story {seed}", "body": body(seed), **kw}


def lines(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# --- enabling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "setting"),
    [
        (NormalizePipeline, "NEWSCRAWL_NORMALIZE_ENABLED"),
        (ValidatePipeline, "NEWSCRAWL_VALIDATE_ENABLED"),
        (DedupPipeline, "NEWSCRAWL_DEDUP_ENABLED"),
        (OutputPipeline, "NEWSCRAWL_OUTPUT"),
    ],
)
def test_not_configured_when_disabled(cls, setting):
    with pytest.raises(NotConfigured):
        build_from_crawler(cls, crawler_for(**{setting: False}))


def test_no_state_without_setting_and_no_middleware():
    crawler = crawler_for()
    assert crawler.get_extension(StateExtension) is None
    with pytest.raises(NotConfigured, match="NEWSCRAWL_STATE"):
        build_from_crawler(ConditionalRequestMiddleware, crawler)


def test_bad_settings_are_errors(tmp_path):
    with pytest.raises(NewscrawlError, match="unknown time zone"):
        build_from_crawler(NormalizePipeline, crawler_for(NEWSCRAWL_DEFAULT_TIMEZONE="Mars/Base"))
    with pytest.raises(NewscrawlError, match="THRESHOLD"):
        build_from_crawler(DedupPipeline, crawler_for(NEWSCRAWL_NEARDUP_THRESHOLD=1.5))
    with pytest.raises(NewscrawlError, match="unknown scheme"):
        crawler_for(NEWSCRAWL_STATE="s3://bucket/state")


# --- normalize and validate ---------------------------------------------------------------


def test_normalize_turns_a_user_dict_into_a_record():
    crawler = crawler_for(
        NEWSCRAWL_DEFAULT_TIMEZONE="Europe/Istanbul", NEWSCRAWL_TRACKING_PARAMS=["src"]
    )
    stage = build_from_crawler(NormalizePipeline, crawler)
    item = stage.process_item(
        article(
            "https://EX.com/a?src=feed&id=2", date_published="2020-12-13 10:22", authors=["A", "a"]
        )
    )
    assert isinstance(item, Article)
    assert item.canonical_url == "https://ex.com/a?id=2"
    assert item.date_published == "2020-12-13T10:22:00+03:00"
    assert item.authors == ("A",)
    assert item.content_hash.startswith("sha256:")
    assert item.scraped_at.endswith("+00:00")
    assert crawler.stats.get_value("newscrawl/normalize/items") == 1


def test_normalize_rejects_what_is_not_an_article():
    crawler = crawler_for()
    stage = build_from_crawler(NormalizePipeline, crawler)
    with pytest.raises(RejectItem) as caught:
        stage.process_item({"headline": "no url"})
    assert caught.value.reject.reason == "invalid"
    assert "url" in caught.value.reject.detail
    assert crawler.stats.get_value("newscrawl/validate/invalid") == 1


def test_validate_drops_not_articles_and_invalid_records():
    crawler = crawler_for()
    normalize = build_from_crawler(NormalizePipeline, crawler)
    validate = build_from_crawler(ValidatePipeline, crawler)
    with pytest.raises(RejectItem) as caught:
        validate.process_item(
            normalize.process_item({"url": "https://ex.com/", "headline": "Home"})
        )
    assert caught.value.reject.reason == "not_article"
    assert "words" in caught.value.reject.detail
    bad = normalize.process_item(article("ftp://ex.com/a"))
    with pytest.raises(RejectItem) as caught:
        validate.process_item(bad)
    assert caught.value.reject.reason == "invalid"
    assert caught.value.reject.detail.startswith("canonical_url:")
    assert crawler.stats.get_value("newscrawl/validate/not_article") == 1
    assert crawler.stats.get_value("newscrawl/validate/invalid") == 1
    good = normalize.process_item(article("https://ex.com/a"))
    assert validate.process_item(good) is good
    assert crawler.stats.get_value("newscrawl/validate/valid") == 1


def test_validate_honours_the_word_floor():
    crawler = crawler_for(NEWSCRAWL_MIN_BODY_WORDS=1000)
    normalize = build_from_crawler(NormalizePipeline, crawler)
    validate = build_from_crawler(ValidatePipeline, crawler)
    with pytest.raises(RejectItem, match="fewer than 1000"):
        validate.process_item(normalize.process_item(article("https://ex.com/a")))


# --- deduplication within a run -------------------------------------------------------------


def test_exact_duplicates_in_one_run(tmp_path):
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(tmp_path / "out.jsonl"))
    stages = chain(crawler)
    assert isinstance(run(stages, article("https://ex.com/a?utm_source=x", 1)), Article)
    same_url = run(stages, article("https://ex.com/a", 2))
    same_text = run(stages, article("https://ex.com/b", 1))
    for drop, kind in ((same_url, "url"), (same_text, "content")):
        assert isinstance(drop, RejectItem)
        assert drop.reject.reason == "duplicate"
        assert drop.reject.duplicate_of == "https://ex.com/a"
        assert crawler.stats.get_value(f"newscrawl/dedup/{kind}") == 1
    assert [r["canonical_url"] for r in lines(tmp_path / "out.jsonl")] == ["https://ex.com/a"]
    assert crawler.stats.get_value("newscrawl/output/written") == 1


def test_near_duplicate_wire_copy_is_dropped_and_other_stories_kept(tmp_path):
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(tmp_path / "out.jsonl"))
    stages = chain(crawler)
    wire = article("https://ex.com/wire", 1)
    copy = dict(wire, url="https://other.example/copy", headline="Another headline")
    copy["body"] += "\n\nThis story was updated with a statement from the ministry."
    assert isinstance(run(stages, wire), Article)
    drop = run(stages, copy)
    assert isinstance(drop, RejectItem)
    assert (drop.reject.reason, drop.reject.duplicate_of) == ("duplicate", "https://ex.com/wire")
    assert "similar" in drop.reject.detail
    assert crawler.stats.get_value("newscrawl/dedup/near") == 1
    assert isinstance(run(stages, article("https://ex.com/other", 2)), Article)
    assert crawler.stats.get_value("newscrawl/dedup/kept") == 2


def test_near_duplicates_pass_when_disabled(tmp_path):
    crawler = crawler_for(
        NEWSCRAWL_OUTPUT=str(tmp_path / "o.jsonl"), NEWSCRAWL_NEARDUP_ENABLED=False
    )
    stages = chain(crawler)
    wire = article("https://ex.com/wire", 1)
    copy = dict(wire, url="https://ex.com/copy", body=wire["body"] + " One more line here.")
    assert isinstance(run(stages, wire), Article)
    assert isinstance(run(stages, copy), Article)


def test_items_that_are_not_articles_pass_dedup_and_output(tmp_path):
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(tmp_path / "o.jsonl"))
    dedup = build_from_crawler(DedupPipeline, crawler)
    output = build_from_crawler(OutputPipeline, crawler)
    assert output.process_item(dedup.process_item({"x": 1})) == {"x": 1}
    assert not (tmp_path / "o.jsonl").exists()


def test_output_cuts_a_torn_last_line(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"a": 1}\n{"b": ')
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(out))
    chain(crawler)
    assert out.read_bytes() == b'{"a": 1}\n'
    assert crawler.stats.get_value("newscrawl/output/torn_bytes_cut") == 6


def test_output_writes_at_most_max_items(tmp_path):
    # Items already in flight when CLOSESPIDER_ITEMCOUNT closes the spider are not written.
    out = tmp_path / "out.jsonl"
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(out), CLOSESPIDER_ITEMCOUNT=2)
    stages = chain(crawler)
    results = [run(stages, article(f"https://ex.com/a{i}", i)) for i in range(4)]
    assert [type(r).__name__ for r in results] == ["Article", "Article", "SkipItem", "SkipItem"]
    assert len(out.read_text("utf-8").splitlines()) == 2
    assert crawler.stats.get_value("newscrawl/output/over_max_items") == 2


# --- state across runs ------------------------------------------------------------------


def state_run(tmp_path, name, items):
    """One crawl run with the state: (emitted records, drops, stats)."""
    out = tmp_path / f"{name}.jsonl"
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(out), NEWSCRAWL_STATE=str(tmp_path / "state.sqlite"))
    stages = chain(crawler)
    drops = [r for r in (run(stages, item) for item in items) if not isinstance(r, Article)]
    close(crawler)
    emitted = lines(out) if out.exists() else []
    return emitted, drops, crawler.stats.get_stats()


def test_second_run_emits_nothing_and_counts_unchanged(tmp_path):
    items = [article("https://ex.com/a", 1), article("https://ex.com/b", 2)]
    emitted, drops, stats = state_run(tmp_path, "one", items)
    assert (len(emitted), drops, stats["newscrawl/state/new"]) == (2, [], 2)
    emitted, drops, stats = state_run(tmp_path, "two", items)
    assert emitted == []
    assert all(isinstance(d, SkipItem) for d in drops)
    assert len(drops) == 2
    assert stats["newscrawl/state/unchanged"] == 2
    assert "newscrawl/output/written" not in stats


def test_changed_article_is_emitted_as_version_2(tmp_path):
    state_run(tmp_path, "one", [article("https://ex.com/a", 1)])
    changed = article("https://ex.com/a", 1)
    changed["body"] += "\n\nUpdate: the ministry confirmed the figures on Monday evening."
    emitted, drops, stats = state_run(tmp_path, "two", [changed])
    assert drops == []
    assert [r["canonical_url"] for r in emitted] == ["https://ex.com/a"]
    assert stats["newscrawl/state/changed"] == 1
    assert stats["newscrawl/state/max_version"] == 2
    store = open_store(str(tmp_path / "state.sqlite"))
    page = store.page("https://ex.com/a")
    assert (page.version, page.content_hash) == (2, emitted[0]["content_hash"])
    assert page.output == str(tmp_path / "two.jsonl")
    store.close()


def test_copies_of_earlier_articles_are_duplicates(tmp_path):
    first = article("https://ex.com/a", 1)
    state_run(tmp_path, "one", [first])
    exact = dict(first, url="https://mirror.example/a")
    near = dict(first, url="https://ex.com/syndicated", headline="Same story, new headline")
    near["body"] += "\n\nAdditional reporting by agencies in the capital."
    emitted, drops, stats = state_run(
        tmp_path, "two", [exact, near, article("https://ex.com/new", 5)]
    )
    assert [r["canonical_url"] for r in emitted] == ["https://ex.com/new"]
    assert [(d.reject.reason, d.reject.duplicate_of) for d in drops] == [
        ("duplicate", "https://ex.com/a"),
        ("duplicate", "https://ex.com/a"),
    ]
    assert stats["newscrawl/dedup/content"] == 1
    assert stats["newscrawl/dedup/near"] == 1
    assert stats["newscrawl/dedup/earlier_run"] == 2


def test_claim_is_pending_until_the_line_is_written(tmp_path):
    out = tmp_path / "out.jsonl"
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(out), NEWSCRAWL_STATE=str(tmp_path / "s.sqlite"))
    normalize, validate, dedup, output = chain(crawler)
    item = dedup.process_item(
        validate.process_item(normalize.process_item(article("https://ex.com/a")))
    )
    store = crawler.get_extension(StateExtension).store
    assert store.page("https://ex.com/a") is None  # accepted, not yet written
    output.process_item(item)
    assert store.page("https://ex.com/a").offset == 0
    assert list(store.pending()) == []
    close(crawler)


# --- conditional requests ---------------------------------------------------------------


def test_conditional_requests_and_304(tmp_path):
    state = str(tmp_path / "state.sqlite")
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(tmp_path / "one.jsonl"), NEWSCRAWL_STATE=state)
    middleware = build_from_crawler(ConditionalRequestMiddleware, crawler)
    stages = chain(crawler)
    url = "https://ex.com/a?utm_medium=rss"
    response = HtmlResponse(
        url, headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
    )
    first = Request(url)
    middleware.process_request(first)
    assert b"If-None-Match" not in first.headers
    assert middleware.process_response(first, response) is response
    run(stages, article(url, 1))
    close(crawler)

    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(tmp_path / "two.jsonl"), NEWSCRAWL_STATE=state)
    middleware = build_from_crawler(ConditionalRequestMiddleware, crawler)
    again = Request("https://ex.com/a")
    middleware.process_request(again)
    assert again.headers[b"If-None-Match"] == b'"v1"'
    assert again.headers[b"If-Modified-Since"] == b"Wed, 01 May 2024 10:00:00 GMT"
    with pytest.raises(NotModified):
        middleware.process_response(again, Response("https://ex.com/a", status=304))
    stats = crawler.stats.get_stats()
    assert stats["newscrawl/state/conditional_requests"] == 1
    assert stats["newscrawl/state/not_modified"] == stats["newscrawl/state/unchanged"] == 1
    unrelated = Request("https://ex.com/never-seen")
    middleware.process_request(unrelated)
    assert b"If-None-Match" not in unrelated.headers
    forced = Request("https://ex.com/a", meta={"newscrawl_no_conditional": True})
    middleware.process_request(forced)
    assert b"If-None-Match" not in forced.headers
    close(crawler)


def test_validators_are_not_stored_for_an_article_never_emitted(tmp_path):
    state = str(tmp_path / "state.sqlite")
    crawler = crawler_for(NEWSCRAWL_OUTPUT=str(tmp_path / "o.jsonl"), NEWSCRAWL_STATE=state)
    middleware = build_from_crawler(ConditionalRequestMiddleware, crawler)
    chain(crawler)
    request = Request("https://ex.com/listing")
    middleware.process_response(request, HtmlResponse(request.url, headers={"ETag": '"x"'}))
    close(crawler)
    store = open_store(state)
    assert store.validators_for("https://ex.com/listing") is None
    store.close()


def test_a_304_without_our_validators_is_left_alone(tmp_path):
    crawler = crawler_for(NEWSCRAWL_STATE=str(tmp_path / "state.sqlite"))
    middleware = build_from_crawler(ConditionalRequestMiddleware, crawler)
    request = Request("https://ex.com/a", headers={"If-None-Match": '"theirs"'})
    middleware.process_request(request)
    response = Response(request.url, status=304)
    assert middleware.process_response(request, response) is response
    close(crawler)
