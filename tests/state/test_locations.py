"""State locations: what ``--state`` / ``NEWSCRAWL_STATE`` may name."""

from __future__ import annotations

import pytest

from newscrawl.errors import StateError
from newscrawl.state.locations import check_location


@pytest.mark.parametrize("location", ["s3://bucket/key", "http://ex.com/state", " ", ""])
def test_locations_this_build_cannot_open(location):
    with pytest.raises(StateError):
        check_location(location)
