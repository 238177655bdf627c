"""Per-seller storage of catalog objects, orders, idempotency records and cursors, in SQLite.

The catalog, orders and locations logic (`catalog`, `orders`, `locations`) reads and writes
only through a `CatalogSession`: one seller, inside one transaction of the emulator's database
(the customer store's, so `--data FILE` keeps the catalog and orders across restarts too),
under the store's lock, so a request sees and leaves a consistent state and a batch upsert is
all or nothing (checked before anything is put, and written in one transaction). The tables are
in `db/commerce`. `get` hands out a copy to change and `put` back; the bulk reads (`view`,
`of_type`, `variations`) hand out decoded objects to be read and never changed, shared across
requests while their stored JSON is unchanged (`Decoded`), so pricing a large catalog does not
decode it again on every request; `view` reads objects by id as pricing asks for them. A read
creates no seller and no state of its own: an unknown token owns an empty catalog; faults'
scratch state (`memo`) is made on first use (pricing a customer's order asks for it) and kept
for the most recent MAX_SCRATCH tokens only; a cursor keeps a digest of its query, not the
query. The customer data (membership) is the customer store's own; the app opens one
`CommerceStore` over the customer store's database, so both live and die with one emulator app.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from squarecheck.emulator.core import clock
from squarecheck.emulator.db import commerce as tables
from squarecheck.emulator.db.session import LockedDatabase

MAX_CURSORS = 10_000
MAX_DECODED = 100_000
#: How many tokens keep faults' scratch state (`CatalogSession.memo`); the oldest goes first.
MAX_SCRATCH = 1024

Json = dict[str, Any]


@dataclass(frozen=True)
class Remembered:
    """A response kept for an idempotency key, with the fingerprint of its request body."""

    fingerprint: str
    status: int
    body: Json


class Decoded:
    """Decoded catalog objects by (seller, id), each with the JSON text it was decoded from.

    An entry is used only while the stored text is the same, so a write or a rollback never
    yields a stale object. Emptied when full."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[tuple[int, str], tuple[str, Json]] = {}

    def decode(self, seller: int, object_id: str, text: str) -> Json:
        key = (seller, object_id)
        with self._lock:
            found = self._objects.get(key)
        if found is not None and found[0] == text:
            return found[1]
        obj: Json = json.loads(text)
        with self._lock:
            if len(self._objects) >= MAX_DECODED:
                self._objects.clear()
            self._objects[key] = (text, obj)
        return obj


class _Objects(Mapping[str, Json]):
    """Every catalog object of a seller by id, deleted ones included, read on demand."""

    def __init__(self, session: CatalogSession) -> None:
        self._session = session

    def __getitem__(self, object_id: str) -> Json:
        found = self._session.get_cached(object_id)
        if found is None:
            raise KeyError(object_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return self._session.ids()

    def __len__(self) -> int:
        return self._session.count()


class CatalogSession:
    """One seller's commerce data inside one transaction (see the module docstring)."""

    def __init__(
        self,
        db: sqlite3.Connection,
        seller: int | None,
        create: Callable[[], int],
        memo: Callable[[], dict[str, Any]],
        decoded: Decoded,
    ) -> None:
        self._db = db
        self._seller = seller
        self._create = create
        self._memo_of_token = memo
        self._decoded = decoded
        self._cache: dict[str, Json | None] = {}

    def _writer(self) -> int:
        if self._seller is None:
            self._seller = self._create()
        return self._seller

    # --- catalog objects ---------------------------------------------------------------------
    def get(self, object_id: str) -> Json | None:
        """A copy of the object to change and `put` back, or None."""
        found = self.get_cached(object_id)
        return copy.deepcopy(found) if found is not None else None

    def get_cached(self, object_id: str) -> Json | None:
        """The object as read in this request (read only), or None."""
        if object_id not in self._cache:
            seller = self._seller
            text = tables.get(self._db, seller, object_id) if seller is not None else None
            self._cache[object_id] = self._decode(object_id, text) if text is not None else None
        return self._cache[object_id]

    def _decode(self, object_id: str, text: str) -> Json:
        assert self._seller is not None
        return self._decoded.decode(self._seller, object_id, text)

    def ids(self) -> Iterator[str]:
        return tables.ids(self._db, self._seller) if self._seller is not None else iter(())

    def count(self) -> int:
        return tables.count(self._db, self._seller) if self._seller is not None else 0

    def view(self) -> Mapping[str, Json]:
        """Every object by id, deleted ones included (read, never change)."""
        return _Objects(self)

    def of_type(self, types: Iterable[str], live: bool = False) -> list[Json]:
        """The objects of `types` in creation order, deleted ones too unless `live` (read
        only)."""
        if self._seller is None:
            return []
        found = tables.of_types(self._db, self._seller, types, live)
        return [self._decode(i, text) for i, text in found]

    def prefetch(self, types: Iterable[str]) -> None:
        """Read every live object of `types` at once into this request's view (pricing reads each
        rule's DISCOUNT and PRODUCT_SET: one query instead of two per rule)."""
        for obj in self.of_type(types, live=True):
            self._cache.setdefault(str(obj["id"]), obj)

    def variations(self, item_id: str) -> list[Json]:
        """The ITEM_VARIATION objects naming `item_id`, deleted ones included (read only)."""
        if self._seller is None:
            return []
        found = tables.variations(self._db, self._seller, item_id)
        return [self._decode(i, text) for i, text in found]

    def put(self, obj: Json) -> None:
        """Insert or replace an object (keeping its place in creation order)."""
        tables.put(self._db, self._writer(), obj)
        self._cache[str(obj["id"])] = copy.deepcopy(obj)

    def next_version(self) -> int:
        """A catalog version: epoch milliseconds, strictly increasing per seller."""
        return tables.next_version(self._db, self._writer(), time.time_ns() // 1_000_000)

    # --- idempotency and cursors -------------------------------------------------------------
    def remembered(self, operation: str, key: str) -> Remembered | None:
        if self._seller is None:
            return None
        found = tables.remembered(self._db, self._seller, operation, key)
        return Remembered(*found) if found is not None else None

    def remember(self, operation: str, key: str, response: Remembered) -> None:
        kept = (response.fingerprint, response.status, response.body)
        tables.remember(self._db, self._writer(), operation, key, kept)

    def new_cursor(self, scope: str, offset: int) -> str:
        """An opaque cursor bound to this seller and `scope` (an endpoint and its filters)."""
        token = clock.new_token()
        made = time.time_ns()
        where = (_scope_key(scope), offset)
        tables.new_cursor(self._db, self._writer(), token, made, where, MAX_CURSORS)
        return token

    def cursor(self, token: str, scope: str) -> int | None:
        """The offset a cursor stands for, or None when it is unknown or another scope's."""
        if self._seller is None:
            return None
        return tables.cursor(self._db, self._seller, token, _scope_key(scope))

    # --- orders ------------------------------------------------------------------------------
    def put_order(self, order: Json) -> None:
        tables.put_order(self._db, self._writer(), order)

    def order(self, order_id: str) -> Json | None:
        if self._seller is None:
            return None
        return tables.order(self._db, self._seller, order_id)

    @property
    def memo(self) -> dict[str, Any]:
        """Scratch state of injected faults (e.g. a stale membership cache), made on first use."""
        return self._memo_of_token()


def _scope_key(scope: str) -> str:
    """What a cursor keeps of its scope (`Operation:query`): the operation and a digest of the
    query, so a cursor of a 256 KiB request is as small as any other."""
    operation, _, query = scope.partition(":")
    digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{operation}:{digest[:32]}"


class LiveView(Mapping[str, Json]):
    """A catalog view without its deleted objects (read only; iterating scans the catalog)."""

    def __init__(self, objects: Mapping[str, Json]) -> None:
        self._objects = objects

    def __getitem__(self, object_id: str) -> Json:
        found = self._objects[object_id]
        if found.get("is_deleted"):
            raise KeyError(object_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return (i for i, o in self._objects.items() if not o.get("is_deleted"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class CommerceStore:
    """All sellers' commerce data for one emulator app, in the customer store's database."""

    def __init__(self, database: LockedDatabase) -> None:
        self._store = database
        self._memos: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
        self._decoded = Decoded()
        self._lock = threading.Lock()

    def scratch_count(self) -> int:
        """How many tokens keep faults' scratch state (reads alone never add one)."""
        with self._lock:
            return len(self._memos)

    def _memo(self, token: str) -> dict[str, Any]:
        """The scratch state of `token`, made now if needed; the least recently used goes when
        MAX_SCRATCH tokens have one (keyed by a digest, so a long token costs no more)."""
        key = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            memo = self._memos.get(key)
            if memo is None:
                memo = self._memos[key] = {}
                if len(self._memos) > MAX_SCRATCH:
                    self._memos.popitem(last=False)
            else:
                self._memos.move_to_end(key)
            return memo

    @contextmanager
    def session(self, token: str) -> Iterator[CatalogSession]:
        """The seller `token` stands for, in one transaction for the duration of the block.

        An exception leaving the block rolls back everything the block wrote."""
        store = self._store
        with store.transaction() as db:
            seller = store.seller_id(db, token, create=False)

            def create() -> int:
                made = store.seller_id(db, token, create=True)
                assert made is not None
                return made

            memo = functools.partial(self._memo, token)
            yield CatalogSession(db, seller, create, memo, self._decoded)
