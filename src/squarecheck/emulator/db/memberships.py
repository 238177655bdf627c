"""Group membership as an index: one row per (customer, group), sorted like the profiles.

Each row repeats the customer's `public` flag, `sort_key` and `created_us`, so "members of
group G in sort order after position P" is one range of an index and a page of a group filter
costs what the page costs. The customer row keeps the display order of `group_ids`; both are
written in the same transaction. Triggers keep each group's member count.
"""

from __future__ import annotations

import sqlite3

from squarecheck.emulator.db.customers import CustomerRow


def schema_v1(prefix: str) -> str:
    """The membership table (`memberships`, or `lag_memberships`) and its counters."""
    table, counter = f"{prefix}memberships", f"{prefix}members"
    return f"""
CREATE TABLE {table} (
    seller INTEGER NOT NULL,
    cseq INTEGER NOT NULL,
    gseq INTEGER NOT NULL,
    public INTEGER NOT NULL,
    sort_key BLOB NOT NULL,
    created_us INTEGER NOT NULL,
    PRIMARY KEY (seller, cseq, gseq)
) WITHOUT ROWID;
CREATE INDEX {table}_by_name ON {table} (seller, gseq, public, sort_key, created_us, cseq);
CREATE INDEX {table}_by_created ON {table} (seller, gseq, public, created_us, cseq);
CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} WHEN new.public = 1 BEGIN
    UPDATE groups SET {counter} = {counter} + 1 WHERE seq = new.gseq;
END;
CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} WHEN old.public = 1 BEGIN
    UPDATE groups SET {counter} = {counter} - 1 WHERE seq = old.gseq;
END;
CREATE TRIGGER {table}_count_update AFTER UPDATE OF public ON {table}
WHEN old.public <> new.public BEGIN
    UPDATE groups SET {counter} = {counter} + new.public - old.public WHERE seq = new.gseq;
END;
"""


def add(db: sqlite3.Connection, customer: CustomerRow, gseq: int) -> None:
    db.execute(
        "INSERT INTO memberships (seller, cseq, gseq, public, sort_key, created_us)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            customer.seller,
            customer.seq,
            gseq,
            customer.public,
            customer.sort_key,
            customer.created_us,
        ),
    )


def remove(db: sqlite3.Connection, customer: CustomerRow, gseq: int) -> None:
    db.execute(
        "DELETE FROM memberships WHERE seller = ? AND cseq = ? AND gseq = ?",
        (customer.seller, customer.seq, gseq),
    )


def follow(db: sqlite3.Connection, customer: CustomerRow) -> None:
    """Copy a changed public flag or sort key to the customer's membership rows."""
    db.execute(
        "UPDATE memberships SET public = ?, sort_key = ? WHERE seller = ? AND cseq = ?",
        (customer.public, customer.sort_key, customer.seller, customer.seq),
    )


def drop_customer(db: sqlite3.Connection, customer: CustomerRow) -> None:
    db.execute(
        "DELETE FROM memberships WHERE seller = ? AND cseq = ?", (customer.seller, customer.seq)
    )


def drop_group(db: sqlite3.Connection, seller: int, gseq: int) -> None:
    """Forget a deleted group's rows, live and lagged (profiles may still name it)."""
    for table in ("memberships", "lag_memberships"):
        db.execute(f"DELETE FROM {table} WHERE seller = ? AND gseq = ?", (seller, gseq))


def members(db: sqlite3.Connection, seller: int, gseq: int) -> list[int]:
    """Sequences of every customer in the group (public info or not)."""
    rows = db.execute(
        "SELECT cseq FROM memberships WHERE seller = ? AND gseq = ?", (seller, gseq)
    ).fetchall()
    return [int(row[0]) for row in rows]
