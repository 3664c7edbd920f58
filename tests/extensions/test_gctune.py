"""GcTuning (newscrawl/extensions/gctune.py): GC frozen and spaced while the spider runs, then restored."""

from __future__ import annotations

import gc

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.extensions.gctune import GcTuning


def _tuning(**settings: object) -> GcTuning:
    values = {"NEWSCRAWL_GC_TUNING_ENABLED": True, "NEWSCRAWL_GC_THRESHOLD": 10_000}
    values.update(settings)
    return build_from_crawler(GcTuning, get_crawler(Spider, values))


def test_tunes_while_open_and_restores_on_close():
    before = gc.get_threshold()
    tuning = _tuning(NEWSCRAWL_GC_THRESHOLD=12_345)
    try:
        tuning.spider_opened()
        assert gc.get_threshold() == (12_345, *before[1:])
        assert gc.get_freeze_count() > 1000
        tuning.spider_opened()  # a second open changes nothing
    finally:
        tuning.spider_closed()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    tuning.spider_closed()  # closing twice is harmless
    assert gc.get_threshold() == before


@pytest.mark.parametrize(
    "settings",
    [{"NEWSCRAWL_GC_TUNING_ENABLED": False}, {"NEWSCRAWL_GC_THRESHOLD": 0}],
)
def test_not_configured(settings):
    with pytest.raises(NotConfigured):
        _tuning(**settings)


def test_enabled_by_the_project_settings():
    from newscrawl import settings

    assert settings.EXTENSIONS["newscrawl.extensions.gctune.GcTuning"] is not None
    assert settings.NEWSCRAWL_GC_TUNING_ENABLED is True
