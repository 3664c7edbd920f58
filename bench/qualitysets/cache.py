"""The peers' per-page outputs, kept between runs (their output does not change while newscrawl
is tuned, so a rerun costs only newscrawl's time).

One JSON file per (tool, version, page): ``<cache>/<tool>/<version>/<set>/<page file>.<sha256>.json``
where the page file is the gzipped page's path inside its dev set and sha256 that file's digest;
the record also holds the URL the tool was given, and an entry whose URL differs is not used.
The folder (default ``bench/results/cache``) is gitignored; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

from bench.qualitysets.tools import Output

if TYPE_CHECKING:
    from pathlib import Path


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class PeerCache:
    """Cached outputs of the peer tools, one file per page."""

    def __init__(self, root: Path, versions: dict[str, str]) -> None:
        self.root = root
        self.versions = versions
        self.hits = 0
        self.misses = 0

    def _path(self, tool: str, dataset: str, page_file: str, sha256: str) -> Path:
        return self.root / tool / self.versions[tool] / dataset / f"{page_file}.{sha256}.json"

    def get(self, tool: str, dataset: str, page_file: str, sha256: str, url: str) -> Output | None:
        path = self._path(tool, dataset, page_file, sha256)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        if record.get("url") != url or not isinstance(record.get("output"), dict):
            self.misses += 1
            return None
        self.hits += 1
        return Output.from_dict(record["output"])

    def put(
        self, tool: str, dataset: str, page_file: str, sha256: str, url: str, output: Output
    ) -> None:
        path = self._path(tool, dataset, page_file, sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        record: dict[str, Any] = {"tool": tool, "version": self.versions[tool], "url": url}
        record["output"] = output.to_dict()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
