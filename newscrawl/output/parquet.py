"""Parquet output for ``newscrawl merge --format parquet`` (optional extra: pyarrow).

The Arrow schema maps every record field; lists stay lists and images/read_more are lists
of structs, so pandas, DuckDB and Hugging Face ``datasets`` read the file as it is.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from newscrawl.errors import NewscrawlError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

BATCH_ROWS = 10_000


def _arrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise NewscrawlError(
            "--format parquet needs pyarrow: pip install 'newscrawl[parquet]'"
        ) from exc
    return pa, pq


def arrow_schema() -> Any:
    """The Arrow schema of a record."""
    pa, _ = _arrow()
    text = pa.string()
    image = pa.struct([("url", text), ("caption", text), ("credit", text), ("alt", text)])
    link = pa.struct([("url", text), ("title", text)])
    return pa.schema(
        [
            ("schema_version", pa.int16()),
            ("url", text),
            ("canonical_url", text),
            ("headline", text),
            ("description", text),
            ("authors", pa.list_(text)),
            ("byline", text),
            ("date_published", text),
            ("date_modified", text),
            ("date_raw", text),
            ("section", text),
            ("tags", pa.list_(text)),
            ("language", text),
            ("site_name", text),
            ("body", text),
            ("caption", text),
            ("images", pa.list_(image)),
            ("read_more", pa.list_(link)),
            ("source", text),
            ("word_count", pa.int32()),
            ("content_hash", text),
            ("scraped_at", text),
        ]
    )


def write_parquet(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Write records to ``path`` in row batches (the file appears only when complete)."""
    pa, pq = _arrow()
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_batches(pa, pq, tmp, records)
        tmp.replace(path)
    except OSError as exc:  # pyarrow's I/O errors are OSErrors too
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise NewscrawlError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _write_batches(pa: Any, pq: Any, tmp: Path, records: Iterable[dict[str, Any]]) -> None:
    schema = arrow_schema()
    with pq.ParquetWriter(str(tmp), schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
