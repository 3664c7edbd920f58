"""extract_images / split_credit: inline pages, one per class of image markup."""

from __future__ import annotations

import pytest

from newscrawl.items import Image
from newscrawl.parsers import load_page
from newscrawl.parsers.media import extract_images, split_credit

URL = "https://news.example.com/world/story"
IMG = "https://cdn.example.com/photo.jpg"


def page(article: str, head: str = "", after: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><article><h1>Storm hits the coast</h1>"
        f"{article}<p>Text.</p></article>{after}</body></html>"
    )


CASES = [
    pytest.param(
        page(
            f'<figure><img src="{IMG}" alt="A tank"><figcaption>A burnt tank. / Reuters</figcaption></figure>'
        ),
        [Image(url=IMG, caption="A burnt tank.", credit="Reuters", alt="A tank")],
        id="figure-with-slash-credit",
    ),
    pytest.param(
        page(
            f'<figure><img src="{IMG}"><figcaption><span class="caption">Apprentice Emre, 19.</span>'
            ' <span class="credit">Elif Yılmaz/Anadolu Agency</span></figcaption></figure>'
        ),
        [Image(url=IMG, caption="Apprentice Emre, 19.", credit="Elif Yılmaz/Anadolu Agency")],
        id="credit-in-its-own-element",
    ),
    pytest.param(
        page(
            f'<figure><span><img src="{IMG}"><span class="off-screen">Image copyright</span>'
            '<span class="story-image-copyright">Getty Images</span></span><figcaption>'
            '<span class="off-screen">Image caption</span>Skiers queued</figcaption></figure>'
        ),
        [Image(url=IMG, caption="Skiers queued", credit="Getty Images")],
        id="screen-reader-labels-dropped",
    ),
    pytest.param(
        page(
            f'<figure><img src="data:image/gif;base64,R0lGOD" data-src="{IMG}">'
            "<figcaption>Die neue Brücke. Foto: Jörg Meier</figcaption></figure>"
        ),
        [Image(url=IMG, caption="Die neue Brücke.", credit="Jörg Meier")],
        id="lazy-image-and-foto-credit",
    ),
    pytest.param(
        page(
            f'<div class="media"><div class="pic"><img src="{IMG}"></div>'
            '<p class="absatzbild__info">Everton players celebrate the winner</p></div>'
        ),
        [Image(url=IMG, caption="Everton players celebrate the winner")],
        id="caption-outside-any-figure",
    ),
    pytest.param(
        page(
            '<a href="/"><img class="site-logo" src="https://cdn.example.com/logo.png"></a>'
            '<img src="https://cdn.example.com/pixel.gif" width="1" height="1">'
            '<div class="author"><img class="avatar" src="https://cdn.example.com/jane.jpg"></div>',
            after='<aside class="related"><a href="/other"><img src="https://cdn.example.com/t.jpg">'
            "<h3>Another story</h3></a></aside>",
        ),
        [],
        id="logos-pixels-avatars-teasers-are-not-article-images",
    ),
    pytest.param(
        page("", head=f'<meta property="og:image" content="{IMG}">'),
        [Image(url=IMG)],
        id="og-image-only-when-the-page-shows-none",
    ),
    pytest.param(
        page(
            f'<figure><img src="{IMG}"></figure>',
            head='<meta property="og:image" content="https://cdn.example.com/social.jpg">',
        ),
        [Image(url=IMG)],
        id="og-image-rendition-not-added",
    ),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_extract_images(html: str, expected: list[Image]) -> None:
    assert extract_images(load_page(html, URL)) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Crowds in Ankara. Photo: AFP", ("Crowds in Ankara.", "AFP")),
        ("Oak planks dry for two years. © Reuters", ("Oak planks dry for two years.", "Reuters")),
        (
            "A boat at Ayvansaray. (AP Photo/John Roe)",
            ("A boat at Ayvansaray.", "AP Photo/John Roe"),
        ),
        (
            "Erst fiel der linke Kühlturm. Foto: Peter Kneffel/dpa",
            ("Erst fiel der linke Kühlturm.", "Peter Kneffel/dpa"),
        ),
        ("Crowds in Ankara, December 7, 2020.", ("Crowds in Ankara, December 7, 2020.", None)),
    ],
)
def test_split_credit(caption: str, expected: tuple[str | None, str | None]) -> None:
    assert split_credit(caption) == expected
