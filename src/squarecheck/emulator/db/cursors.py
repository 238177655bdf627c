"""Pagination cursors: opaque tokens for a keyset position, bound to a seller and a query.

A cursor stores where the last page ended (the sort values of its last item), not an offset,
so a page after it starts there however many profiles were added or removed before it, and it
costs what the page costs. `scope` names the operation and the query (filters and sort), so a
cursor is INVALID_CURSOR for another seller, another operation or another query
(behaviour invalid-cursor). Each seller keeps its newest MAX_PER_SELLER cursors.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from squarecheck.emulator.core import clock
from squarecheck.emulator.db.codec import key_text

MAX_PER_SELLER = 10_000
_PRUNE_EVERY = 256

SCHEMA_V1 = """
CREATE TABLE cursors (
    seq INTEGER PRIMARY KEY,
    seller INTEGER NOT NULL,
    token TEXT NOT NULL,
    scope TEXT NOT NULL,
    after_key BLOB,
    after_created INTEGER,
    after_seq INTEGER NOT NULL
);
CREATE UNIQUE INDEX cursors_by_token ON cursors (seller, token);
CREATE INDEX cursors_in_order ON cursors (seller, seq);
"""


class Position(NamedTuple):
    """Sort values of the last item of a page: (sort_key, created_us, seq) or just seq."""

    key: bytes | None
    created: int | None
    seq: int


def issue(db: sqlite3.Connection, seller: int, scope: str, position: Position) -> str:
    token = clock.new_token()
    cursor = db.execute(
        "INSERT INTO cursors (seller, token, scope, after_key, after_created, after_seq)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (seller, token, scope, *position),
    )
    if cursor.lastrowid is not None and cursor.lastrowid % _PRUNE_EVERY == 0:
        db.execute(
            "DELETE FROM cursors WHERE seller = ? AND seq < (SELECT seq FROM cursors"
            " WHERE seller = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (seller, seller, MAX_PER_SELLER - 1),
        )
    return token


def resolve(db: sqlite3.Connection, seller: int | None, token: str, scope: str) -> Position | None:
    """The position of a cursor this seller got for this scope; None for any other cursor."""
    if seller is None:
        return None
    row = db.execute(
        "SELECT scope, after_key, after_created, after_seq FROM cursors"
        " WHERE seller = ? AND token = ?",
        (seller, key_text(token)),
    ).fetchone()
    if row is None or row[0] != scope:
        return None
    return Position(row[1], row[2], row[3])
