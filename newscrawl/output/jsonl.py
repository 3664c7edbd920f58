"""JSON Lines files: one record per line, appended whole, never left torn."""

from __future__ import annotations

import contextlib
import errno
import json
import os
from typing import TYPE_CHECKING, Any

from newscrawl.errors import NewscrawlError

if TYPE_CHECKING:
    from pathlib import Path


def dumps(record: dict[str, Any]) -> str:
    """One record as one JSON line (UTF-8 text, no trailing newline).

    >>> dumps({"b": 1, "a": "ü"})
    '{"b": 1, "a": "ü"}'
    """
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def cut_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline (left by a killed writer); return bytes cut."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        pos = size
        chunk = 65536
        while pos > 0:
            start = max(0, pos - chunk)
            handle.seek(start)
            data = handle.read(pos - start)
            nl = data.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            pos = start
        else:
            keep = 0
        handle.truncate(keep)
        return size - keep


def append_line(path: Path, record: dict[str, Any], fsync: bool = True) -> int:
    """Append one record as a whole line (one ``write``), return the offset it starts at.

    Raises :class:`NewscrawlError` naming the path when the file is not writable.
    """
    data = (dumps(record) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise NewscrawlError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        offset = os.lseek(fd, 0, os.SEEK_END)
        _write_whole(fd, data, offset, fsync)
    except OSError as exc:  # disk full, quota, I/O error
        raise NewscrawlError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return offset


def _write_whole(fd: int, data: bytes, offset: int, fsync: bool) -> None:
    """Write ``data`` in one ``write``; on failure cut the file back to ``offset`` so
    that no half line is left behind, and raise the :class:`OSError`."""
    try:
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, "short write (disk full?)")
        if fsync:
            os.fsync(fd)
    except OSError:
        with contextlib.suppress(OSError):  # not every file can be truncated (a device)
            os.ftruncate(fd, offset)
        raise
