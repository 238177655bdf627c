"""The emulator's state in SQLite (stdlib `sqlite3`, plain SQL): one module per concern.

`database` opens a connection (in memory, or a locked WAL file) and applies `schema`'s
migrations; `sellers`, `groups`, `customers`, `memberships`, `idempotency`, `cursors` and
`searchlag` each own their tables and the statements that touch them; `searchsql` builds the
keyset queries of ListCustomers and SearchCustomers. Every table leads with the seller, so no
statement can reach another seller's rows without naming that seller.
"""

from __future__ import annotations
