"""Customer groups: rows, listing in creation order, and per-group member counts.

`seq` is never reused (AUTOINCREMENT), so rows that still name a deleted group (queued
search snapshots) can never be taken for a later group's.
`members` / `lag_members` count the group's members that have public info, in the live and the
search-lagged view; triggers on the membership tables keep them (see `memberships`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any, NamedTuple

from squarecheck.emulator.db.codec import from_blob, key_text, to_blob

SCHEMA_V1 = """
CREATE TABLE groups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    seller INTEGER NOT NULL,
    id TEXT NOT NULL,
    name BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    members INTEGER NOT NULL DEFAULT 0,
    lag_members INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX groups_by_id ON groups (seller, id);
CREATE INDEX groups_in_order ON groups (seller, seq);
"""

_COLUMNS = "seq, id, name, created_at, updated_at"


class GroupRow(NamedTuple):
    seq: int
    id: str
    name: bytes
    created_at: str
    updated_at: str

    def body(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": from_blob(self.name),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


class Sized(NamedTuple):
    seq: int
    members: int
    lag_members: int


def insert(db: sqlite3.Connection, seller: int, group_id: str, name: str, stamp: str) -> GroupRow:
    cursor = db.execute(
        "INSERT INTO groups (seller, id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (seller, group_id, to_blob(name), stamp, stamp),
    )
    assert cursor.lastrowid is not None
    return GroupRow(cursor.lastrowid, group_id, to_blob(name), stamp, stamp)


def find(db: sqlite3.Connection, seller: int, group_id: str) -> GroupRow | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM groups WHERE seller = ? AND id = ?", (seller, key_text(group_id))
    ).fetchone()
    return None if row is None else GroupRow(*row)


def page(db: sqlite3.Connection, seller: int, after: int, size: int) -> list[GroupRow]:
    """Up to `size` groups created after the group with sequence `after`, oldest first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM groups WHERE seller = ? AND seq > ? ORDER BY seq LIMIT ?",
        (seller, after, size),
    ).fetchall()
    return [GroupRow(*row) for row in rows]


def rename(db: sqlite3.Connection, seq: int, name: str, stamp: str) -> None:
    db.execute(
        "UPDATE groups SET name = ?, updated_at = ? WHERE seq = ?", (to_blob(name), stamp, seq)
    )


def delete(db: sqlite3.Connection, seq: int) -> None:
    db.execute("DELETE FROM groups WHERE seq = ?", (seq,))


def sized(db: sqlite3.Connection, seller: int, ids: Iterable[str]) -> dict[str, Sized] | None:
    """Sequence and member counts of each id; None when any of them is not the seller's group."""
    found: dict[str, Sized] = {}
    for group_id in dict.fromkeys(ids):
        row = db.execute(
            "SELECT seq, members, lag_members FROM groups WHERE seller = ? AND id = ?",
            (seller, key_text(group_id)),
        ).fetchone()
        if row is None:
            return None
        found[group_id] = Sized(*row)
    return found
