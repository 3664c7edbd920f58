"""The extractors the quality benchmark runs, each giving one :class:`Output` per page.

- ``newscrawl``: :func:`newscrawl.parse_article` (headline, authors, date_published, body,
  description, the images' captions and credits);
- ``trafilatura``: ``bare_extraction(html, url=..., with_metadata=True)`` (title, author, date,
  text, description; it outputs no captions);
- ``htmldate-original`` / ``htmldate-default``: ``htmldate.find_date(html, url=...)`` with
  ``original_date=True`` and with its defaults (a date only);
- ``newspaper4k`` (only with ``--peers newspaper4k``): title, authors, publish_date, text.

Every tool gets the page's bytes as stored (each decodes them its own way; newspaper4k, which
wants text, gets them decoded by bs4's UnicodeDammit) and the same URL. CPU time is measured
with ``time.process_time`` around the tool's call only, in the process that runs it.
"""

from __future__ import annotations

import gzip
import logging
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

NEWSCRAWL = "newscrawl"
TRAFILATURA = "trafilatura"
HTMLDATE_ORIGINAL = "htmldate-original"
HTMLDATE_DEFAULT = "htmldate-default"
NEWSPAPER = "newspaper4k"
PEERS = (TRAFILATURA, HTMLDATE_ORIGINAL, HTMLDATE_DEFAULT)
OPTIONAL_PEERS = (NEWSPAPER,)
DATE_ONLY = frozenset({HTMLDATE_ORIGINAL, HTMLDATE_DEFAULT})
WITH_CAPTIONS = frozenset({NEWSCRAWL})


@dataclass
class Output:
    """What one tool returned for one page (``error``: what it raised, if it did)."""

    headline: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    body: str = ""
    description: str | None = None
    captions: list[tuple[str, str | None]] = field(default_factory=list)
    """(caption, credit) of each image with a caption."""
    extra: dict[str, str | None] = field(default_factory=dict)
    """Other fields that help reading the error logs (newscrawl: byline, date_raw, ...)."""
    error: str | None = None
    ms: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Output:
        out = cls(**data)
        out.captions = [(c[0], c[1]) for c in data.get("captions") or ()]
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _newscrawl(html: bytes, url: str) -> Output:
    from newscrawl import parse_article

    article = parse_article(html, url)
    return Output(
        headline=article.headline or None,
        authors=list(article.authors),
        date=article.date_published,
        body=article.body,
        description=article.description,
        captions=[(i.caption, i.credit) for i in article.images if i.caption],
        extra={
            "byline": article.byline,
            "date_raw": article.date_raw,
            "date_modified": article.date_modified,
            "source": article.source,
        },
    )


def _trafilatura(html: bytes, url: str) -> Output:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return Output()
    data: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
    author = data.get("author")
    return Output(
        headline=data.get("title"),
        authors=[author] if author else [],
        date=data.get("date"),
        body=data.get("text") or "",
        description=data.get("description"),
    )


def _htmldate(original: bool) -> Callable[[bytes, str], Output]:
    def run(html: bytes, url: str) -> Output:
        from htmldate import find_date

        return Output(date=find_date(html, url=url, original_date=original))

    return run


def _newspaper(html: bytes, url: str) -> Output:
    from bs4 import UnicodeDammit
    from newspaper import Article  # type: ignore[import-untyped]

    article = Article(url, fetch_images=False)
    article.download(input_html=UnicodeDammit(html, is_html=True).unicode_markup or "")
    article.parse()
    date = article.publish_date
    return Output(
        headline=article.title or None,
        authors=list(article.authors),
        date=date.isoformat() if date else None,
        body=article.text or "",
    )


EXTRACTORS: dict[str, Callable[[bytes, str], Output]] = {
    NEWSCRAWL: _newscrawl,
    TRAFILATURA: _trafilatura,
    HTMLDATE_ORIGINAL: _htmldate(True),
    HTMLDATE_DEFAULT: _htmldate(False),
    NEWSPAPER: _newspaper,
}
_MODULES = {
    NEWSCRAWL: "newscrawl",
    TRAFILATURA: "trafilatura",
    HTMLDATE_ORIGINAL: "htmldate",
    HTMLDATE_DEFAULT: "htmldate",
    NEWSPAPER: "newspaper",
}


def version(tool: str) -> str:
    """The installed version of ``tool`` ("missing" when it cannot be imported)."""
    import importlib

    try:
        module = importlib.import_module(_MODULES[tool])
    except ImportError:
        return "missing"
    return str(getattr(module, "__version__", "unknown"))


def extract(tool: str, html: bytes, url: str) -> Output:
    """Run one tool on one page; its exception becomes ``Output.error``."""
    start = time.process_time()
    try:
        out = EXTRACTORS[tool](html, url)
    except Exception as exc:  # a crash is a miss on every field, never the end of the run
        out = Output(error=f"{type(exc).__name__}: {exc}"[:300])
    out.ms = (time.process_time() - start) * 1000
    return out


@dataclass(frozen=True)
class Task:
    """One (tool, page) run, as sent to a worker process."""

    tool: str
    path: str
    url: str


def run_task(task: Task) -> dict[str, Any]:
    """Worker entry: read the gzipped page, run the tool, return its output as a dict."""
    html = gzip.decompress(Path(task.path).read_bytes())
    return extract(task.tool, html, task.url).to_dict()


_WARM_PAGE = (
    "<html lang='{lang}'><head><title>Warm up</title></head><body><article><h1>Warm up</h1>"
    "<p>By Ann Lee, {date}</p><p>{text}</p></article></body></html>"
)
_WARM = (  # the dev sets' main languages: each loads its date data once per worker
    ("en", "3 May 2024", "Some words of text. " * 40),
    ("de", "3. Mai 2024", "Ein paar Worte Text. " * 40),
    ("fr", "3 mai 2024", "Quelques mots de texte. " * 40),
    ("es", "3 de mayo de 2024", "Unas palabras de texto. " * 40),
)


def quiet() -> None:
    """Silence the peers' logging and warnings (a page they cannot read is a scored miss)."""
    logging.basicConfig(level=logging.WARNING)
    for name in ("trafilatura", "htmldate", "newspaper", "courlan", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")


def init_worker(tools: tuple[str, ...]) -> None:
    """A worker process's initialiser: the peers silenced, every tool warmed up."""
    quiet()
    warm_up(tools)


def warm_up(tools: tuple[str, ...]) -> None:
    """Import each tool and run it on small pages, so that no dev-set page pays for that."""
    if NEWSCRAWL in tools:
        # a date newscrawl hands to dateparser without a known language makes it load every
        # locale once per process (1.7 s of CPU): paid here, not by the first such page
        import dateparser

        dateparser.parse("Sat 22 quux 2023")
    for lang, date, text in _WARM:
        html = _WARM_PAGE.format(lang=lang, date=date, text=text).encode()
        for tool in tools:
            extract(tool, html, "https://example.com/warm-up")
