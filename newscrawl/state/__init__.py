"""State across runs: the store interface, the SQLite store and the crawl extension.

``open_store(location)`` opens the store a ``--state`` / ``NEWSCRAWL_STATE`` value names:
a SQLite file path (created when missing). ``redis://`` locations belong to the
distributed mode and are refused here with a :class:`~newscrawl.errors.StateError`.
"""

from __future__ import annotations

from newscrawl.errors import StateError
from newscrawl.state.base import (
    Claim,
    NearMatch,
    PageState,
    Reconciled,
    StateStore,
    Validators,
)
from newscrawl.state.sqlite import SQLiteStore

__all__ = [
    "Claim",
    "NearMatch",
    "PageState",
    "Reconciled",
    "SQLiteStore",
    "StateStore",
    "Validators",
    "check_location",
    "open_store",
]

_REMOTE_SCHEMES = ("redis://", "rediss://", "unix://")


def check_location(location: str) -> str:
    """The location, stripped; a :class:`StateError` when it cannot name a store here.

    >>> check_location(" runs/state.sqlite ")
    'runs/state.sqlite'
    >>> check_location("redis://localhost:6379/0")
    Traceback (most recent call last):
    ...
    newscrawl.errors.StateError: state redis://localhost:6379/0: a Redis state store needs the distributed mode (--redis), which is not available in this build; give a SQLite file path
    """
    location = location.strip()
    if not location:
        raise StateError("state: empty location (give a SQLite file path)")
    if location.startswith(_REMOTE_SCHEMES):
        raise StateError(
            f"state {location}: a Redis state store needs the distributed mode (--redis),"
            " which is not available in this build; give a SQLite file path"
        )
    if "://" in location:
        raise StateError(f"state {location}: unknown scheme (give a SQLite file path)")
    return location


def open_store(location: str) -> StateStore:
    """Open the store at ``location`` (see :func:`check_location`)."""
    return SQLiteStore.open(check_location(location))
