"""Per-seller storage of catalog objects, orders, idempotency records, cursors and the location.

The catalog, orders and locations logic (`catalog`, `orders`, `locations`) reads and writes
only through a `Session`: one seller, under that seller's lock, so a request sees and leaves a
consistent state (a batch is all or nothing because it is checked before anything is put).
Objects are stored as JSON-like dicts. `get` hands out a copy to change and `put` back; the
bulk reads (`view`, `of_type`, `variations`) hand out the stored objects themselves, to be read
and never changed, so that pricing and listing cost no copies; indexes by type and by item keep
them from scanning the whole catalog. The customer data (membership)
stays in the customer `Store`; `commerce_for(store)` gives the commerce storage that belongs to
a customer store, so both live and die with one emulator app.
"""

from __future__ import annotations

import copy
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from squarecheck.emulator import clock
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.faults import SharedSellers
from squarecheck.emulator.store import Store

MAX_CURSORS = 10_000

Json = dict[str, Any]


@dataclass(frozen=True)
class Remembered:
    """A response kept for an idempotency key, with the fingerprint of its request body."""

    fingerprint: str
    status: int
    body: Json


@dataclass
class _Seller:
    lock: threading.RLock = field(default_factory=threading.RLock)
    objects: dict[str, Json] = field(default_factory=dict)  # insertion order = creation order
    by_type: dict[str, dict[str, None]] = field(default_factory=dict)  # type -> ids, in order
    by_item: dict[str, dict[str, None]] = field(default_factory=dict)  # item -> variation ids
    seq: dict[str, int] = field(default_factory=dict)  # id -> creation order
    keys: dict[tuple[str, str], Remembered] = field(default_factory=dict)
    cursors: dict[str, tuple[str, int]] = field(default_factory=dict)
    orders: dict[str, Json] = field(default_factory=dict)
    location: Json | None = None
    last_version: int = 0
    memo: dict[str, Any] = field(default_factory=dict)


class Session:
    """One seller's commerce data, held under the seller's lock for one request."""

    def __init__(self, seller: _Seller) -> None:
        self._seller = seller

    # --- catalog objects ---------------------------------------------------------------------
    def get(self, object_id: str) -> Json | None:
        found = self._seller.objects.get(object_id)
        return copy.deepcopy(found) if found is not None else None

    def view(self) -> Mapping[str, Json]:
        """Every object by id, deleted ones included (stored objects: read, never change)."""
        return MappingProxyType(self._seller.objects)

    def of_type(self, types: Iterable[str]) -> list[Json]:
        """The objects of `types`, deleted ones included, in creation order (read only)."""
        wanted = set(types)
        ids = [i for t, found in self._seller.by_type.items() if t in wanted for i in found]
        seq, objects = self._seller.seq, self._seller.objects
        return [objects[i] for i in sorted(ids, key=seq.__getitem__)]

    def variations(self, item_id: str) -> list[Json]:
        """The ITEM_VARIATION objects naming `item_id`, deleted ones included (read only)."""
        return [self._seller.objects[i] for i in self._seller.by_item.get(item_id, {})]

    def put(self, obj: Json) -> None:
        """Insert or replace an object (keeping its place in creation order)."""
        seller, object_id = self._seller, str(obj["id"])
        old = seller.objects.get(object_id)
        old_item = _item_of(old) if old is not None else None
        if old_item is not None and old_item != _item_of(obj):
            seller.by_item.get(old_item, {}).pop(object_id, None)
        seller.seq.setdefault(object_id, len(seller.seq))
        seller.objects[object_id] = copy.deepcopy(obj)
        seller.by_type.setdefault(str(obj["type"]), {})[object_id] = None
        item_id = _item_of(obj)
        if item_id is not None:
            seller.by_item.setdefault(item_id, {})[object_id] = None

    def next_version(self) -> int:
        """A catalog version: epoch milliseconds, strictly increasing per seller."""
        stamp = max(time.time_ns() // 1_000_000, self._seller.last_version + 1)
        self._seller.last_version = stamp
        return stamp

    # --- idempotency and cursors -------------------------------------------------------------
    def remembered(self, operation: str, key: str) -> Remembered | None:
        found = self._seller.keys.get((operation, key))
        return copy.deepcopy(found) if found is not None else None

    def remember(self, operation: str, key: str, response: Remembered) -> None:
        self._seller.keys[(operation, key)] = copy.deepcopy(response)

    def new_cursor(self, scope: str, offset: int) -> str:
        """An opaque cursor bound to this seller and `scope` (an endpoint and its filters)."""
        cursors = self._seller.cursors
        if len(cursors) >= MAX_CURSORS:
            cursors.pop(next(iter(cursors)))
        token = clock.new_token()
        cursors[token] = (scope, offset)
        return token

    def cursor(self, token: str, scope: str) -> int | None:
        """The offset a cursor stands for, or None when it is unknown or another scope's."""
        found = self._seller.cursors.get(token)
        return found[1] if found is not None and found[0] == scope else None

    # --- orders and the location -------------------------------------------------------------
    def put_order(self, order: Json) -> None:
        self._seller.orders[str(order["id"])] = copy.deepcopy(order)

    def order(self, order_id: str) -> Json | None:
        found = self._seller.orders.get(order_id)
        return copy.deepcopy(found) if found is not None else None

    def location(self) -> Json | None:
        return copy.deepcopy(self._seller.location)

    def set_location(self, location: Json) -> None:
        self._seller.location = copy.deepcopy(location)

    @property
    def memo(self) -> dict[str, Any]:
        """Scratch state of injected faults (e.g. a stale membership cache); empty when clean."""
        return self._seller.memo


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


def _item_of(obj: Json) -> str | None:
    item_id = (obj.get("item_variation_data") or {}).get("item_id")
    return str(item_id) if item_id else None


class CommerceStore:
    """All sellers' commerce data for one emulator app."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self._sellers: dict[str, _Seller] = {}
        self._lock = threading.Lock()

    @contextmanager
    def session(self, token: str) -> Iterator[Session]:
        """The seller `token` stands for, locked for the duration of the block."""
        if SharedSellers.on(self.config):
            token = "shared"
        with self._lock:
            seller = self._sellers.setdefault(token, _Seller())
        with seller.lock:
            yield Session(seller)


_BY_STORE: weakref.WeakKeyDictionary[Store, CommerceStore] = weakref.WeakKeyDictionary()
_BY_STORE_LOCK = threading.Lock()


def commerce_for(store: Store) -> CommerceStore:
    """The commerce storage of the app that owns the customer `store` (created on first use)."""
    with _BY_STORE_LOCK:
        found = _BY_STORE.get(store)
        if found is None:
            found = _BY_STORE[store] = CommerceStore(store.config)
        return found
