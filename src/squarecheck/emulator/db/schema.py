"""The schema as numbered migrations; a file's `PRAGMA user_version` says which it has.

To extend the store (say, catalog objects), add a module that owns its tables, with a
`SCHEMA_V<n>` string of `CREATE` statements, and append `(next number, (that string,))` here.
A released migration is never edited: a change to an existing table is a new migration
(`ALTER TABLE`, a new index). Every table leads its keys with the seller.
"""

from __future__ import annotations

from squarecheck.emulator.db import (
    commerce,
    cursors,
    customers,
    groups,
    idempotency,
    memberships,
    searchlag,
    sellers,
)

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            sellers.SCHEMA_V1,
            groups.SCHEMA_V1,
            customers.schema_v1(""),
            memberships.schema_v1(""),
            idempotency.SCHEMA_V1,
            cursors.SCHEMA_V1,
            searchlag.SCHEMA_V1,
        ),
    ),
    (2, (commerce.SCHEMA_V2,)),
)
CURRENT = MIGRATIONS[-1][0]
