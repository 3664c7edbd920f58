"""Extraction quality on the Fundus dev set: newscrawl against trafilatura, field by field.

Usage::

    python bench/quality.py [--no-peer] [--only PUBLISHER] [--errors FIELD] [--json PATH]

Reads ``<datasets>/fundus/index.jsonl`` (datasets: ``$NEWSCRAWL_DATASETS`` or ``../shared/datasets``
beside the repository), parses every page with :func:`newscrawl.parse_article` (and, unless
``--no-peer``, with ``trafilatura.bare_extraction``) and prints one row per field.

The metrics (pure functions below; ``tests/test_quality_gate.py`` imports them):

headline
    exact match after NFKC, whitespace folding and case folding.
authors
    the *set* of names equal. Each name (ours, the peer's and the expected ones alike) is split on
    commas, semicolons (trafilatura joins authors with "; "), " and ", " und ", "&", stripped of a
    leading "By"/"Von" and folded like the headline. A page whose expected authors are missing or
    empty counts as correct when no author is output.
date
    the publication day equal: the first 10 characters of the output date against the expected
    "YYYY-MM-DD ..." (the earliest release date in the ground truth).
body
    precision / recall / F1 of token 4-gram shingles, as a *multiset* (a shingle repeated in the
    text counts as often as it occurs), tokens = lower-cased ``\\w+`` runs, with every CJK
    character as its own token (Japanese has no spaces). Averaged per page. The reference is the
    section headlines plus paragraphs. The expected summary (teaser/standfirst) is *neutral*: the
    record keeps it in ``description`` and ``body`` should not repeat it, while trafilatura keeps it
    in its text; so output shingles that occur only in the summary are neither rewarded nor
    penalised (removed from the output before counting). This is fair to both tools.
captions
    the share of expected captions (non-null, over all pages: micro average) found among the
    output's image captions. Fundus captions are without the photo credit (credits are a separate
    list), so ours are compared both bare and joined with their credit. After folding (and
    dropping trailing punctuation), an expected caption is found when one of ours equals it or
    contains it, or when it contains one of ours that is at least 0.8 of its length.
    trafilatura outputs no image captions, so its figure is ``n/a``.

Also reported: newscrawl's and trafilatura's milliseconds per page: parse only, bytes in, CPU time
of this process (process_time), so other load on the machine does not skew the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results" / "quality.json"
FIELDS = ("headline", "authors", "date", "body", "captions")
SHINGLE = 4

# --------------------------------------------------------------------------------------- metrics

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b|\bund\b)\s*", re.IGNORECASE)
_BY = re.compile(r"^(?:by|von)\s+", re.IGNORECASE)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_TRAIL = re.compile(r"[\s.,;:!?…]+$")


def fold(text: str | None) -> str:
    """NFKC, invisible characters dropped, whitespace folded, case folded.

    >>> fold("  Die\\u00a0WELT\\u200b ")
    'die welt'
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or ""))
    return _WS.sub(" ", text).strip().casefold()


def headline_ok(expected: str | None, got: str | None) -> bool:
    """Exact match after :func:`fold`."""
    return fold(expected) == fold(got)


def split_authors(names: Iterable[str]) -> set[str]:
    """Folded single names.

    >>> sorted(split_authors(["By Ana Lee and Bo Chen", "Cy Dee; Ed Fox"]))
    ['ana lee', 'bo chen', 'cy dee', 'ed fox']
    """
    out: set[str] = set()
    for name in names:
        for part in _AUTHOR_SPLIT.split(fold(name)):
            part = _BY.sub("", part).strip()
            if part:
                out.add(part)
    return out


def authors_ok(expected: Sequence[str] | None, got: Sequence[str]) -> bool:
    """Same set of names; no expected names means none should be output."""
    return split_authors(expected or ()) == split_authors(got)


def date_ok(expected: str | None, got: str | None) -> bool:
    """Same publication day (first 10 characters)."""
    if not expected:
        return not got
    return bool(got) and str(got)[:10] == expected[:10]


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; each CJK character is one token.

    >>> tokens("Der Bürgermeister, 2024! 日本代表")
    ['der', 'bürgermeister', '2024', '日', '本', '代', '表']
    """
    return _TOKEN.findall(fold(text))


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of token ``size``-grams (a shorter text is one shingle)."""
    toks = tokens(text)
    if len(toks) < size:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


def prf(expected: Counter[Any], got: Counter[Any]) -> tuple[float, float, float]:
    """Precision, recall, F1 of two multisets (both empty: a perfect score)."""
    if not expected and not got:
        return 1.0, 1.0, 1.0
    common = sum((expected & got).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(expected.values()) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def body_prf(expected: str, got: str, neutral: str = "") -> tuple[float, float, float]:
    """Shingle precision/recall/F1; output shingles found only in ``neutral`` are not counted."""
    want = shingles(expected)
    have = shingles(got)
    if neutral:
        for key in shingles(neutral).keys() - want.keys():
            have.pop(key, None)
    return prf(want, have)


def _caption_key(text: str | None) -> str:
    return _TRAIL.sub("", fold(text))


def caption_found(expected: str, ours: Iterable[str]) -> bool:
    """The documented caption-matching rule.

    >>> caption_found("Guards at Westminster.", ["Guards at Westminster PA"])
    True
    >>> caption_found("Guards at the Palace of Westminster", ["Guards"])
    False
    """
    want = _caption_key(expected)
    if not want:
        return False
    for candidate in ours:
        have = _caption_key(candidate)
        if not have:
            continue
        if want in have or (have in want and len(have) >= 0.8 * len(want)):
            return True
    return False


def expected_body(body: dict[str, Any]) -> tuple[str, str]:
    """(section headlines + paragraphs, summary) of a Fundus body, as text."""
    parts: list[str] = []
    for section in body.get("sections") or ():
        parts.extend(section.get("headline") or ())
        parts.extend(section.get("paragraphs") or ())
    return "\n\n".join(parts), "\n\n".join(body.get("summary") or ())


def expected_captions(images: Iterable[dict[str, Any]] | None) -> list[str]:
    return [i["caption"] for i in images or () if i.get("caption")]


# -------------------------------------------------------------------------------- extraction


@dataclass
class Fields:
    """What one tool returned for one page (``captions`` is None: the tool has none)."""

    headline: str | None
    authors: list[str]
    date: str | None
    body: str
    captions: list[str] | None
    ms: float = 0.0


@dataclass
class PageScore:
    """One page's figures for one tool."""

    headline: bool
    authors: bool
    date: bool
    body: tuple[float, float, float]
    captions: tuple[int, int] | None


def newscrawl_fields(html: bytes, url: str) -> Fields:
    from newscrawl import parse_article

    start = time.process_time()
    article = parse_article(html, url)
    ms = (time.process_time() - start) * 1000
    captions: list[str] = []
    for image in article.images:
        if image.caption:
            captions.append(image.caption)
            if image.credit:
                captions.append(f"{image.caption} {image.credit}")
    return Fields(
        article.headline,
        list(article.authors),
        article.date_published,
        article.body,
        captions,
        ms,
    )


def trafilatura_fields(html: bytes, url: str) -> Fields:
    import trafilatura

    start = time.process_time()
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    ms = (time.process_time() - start) * 1000
    if doc is None:
        return Fields(None, [], None, "", None, ms)
    data: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
    authors = [data["author"]] if data.get("author") else []
    return Fields(data.get("title"), authors, data.get("date"), data.get("text") or "", None, ms)


def score(expected: dict[str, Any], got: Fields) -> PageScore:
    """All field figures of one page."""
    want_body, summary = expected_body(expected.get("body") or {})
    captions: tuple[int, int] | None = None
    if got.captions is not None:
        wanted = expected_captions(expected.get("images"))
        found = sum(caption_found(c, got.captions) for c in wanted)
        captions = (found, len(wanted))
    return PageScore(
        headline=headline_ok(expected.get("title"), got.headline),
        authors=authors_ok(expected.get("authors"), got.authors),
        date=date_ok(expected.get("publishing_date"), got.date),
        body=body_prf(want_body, got.body, summary),
        captions=captions,
    )


# -------------------------------------------------------------------------------- the corpus


@dataclass
class Entry:
    """One dev-set page."""

    name: str
    publisher: str
    url: str
    path: Path
    expected: dict[str, Any]

    def html(self) -> bytes:
        return gzip.decompress(self.path.read_bytes())


def datasets_dir() -> Path:
    return Path(os.environ.get("NEWSCRAWL_DATASETS", ROOT.parent / "shared" / "datasets"))


def load_index(fundus: Path, only: str | None = None) -> list[Entry]:
    """The pages of ``index.jsonl`` (optionally those whose publisher contains ``only``)."""
    entries: list[Entry] = []
    with (fundus / "index.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if only and only.casefold() not in row["publisher"].casefold():
                continue
            name = f"{row['country']}/{row['publisher']}/{row['parser_version']}"
            path = fundus / row["html_file"]
            entries.append(Entry(name, row["publisher"], row["url"], path, row["expected"]))
    return entries


# ------------------------------------------------------------------------------- aggregation


@dataclass
class Totals:
    """Averages over pages for one tool."""

    pages: int = 0
    headline: float = 0.0
    authors: float = 0.0
    date: float = 0.0
    body_precision: float = 0.0
    body_recall: float = 0.0
    body_f1: float = 0.0
    captions: float | None = None
    captions_found: int = 0
    captions_total: int = 0
    ms_per_page: float = 0.0


def summarise(scores: Sequence[PageScore], ms: Sequence[float]) -> Totals:
    """Per-page averages (captions: found / expected over all pages)."""
    n = len(scores) or 1
    totals = Totals(pages=len(scores))
    totals.headline = sum(s.headline for s in scores) / n
    totals.authors = sum(s.authors for s in scores) / n
    totals.date = sum(s.date for s in scores) / n
    totals.body_precision = sum(s.body[0] for s in scores) / n
    totals.body_recall = sum(s.body[1] for s in scores) / n
    totals.body_f1 = sum(s.body[2] for s in scores) / n
    caps = [s.captions for s in scores if s.captions is not None]
    if caps:
        totals.captions_found = sum(c[0] for c in caps)
        totals.captions_total = sum(c[1] for c in caps)
        totals.captions = totals.captions_found / (totals.captions_total or 1)
    totals.ms_per_page = sum(ms) / n
    return totals


def evaluate(
    entries: Sequence[Entry], extract: Callable[[bytes, str], Fields]
) -> Iterator[tuple[Entry, Fields, PageScore]]:
    """Run one tool over the pages."""
    for entry in entries:
        got = extract(entry.html(), entry.url)
        yield entry, got, score(entry.expected, got)


# ------------------------------------------------------------------------------------ output


def _cut(text: str | None, width: int = 110) -> str:
    text = _WS.sub(" ", text or "").strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _coverage(part: str, whole: Counter[tuple[str, ...]]) -> float:
    grams = shingles(part)
    total = sum(grams.values())
    return sum((grams & whole).values()) / total if total else 1.0


def body_errors(entry: Entry, got: Fields, page: PageScore) -> list[str]:
    """Expected paragraphs we missed (-) and output paragraphs not expected (+)."""
    want_text, summary = expected_body(entry.expected.get("body") or {})
    want, have = shingles(want_text), shingles(got.body)
    allowed = want + shingles(summary)
    p, r, f = page.body
    lines = [f"{entry.name}  F1 {f:.3f}  P {p:.3f}  R {r:.3f}"]
    lines += [f"   - {_cut(t)}" for t in want_text.split("\n\n") if _coverage(t, have) < 0.5]
    lines += [f"   + {_cut(t)}" for t in got.body.split("\n\n") if _coverage(t, allowed) < 0.5]
    return lines


def field_error(entry: Entry, got: Fields, page: PageScore, name: str) -> list[str]:
    """The lines ``--errors FIELD`` prints for one page (empty when it is right)."""
    exp = entry.expected
    if name == "body":
        return body_errors(entry, got, page) if page.body[2] < 0.99 else []
    if name == "captions":
        if page.captions is None or page.captions[0] == page.captions[1]:
            return []
        missing = [
            c
            for c in expected_captions(exp.get("images"))
            if not caption_found(c, got.captions or [])
        ]
        return [f"{entry.name}: ours {[_cut(c, 60) for c in got.captions or []]}"] + [
            f"   - {_cut(c)}" for c in missing
        ]
    pairs = {
        "headline": (page.headline, exp.get("title"), got.headline),
        "authors": (page.authors, exp.get("authors"), got.authors),
        "date": (page.date, exp.get("publishing_date"), got.date),
    }
    ok, want, have = pairs[name]
    return [] if ok else [f"{entry.name}: expected {want!r}  got {have!r}"]


def _fmt(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


_ROWS = (
    ("headline (exact)", "headline"),
    ("authors (set equal)", "authors"),
    ("date (same day)", "date"),
    ("body precision", "body_precision"),
    ("body recall", "body_recall"),
    ("body F1", "body_f1"),
    ("captions (found)", "captions"),
    ("ms / page", "ms_per_page"),
)


def table(ours: Totals, peer: Totals | None) -> str:
    lines = [f"{'field':22} {'newscrawl':>10} {'trafilatura':>12}"]
    for label, attr in _ROWS:
        theirs = _fmt(getattr(peer, attr)) if peer else "-"
        lines.append(f"{label:22} {_fmt(getattr(ours, attr)):>10} {theirs:>12}")
    lines.append(f"pages: {ours.pages}")
    return "\n".join(lines)


def page_rows(results: Sequence[tuple[Entry, Fields, PageScore]]) -> list[dict[str, Any]]:
    """Per-page figures for the JSON file (to diff runs)."""
    rows = []
    for entry, got, page in results:
        row: dict[str, Any] = {"page": entry.name, "body_f1": round(page.body[2], 4)}
        row.update(headline=page.headline, authors=page.authors, date=page.date)
        row["captions"] = list(page.captions) if page.captions else None
        row["ms"] = round(got.ms, 2)
        rows.append(row)
    return rows


def _rounded(totals: Totals) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(totals).items()}


# -------------------------------------------------------------------------------------- main


@dataclass
class Options:
    errors: str | None = None
    only: str | None = None
    peer: bool = True
    json_path: Path = field(default=DEFAULT_JSON)


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", choices=FIELDS, help="print each page's miss for FIELD")
    parser.add_argument("--only", metavar="PUBLISHER", help="pages whose publisher contains this")
    parser.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write figures")
    args = parser.parse_args(argv)
    return Options(args.errors, args.only, not args.no_peer, args.json)


def run(options: Options) -> int:
    fundus = datasets_dir() / "fundus"
    if not (fundus / "index.jsonl").is_file():
        print(f"quality: {fundus}/index.jsonl not found (set NEWSCRAWL_DATASETS)", file=sys.stderr)
        return 2
    entries = load_index(fundus, options.only)
    if not entries:
        print(f"quality: no page matches --only {options.only!r}", file=sys.stderr)
        return 2
    mine = list(evaluate(entries, newscrawl_fields))
    if options.errors:
        for entry, got, page in mine:
            for line in field_error(entry, got, page, options.errors):
                print(line)
    ours = summarise([s for _, _, s in mine], [g.ms for _, g, _ in mine])
    peer = None
    if options.peer:
        theirs = list(evaluate(entries, trafilatura_fields))
        peer = summarise([s for _, _, s in theirs], [g.ms for _, g, _ in theirs])
    print(table(ours, peer))
    report = {
        "metric_notes": "see bench/quality.py docstring",
        "dataset": "fundus",
        "only": options.only,
        "newscrawl": _rounded(ours),
        "trafilatura": _rounded(peer) if peer else None,
        "pages": page_rows(mine),
    }
    options.json_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = options.json_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(options.json_path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
