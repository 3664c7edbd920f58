"""An exclusive lock on a state store, held for the lifetime of a run.

``fcntl.flock`` on ``<state>.lock``: the kernel releases it when the holder dies (even by
SIGKILL). The holder writes ``pid host started`` into the file so that a refused run can
say who holds it. A Redis store is shared by design and needs no lock.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Self

from newscrawl.errors import StateError
from newscrawl.state.locations import is_redis


class StateLockedError(StateError):
    """Another live process holds the state's lock (``newscrawl crawl`` exits 3)."""


def lock_path_for(state: str | Path) -> Path:
    """The lock file of a state store path.

    >>> lock_path_for("runs/state.sqlite")
    PosixPath('runs/state.sqlite.lock')
    """
    path = Path(state)
    return path.with_name(path.name + ".lock")


class StateLock:
    """``with StateLock(path): ...`` — raises :class:`StateLockedError` when another live
    process holds the lock, naming that process (:class:`StateError` when the lock file
    cannot be opened)."""

    def __init__(self, state: str | Path) -> None:
        self.path = lock_path_for(state)
        self._fd: int | None = None

    def acquire(self) -> Self:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise StateError(f"cannot open state lock {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            state = self.path.with_suffix("")
            raise StateLockedError(
                f"state {state} is locked by another running crawl or scrape ({holder})"
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, self._holder().encode(), 0)
        self._fd = fd
        return self

    @staticmethod
    def _holder() -> str:
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return f"pid {os.getpid()} on {socket.gethostname()}, started {started}"

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def state_lock(location: str) -> AbstractContextManager[object]:
    """The lock a run holds on the state at ``location``: a SQLite file's
    :class:`StateLock`; none for no state or a Redis one (shared by the workers of a
    distributed crawl by design).

    >>> isinstance(state_lock("runs/state.sqlite"), StateLock)
    True
    >>> isinstance(state_lock("redis://localhost:6379/0?crawl=news"), StateLock)
    False
    """
    location = location.strip()
    if not location or is_redis(location):
        return nullcontext()
    return StateLock(location)
