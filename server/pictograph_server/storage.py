"""SQLite storage: the schema, connections and transactions.

One ``Database`` per process holds two connections. Reads use ``reader`` on
the event loop's thread: in WAL mode a reader never waits for a writer, and a
read by primary key costs microseconds, less than a hop to a worker thread.
Writes go through ``transaction()``, which serialises them on one writer
connection behind a lock and wraps each in ``BEGIN IMMEDIATE``, so a mutating
request is one transaction and two of them never interleave. Other processes
(the CLI seeding while the server runs) are kept in order by SQLite's own
locking and ``busy_timeout``.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "DEFAULT_BLOBS_DIR",
    "DEFAULT_BUSY_TIMEOUT",
    "BlobsDirError",
    "Database",
    "DatabaseBusyError",
    "blobs_dir",
    "utc_now",
]

# Where image files go when a database is first used without naming a folder.
DEFAULT_BLOBS_DIR = Path("pictograph-blobs")

# Seconds a write waits for another process's lock (a CLI seeding) before the
# server answers 503.
DEFAULT_BUSY_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL CHECK (
        role IN ('owner', 'admin', 'member', 'annotator', 'viewer')),
    key_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
-- seq is the immutable creation-order key that cursors point at;
-- AUTOINCREMENT keeps it from being reused after the newest project is deleted.
CREATE TABLE IF NOT EXISTS projects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    annotation_types TEXT NOT NULL,
    classes TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, name_key)
);
CREATE INDEX IF NOT EXISTS projects_by_org ON projects (org_id, seq);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY,
    project_seq INTEGER NOT NULL REFERENCES projects(seq) ON DELETE CASCADE,
    file_path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS images_by_project ON images (project_seq);
CREATE TABLE IF NOT EXISTS annotations (
    id INTEGER PRIMARY KEY,
    project_seq INTEGER NOT NULL REFERENCES projects(seq) ON DELETE CASCADE,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    class_key TEXT NOT NULL,
    type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS annotations_by_class
    ON annotations (project_seq, class_key, type);
CREATE INDEX IF NOT EXISTS annotations_by_image ON annotations (image_id);
CREATE TABLE IF NOT EXISTS exports (
    id INTEGER PRIMARY KEY,
    project_seq INTEGER NOT NULL REFERENCES projects(seq) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exports_by_project ON exports (project_seq);
-- Models outlive the project they were trained from (CONTRACT section 5).
CREATE TABLE IF NOT EXISTS models (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    project_seq INTEGER REFERENCES projects(seq) ON DELETE SET NULL,
    source_project_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS models_by_project ON models (project_seq);
CREATE TABLE IF NOT EXISTS idempotency (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (org_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
"""


def utc_now() -> str:
    """Now as RFC 3339 in UTC with a ``Z``, to the millisecond."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class BlobsDirError(ValueError):
    """A blobs folder other than the one the database already keeps its files in."""

    def __init__(self, requested: Path, remembered: Path) -> None:
        super().__init__(
            f"The database keeps its image files in {str(remembered)!r}, "
            f"not {str(requested)!r}."
        )
        self.requested = requested
        self.remembered = remembered


def blobs_dir(conn: sqlite3.Connection, requested: Path | str | None) -> Path:
    """The folder of the database's image files, inside a write transaction.

    The first use remembers ``requested`` (or ``DEFAULT_BLOBS_DIR``) as an
    absolute path; later uses get that folder back, so the stored relative
    file paths always resolve to the files that a delete must remove.

    Raises:
        BlobsDirError: ``requested`` is not the remembered folder.
        OSError: the folder could not be made on first use (nothing is
            remembered then).
    """
    row = conn.execute("SELECT value FROM meta WHERE key = 'blobs_dir'").fetchone()
    if row is None:
        folder = Path(DEFAULT_BLOBS_DIR if requested is None else requested).resolve()
        # Made before it is remembered: a folder that cannot be made (a file
        # in the way, no permission) raises OSError, and the transaction rolls
        # back, rather than tying the database to a folder it can never use.
        folder.mkdir(parents=True, exist_ok=True)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('blobs_dir', ?)", (str(folder),)
        )
        return folder
    remembered = Path(row["value"])
    if requested is not None and Path(requested).resolve() != remembered:
        raise BlobsDirError(Path(requested), remembered)
    return remembered


class DatabaseBusyError(Exception):
    """Another connection kept the database locked past ``busy_timeout``."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    # SQLITE_BUSY or SQLITE_LOCKED: the lock was not released in time.
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def connect(
    path: Path | str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> sqlite3.Connection:
    """A connection with the settings every part of the server relies on.

    ``busy_timeout`` is how many seconds a write waits for another process's
    lock before it gives up.
    """
    # isolation_level=None: autocommit, so transactions are exactly the
    # BEGIN ... COMMIT blocks we write; check_same_thread=False because the
    # connection is created on one thread and used on another (never two at once).
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=busy_timeout
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class Database:
    """The server's SQLite database: schema at open, one reader, one writer."""

    def __init__(
        self, path: Path | str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    ) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.writer = connect(self.path, busy_timeout)
        # executescript commits first, so it runs outside any transaction;
        # every statement is IF NOT EXISTS, so a second process racing us is fine.
        self.writer.executescript(_SCHEMA)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('cursor_secret', ?)",
                (secrets.token_bytes(32),),
            )
            row = conn.execute(
                "SELECT value FROM meta WHERE key = 'cursor_secret'"
            ).fetchone()
        self.cursor_secret: bytes = bytes(row["value"])
        self.reader = connect(self.path, busy_timeout)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): committed, or rolled back.

        Raises:
            DatabaseBusyError: another process held the write lock for longer
                than ``busy_timeout``; nothing was written.
        """
        with self._lock:
            try:
                self.writer.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise DatabaseBusyError(str(exc)) from exc
                raise
            try:
                yield self.writer
            except BaseException:
                self.writer.execute("ROLLBACK")
                raise
            try:
                self.writer.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self.writer.execute("ROLLBACK")
                if _is_busy(exc):
                    raise DatabaseBusyError(str(exc)) from exc
                raise

    def close(self) -> None:
        """Close both connections (the WAL is checkpointed by the last one)."""
        with self._lock:
            self.reader.close()
            self.writer.close()
