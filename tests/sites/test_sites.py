"""newscrawl.sites: bundled and user profiles, validated on load."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from newscrawl.errors import ProfileError
from newscrawl.parsers import parse_article
from newscrawl.sites import (
    SITES_ENV,
    UnknownProfileError,
    available,
    load_file,
    load_profile,
)
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

GOOD = """
description = "Example News"
start_urls = ["https://news.example/sitemap.xml"]
allowed_hosts = ["News.Example", "cdn.news.example"]
timezone = "Europe/Berlin"

[selectors]
headline = ["//h1[@class='title']"]
body = "//div[@id='story']"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, "utf-8")
    return path


def test_bundled_trtworld_profile_loads():
    profile = load_profile("trtworld")
    assert profile.name == "trtworld"
    assert profile.start_urls == ("https://www.trtworld.com/",)
    assert "www.trtworld.com" in profile.allowed_hosts
    assert profile.timezone == "Europe/Istanbul"
    assert set(profile.selectors) == {"headline", "description", "section"}


@pytest.mark.parametrize(
    "case", ["azerbaijan-armenia-karabakh-truce", "azerbaijan-armenia-karabakh-truce-plain"]
)
def test_trtworld_selectors_agree_with_the_seed_fixture(case):
    folder = FIXTURES / "trtworld" / case
    url = json.loads((folder / "response.json").read_text("utf-8"))["url"]
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    article = parse_article(
        (folder / "response.html").read_bytes(), url, overrides=load_profile("trtworld").selectors
    )
    for field in ("headline", "description", "section"):
        assert getattr(article, field) == expected[field], field


def test_user_profile_is_validated_and_normalised(tmp_path):
    _write(tmp_path, "example", GOOD)
    profile = load_profile("example", tmp_path)
    assert profile.allowed_hosts == ("news.example", "cdn.news.example")
    assert profile.selectors == {
        "headline": ("//h1[@class='title']",),
        "body": ("//div[@id='story']",),
    }


def test_user_folder_from_environment_wins_over_bundled(tmp_path, monkeypatch):
    _write(tmp_path, "trtworld", 'description = "my own"\n')
    monkeypatch.setenv(SITES_ENV, str(tmp_path))
    assert load_profile("trtworld").description == "my own"
    assert available()["trtworld"].parent == tmp_path


@pytest.mark.parametrize("name", ["nope", "../trtworld", "", "TRTWORLD"])
def test_unknown_profile_names_are_refused(name):
    with pytest.raises(UnknownProfileError, match=r"unknown site profile .*available: .*trtworld"):
        load_profile(name)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('colour = "red"\n', "unknown key 'colour'"),
        ("start_urls = 'https://x.example/'\n", "key 'start_urls': expected a list of strings"),
        ('start_urls = ["file:///etc/passwd"]\n', r"key 'start_urls\[0\]': not an http\(s\) URL"),
        ('allowed_hosts = ["x.example/path"]\n', r"key 'allowed_hosts\[0\]': not a host name"),
        ("description = 3\n", "key 'description': expected a string, got int"),
        ('timezone = "Mars/Olympus"\n', "key 'timezone': unknown time zone 'Mars/Olympus'"),
        ('[selectors]\nheadline = ["//h1["]\n', r"key 'selectors.headline\[0\]': invalid XPath"),
        ('[selectors]\nprice = ["//b"]\n', "key 'selectors.price': not a record field"),
        ("[selectors]\nheadline = [1]\n", "key 'selectors.headline': expected a list of XPath"),
        ('selectors = "//h1"\n', "key 'selectors': expected a table"),
        ("start_urls = [\n", "not valid TOML"),
    ],
)
def test_invalid_profiles_name_file_and_key(tmp_path, text, message):
    path = _write(tmp_path, "bad", text)
    with pytest.raises(ProfileError, match=message) as info:
        load_file(path)
    assert str(path) in str(info.value)


def test_unreadable_profile(tmp_path):
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_file(path)
