"""Customer profiles: rows, the derived columns that search and sorting index, and bodies.

A row keeps the profile fields as JSON plus columns derived from them on every write: `public`
(has one of PUBLIC_FIELDS, so it appears in listings and searches), `sort_key` (the DEFAULT sort
of square-facts §6: given_name + family_name, falling back to company_name, email_address,
phone_number) and the exact-match filter values. `seq` is the creation order and the last
tie-breaker of every sort. `group_ids` is the display list in the order groups were added
(comma-separated; ids are alphanumeric), the `memberships` table its index.
`schema_v1(prefix)` also builds the search-lagged copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from squarecheck.emulator.core import clock
from squarecheck.emulator.core.records import CUSTOMER_FIELDS, PUBLIC_FIELDS
from squarecheck.emulator.db.codec import dumps, key_text, loads, optional_blob, to_blob

#: The exact/fuzzy text filters of SearchCustomers and the column each one reads.
TEXT_COLUMNS = {"email_address": "email", "phone_number": "phone", "reference_id": "reference_id"}
#: https://developer.squareup.com/docs/customers-api/use-the-api/keep-records
CREATION_SOURCE = "THIRD_PARTY"

COLUMNS = (
    "seq",
    "seller",
    "id",
    "version",
    "created_us",
    "created_at",
    "updated_us",
    "updated_at",
    "public",
    "sort_key",
    "email",
    "phone",
    "reference_id",
    "fields",
    "group_ids",
)
SELECT = ", ".join(COLUMNS)


def schema_v1(prefix: str) -> str:
    """The profile table (`customers`, or `lag_customers` for lagged search) and its counters."""
    table, counter = f"{prefix}customers", f"{prefix}customers"
    return f"""
CREATE TABLE {table} (
    seq INTEGER PRIMARY KEY,
    seller INTEGER NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_us INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    public INTEGER NOT NULL,
    sort_key BLOB NOT NULL,
    email BLOB,
    phone BLOB,
    reference_id BLOB,
    fields TEXT NOT NULL,
    group_ids TEXT
);
CREATE UNIQUE INDEX {table}_by_id ON {table} (seller, id);
CREATE INDEX {table}_by_name ON {table} (seller, public, sort_key, created_us, seq);
CREATE INDEX {table}_by_created ON {table} (seller, public, created_us, seq);
CREATE INDEX {table}_by_email ON {table} (seller, email);
CREATE INDEX {table}_by_phone ON {table} (seller, phone);
CREATE INDEX {table}_by_reference ON {table} (seller, reference_id);
CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} WHEN new.public = 1 BEGIN
    UPDATE sellers SET {counter} = {counter} + 1 WHERE id = new.seller;
END;
CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} WHEN old.public = 1 BEGIN
    UPDATE sellers SET {counter} = {counter} - 1 WHERE id = old.seller;
END;
CREATE TRIGGER {table}_count_update AFTER UPDATE OF public ON {table}
WHEN old.public <> new.public BEGIN
    UPDATE sellers SET {counter} = {counter} + new.public - old.public WHERE id = new.seller;
END;
"""


class CustomerRow(NamedTuple):
    seq: int
    seller: int
    id: str
    version: int
    created_us: int
    created_at: str
    updated_us: int
    updated_at: str
    public: int
    sort_key: bytes
    email: bytes | None
    phone: bytes | None
    reference_id: bytes | None
    fields: str
    group_ids: str | None

    def profile(self) -> dict[str, Any]:
        fields: dict[str, Any] = loads(self.fields)
        return fields

    def groups(self) -> list[str]:
        return [] if self.group_ids is None else self.group_ids.split(",")

    def body(self) -> dict[str, Any]:
        """The Customer object of responses."""
        body: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        body.update(loads(self.fields))
        body["preferences"] = {"email_unsubscribed": False}
        body["creation_source"] = CREATION_SOURCE
        if self.group_ids is not None:  # behaviour group-ids-field: absent when empty
            body["group_ids"] = self.group_ids.split(",")
        body["version"] = self.version
        return body


def default_sort_key(fields: Mapping[str, Any]) -> str:
    """given_name + family_name, else company_name, email_address, phone_number (§6)."""
    name = f"{fields.get('given_name') or ''}{fields.get('family_name') or ''}"
    for fallback in (
        name,
        fields.get("company_name"),
        fields.get("email_address"),
        fields.get("phone_number"),
    ):
        if fallback:
            return str(fallback)
    return ""


def _canonical(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in CUSTOMER_FIELDS if fields.get(name) is not None}


def with_fields(row: CustomerRow, fields: Mapping[str, Any]) -> CustomerRow:
    """The row with new profile fields and every column derived from them."""
    kept = _canonical(fields)
    return row._replace(
        public=int(any(kept.get(name) for name in PUBLIC_FIELDS)),
        sort_key=to_blob(default_sort_key(kept)),
        email=optional_blob(kept.get("email_address")),
        phone=optional_blob(kept.get("phone_number")),
        reference_id=optional_blob(kept.get("reference_id")),
        fields=dumps(kept),
    )


def touched(row: CustomerRow, moment: datetime, bump: bool = True) -> CustomerRow:
    """The row after a committed change: next version (with `bump`), new updated_at."""
    return row._replace(
        version=row.version + 1 if bump else row.version,
        updated_us=clock.micros(moment),
        updated_at=clock.rfc3339(moment),
    )


def insert(
    db: sqlite3.Connection,
    seller: int,
    customer_id: str,
    fields: Mapping[str, Any],
    moment: datetime,
) -> CustomerRow:
    stamp, micros = clock.rfc3339(moment), clock.micros(moment)
    blank = CustomerRow(
        0,
        seller,
        customer_id,
        0,
        micros,
        stamp,
        micros,
        stamp,
        0,
        b"",
        None,
        None,
        None,
        "{}",
        None,
    )
    row = with_fields(blank, fields)
    cursor = db.execute(
        f"INSERT INTO customers ({SELECT}) VALUES (NULL{', ?' * (len(COLUMNS) - 1)})", row[1:]
    )
    assert cursor.lastrowid is not None
    return row._replace(seq=cursor.lastrowid)


def find(db: sqlite3.Connection, seller: int, customer_id: str) -> CustomerRow | None:
    found = db.execute(
        f"SELECT {SELECT} FROM customers WHERE seller = ? AND id = ?",
        (seller, key_text(customer_id)),
    ).fetchone()
    return None if found is None else CustomerRow(*found)


def by_seq(db: sqlite3.Connection, seller: int, seq: int) -> CustomerRow:
    """A row known to exist (e.g. from the seller's membership index)."""
    found = db.execute(
        f"SELECT {SELECT} FROM customers WHERE seq = ? AND seller = ?", (seq, seller)
    ).fetchone()
    return CustomerRow(*found)


def save(db: sqlite3.Connection, before: CustomerRow, after: CustomerRow) -> None:
    """Write the columns that changed (SQLite rewrites an index only when its columns are set)."""
    changed = [index for index in range(3, len(COLUMNS)) if before[index] != after[index]]
    assignments = ", ".join(f"{COLUMNS[index]} = ?" for index in changed)
    db.execute(
        f"UPDATE customers SET {assignments} WHERE seq = ?",
        (*(after[index] for index in changed), after.seq),
    )


def delete(db: sqlite3.Connection, seq: int) -> None:
    db.execute("DELETE FROM customers WHERE seq = ?", (seq,))
