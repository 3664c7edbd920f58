"""State across runs: the store interface, the SQLite store and the crawl extension.

``open_store(location)`` opens the store a ``--state`` / ``NEWSCRAWL_STATE`` value names:
a SQLite file path (created when missing), or a ``redis://HOST:PORT/DB?crawl=NAME``
URL (``rediss://``, ``unix://`` too): the store shared by the workers of a distributed
crawl (:class:`~newscrawl.state.redis.RedisStore`).
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
from newscrawl.state.redis import SCHEMES as REDIS_SCHEMES
from newscrawl.state.redis import RedisLocation, RedisStore
from newscrawl.state.sqlite import SQLiteStore

__all__ = [
    "Claim",
    "NearMatch",
    "PageState",
    "Reconciled",
    "RedisStore",
    "SQLiteStore",
    "StateStore",
    "Validators",
    "check_location",
    "is_redis",
    "open_store",
]


def is_redis(location: str) -> bool:
    """Whether ``location`` names a Redis store.

    >>> is_redis("redis://localhost:6379/0?crawl=news"), is_redis("runs/state.sqlite")
    (True, False)
    """
    return location.strip().startswith(REDIS_SCHEMES)


def check_location(location: str) -> str:
    """The location, stripped; a :class:`StateError` when it cannot name a store.

    >>> check_location(" runs/state.sqlite ")
    'runs/state.sqlite'
    >>> check_location("redis://localhost:6379/0?crawl=a b")
    Traceback (most recent call last):
    ...
    newscrawl.errors.StateError: crawl name 'a b': use letters, digits and ._+- (at most 100)
    """
    location = location.strip()
    if not location:
        raise StateError("state: empty location (give a SQLite file path or a redis:// URL)")
    if is_redis(location):
        RedisLocation.parse(location)
        return location
    if "://" in location:
        raise StateError(
            f"state {location}: unknown scheme (give a SQLite file path or a redis:// URL)"
        )
    return location


def open_store(location: str) -> StateStore:
    """Open the store at ``location`` (see :func:`check_location`)."""
    location = check_location(location)
    if is_redis(location):
        return RedisStore.open(location)
    return SQLiteStore.open(location)
