"""Body text: walk the page once into text blocks, choose the article's container by text
density, keep its paragraphs, lists, quotes and subheadings in order, drop the boilerplate.

1. The walk turns every block-level element into text blocks (``<div>``s without ``<p>`` and
   ``<br><br>``-separated text included) and records for each one its owner element, how
   much of it is link text and which boilerplate markup (share bar, related stories,
   comments, hidden elements, ...) encloses it.
2. The container is the element where long, link-poor text concentrates (readability-style
   scores passed to ancestors with decay; explicit article-body markup gets a bonus; on pages
   with several articles, the one under the ``<h1>``), widened over a body split into several
   blocks as long as the added text is written like the core's paragraphs.
3. Blocks of the container are kept unless boilerplate markup inside it encloses them, they
   are link lists, whole-line furniture ("Advertisement", credits, date stamps), the
   standfirst (that is ``description``), or, once the body is known, labels and subheadings
   that introduce no text. Read-more lines are set aside as ``read_more``; the source line is
   ``source`` (see :mod:`newscrawl.parsers.links`).
4. When the result is much shorter than the page's JSON-LD ``articleBody``, that text guides
   the choice of the container again (or, when the page does not hold it, is the body).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import attrs

from newscrawl.parsers import selectors
from newscrawl.parsers.common import override_nodes
from newscrawl.parsers.links import is_read_more, is_source_line, read_more_links
from newscrawl.parsers.walk import BOILER_TAGS, Block, parts_pattern
from newscrawl.text import fold, normalize_body, normalize_space

if TYPE_CHECKING:
    from collections.abc import Iterable

    import lxml.html
    from lxml import etree

    from newscrawl.items import RelatedLink
    from newscrawl.parsers.page import Page

logger = logging.getLogger(__name__)

_LEAF = frozenset(selectors.LEAF_BLOCK_TAGS)
_BODY_PARTS = parts_pattern(selectors.BODY_CLASS_PARTS)
#: A line pattern that may start anywhere in the line's first characters
#: (``.{0,60}\b(?:newsletter|...)``), and what a regex needs escaped.
_FLOATING = re.compile(r"\.\{0,\d+\}(?:\\b)?\(\?:(?P<alts>[^()]*)\)")
_REGEX_META = frozenset(".^$*+?{}[]\\|()")


def _needles(pattern: str) -> tuple[str, ...] | None:
    """The texts one of which a floating line pattern needs (its leading alternatives,
    word boundaries dropped), looked for before the slower regex; ``None`` for an
    anchored pattern or alternatives that are not plain text.

    >>> _needles(r".{0,60}(?:/|\\bvia )\\s*(?:afp|dpa)\\b.{0,30}")
    ('/', 'via ')
    >>> _needles(r"(?:print|e-?mail)") is None
    True
    """
    match = _FLOATING.match(pattern)
    if not match:
        return None
    alternatives = tuple(a.replace(r"\b", "") for a in match["alts"].split("|"))
    if any(not a or not _REGEX_META.isdisjoint(a) for a in alternatives):
        return None
    return alternatives


_ANCHORED_LINE = re.compile(
    "|".join(f"(?:{p})" for p in selectors.BOILERPLATE_LINES if _needles(p) is None)
)
#: (text, pattern) for each text a floating pattern may need.
_FLOATING_LINES = tuple(
    (needle, pattern)
    for pattern, needles in ((re.compile(p), _needles(p)) for p in selectors.BOILERPLATE_LINES)
    for needle in needles or ()
)

#: Score passed from a block to its owner (index 0), the owner's parent (1), and so on.
_DECAY = (1.0, 0.9, 0.5, 1 / 3, 0.25, 0.2)
#: Blocks shorter than this carry no weight when choosing the container.
_MIN_SCORED = 25
#: How many levels above the best-scored element a split body is looked for.
_CLIMB_LEVELS = 5
#: Weight kept by text inside boilerplate markup when scoring containers.
_BOILER_WEIGHT = 0.25
#: Score factor of elements with explicit article-body markup (itemprop, class names).
_EXPLICIT_BONUS = 1.5


@attrs.frozen
class Body:
    text: str
    read_more: list[RelatedLink]
    container: lxml.html.HtmlElement | None


def class_id(node: etree._Element) -> str:
    return f"{node.get('class') or ''} {node.get('id') or ''}".lower()


def is_boilerplate_line(text: str) -> bool:
    """True for a whole line of page furniture ("Advertisement", "Share this article").

    >>> is_boilerplate_line("ANZEIGE")
    True
    >>> is_boilerplate_line("The advertisement ran for a week.")
    False
    """
    if len(text) >= 300:
        return False
    folded = text.casefold()
    if _ANCHORED_LINE.fullmatch(folded):
        return True
    for needle, pattern in _FLOATING_LINES:  # (a loop: no generator per line)
        if needle in folded and pattern.fullmatch(folded):
            return True
    return False


# --- choosing the container ---------------------------------------------------------------


def _weight(block: Block) -> float:
    if block.size < _MIN_SCORED or block.kind == "heading" or block.link_density > 0.5:
        return 0.0
    weight = block.size * (1.0 - block.link_density)
    return weight * _BOILER_WEIGHT if block.boiler is not None else weight


def _explicit(node: etree._Element) -> bool:
    if node.get("itemprop") == "articleBody":
        return True
    names = class_id(node)
    return bool(names.strip() and _BODY_PARTS.search(names))


@attrs.define(slots=True)
class _Scored:
    """A block that counts when choosing the container, with its ancestor chain."""

    block: Block
    weight: float
    chain: list[etree._Element]


def _scored(blocks: Iterable[Block]) -> list[_Scored]:
    out = []
    for block in blocks:
        weight = _weight(block)
        if weight:
            out.append(_Scored(block, weight, [block.owner, *block.owner.iterancestors()]))
    return out


def container_scores(scored: Iterable[_Scored]) -> dict[etree._Element, float]:
    """Readability-style scores: each block's weight passed up its ancestors with decay."""
    scores: dict[etree._Element, float] = {}
    for item in scored:
        for node, decay in zip(item.chain, _DECAY, strict=False):
            if node.tag not in _LEAF:
                scores[node] = scores.get(node, 0.0) + item.weight * decay
    for node in scores:
        if _explicit(node):
            scores[node] *= _EXPLICIT_BONUS
    return scores


def _signature(node: etree._Element) -> tuple[str, str]:
    return str(node.tag), node.get("class") or ""


def _dominant_signature(scored: Iterable[_Scored], best: etree._Element) -> tuple[str, str]:
    """The tag and class that most of the text under ``best`` is written in."""
    weights: dict[tuple[str, str], float] = {}
    for item in scored:
        if best in item.chain:
            key = _signature(item.block.owner)
            weights[key] = weights.get(key, 0.0) + item.weight
    return max(weights, key=weights.__getitem__)


def _is_article(ancestor: etree._Element, best: etree._Element) -> bool:
    """True when ``ancestor`` lies above an ``<article>`` holding ``best``: one article's
    body does not continue into the next one."""
    for node in (best, *best.iterancestors()):
        if node is ancestor:
            return False
        if node.tag == "article":
            return True
    return False


def _split_explicit(best: etree._Element) -> bool:
    """True when other explicit body markup sits near ``best`` (a body split in parts)."""
    tag = str(best.tag)
    ancestors = list(best.iterancestors())
    if not ancestors:
        return False
    related = set(best.iter(tag)) | set(ancestors)
    # the farthest of the ancestors looked at holds the others
    for node in ancestors[:_CLIMB_LEVELS][-1].iter(tag):
        if node not in related and node.get("class") and _explicit(node):
            return True
    return False


def _climb(
    best: etree._Element, scored: list[_Scored], signature: tuple[str, str]
) -> etree._Element:
    """Widen ``best`` to the ancestor holding the rest of a body split into several blocks.

    Each step up must add mostly paragraphs written like the ones already chosen (same tag
    and class) and of a similar length, not other text.
    """
    if _explicit(best) and not _split_explicit(best):
        return best
    same: dict[etree._Element, list[float]] = {}
    other: dict[etree._Element, float] = {}
    trusted = {best, *best.iterancestors()}
    for item in scored:
        plain = item.block.boiler is None or item.block.boiler in trusted
        matches = plain and _signature(item.block.owner) == signature
        for node in item.chain:
            if matches:
                entry = same.setdefault(node, [0.0, 0.0])
                entry[0] += item.weight
                entry[1] += 1
            else:
                other[node] = other.get(node, 0.0) + item.weight
    current = best
    for ancestor in list(best.iterancestors())[:_CLIMB_LEVELS]:
        if ancestor.getparent() is not None and _is_article(ancestor, best):
            break
        have = same.get(current, [0.0, 0.0])
        more = same.get(ancestor, [0.0, 0.0])
        gain, count = more[0] - have[0], more[1] - have[1]
        gain_other = other.get(ancestor, 0.0) - other.get(current, 0.0)
        if not gain and not gain_other:
            continue
        if gain < 2 * gain_other:
            break
        if count and gain / count < 0.5 * have[0] / max(have[1], 1):
            break
        current = ancestor
    return current


@attrs.frozen
class Choice:
    """Where the body is: ``container`` holds it; anything inside ``core`` (the best-scored
    element) may be body text, elsewhere in ``container`` only blocks written like the core's
    paragraphs (``signature``: tag and class), subheadings and quotes."""

    container: etree._Element
    core: etree._Element
    signature: tuple[str, str] | None = None


def _depth(node: etree._Element) -> int:
    return sum(1 for _ in node.iterancestors())


def _shared_depth(a: etree._Element, b: etree._Element) -> int:
    """Depth of the lowest common ancestor of ``a`` and ``b``."""
    ancestors = {a, *a.iterancestors()}
    for node in (b, *b.iterancestors()):
        if node in ancestors:
            return _depth(node)
    return 0


def _near_headline(
    best: etree._Element, scores: dict[etree._Element, float], headline: etree._Element | None
) -> etree._Element:
    """On pages with several articles, the one under the page's headline: a rival with at
    least half the best score that shares a deeper ancestor with the ``<h1>`` wins."""
    if headline is None:
        return best
    above = {best, *best.iterancestors()}
    rivals = [
        n
        for n, v in scores.items()
        if v >= 0.5 * scores[best] and n not in above and best not in n.iterancestors()
    ]
    level = _shared_depth(best, headline)
    closer = [n for n in rivals if _shared_depth(n, headline) > level]
    return max(closer, key=scores.__getitem__) if closer else best


def choose_container(blocks: list[Block], headline: etree._Element | None = None) -> Choice | None:
    """The element holding the article text: best score (near the headline ``<h1>`` when
    the page has several articles), widened over a split body."""
    scored = _scored(blocks)
    scores = container_scores(scored)
    if not scores:
        return None
    best = _near_headline(max(scores, key=scores.__getitem__), scores, headline)
    signature = _dominant_signature(scored, best)
    return Choice(_climb(best, scored, signature), best, signature)


# --- keeping the article's blocks -----------------------------------------------------------


class _Inside:
    """``inside(node)``: True when ``node`` is ``root`` or lies in it; blocks share most
    of their ancestors, so each ancestor's answer is kept."""

    def __init__(self, root: etree._Element) -> None:
        self._known: dict[etree._Element, bool] = {root: True}

    def __call__(self, node: etree._Element) -> bool:
        path: list[etree._Element] = []
        current: etree._Element | None = node
        answer = False
        while current is not None:
            known = self._known.get(current)
            if known is not None:
                answer = known
                break
            path.append(current)
            current = current.getparent()
        for element in path:
            self._known[element] = answer
        return answer


def _descriptions(page: Page) -> set[str]:
    values = [page.meta_first("description"), page.meta_first("og:description")]
    ld_description = page.ld.get("description")
    if isinstance(ld_description, str):
        values.append(ld_description)
    return {fold(v) for v in values if v}


def _is_standfirst(block: Block, following: Block | None, descriptions: set[str]) -> bool:
    """A lead block above the body: standfirst markup, or the description set apart."""
    if len(block.text) > 600:
        return False
    if block.standfirst and (following is None or not following.standfirst):
        return True
    if fold(block.text) not in descriptions:
        return False
    apart = following is None or following.owner.getparent() is not block.owner.getparent()
    return apart or block.owner.tag != "p"


def _keeps_boiler(block: Block, allowed: set[etree._Element]) -> bool:
    return block.boiler is None or block.boiler in allowed


@attrs.define
class _Selection:
    kept: list[Block] = attrs.field(factory=list)
    links: list[RelatedLink] = attrs.field(factory=list)
    seen: set[str] = attrs.field(factory=set)
    fallback: list[str] = attrs.field(factory=list)
    _pruned: list[str] | None = None

    def keep(self, block: Block) -> None:
        key = block.text.casefold()
        if len(key) > 20 and key in self.seen:
            return
        self.seen.add(key)
        self.kept.append(block)
        self._pruned = None

    def paragraphs(self) -> list[str]:
        if self.fallback:
            return self.fallback
        if self._pruned is None:  # asked twice: to compare with articleBody, then for the text
            self._pruned = [b.text for b in prune(self.kept)]
        return self._pruned


_SENTENCE_END = re.compile(r"[.!?…。！？:;\"”»“]\W*$")
#: Lines shorter than this are labels (section names, prices, dates), unless they end a sentence.
_MIN_LINE = 20
#: A subheading must introduce at least one paragraph this long.
_MIN_INTRODUCED = 40


def _introduces_text(kept: list[Block], index: int) -> bool:
    for block in kept[index + 1 :]:
        if block.kind == "heading":
            return False
        if block.size >= _MIN_INTRODUCED or block.kind in ("item", "quote"):
            return True
    return False


def prune(kept: list[Block]) -> list[Block]:
    """Drop what only makes sense as page furniture once the body is known: subheadings
    that introduce no text (unless they read as a sentence), and short label lines that are
    no sentence (list items stay)."""
    out = []
    for index, block in enumerate(kept):
        if block.kind == "heading" or _bold_only(block.owner):
            if not (_introduces_text(kept, index) or _sentence_like(block)):
                continue
        elif _is_label(block):
            continue
        out.append(block)
    return out


def _sentence_like(block: Block) -> bool:
    return block.size >= _MIN_INTRODUCED or bool(_SENTENCE_END.search(block.text))


def _is_label(block: Block) -> bool:
    short = block.kind == "text" and block.size < _MIN_LINE
    return short and not _SENTENCE_END.search(block.text)


def _bold_only(node: etree._Element) -> bool:
    """A paragraph that is one bold run: a subheading written as ``<p><strong>``."""
    children = list(node)
    if len(children) != 1 or (node.text and node.text.strip()):
        return False
    child = children[0]
    return child.tag in ("strong", "b") and not (child.tail and child.tail.strip())


def _outside_core(block: Block, following: Block | None, choice: Choice, in_core: _Inside) -> bool:
    """A block of the widened container that is not written like the body's paragraphs
    (a subheading or quote counts as body when a body paragraph follows it)."""
    if in_core(block.owner) or _signature(block.owner) == choice.signature:
        return False
    if block.kind in ("heading", "quote") and following is not None:
        return _signature(following.owner) != choice.signature
    return True


def _select(blocks: list[Block], choice: Choice, page: Page) -> _Selection:
    allowed = {choice.core, *choice.core.iterancestors()}
    in_container, in_core = _Inside(choice.container), _Inside(choice.core)
    inside = [b for b in blocks if in_container(b.owner)]
    descriptions = _descriptions(page)
    out = _Selection()
    for index, block in enumerate(inside):
        own_line = block.boiler is None or block.boiler.tag in BOILER_TAGS
        own_line = own_line or block.boiler is block.owner
        if own_line and is_read_more(block.text, block.link_density):
            out.links.extend(read_more_links(block.owner, page))
            continue
        if not _keeps_boiler(block, allowed):
            continue
        following = inside[index + 1] if index + 1 < len(inside) else None
        if choice.signature and _outside_core(block, following, choice, in_core):
            continue
        if _skip_text(block):
            continue
        if not out.kept and _is_standfirst(block, following, descriptions):
            continue
        out.keep(block)
    return out


def _skip_text(block: Block) -> bool:
    if is_source_line(block.text) or is_boilerplate_line(block.text):
        return True
    return block.link_density > 0.5


# --- the structured-data body as a guide ---------------------------------------------------

_NON_WORD = re.compile(r"\W+")
#: JSON-LD ``articleBody`` shorter than this is a teaser, never a guide.
_MIN_LD_BODY = 500
#: The DOM body is checked against ``articleBody`` when it has less than this share of it.
_LD_SHORTFALL = 0.6
#: ... and is replaced by it when it has less than this share and no element matches it.
_LD_FALLBACK = 0.25


def _squash(text: str) -> str:
    return _NON_WORD.sub("", fold(text))


def _ld_body(page: Page) -> str | None:
    value = page.ld.get("articleBody")
    return value if isinstance(value, str) and len(value) >= _MIN_LD_BODY else None


def guided_container(blocks: list[Block], reference: str) -> etree._Element | None:
    """The element whose text best matches ``reference`` (character F1 of the blocks found
    verbatim in it); None when less than half of the reference is on the page or when the
    element holds much other text."""
    squashed = _squash(reference)
    matched: dict[etree._Element, float] = {}
    total: dict[etree._Element, float] = {}
    for block in blocks:
        key = _squash(block.text)
        if len(key) < 20:
            continue
        hit = len(key) if key in squashed else 0
        for node in (block.owner, *block.owner.iterancestors()):
            total[node] = total.get(node, 0.0) + len(key)
            matched[node] = matched.get(node, 0.0) + hit

    def f1(node: etree._Element) -> float:
        precision, recall = matched[node] / total[node], matched[node] / len(squashed)
        return 2 * precision * recall / (precision + recall) if matched[node] else 0.0

    best = max(matched, key=f1, default=None)
    if best is None or matched[best] < 0.5 * len(squashed):
        return None
    return best if matched[best] >= 0.7 * total[best] else None


def _ld_paragraphs(text: str) -> list[str]:
    return [p for p in (normalize_space(line) for line in text.splitlines()) if p]


def _with_ld_guide(page: Page, blocks: list[Block], selection: _Selection) -> _Selection:
    """Re-choose the container when the DOM body is much shorter than ``articleBody``."""
    reference = _ld_body(page)
    have = sum(len(p) for p in selection.paragraphs())
    if reference is None or have >= _LD_SHORTFALL * len(reference):
        return selection
    node = guided_container(blocks, reference)
    if node is not None:
        guided = _select(blocks, Choice(node, node), page)
        if sum(len(p) for p in guided.paragraphs()) > have:
            return guided
        return selection
    if have >= _LD_FALLBACK * len(reference):
        return selection
    logger.debug("body of %s taken from JSON-LD articleBody", page.url)
    return _Selection(links=selection.links, fallback=_ld_paragraphs(reference))


def extract_body(page: Page) -> Body:
    """The article body and the read-more links found in it."""
    blocks = page.walk.blocks
    chosen = override_nodes(page, "body")
    headline = page.first_h1 if page.tree.find("body") is not None else None
    choice = Choice(chosen[0], chosen[0]) if chosen else choose_container(blocks, headline)
    if choice is None:
        logger.debug("no body container on %s", page.url)
        selection = _with_ld_guide(page, blocks, _Selection())
        return Body(normalize_body("\n\n".join(selection.paragraphs())), [], None)
    selection = _with_ld_guide(page, blocks, _select(blocks, choice, page))
    text = normalize_body("\n\n".join(selection.paragraphs()))
    return Body(text, selection.links, choice.container)
