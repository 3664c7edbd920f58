"""Images with captions and credits: figures in the article, JSON-LD/OpenGraph lead image."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newscrawl.items import Image
from newscrawl.parsers import selectors
from newscrawl.parsers.common import text_of
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import clean_or_none, normalize_space
from newscrawl.urls import absolutize

if TYPE_CHECKING:
    from newscrawl.parsers.page import Page

if TYPE_CHECKING:
    import lxml.html

_CREDIT_TAIL = re.compile(
    r"\s*(?:[/|]\s*|\(\s*|\b(?:photo|foto|picture|image|bild|credit|fotoğraf)s?\s*:\s*|©\s*)"
    r"([^/|()]{2,80}?)\s*\)?\s*$",
    re.IGNORECASE,
)
_CREDIT_PREFIX = re.compile(
    r"^\s*(?:photo|foto|picture|image|bild|credit|quelle|©)\s*:?\s*", re.IGNORECASE
)
_SRC_ATTRS = ("src", "data-src", "data-original", "data-lazy-src", "data-srcset", "srcset")


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """Split "caption / Credit", "caption (Photo: Credit)", "caption © Credit".

    >>> split_credit("A burnt tank in Jabrayil, December 7, 2020. / Reuters")
    ('A burnt tank in Jabrayil, December 7, 2020.', 'Reuters')
    >>> split_credit("Crowds in Ankara. Photo: AFP")
    ('Crowds in Ankara.', 'AFP')
    >>> split_credit("Crowds in Ankara.")
    ('Crowds in Ankara.', None)
    """
    text = normalize_space(caption)
    match = _CREDIT_TAIL.search(text)
    if not match or match.start() == 0:
        return (text or None), None
    return (clean_or_none(text[: match.start()]), clean_or_none(match[1]))


def _img_url(img: object, base: str) -> str | None:
    get = getattr(img, "get", None)
    if get is None:
        return None
    for attr in _SRC_ATTRS:
        value = get(attr)
        if value and not value.startswith("data:"):
            return absolutize(value.strip().split(",")[0].split(" ")[0], base)
    return None


def _figure_image(figure: lxml.html.HtmlElement, base: str) -> Image | None:
    imgs = selectors.IMG(figure)
    url = _img_url(imgs[0], base) if imgs else None
    if not url:
        return None
    caps = selectors.FIGCAPTION(figure)
    caption_text = text_of(caps[0]) if caps else ""
    credit_nodes = selectors.CREDIT_PARTS(caps[0]) if caps else []
    credit = text_of(credit_nodes[0]) if credit_nodes else None
    if credit:
        caption_text = normalize_space(caption_text.replace(credit, ""))
        credit = _CREDIT_PREFIX.sub("", credit) or None
        caption = clean_or_none(caption_text)
    else:
        caption, credit = split_credit(caption_text) if caption_text else (None, None)
    alt = clean_or_none(imgs[0].get("alt"))
    return Image(url=url, caption=caption, credit=credit, alt=alt)


def _lead_from_metadata(page: Page) -> str | None:
    for value in as_list(page.ld.get("image")):
        url = as_text(value.get("url") if isinstance(value, dict) else value)
        if url:
            return absolutize(url, page.url)
    return absolutize(page.meta_first("og:image", "twitter:image"), page.url)


def extract_images(page: Page) -> list[Image]:
    """Images of the article, lead first, each once."""
    images: list[Image] = []
    seen: set[str] = set()
    for figure in selectors.FIGURES(page.tree):
        image = _figure_image(figure, page.url)
        if image and image.url not in seen:
            seen.add(image.url)
            images.append(image)
    lead = _lead_from_metadata(page)
    if lead and lead not in seen:
        images.insert(0, Image(url=lead))
    return images
