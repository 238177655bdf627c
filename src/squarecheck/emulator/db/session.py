"""The store's connection: one lock, read and write transactions, and token -> seller ids.

Every store method runs under the lock (requests arrive from uvicorn's thread; tests and bulk
seeding may call from others), and every write in one transaction, so an operation is atomic
and concurrent operations are serial. `batch()` groups many operations in one transaction
(each keeps its own savepoint) for bulk seeding.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.db import criteria, database, sellers

#: How many token -> seller ids are remembered (only sellers known to be committed).
KNOWN_SELLERS = 4096


class LockedDatabase:
    """Owns the database connection of one store, behind one lock."""

    def __init__(self, config: EmulatorConfig, shared_sellers: bool = False) -> None:
        self.config = config
        self._shared_sellers = shared_sellers  # fault shared-sellers: every token one seller
        memory = config.data is None
        self._db = database.open_memory() if memory else database.open_file(str(config.data))
        criteria.install_functions(self._db)
        self._lock = threading.RLock()
        self._known: dict[str, int] = {}
        self._batching = False
        self._in_batch: dict[str, int] = {}

    def close(self) -> None:
        """Close the database (a file is checkpointed and unlocked)."""
        with self._lock:
            self._db.close()

    def seller_count(self) -> int:
        """How many sellers have data (reads never add one)."""
        with self._reading() as db:
            return sellers.count(db)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction (a savepoint inside `batch`); rolled back when the block raises."""
        with self._lock:
            nested = self._db.in_transaction
            self._db.execute("SAVEPOINT operation" if nested else "BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if nested:
                    self._db.execute("ROLLBACK TO operation")
                    self._db.execute("RELEASE operation")
                    self._in_batch.clear()  # it may name a seller that was just rolled back
                else:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("RELEASE operation" if nested else "COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run many operations in one transaction (bulk seeding; each call keeps its semantics)."""
        with self._lock:
            self._batching = True
            try:
                with self._writing():
                    yield
                self._known.update(self._in_batch)  # committed now
            finally:
                self._batching = False
                self._in_batch.clear()

    def _seller(self, db: sqlite3.Connection, token: str, create: bool = False) -> int | None:
        """The seller of a token; created only when `create` (inside a write)."""
        if self._shared_sellers:
            token = "shared"
        known = self._known.get(token) or self._in_batch.get(token)
        if known is not None:
            return known
        found = sellers.find(db, token)
        if found is None:
            if not create:
                return None
            found = sellers.create(db, token)
            if not self._batching:
                return found  # remembered once a later read finds it committed
        if self._batching:  # remembered for the batch; kept only if the batch commits
            self._in_batch[token] = found
            return found
        if len(self._known) >= KNOWN_SELLERS:
            self._known.clear()
        self._known[token] = found
        return found

    def _writer(self, db: sqlite3.Connection, token: str) -> int:
        seller = self._seller(db, token, create=True)
        assert seller is not None
        return seller

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction for another store over this database (the catalog's)."""
        with self._writing() as db:
            yield db

    def seller_id(self, db: sqlite3.Connection, token: str, create: bool) -> int | None:
        """The seller of `token` inside `transaction()`; created only when `create`."""
        return self._seller(db, token, create)
