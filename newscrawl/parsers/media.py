"""Images of the article with their captions and credits, lead image first.

An article image is an ``<img>`` (or ``<picture>`` source) of a real size that is not a
logo, avatar, icon or ad, not in a teaser of another story, a side box or a footer.
Its caption is the ``<figcaption>`` of its ``<figure>``, or a caption-like element
(``caption``, ``legend``, ``subtitle``, ``info`` classes...) in the small block that holds
the image and nothing else. The credit is the credit element in that block, or the tail
of the caption ("Photo: AFP", "© Reuters", "(AP Photo/John Roe)", "/ dpa"). Structured
or OpenGraph images are used only when the page shows none.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING

from newscrawl.items import Image
from newscrawl.parsers import selectors
from newscrawl.parsers.common import class_id, text_length, text_of
from newscrawl.parsers.structured import as_list, as_text
from newscrawl.text import clean_or_none, normalize_space
from newscrawl.urls import absolutize

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml import etree

    from newscrawl.parsers.page import Page


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    """Class/id words at a word start: ``caption`` matches "image-caption__text"."""
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, words)) + ")")


_CAPTION = re.compile(f"caption|{_words(selectors.IMAGE_CAPTION_WORDS).pattern}")
_CAPTION_LOOSE = _words(selectors.IMAGE_CAPTION_LOOSE_WORDS)
_CREDIT = _words(selectors.IMAGE_CREDIT_WORDS)
_SKIP_IMAGE = _words(selectors.IMAGE_SKIP_WORDS)
_HIDDEN = _words(selectors.HIDDEN_WORDS)
_CAPTION_NOISE = _words(selectors.CAPTION_NOISE_WORDS)
_CREDIT_LABEL = (
    r"(?:photo(?:graph)?s?|foto(?:s|grafie|ğraf)?|picture|image|bild(?:quelle)?|credit"
    r"|quelle|source|fuente|crédit|copyright|©)"
)
#: "caption. Photo: AFP" / "caption © Reuters" / "caption (AP Photo/John Roe)" / "caption / dpa".
_CREDIT_TAIL = re.compile(
    rf"(?:\s*\(\s*(?P<paren>[^()]*?(?:\bphoto\b|/|{_CREDIT_LABEL}\s*[:：])[^()]*)\s*\)"
    rf"|\s*(?<![\w])(?:{_CREDIT_LABEL}\s*[:：]|©|(?:photo|picture|image)s? by\b)"
    r"\s*(?P<label>[^:：]{2,80}?)"
    r"|\s+[/|]\s*(?P<slash>[^/|]{2,60}?)"
    r"|\s*[（(](?P<jp>[^（）()]{1,30}?)(?:提供|撮影)[）)])\s*$",
    re.IGNORECASE,
)
_AGENCY_PHOTO = re.compile(r"^\s*\w+ photo\b", re.IGNORECASE)
_CREDIT_PREFIX = re.compile(
    rf"^\s*(?:{_CREDIT_LABEL}\s*[:：.]?|(?:photo|picture|image)s? by\b)\s*", re.IGNORECASE
)
#: Attributes that may hold the image file: ``src``, ``srcset`` and lazy-loading variants.
_SRC_ATTR = re.compile(r"^(?:src|srcset|data-[\w-]*(?:src|srcset|original|lazy[\w-]*))$")
_PLACEHOLDER = re.compile(r"^data:|placeholder|blank\.|spacer|1x1|pixel\.", re.IGNORECASE)
_MIN_SIDE = 100
_MAX_DEPTH = 8
_MIN_TEXT_CAPTION = 10
_MIN_CAPTION_WORDS = 4
_MAX_TEXT_CAPTION = 400
_MAX_BLOCK_TEXT = 800
_PAGE_BLOCKS = frozenset({"article", "main", "body", "html", "section"})
#: Landmarks whose images are never the article's (figures are image blocks).
_LANDMARKS = tuple(sorted(selectors.NOT_ARTICLE_TAGS - {"figure", "figcaption"}))


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """Split a caption from the credit printed at its end.

    >>> split_credit("A burnt tank in Jabrayil, December 7, 2020. / Reuters")
    ('A burnt tank in Jabrayil, December 7, 2020.', 'Reuters')
    >>> split_credit("A snow plough near Žabljak. Photo: Vesna Kovač/Atlas News")
    ('A snow plough near Žabljak.', 'Vesna Kovač/Atlas News')
    >>> split_credit("A boat is lowered into the water. (AP Photo/John Roe)")
    ('A boat is lowered into the water.', 'AP Photo/John Roe')
    >>> split_credit("© BART DEWAELE")
    (None, 'BART DEWAELE')
    >>> split_credit("通話試験を行う技官（警視庁提供）")
    ('通話試験を行う技官', '警視庁')
    >>> split_credit("Crowds in Ankara.")
    ('Crowds in Ankara.', None)
    """
    text = normalize_space(caption)
    match = _CREDIT_TAIL.search(text)
    if not match:
        return (text or None), None
    credit = match["paren"] or match["label"] or match["slash"] or match["jp"]
    if match.start() == 0:
        # the whole text is a credit ("© BART DEWAELE"), or no credit at all
        return (None, clean_or_none(credit)) if match["label"] else ((text or None), None)
    if match["paren"] and not _AGENCY_PHOTO.search(credit):
        credit = _CREDIT_PREFIX.sub("", credit)
    return clean_or_none(text[: match.start()]), clean_or_none(credit.strip("()[] "))


def _side(node: etree._Element, attr: str) -> int | None:
    value = (node.get(attr) or "").strip().removesuffix("px")
    return int(value) if value.isdigit() else None


def image_url(img: etree._Element, base: str) -> str | None:
    """The image file of an ``<img>``: ``src`` unless it is a placeholder, then the lazy
    loading attributes (``data-src``, ``data-lazyload-srcset``...), then a ``<picture>``'s
    first source."""
    src = (img.get("src") or "").strip()
    if src and not _PLACEHOLDER.search(src):
        return absolutize(src, base)
    candidates = [(str(k), str(v)) for k, v in img.items() if _SRC_ATTR.search(str(k))]
    candidates.sort(key=lambda item: item[0] != "src")
    parent = img.getparent()
    if parent is not None and parent.tag == "picture":
        candidates += [("srcset", s.get("srcset") or "") for s in parent.iter("source")]
    for name, raw in candidates:
        value = raw.strip()
        if value and not _PLACEHOLDER.search(value):
            if name.endswith("srcset"):
                value = value.split(", ")[0].split(" ")[0]
            return absolutize(value, base)
    return None


def _is_article_image(img: etree._Element, page: Page) -> bool:
    """The checks that need no image URL, cheapest first."""
    width, height = _side(img, "width"), _side(img, "height")
    if (width is not None and width < _MIN_SIDE) or (height is not None and height < _MIN_SIDE):
        return False
    if next(img.iterancestors(*_LANDMARKS), None) is not None:  # (foreign, found in C)
        return False
    for current in _with_ancestors(img, 3):
        if current.tag != "a" and _SKIP_IMAGE.search(class_id(current)):
            return False
    return not _links_elsewhere(img) and not page.foreign(img, media=True)


def _links_elsewhere(img: etree._Element) -> bool:
    """True for an image in a teaser: a link to another page that also carries a title."""
    for anchor in img.iterancestors("a"):
        href = (anchor.get("href") or "").split("?")[0].lower()
        if not href or href.startswith("#") or selectors.IMAGE_FILE.search(href):
            return False
        return len(text_of(anchor)) > 0
    return False


def _with_ancestors(img: etree._Element, count: int) -> list[etree._Element]:
    """The image and its first ``count`` :func:`_ancestors` (a loop: this runs for every
    image)."""
    found = [img]
    for ancestor in img.iterancestors():
        if ancestor.tag not in ("picture", "source"):
            found.append(ancestor)
            if len(found) > count:
                break
    return found


def _ancestors(img: etree._Element) -> Iterator[etree._Element]:
    """The image's ancestors without ``<picture>``/``<source>`` wrappers (the HTML parser
    nests every ``<source>`` inside the previous one)."""
    return (a for a in img.iterancestors() if a.tag not in ("picture", "source"))


def _container(img: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """The block holding this image's caption and its caption element: its ``<figure>``
    when the caption is in it, else the nearest of its ancestors with a caption that hold
    no other image and little text; the figure (for a credit) when there is no caption."""
    for depth, block in enumerate(_ancestors(img)):
        if depth >= _MAX_DEPTH or block.tag in _PAGE_BLOCKS or not _small_block(block):
            break
        caption = _caption_node(block)
        if caption is not None:
            return block, caption
    figure = next((a for a in islice(_ancestors(img), _MAX_DEPTH) if a.tag == "figure"), None)
    fallback = figure if figure is not None else _text_block(img)
    return fallback, _caption_node(fallback) if fallback is not None else None


def _looks_like_caption(text: str) -> bool:
    """A sentence-like text, not a control label ("View 6 Images", "Menü", "Log In")."""
    if not _MIN_TEXT_CAPTION <= len(text) <= _MAX_TEXT_CAPTION:
        return False
    return len(text.split()) >= _MIN_CAPTION_WORDS or (not text.isascii() and len(text) >= 12)


def _text_block(img: etree._Element) -> etree._Element | None:
    """Without caption markup: the smallest block around the image that also prints a
    short text (the caption printed under a picture in an unnamed element)."""
    for depth, block in enumerate(_ancestors(img)):
        if depth >= 3 or block.tag in _PAGE_BLOCKS or block.tag in ("a", "p", "li"):
            return None
        if not _small_block(block):
            return None
        text = text_of(block)
        if text:
            return block if _looks_like_caption(text) else None
    return None


def _small_block(block: etree._Element) -> bool:
    """At most one image (outside ``<noscript>`` fallbacks) and little text."""
    if block.tag != "noscript" and not _has_noscript_above(block):
        # (else every image in it is a fallback) a noscript above an image lies inside it
        shown = 0
        for image in block.iter(*selectors.IMAGE_TAGS):
            shown += not _has_noscript_above(image)
            if shown > 1:
                return False
    return text_length(block) <= _MAX_BLOCK_TEXT


def _has_noscript_above(node: etree._Element) -> bool:
    return next(node.iterancestors("noscript"), None) is not None


def _caption_node(block: etree._Element) -> etree._Element | None:
    """The element printing the caption: a ``<figcaption>``, else a caption-classed
    element ("caption", "legend"...), else a loosely named one ("info", "text")."""
    for node in block.iter("figcaption"):
        return node
    loose: etree._Element | None = None
    for node in block.iterdescendants():
        words = class_id(node)
        if words == " ":  # neither class nor id
            continue
        if _CAPTION.search(words):
            if not _has_image(node) and text_of(node, skip=_hidden_or_credit):
                return node
        elif (
            loose is None
            and _CAPTION_LOOSE.search(words)
            and not _has_image(node)
            and _looks_like_caption(text_of(node, skip=_hidden_or_credit))
        ):
            loose = node
    return loose


def _has_image(node: etree._Element) -> bool:
    return next(node.iter(*selectors.IMAGE_TAGS), None) is not None


def _hidden_or_credit(node: etree._Element) -> bool:
    words = class_id(node)
    if words == " ":  # neither class nor id
        return False
    return bool(_HIDDEN.search(words) or _CREDIT.search(words) or _CAPTION_NOISE.search(words))


def _credit_node(block: etree._Element) -> etree._Element | None:
    for node in block.iter():
        words = class_id(node)
        if node is not block and _CREDIT.search(words) and not _HIDDEN.search(words):
            return node
    return None


def _caption_and_credit(
    block: etree._Element | None, node: etree._Element | None
) -> tuple[str | None, str | None]:
    """Caption and credit printed in ``block``, whose caption element is ``node``."""
    if block is None:
        return None, None
    if node is None and block.tag != "figure":
        node = block
    text = text_of(node, skip=_hidden_or_credit) if node is not None else ""
    credit_node = _credit_node(block)
    credit = text_of(credit_node, skip=lambda n: bool(_HIDDEN.search(class_id(n))))
    credit = _CREDIT_PREFIX.sub("", credit).strip("()[] ") if credit_node is not None else ""
    if credit:
        return clean_or_none(text), clean_or_none(credit)
    return split_credit(text) if text else (None, None)


def _article_images(page: Page) -> Iterator[Image]:
    seen: set[str] = set()
    for img in page.walk.tagged("img"):
        if not _is_article_image(img, page):
            continue
        url = image_url(img, page.url)
        if not url or url in seen or _SKIP_IMAGE.search(url.rsplit("/", 1)[-1].lower()):
            continue
        seen.add(url)
        caption, credit = _caption_and_credit(*_container(img))
        title = normalize_space(img.get("title"))
        if caption is None and _looks_like_caption(title):
            caption, title_credit = split_credit(title)
            credit = credit or title_credit
        yield Image(url=url, caption=caption, credit=credit, alt=clean_or_none(img.get("alt")))


def _lead_from_metadata(page: Page) -> Image | None:
    for value in as_list(page.ld.get("image")):
        url = absolutize(as_text(value.get("url") if isinstance(value, dict) else value), page.url)
        if url:  # a data:, javascript: or mailto: value is no image of the article
            return Image(url=url)
    url = absolutize(page.meta_first("og:image", "twitter:image"), page.url)
    alt = clean_or_none(page.meta_first("og:image:alt", "twitter:image:alt"))
    return Image(url=url, alt=alt) if url else None


def extract_images(page: Page) -> list[Image]:
    """Images of the article, lead first, each once; the structured/OpenGraph image only
    when the page shows none."""
    images = list(_article_images(page))
    if not images:
        lead = _lead_from_metadata(page)
        images = [lead] if lead else []
    return images
