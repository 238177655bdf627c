"""Idempotency keys and the responses they replay, per seller and operation.

behaviour idempotency-key-reuse: a reused key returns the original response, even if the object
was changed or deleted since (Square "returns the response from the original request").
"""

from __future__ import annotations

import sqlite3
from typing import Any

from squarecheck.emulator.db.codec import dumps, loads, to_blob

SCHEMA_V1 = """
CREATE TABLE idempotency_keys (
    seller INTEGER NOT NULL,
    operation TEXT NOT NULL,
    key BLOB NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (seller, operation, key)
) WITHOUT ROWID;
"""


def find(db: sqlite3.Connection, seller: int, operation: str, key: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT response FROM idempotency_keys WHERE seller = ? AND operation = ? AND key = ?",
        (seller, operation, to_blob(key)),
    ).fetchone()
    if row is None:
        return None
    response: dict[str, Any] = loads(row[0])
    return response


def remember(
    db: sqlite3.Connection, seller: int, operation: str, key: str, response: dict[str, Any]
) -> None:
    """Store (or, when keys are being ignored, overwrite) the response of a key."""
    db.execute(
        "INSERT OR REPLACE INTO idempotency_keys (seller, operation, key, response)"
        " VALUES (?, ?, ?, ?)",
        (seller, operation, to_blob(key), dumps(response)),
    )
