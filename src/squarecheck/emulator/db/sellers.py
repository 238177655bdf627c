"""Sellers: one row per bearer token that has written something (behaviour seller-isolation).

Only a hash of the token is stored, so a data file holds no credentials. Reads never create a
seller: an unknown token simply owns nothing. `customers` / `lag_customers` count the seller's
profiles with public info in the live and the search-lagged view (kept by triggers), so a
`count` costs one row read.
"""

from __future__ import annotations

import hashlib
import sqlite3

SCHEMA_V1 = """
CREATE TABLE sellers (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    customers INTEGER NOT NULL DEFAULT 0,
    lag_customers INTEGER NOT NULL DEFAULT 0
);
"""


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def find(db: sqlite3.Connection, token: str) -> int | None:
    """The seller id of a token, None when the token never wrote anything."""
    row = db.execute("SELECT id FROM sellers WHERE token_hash = ?", (token_hash(token),)).fetchone()
    return None if row is None else int(row[0])


def create(db: sqlite3.Connection, token: str) -> int:
    """Insert the seller of a token (inside the caller's write transaction)."""
    cursor = db.execute("INSERT INTO sellers (token_hash) VALUES (?)", (token_hash(token),))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def public_profiles(db: sqlite3.Connection, seller: int, lagged: bool) -> int:
    """How many profiles with public info the seller has (live or search-lagged view)."""
    column = "lag_customers" if lagged else "customers"
    row = db.execute(f"SELECT {column} FROM sellers WHERE id = ?", (seller,)).fetchone()
    return 0 if row is None else int(row[0])


def count(db: sqlite3.Connection) -> int:
    """How many sellers exist (for tests and operators: reads must not add any)."""
    return int(db.execute("SELECT count(*) FROM sellers").fetchone()[0])
