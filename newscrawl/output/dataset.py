"""Building one dataset from run outputs: latest version per canonical_url, validated, sorted.

Two passes keep memory small: the first reads every line once and keeps, per canonical_url,
only where the winning line is (file, offset) with its sort keys; the second copies the
winning lines in date order. The output is written to a temporary file and renamed, so
a dataset file is never half-written.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from newscrawl.errors import NewscrawlError
from newscrawl.record.schema_check import record_errors

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

logger = logging.getLogger(__name__)


@attrs.define
class MergeReport:
    """What a merge read, kept and skipped."""

    lines: int = 0
    records: int = 0
    bad_lines: int = 0
    superseded: int = 0
    problems: list[str] = attrs.field(factory=list)


@attrs.frozen
class _Pointer:
    scraped_at: str
    sort_key: tuple[int, float, str]
    file_index: int
    offset: int


def _date_sort_key(record: dict[str, Any]) -> tuple[int, float, str]:
    """Records with a publication date first, oldest first; then by canonical_url."""
    value = record.get("date_published")
    url = str(record.get("canonical_url"))
    if not value:
        return (1, 0.0, url)
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return (0, parsed.timestamp(), url)
    except (ValueError, OverflowError):  # schema-shaped but no real date ("2026-13-45")
        return (1, 0.0, url)


def _lines(path: Path) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, raw line) for each line of a file."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, offset, raw
            offset += len(raw)


def _check_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if not raw.endswith(b"\n"):
        return None, "torn last line (no newline)"
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"not JSON: {exc}"
    errors = record_errors(record)
    if errors:
        return None, f"invalid record: {errors[0]}"
    return record, None


def _index(files: Sequence[Path], report: MergeReport) -> dict[str, _Pointer]:
    winners: dict[str, _Pointer] = {}
    for file_index, path in enumerate(files):
        try:
            for number, offset, raw in _lines(path):
                report.lines += 1
                record, problem = _check_line(raw)
                if record is None:
                    report.bad_lines += 1
                    report.problems.append(f"{path}:{number}: {problem}")
                    continue
                pointer = _Pointer(record["scraped_at"], _date_sort_key(record), file_index, offset)
                current = winners.get(record["canonical_url"])
                if current is not None:
                    report.superseded += 1
                if current is None or pointer.scraped_at >= current.scraped_at:
                    winners[record["canonical_url"]] = pointer
        except OSError as exc:
            raise NewscrawlError(f"cannot read {path}: {exc.strerror}") from exc
    return winners


def _read_at(handles: dict[int, Any], files: Sequence[Path], pointer: _Pointer) -> bytes:
    handle = handles.get(pointer.file_index)
    if handle is None:
        handle = handles[pointer.file_index] = files[pointer.file_index].open("rb")
    handle.seek(pointer.offset)
    line: bytes = handle.readline()
    return line


def winning_records(files: Sequence[Path], report: MergeReport) -> Iterator[dict[str, Any]]:
    """The latest valid record per canonical_url, sorted by date_published."""
    winners = sorted(_index(files, report).values(), key=lambda p: p.sort_key)
    report.records = len(winners)
    handles: dict[int, Any] = {}
    try:
        for pointer in winners:
            yield json.loads(_read_at(handles, files, pointer))
    finally:
        for handle in handles.values():
            handle.close()


def write_atomically(path: Path, chunks: Iterator[bytes]) -> None:
    """Write ``chunks`` to a temporary file beside ``path``, fsync, then rename it over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise NewscrawlError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # disk full, the target is a directory, ...
            raise NewscrawlError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
