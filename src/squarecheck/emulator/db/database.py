"""Open the emulator's database: in memory by default, or a file kept in WAL mode and locked.

A file is checked before anything is written to it: it must be empty, or carry squarecheck's
marker (`PRAGMA application_id`) with a schema version this code knows (`PRAGMA user_version`).
The connection holds SQLite's exclusive lock for its whole life (`locking_mode=EXCLUSIVE`), so a
second process opening the same file is refused at once instead of sharing or damaging it, and
the lock goes away with the process, even after `kill -9`. With `synchronous=NORMAL` every
committed transaction is in the WAL before the response leaves, so it survives the process
being killed (not necessarily a power cut).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from squarecheck.emulator.db import schema

#: "SQCK": the SQLite header's application id that marks a squarecheck emulator data file.
APPLICATION_ID = 0x5351434B
#: Page cache per connection (KiB, SQLite's negative cache_size); bounds memory of a file store.
CACHE_KIB = 32 * 1024


class DataFileError(Exception):
    """The `--data` file cannot be used; the message is one line naming the file."""


class DataFileInUse(DataFileError):
    """Another process (another `squarecheck serve`) has the file open."""


class DataFileUnusable(DataFileError):
    """Unreadable, not SQLite, another program's database, or a newer schema."""


def open_memory() -> sqlite3.Connection:
    """A fresh in-memory database with the current schema."""
    connection = _connect(":memory:")
    _tune(connection)
    _migrate(connection, 0)
    return connection


def open_file(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (or create) a data file, lock it, check its marker and bring its schema up to date.

    An empty name is refused: it names no file, and SQLite would quietly keep the state in a
    temporary database that is gone on exit."""
    if not os.fspath(path):
        raise DataFileUnusable(
            "is empty: give a file name, or leave it out to keep the state in memory"
        )
    target = Path(path)
    if target.is_dir():
        raise DataFileUnusable(f"{target} is a directory, not a data file")
    if target.exists() and not os.access(target, os.R_OK | os.W_OK):
        raise DataFileUnusable(f"{target} cannot be read and written (permission denied)")
    try:
        connection = _connect(str(target))
    except sqlite3.Error as exc:
        raise DataFileUnusable(f"{target} cannot be opened: {exc}") from None
    try:
        _lock_and_prepare(connection, target)
    except BaseException:
        connection.close()
        raise
    return connection


def _connect(name: str) -> sqlite3.Connection:
    # One connection, used under the store's lock from whichever thread serves the request.
    return sqlite3.connect(name, isolation_level=None, check_same_thread=False, timeout=0)


def _tune(connection: sqlite3.Connection) -> None:
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    connection.execute("PRAGMA temp_store = MEMORY")


def _lock_and_prepare(connection: sqlite3.Connection, target: Path) -> None:
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")  # takes the lock; reads the header
        version = _check_marker(connection, target)
        connection.execute("COMMIT")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DataFileUnusable(f"{target} cannot be switched to WAL mode (got {mode})")
        connection.execute("PRAGMA synchronous = NORMAL")
        _tune(connection)
        _migrate(connection, version)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DataFileInUse(f"{target} is in use by another process") from None
        raise DataFileUnusable(f"{target} cannot be used: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise DataFileUnusable(f"{target} is not a squarecheck data file ({exc})") from None


def _check_marker(connection: sqlite3.Connection, target: Path) -> int:
    """The file's schema version (0 for an empty file); refuses foreign or newer files."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    objects = connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if application_id == 0 and version == 0 and objects == 0:
        return 0
    if application_id != APPLICATION_ID:
        raise DataFileUnusable(
            f"{target} is not a squarecheck data file (a SQLite database of another program)"
        )
    if version > schema.CURRENT:
        raise DataFileUnusable(
            f"{target} was written by a newer squarecheck (schema {version}; "
            f"this one reads up to {schema.CURRENT})"
        )
    return int(version)


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    """Apply every migration above `version`, each in its own transaction with the marker."""
    for number, statements in schema.MIGRATIONS:
        if number <= version:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                for part in _split(statement):
                    connection.execute(part)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _split(script: str) -> list[str]:
    """Statements of a DDL script (`executescript` would commit the open transaction)."""
    parts: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            parts.append(pending.strip())
            pending = ""
    if pending.strip():
        parts.append(pending.strip())
    return [part for part in parts if part]
