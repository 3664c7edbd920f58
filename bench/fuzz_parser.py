"""Coverage-guided fuzzing of ``parse_article`` with atheris, for a given time.

    python bench/fuzz_parser.py --seconds 300 [corpus_dir]

Any exception other than newscrawl's own errors is a crash: atheris stops and writes the
input to ``crash-<hash>``. Not part of ``make test`` (long runs are a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from newscrawl import parse_article
    from newscrawl.errors import NewscrawlError

URL = "https://fuzz.example/world/2026/11/20/story"
ROOT = Path(__file__).resolve().parent.parent


def one_input(data: bytes) -> None:
    try:
        article = parse_article(data, URL)
    except NewscrawlError:
        return
    article.to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("corpus", nargs="*", help="seed corpus folders (default: fixtures/)")
    args = parser.parse_args()
    corpus = args.corpus or [str(p.parent) for p in sorted(ROOT.glob("fixtures/*/*/response.html"))]
    argv = [
        sys.argv[0],
        f"-max_total_time={args.seconds}",
        "-max_len=200000",
        "-rss_limit_mb=4096",
        *corpus,
    ]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
