"""Search lag (behaviour search-eventual-consistency): search sees each profile as it was
`search_lag` seconds ago.

Without lag, search reads the live tables. With lag, every committed change of a profile
appends a snapshot of its row and group sequences to `search_queue`; before a search, the
snapshots older than the horizon are applied, in order, to `lag_customers` / `lag_memberships`
(same columns and indexes as the live tables), which search then reads with the same queries.
So a lagged search is as indexed as a live one, and the queue holds only the last `search_lag`
seconds of writes.
"""

from __future__ import annotations

import sqlite3

from squarecheck.emulator.db import customers, memberships
from squarecheck.emulator.db.customers import COLUMNS, CustomerRow

_QUEUED = ", ".join(COLUMNS)
_QUEUE_COLUMNS = ",\n    ".join(
    ("seq INTEGER NOT NULL" if name == "seq" else f"{name} ANY") for name in COLUMNS
)

SCHEMA_V1 = (
    customers.schema_v1("lag_")
    + memberships.schema_v1("lag_")
    + f"""
CREATE TABLE search_queue (
    qseq INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    deleted INTEGER NOT NULL,
    {_QUEUE_COLUMNS},
    gseqs TEXT
);
CREATE INDEX search_queue_due ON search_queue (seller, at);
"""
)


def record(db: sqlite3.Connection, customer: CustomerRow, at: float) -> None:
    """Queue the customer's committed state (row and memberships) for lagged search."""
    db.execute(
        f"INSERT INTO search_queue (at, deleted, {_QUEUED}, gseqs)"
        f" SELECT ?, 0, {_QUEUED}, (SELECT json_group_array(m.gseq) FROM memberships m"
        "  WHERE m.seller = c.seller AND m.cseq = c.seq)"
        " FROM customers c WHERE c.seq = ?",
        (at, customer.seq),
    )


def record_deleted(db: sqlite3.Connection, customer: CustomerRow, at: float) -> None:
    db.execute(
        "INSERT INTO search_queue (at, deleted, seq, seller) VALUES (?, 1, ?, ?)",
        (at, customer.seq, customer.seller),
    )


def catch_up(db: sqlite3.Connection, seller: int, horizon: float) -> None:
    """Apply the seller's queued snapshots taken at or before `horizon`, oldest first."""
    due = db.execute(
        "SELECT qseq, deleted, seq FROM search_queue WHERE seller = ? AND at <= ? ORDER BY qseq",
        (seller, horizon),
    ).fetchall()
    for qseq, deleted, seq in due:
        db.execute("DELETE FROM lag_memberships WHERE seller = ? AND cseq = ?", (seller, seq))
        db.execute("DELETE FROM lag_customers WHERE seq = ?", (seq,))
        if deleted:
            continue
        db.execute(
            f"INSERT INTO lag_customers ({_QUEUED}) SELECT {_QUEUED} FROM search_queue"
            " WHERE qseq = ?",
            (qseq,),
        )
        db.execute(
            "INSERT INTO lag_memberships (seller, cseq, gseq, public, sort_key, created_us)"
            " SELECT q.seller, q.seq, j.value, q.public, q.sort_key, q.created_us"
            " FROM search_queue q, json_each(q.gseqs) j WHERE q.qseq = ?",
            (qseq,),
        )
    if due:
        db.execute("DELETE FROM search_queue WHERE seller = ? AND qseq <= ?", (seller, due[-1][0]))


def reset(db: sqlite3.Connection, lagged: bool) -> None:
    """At open: empty the lagged view, or (with lag) make it equal to the live data.

    Writes from before a restart are older than any lag, so they are visible at once.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in ("search_queue", "lag_memberships", "lag_customers"):
            db.execute(f"DELETE FROM {table}")
        if lagged:
            db.execute(f"INSERT INTO lag_customers ({_QUEUED}) SELECT {_QUEUED} FROM customers")
            db.execute("INSERT INTO lag_memberships SELECT * FROM memberships")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
