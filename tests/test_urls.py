from __future__ import annotations

import pytest

from newscrawl.urls import absolutize, canonical_url, same_site, strip_tracking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.trtworld.com/world/x-42?utm_source=tw",
            "https://www.trtworld.com/world/x-42",
        ),
        ("HTTP://EX.com:80/a#frag", "http://ex.com/a"),
        ("https://ex.com/a?fbclid=1&gclid=2&id=7", "https://ex.com/a?id=7"),
        ("https://ex.com/a?mc_cid=1&mc_eid=2", "https://ex.com/a"),
        ("https://ex.com:8443/a", "https://ex.com:8443/a"),
        ("https://ex.com", "https://ex.com/"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_strip_tracking_custom_list():
    assert strip_tracking("https://e.com/?src=x&a=1", ["src"]) == "https://e.com/?a=1"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../b", "https://ex.com/b"),
        ("mailto:x@y.z", None),
        ("data:image/png;base64,xx", None),
        ("", None),
        ("//cdn.ex.com/i.jpg", "https://cdn.ex.com/i.jpg"),
    ],
)
def test_absolutize(href, expected):
    assert absolutize(href, "https://ex.com/a/page") == expected


def test_same_site():
    assert same_site("https://a.ex.com/", "https://ex.com/")
    assert not same_site("https://ex.com.evil.org/", "https://ex.com/")
