"""The state store in one SQLite file (WAL journal, ``PRAGMA user_version`` migrations).

Tables: ``pages`` (one row per emitted ``canonical_url``), ``pending`` (claims whose line
is being written), ``neardup_docs`` / ``neardup_bands`` (the near-duplicate index) and
``meta``. Commits use ``synchronous=FULL``: a pending claim is on disk before its line.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newscrawl.dedup.neardup import similarity
from newscrawl.errors import StateError
from newscrawl.state.store import NearMatch, PageState, Reconciled, Validators, line_holds

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from newscrawl.dedup.neardup import Fingerprint
    from newscrawl.state.store import Claim

logger = logging.getLogger(__name__)

#: Schema migrations: ``MIGRATIONS[n]`` takes a store from version ``n`` to ``n + 1``.
MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: pages emitted, per canonical URL.
    """
    CREATE TABLE pages (
        canonical_url TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        version INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        last_emitted TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT
    );
    CREATE INDEX pages_content_hash ON pages (content_hash);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 1 -> 2: two-phase emission, conditional-request lookup, near-duplicate index.
    """
    ALTER TABLE pages ADD COLUMN fetch_key TEXT;
    ALTER TABLE pages ADD COLUMN output TEXT;
    ALTER TABLE pages ADD COLUMN line_offset INTEGER;
    UPDATE pages SET fetch_key = url;
    CREATE INDEX pages_fetch_key ON pages (fetch_key);
    CREATE TABLE pending (
        canonical_url TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        fetch_key TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        version INTEGER NOT NULL,
        seen_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        output TEXT NOT NULL,
        line_offset INTEGER NOT NULL,
        bands BLOB,
        sketch BLOB
    );
    CREATE TABLE neardup_docs (
        id INTEGER PRIMARY KEY,
        canonical_url TEXT NOT NULL UNIQUE,
        bands BLOB NOT NULL,
        sketch BLOB NOT NULL
    );
    CREATE TABLE neardup_bands (
        band_key INTEGER NOT NULL,
        doc INTEGER NOT NULL,
        PRIMARY KEY (band_key, doc)
    ) WITHOUT ROWID;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
_PENDING_COLUMNS = (
    "canonical_url, url, fetch_key, content_hash, version, seen_at, etag, last_modified,"
    " output, line_offset, bands, sketch"
)
#: A record line longer than this is not looked for when reconciling (it cannot be ours).
_MAX_LINE = 64 * 1024 * 1024


def _pack(bands: tuple[int, ...]) -> bytes:
    return np.array(bands, dtype="<i8").tobytes()


def _unpack(blob: bytes) -> list[int]:
    return [int(v) for v in np.frombuffer(blob, dtype="<i8")]


def read_line_at(path: Path, offset: int) -> bytes | None:
    """The whole line (with its newline) starting at ``offset``; ``None`` when the file or
    the line is missing or torn (no newline before the end of the file)."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            line = handle.readline(_MAX_LINE)
    except OSError:
        return None
    return line if line.endswith(b"\n") else None


class SQLiteStore:
    """:class:`~newscrawl.state.store.StateStore` in one SQLite file.

    Opening migrates an older schema and reconciles pending claims (see :meth:`open`).
    Raises :class:`~newscrawl.errors.StateError` naming the file when it cannot be used.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> SQLiteStore:
        """Open (create) the store at ``path``: WAL journal, migrations. A run then calls
        :meth:`reconcile` (``StateExtension`` does)."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open state {path}: {exc}") from exc
        store = cls(db, path)
        try:
            store._prepare()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StateError(f"state {path} is not a usable SQLite database: {exc}") from exc
        except StateError:
            db.close()
            raise
        return store

    def _prepare(self) -> None:
        mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            logger.warning(
                "state %(path)s: journal mode is %(mode)s, not WAL",
                {"path": self.path, "mode": mode},
            )
        self._db.execute("PRAGMA synchronous=FULL")
        self._migrate()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StateError(
                f"state {self.path} has schema version {current}, newer than this "
                f"newscrawl understands ({SCHEMA_VERSION}); upgrade newscrawl"
            )
        for version in range(current, SCHEMA_VERSION):
            with self._transaction():
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")
            if current:
                logger.info(
                    "state %(path)s migrated to schema version %(v)d",
                    {"path": self.path, "v": version + 1},
                )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    # --- reading ----------------------------------------------------------------------

    def page(self, canonical_url: str) -> PageState | None:
        row = self._db.execute(
            "SELECT canonical_url, url, content_hash, version, first_seen, last_seen,"
            " last_emitted, etag, last_modified, output, line_offset"
            " FROM pages WHERE canonical_url = ?",
            (canonical_url,),
        ).fetchone()
        if row is None:
            return None
        return PageState(
            canonical_url=row[0],
            url=row[1],
            content_hash=row[2],
            version=row[3],
            first_seen=row[4],
            last_seen=row[5],
            last_emitted=row[6],
            validators=Validators(etag=row[7], last_modified=row[8]),
            output=row[9],
            offset=row[10],
        )

    def url_with_hash(self, content_hash: str) -> str | None:
        row = self._db.execute(
            "SELECT canonical_url FROM pages WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        return None if row is None else str(row[0])

    def validators_for(self, fetch_key: str) -> Validators | None:
        row = self._db.execute(
            "SELECT etag, last_modified FROM pages WHERE fetch_key = ?"
            " UNION ALL SELECT etag, last_modified FROM pages WHERE canonical_url = ?"
            " LIMIT 1",
            (fetch_key, fetch_key),
        ).fetchone()
        if row is None:
            return None
        found = Validators(etag=row[0], last_modified=row[1])
        return found or None

    def near_duplicates(self, fingerprint: Fingerprint, threshold: float) -> list[NearMatch]:
        marks = ",".join("?" * len(fingerprint.bands))
        rows = self._db.execute(
            "SELECT canonical_url, sketch FROM neardup_docs WHERE id IN"
            f" (SELECT doc FROM neardup_bands WHERE band_key IN ({marks}))",
            fingerprint.bands,
        ).fetchall()
        if not rows:
            return []
        sketches = np.stack([np.frombuffer(r[1], dtype=np.uint8) for r in rows])
        scores = similarity(fingerprint.sketch, sketches)
        found = [
            NearMatch(canonical_url=r[0], similarity=float(s))
            for r, s in zip(rows, scores, strict=True)
            if s >= threshold
        ]
        return sorted(found, key=lambda m: -m.similarity)

    # --- near-duplicate layout ----------------------------------------------------------

    def adopt_layout(self, layout: str) -> bool:
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('neardup_layout', ?)", (layout,)
            )
        row = self._db.execute("SELECT value FROM meta WHERE key = 'neardup_layout'").fetchone()
        return bool(row[0] == layout)

    def use_layout(self, layout: str) -> bool:
        """Record the near-duplicate ``layout`` (see ``MinHasher.layout``). When the stored
        index was built with another one its band keys cannot be compared: the index is
        emptied (with a warning) and ``False`` returned."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'neardup_layout'").fetchone()
        if row is not None and row[0] == layout:
            return True
        with self._transaction():
            count = self._db.execute("SELECT count(*) FROM neardup_docs").fetchone()[0]
            self._db.execute("DELETE FROM neardup_bands")
            self._db.execute("DELETE FROM neardup_docs")
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('neardup_layout', ?)", (layout,)
            )
        if count:
            logger.warning(
                "state %(path)s: near-duplicate index built with %(old)s, not %(new)s;"
                " emptied (%(n)d articles)",
                {"path": self.path, "old": row[0] if row else "?", "new": layout, "n": count},
            )
        return row is None or count == 0

    # --- writing ----------------------------------------------------------------------

    def mark_unchanged(self, key: str, seen_at: str, validators: Validators | None = None) -> bool:
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE pages SET last_seen = ? WHERE canonical_url = ? OR fetch_key = ?",
                (seen_at, key, key),
            )
            if validators:
                self._db.execute(
                    "UPDATE pages SET etag = ?, last_modified = ?"
                    " WHERE canonical_url = ? OR fetch_key = ?",
                    (validators.etag, validators.last_modified, key, key),
                )
        return cursor.rowcount > 0

    def begin(self, claim: Claim, output: str, offset: int) -> None:
        fingerprint = claim.fingerprint
        with self._transaction():
            self._db.execute(
                f"INSERT OR REPLACE INTO pending ({_PENDING_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    claim.canonical_url,
                    claim.url,
                    claim.fetch_key,
                    claim.content_hash,
                    claim.version,
                    claim.seen_at,
                    claim.validators.etag,
                    claim.validators.last_modified,
                    output,
                    offset,
                    _pack(fingerprint.bands) if fingerprint else None,
                    fingerprint.sketch if fingerprint else None,
                ),
            )

    def commit(self, canonical_url: str) -> int:
        with self._transaction():
            row = self._db.execute(
                f"SELECT {_PENDING_COLUMNS} FROM pending WHERE canonical_url = ?",
                (canonical_url,),
            ).fetchone()
            if row is None:
                raise StateError(f"state {self.path}: no pending claim for {canonical_url}")
            self._emit(row)
        return int(row[4])

    def _emit(self, row: tuple[Any, ...]) -> None:
        (
            canonical,
            url,
            fetch_key,
            content_hash,
            version,
            seen_at,
            etag,
            last_modified,
            output,
            offset,
            bands,
            sketch,
        ) = row
        self._db.execute(
            "INSERT INTO pages (canonical_url, url, fetch_key, content_hash, version,"
            " first_seen, last_seen, last_emitted, etag, last_modified, output, line_offset)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (canonical_url) DO UPDATE SET url = excluded.url,"
            " fetch_key = excluded.fetch_key, content_hash = excluded.content_hash,"
            " version = excluded.version, last_seen = excluded.last_seen,"
            " last_emitted = excluded.last_emitted, etag = excluded.etag,"
            " last_modified = excluded.last_modified, output = excluded.output,"
            " line_offset = excluded.line_offset",
            (
                canonical,
                url,
                fetch_key,
                content_hash,
                version,
                seen_at,
                seen_at,
                seen_at,
                etag,
                last_modified,
                output,
                offset,
            ),
        )
        if bands is not None and sketch is not None:
            self._index(canonical, bands, sketch)
        self._db.execute("DELETE FROM pending WHERE canonical_url = ?", (canonical,))

    def _index(self, canonical_url: str, bands: bytes, sketch: bytes) -> None:
        old = self._db.execute(
            "SELECT id, bands FROM neardup_docs WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        if old is not None:
            self._db.executemany(
                "DELETE FROM neardup_bands WHERE band_key = ? AND doc = ?",
                ((key, old[0]) for key in _unpack(old[1])),
            )
        doc = self._db.execute(
            "INSERT INTO neardup_docs (canonical_url, bands, sketch) VALUES (?, ?, ?)"
            " ON CONFLICT (canonical_url) DO UPDATE SET bands = excluded.bands,"
            " sketch = excluded.sketch RETURNING id",
            (canonical_url, bands, sketch),
        ).fetchone()[0]
        self._db.executemany(
            "INSERT OR IGNORE INTO neardup_bands (band_key, doc) VALUES (?, ?)",
            ((key, doc) for key in _unpack(bands)),
        )

    def add_near_many(self, entries: Iterable[tuple[str, Fingerprint]]) -> int:
        """Index many bodies at once (one transaction), e.g. to seed the index from an
        existing dataset; return how many were added."""
        count = 0
        with self._transaction():
            for canonical_url, fingerprint in entries:
                self._index(canonical_url, _pack(fingerprint.bands), fingerprint.sketch)
                count += 1
        return count

    # --- reconciling ------------------------------------------------------------------

    def pending(self) -> Iterator[tuple[str, str, str, int]]:
        """Pending claims: ``(canonical_url, content_hash, output, offset)``."""
        rows = self._db.execute(
            "SELECT canonical_url, content_hash, output, line_offset FROM pending"
        ).fetchall()
        for row in rows:
            yield str(row[0]), str(row[1]), str(row[2]), int(row[3])

    def reconcile(self) -> Reconciled:
        emitted = forgotten = 0
        for canonical, content_hash, output, offset in list(self.pending()):
            line = read_line_at(Path(output), offset)
            if line_holds(line, canonical, content_hash):
                self.commit(canonical)
                emitted += 1
            else:
                with self._transaction():
                    self._db.execute("DELETE FROM pending WHERE canonical_url = ?", (canonical,))
                forgotten += 1
        if emitted or forgotten:
            logger.info(
                "state %(path)s: %(e)d pending records found written, %(f)d forgotten",
                {"path": self.path, "e": emitted, "f": forgotten},
            )
        return Reconciled(emitted, forgotten)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on an exception)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
