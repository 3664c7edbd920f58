"""Where a state store is: a SQLite file path or a ``redis://...?crawl=NAME`` URL.

``open_store(location)`` opens the store a ``--state`` / ``NEWSCRAWL_STATE`` value names
(a SQLite file is created when missing; ``rediss://`` and ``unix://`` work too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.errors import StateError
from newscrawl.state.redis_store import SCHEMES as REDIS_SCHEMES
from newscrawl.state.redis_store import RedisLocation, RedisStore
from newscrawl.state.sqlite_store import SQLiteStore

if TYPE_CHECKING:
    from newscrawl.state.store import StateStore


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
