"""Tables of the Catalog and Orders side: catalog objects, their idempotency keys, cursors, orders.

Every key leads with the seller, as in the rest of the store. A catalog object is stored as its
JSON with the columns the emulator's reads select on: `type` (listing, search, the live pricing
rules), `item_id` (an item's variations), `version` / `updated_at` and `is_deleted`; `seq` keeps
creation order, which listings and rule application follow. `catalog_state` holds a seller's
last catalog version (epoch milliseconds, strictly increasing) and last `seq`. A replayed
response is kept with the fingerprint of its request body and its status, since a catalog key
reused with another body is refused and a failed batch upsert replays its error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from squarecheck.emulator.db.codec import dumps, key_text, loads, to_blob

Json = dict[str, Any]

SCHEMA_V2 = """
CREATE TABLE catalog_objects (
    seller INTEGER NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    item_id TEXT,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    is_deleted INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (seller, id)
) WITHOUT ROWID;
CREATE INDEX catalog_objects_by_type ON catalog_objects (seller, type, seq);
CREATE INDEX catalog_objects_by_item ON catalog_objects (seller, item_id, seq)
    WHERE item_id IS NOT NULL;
CREATE TABLE catalog_state (
    seller INTEGER PRIMARY KEY,
    last_version INTEGER NOT NULL,
    last_seq INTEGER NOT NULL
);
CREATE TABLE commerce_keys (
    seller INTEGER NOT NULL,
    operation TEXT NOT NULL,
    key BLOB NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (seller, operation, key)
) WITHOUT ROWID;
CREATE TABLE commerce_cursors (
    seller INTEGER NOT NULL,
    token TEXT NOT NULL,
    made INTEGER NOT NULL,
    scope BLOB NOT NULL,
    start INTEGER NOT NULL,
    PRIMARY KEY (seller, token)
) WITHOUT ROWID;
CREATE INDEX commerce_cursors_by_age ON commerce_cursors (seller, made);
CREATE TABLE orders (
    seller INTEGER NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (seller, id)
) WITHOUT ROWID;
"""


def get(db: sqlite3.Connection, seller: int, object_id: str) -> str | None:
    """The JSON text of one object (deleted ones included) or None."""
    key = key_text(object_id)
    row = db.execute(
        "SELECT body FROM catalog_objects WHERE seller = ? AND id = ?", (seller, key)
    ).fetchone()
    return None if row is None else str(row[0])


def ids(db: sqlite3.Connection, seller: int) -> Iterator[str]:
    """Every object id in creation order."""
    rows = db.execute("SELECT id FROM catalog_objects WHERE seller = ? ORDER BY seq", (seller,))
    return (str(row[0]) for row in rows)


def count(db: sqlite3.Connection, seller: int) -> int:
    row = db.execute("SELECT count(*) FROM catalog_objects WHERE seller = ?", (seller,)).fetchone()
    return int(row[0])


def of_types(
    db: sqlite3.Connection, seller: int, types: Iterable[str], live: bool = False
) -> list[tuple[str, str]]:
    """(id, JSON text) of the objects of `types` in creation order, deleted ones too unless
    `live` (a long-lived seller keeps every deleted object, which pricing never reads)."""
    wanted = sorted(set(types))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    alive = " AND is_deleted = 0" if live else ""
    rows = db.execute(
        f"SELECT id, body FROM catalog_objects WHERE seller = ? AND type IN ({marks}){alive}"
        " ORDER BY seq",
        (seller, *wanted),
    )
    return [(str(row[0]), str(row[1])) for row in rows]


def variations(db: sqlite3.Connection, seller: int, item_id: str) -> list[tuple[str, str]]:
    """(id, JSON text) of the variations naming `item_id` (deleted ones included), in order."""
    rows = db.execute(
        "SELECT id, body FROM catalog_objects WHERE seller = ? AND item_id = ? ORDER BY seq",
        (seller, key_text(item_id)),
    )
    return [(str(row[0]), str(row[1])) for row in rows]


def put(db: sqlite3.Connection, seller: int, obj: Json) -> None:
    """Insert or replace an object; a new one takes the seller's next creation number."""
    item_id = (obj.get("item_variation_data") or {}).get("item_id") or (
        obj.get("modifier_data") or {}
    ).get("modifier_list_id")  # a modifier's list, read like an item's variations
    values = (
        str(obj["type"]),
        key_text(str(item_id)) if item_id else None,
        int(obj["version"]),
        str(obj["updated_at"]),
        1 if obj.get("is_deleted") else 0,
        dumps(obj),
    )
    updated = db.execute(
        "UPDATE catalog_objects SET type = ?, item_id = ?, version = ?, updated_at = ?,"
        " is_deleted = ?, body = ? WHERE seller = ? AND id = ?",
        (*values, seller, str(obj["id"])),
    )
    if updated.rowcount:
        return
    (seq,) = db.execute(
        "INSERT INTO catalog_state (seller, last_version, last_seq) VALUES (?, 0, 1)"
        " ON CONFLICT (seller) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
        (seller,),
    ).fetchone()
    db.execute(
        "INSERT INTO catalog_objects"
        " (seller, id, seq, type, item_id, version, updated_at, is_deleted, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seller, str(obj["id"]), seq, *values),
    )


def next_version(db: sqlite3.Connection, seller: int, now_ms: int) -> int:
    """A new catalog version: `now_ms`, or one more than the last when the clock lags."""
    (version,) = db.execute(
        "INSERT INTO catalog_state (seller, last_version, last_seq) VALUES (?, ?, 0)"
        " ON CONFLICT (seller) DO UPDATE"
        " SET last_version = max(last_version + 1, excluded.last_version)"
        " RETURNING last_version",
        (seller, now_ms),
    ).fetchone()
    return int(version)


def remembered(
    db: sqlite3.Connection, seller: int, operation: str, key: str
) -> tuple[str, int, Json] | None:
    """(fingerprint, status, response) kept for an idempotency key, or None."""
    row = db.execute(
        "SELECT fingerprint, status, response FROM commerce_keys"
        " WHERE seller = ? AND operation = ? AND key = ?",
        (seller, operation, to_blob(key)),
    ).fetchone()
    return None if row is None else (str(row[0]), int(row[1]), _json(row[2]))


def remember(
    db: sqlite3.Connection,
    seller: int,
    operation: str,
    key: str,
    kept: tuple[str, int, Json],
) -> None:
    fingerprint, status, response = kept
    db.execute(
        "INSERT OR REPLACE INTO commerce_keys"
        " (seller, operation, key, fingerprint, status, response) VALUES (?, ?, ?, ?, ?, ?)",
        (seller, operation, to_blob(key), fingerprint, status, dumps(response)),
    )


def new_cursor(
    db: sqlite3.Connection, seller: int, token: str, made: int, where: tuple[str, int], keep: int
) -> None:
    """Store a cursor (scope, start offset); the seller keeps only its newest `keep`."""
    scope, start = where
    db.execute(
        "INSERT INTO commerce_cursors (seller, token, made, scope, start) VALUES (?, ?, ?, ?, ?)",
        (seller, token, made, to_blob(scope), start),
    )
    db.execute(
        "DELETE FROM commerce_cursors WHERE seller = ? AND made < (SELECT made FROM"
        " commerce_cursors WHERE seller = ? ORDER BY made DESC LIMIT 1 OFFSET ?)",
        (seller, seller, keep - 1),
    )


def cursor(db: sqlite3.Connection, seller: int, token: str, scope: str) -> int | None:
    """The start offset of a cursor of `scope`, or None."""
    row = db.execute(
        "SELECT start FROM commerce_cursors WHERE seller = ? AND token = ? AND scope = ?",
        (seller, key_text(token), to_blob(scope)),
    ).fetchone()
    return None if row is None else int(row[0])


def put_order(db: sqlite3.Connection, seller: int, order: Json) -> None:
    db.execute(
        "INSERT OR REPLACE INTO orders (seller, id, body) VALUES (?, ?, ?)",
        (seller, str(order["id"]), dumps(order)),
    )


def order(db: sqlite3.Connection, seller: int, order_id: str) -> Json | None:
    row = db.execute(
        "SELECT body FROM orders WHERE seller = ? AND id = ?", (seller, key_text(order_id))
    ).fetchone()
    return None if row is None else _json(row[0])


def _json(text: str) -> Json:
    value: Json = loads(text)
    return value
