"""newscrawl's own exceptions: the only ones its public functions raise on bad input."""

from __future__ import annotations


class NewscrawlError(Exception):
    """Base class; the message is one line naming what was wrong."""


class NotHTMLError(NewscrawlError):
    """The input is not an HTML document (binary, PDF, image, empty)."""


class NotAnArticleError(NewscrawlError):
    """The page is HTML but carries no article (no headline or no body)."""


class FetchError(NewscrawlError):
    """The page could not be fetched (DNS, refused, timeout, HTTP error)."""


class ProfileError(NewscrawlError):
    """A site profile is invalid; the message names the file and key."""


class StateError(NewscrawlError):
    """The state store cannot be used (corrupt, locked, unreachable)."""
