"""Read-more links and the source line: lead-ins in several languages, never widgets."""

from __future__ import annotations

import pytest

from newscrawl.parsers.article import load_page
from newscrawl.parsers.body import extract_body
from newscrawl.parsers.links import extract_source, is_read_more, is_source_line

URL = "https://www.news.example/world/harbour-ferry-line-12345"
TEXT = (
    "The harbour authority said on Tuesday that the new ferry line would start in spring, "
    "linking the two islands with four daily crossings and cutting the journey to an hour."
)


def article(inner: str, after: str = "") -> str:
    return (
        "<html><head><title>Ferry</title></head><body><article>"
        f"<p>{TEXT}</p><p>{TEXT} Again.</p>{inner}<p>{TEXT} Once more.</p></article>{after}"
        "</body></html>"
    )


def links_of(html: str) -> list[tuple[str, str | None]]:
    return [(link.url, link.title) for link in extract_body(load_page(html, URL)).read_more]


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        pytest.param(
            "<p><strong>READ MORE:</strong><a href='/europe/story-1'>First story</a></p>",
            [("https://www.news.example/europe/story-1", "First story")],
            id="read-more-relative",
        ),
        pytest.param(
            "<p>Lesen Sie auch: <a href='https://www.news.example/a?utm_source=x&id=2'>Zweiter"
            "</a></p>",
            [("https://www.news.example/a?id=2", "Zweiter")],
            id="german-tracking-stripped",
        ),
        pytest.param(
            "<p>Ayrıca bakınız: <a href='/gundem/haber-3'>Üçüncü haber</a></p>",
            [("https://www.news.example/gundem/haber-3", "Üçüncü haber")],
            id="turkish",
        ),
        pytest.param(
            "<p>関連記事：<a href='/news/4.html'>離島航路の維持へ</a></p>",
            [("https://www.news.example/news/4.html", "離島航路の維持へ")],
            id="japanese",
        ),
        pytest.param(
            "<p>Also read <a href='/story-5'>Talks end without a deal</a></p>",
            [("https://www.news.example/story-5", "Talks end without a deal")],
            id="bare-lead-in-before-a-link",
        ),
        pytest.param(
            "<aside class='rich-link'><p><span>Related: </span><a href='/story-6'>Sixth</a></p>"
            "</aside>",
            [("https://www.news.example/story-6", "Sixth")],
            id="related-box-in-aside",
        ),
        pytest.param(
            "<div class='related-news-inline'><span>İLGİLİ HABER</span>"
            "<a class='related-news-inline__link' href='/gundem/7'><span class='related-title'>"
            "Yedinci haber</span></a></div>",
            [("https://www.news.example/gundem/7", "Yedinci haber")],
            id="turkish-label-widget-with-one-link",
        ),
        pytest.param(
            "<p>READ MORE: <a href='https://other.example/story'>Elsewhere</a></p>",
            [],
            id="other-site-skipped",
        ),
        pytest.param(
            "<div class='inline-related'><h4>Recommended</h4><ul>"
            "<li><a href='/rec-1'>One</a></li><li><a href='/rec-2'>Two</a></li></ul></div>",
            [],
            id="recommended-widget-is-not-read-more",
        ),
        pytest.param(
            "<p>Related reports say <a href='/x'>the talks</a> failed on Tuesday night.</p>",
            [],
            id="sentence-starting-with-related",
        ),
    ],
)
def test_read_more(inner: str, expected: list[tuple[str, str | None]]) -> None:
    assert links_of(article(inner)) == expected


def test_read_more_in_page_order_and_widgets_after_the_article_ignored() -> None:
    inner = (
        "<p>READ MORE: <a href='/a'>A</a></p><p>" + TEXT + " Middle.</p>"
        "<p>READ MORE: <a href='/b'>B</a></p>"
    )
    after = "<section><h2>Most read</h2><p>READ MORE: <a href='/c'>C</a></p></section>"
    urls = [url for url, _ in links_of(article(inner, after))]
    assert urls == ["https://www.news.example/a", "https://www.news.example/b"]


@pytest.mark.parametrize(
    ("text", "density", "expected"),
    [
        ("READ MORE:Turkish, Azerbaijani presidents attend parade", 0.0, True),
        ("Read more » The island ferry timetable", 0.0, True),
        ("【関連記事】離島航路の維持へ", 0.0, True),
        ("Läs även: Färjan till ön", 0.0, True),
        ("Related reports say the talks failed.", 0.0, False),
        ("Ayrıca Ankara'da bir toplantı yapıldı.", 0.0, False),
        ("Ayrıca Ankara'da bir toplantı yapıldı.", 0.9, True),
        ("Most read", 1.0, False),
        ("Explore more", 1.0, False),
        ("Recommended", 1.0, False),
    ],
)
def test_is_read_more(text: str, density: float, expected: bool) -> None:
    assert is_read_more(text, density) is expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p><span>SOURCE:</span>TRTWorld and agencies</p>", "TRTWorld and agencies"),
        ("<p class='news-source'><strong>Kaynak:</strong> AA</p>", "AA"),
        ("<div>Quelle: dpa</div>", "dpa"),
        ("<p>The source said talks would go on.</p>", None),
    ],
)
def test_source(html: str, expected: str | None) -> None:
    page = load_page(f"<html><body><article>{html}</article></body></html>", URL)
    assert extract_source(page) == expected


def test_source_line_rule() -> None:
    assert is_source_line("Fuente: EFE")
    assert not is_source_line("Source code of the app was published on Tuesday")
