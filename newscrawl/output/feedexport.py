"""``RecordJsonLinesExporter``: ``scrapy crawl ... -O out.jsonl`` writes newscrawl's records."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import JsonLinesItemExporter

from newscrawl.items import Article
from newscrawl.output.jsonl import dumps


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
