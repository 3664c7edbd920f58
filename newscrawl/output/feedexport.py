"""``RecordJsonLinesExporter``: ``scrapy crawl ... -O out.jsonl`` writes newscrawl's records."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.exporters import JsonLinesItemExporter
from newscrawl.errors import NewscrawlError
from newscrawl.items import Article
from newscrawl.output.jsonl import append_line, dumps
from newscrawl.record.rejects import Reject, page_rejected
from newscrawl.pipelines.drops import RejectItem, SkipItem
if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector


def record_of(item: Any) -> dict[str, Any]:
    if isinstance(item, Article):
        return item.to_dict()
    return dict(ItemAdapter(item).asdict()) if ItemAdapter.is_item(item) else {}


class RecordJsonLinesExporter(JsonLinesItemExporter):
    """JSON Lines feed exporter writing :meth:`Article.to_dict` records (same keys and
    order as ``newscrawl crawl``); other items are exported as plain dicts."""

    def export_item(self, item: Any) -> None:
        record = record_of(item)
        self.file.write((dumps(record) + "\n").encode("utf-8"))
