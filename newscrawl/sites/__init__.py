"""Site profiles: TOML data files naming a site's start URLs, hosts, time zone and selectors.

Bundled profiles live beside this module (``trtworld.toml``); user profiles in the folder
named by ``NEWSCRAWL_SITES_DIR`` or ``$NEWSCRAWL_SITES`` win over bundled ones of the same
name (format: README, "Site profiles"). Every profile is validated on load;
:class:`~newscrawl.errors.ProfileError` names the file and the key that is wrong.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from lxml import etree

from newscrawl.errors import ProfileError

logger = logging.getLogger(__name__)

#: Environment variable naming a folder of user profiles (the setting wins when set).
SITES_ENV = "NEWSCRAWL_SITES"
#: Record fields a profile may give selectors for.
SELECTOR_FIELDS = frozenset(
    {
        "headline", "description", "authors", "byline", "date_published", "date_modified",
        "section", "tags", "body", "caption", "images", "read_more", "source", "language",
        "site_name",
    }
)  # fmt: skip
_KEYS = frozenset({"description", "start_urls", "allowed_hosts", "timezone", "selectors"})
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class UnknownProfileError(ProfileError):
    """No profile of that name exists (a bad ``--site`` argument)."""


@attrs.frozen(kw_only=True)
class SiteProfile:
    """One validated site profile."""

    name: str
    """The file stem (``trtworld``), used with ``--site``."""
    path: Path
    description: str = ""
    start_urls: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    """Lower-case host names the crawl may visit besides the START hosts."""
    timezone: str | None = None
    selectors: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    """Record field -> XPath expressions the parser tries before its own."""


def bundled_dir() -> Path:
    """The folder of the profiles shipped with newscrawl."""
    return Path(__file__).resolve().parent


def profile_dirs(user_dir: str | Path | None = None) -> list[Path]:
    """Folders searched for profiles, first match wins: the setting, the environment
    variable, then the bundled folder."""
    chosen = str(user_dir or "") or os.environ.get(SITES_ENV, "")
    dirs = [Path(chosen).expanduser()] if chosen else []
    return [*dirs, bundled_dir()]


def available(user_dir: str | Path | None = None) -> dict[str, Path]:
    """Profile name -> file, over every folder searched."""
    found: dict[str, Path] = {}
    for folder in reversed(profile_dirs(user_dir)):
        if folder.is_dir():
            found.update({p.stem: p for p in sorted(folder.glob("*.toml"))})
    return dict(sorted(found.items()))


def load_profile(name: str, user_dir: str | Path | None = None) -> SiteProfile:
    """Load and validate the profile called ``name``."""
    profiles = available(user_dir)
    if not _NAME.match(name) or name not in profiles:
        names = ", ".join(profiles) or "none"
        raise UnknownProfileError(f"unknown site profile {name!r} (available: {names})")
    return load_file(profiles[name])


def load_file(path: Path) -> SiteProfile:
    """Read and validate one profile file."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: the profile is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from exc
    return _build(path, data)


def _build(path: Path, data: dict[str, Any]) -> SiteProfile:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ProfileError(
            f"{path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    return SiteProfile(
        name=path.stem,
        path=path,
        description=_string(path, data, "description") or "",
        start_urls=tuple(
            _url(path, f"start_urls[{i}]", u)
            for i, u in enumerate(_strings(path, data, "start_urls"))
        ),
        allowed_hosts=tuple(
            _host(path, f"allowed_hosts[{i}]", h)
            for i, h in enumerate(_strings(path, data, "allowed_hosts"))
        ),
        timezone=_timezone(path, _string(path, data, "timezone")),
        selectors=_selectors(path, data.get("selectors", {})),
    )


def _fail(path: Path, key: str, what: str) -> ProfileError:
    return ProfileError(f"{path}: key {key!r}: {what}")


def _string(path: Path, data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(path, key, f"expected a string, got {type(value).__name__}")
    return value


def _strings(path: Path, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, key, "expected a list of strings")
    return value


def _url(path: Path, key: str, value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # ValueError for a port out of range
    except ValueError as exc:  # a broken IPv6 literal, a port out of range
        raise _fail(path, key, f"not a valid URL: {value!r} ({exc})") from None
    if not valid:
        raise _fail(path, key, f"not an http(s) URL: {value!r}")
    return value.strip()


def _host(path: Path, key: str, value: str) -> str:
    host = value.strip().lower()
    if not host or "/" in host or ":" in host or " " in host:
        raise _fail(path, key, f"not a host name: {value!r}")
    return host


def _timezone(path: Path, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail(path, "timezone", f"unknown time zone {value!r}") from exc
    return value


def _selectors(path: Path, table: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise _fail(path, "selectors", "expected a table of field = [XPath, ...]")
    out: dict[str, tuple[str, ...]] = {}
    for field, exprs in table.items():
        key = f"selectors.{field}"
        if field not in SELECTOR_FIELDS:
            raise _fail(
                path, key, f"not a record field (known: {', '.join(sorted(SELECTOR_FIELDS))})"
            )
        if isinstance(exprs, str):
            exprs = [exprs]
        if not isinstance(exprs, list) or not all(isinstance(e, str) for e in exprs):
            raise _fail(path, key, "expected a list of XPath strings")
        out[field] = tuple(_xpath(path, f"{key}[{i}]", e) for i, e in enumerate(exprs))
    return out


def _xpath(path: Path, key: str, expr: str) -> str:
    try:
        etree.XPath(expr)
    except etree.XPathSyntaxError as exc:
        raise _fail(path, key, f"invalid XPath {expr!r}: {exc}") from exc
    return expr
