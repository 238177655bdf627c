"""Per-seller state in SQLite and one method per operation; no HTTP, thread-safe.

Each bearer token is one seller with its own groups, customers, idempotency keys and cursors
(behaviour seller-isolation); every table leads with the seller (see `db/`). The data lives in
an in-memory database, or in a file with `EmulatorConfig.data` (WAL, locked, survives a
restart). Every method runs under one lock, and every write in one transaction, so concurrent
requests with one idempotency key create exactly one group and no membership outlives its
group. Handlers validate shapes and decide version behaviour; the store applies
already-decided semantics and raises `SquareError`s for states (not found, stale version,
unknown cursor). A read never creates a seller: an unknown token simply owns nothing.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core import clock
from squarecheck.emulator.core.errors import (
    Conflict,
    IdempotencyKeyReused,
    InvalidCursor,
    InvalidValue,
    NotFound,
)
from squarecheck.emulator.core.records import Page
from squarecheck.emulator.core.search import CustomerQuery
from squarecheck.emulator.customers.gates import CLEAN, Gates, Shape, shape_for
from squarecheck.emulator.customers.profile import AddressPatch
from squarecheck.emulator.db import (
    criteria,
    cursors,
    customers,
    groups,
    idempotency,
    memberships,
    searchlag,
    searchsql,
    sellers,
)
from squarecheck.emulator.db.cursors import Position
from squarecheck.emulator.db.customers import CustomerRow
from squarecheck.emulator.db.groups import GroupRow
from squarecheck.emulator.db.session import LockedDatabase

__all__ = ["CustomerStore", "Page"]

_CACHED_GROUPS = 4096
Row = TypeVar("Row")


class CustomerStore(LockedDatabase):
    """All sellers' customer state. Created once per app; each operation obeys the `Gates` its
    request hands it (the table's choices and the injected faults)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.shape: Shape = shape_for(config)
        super().__init__(config, shared_sellers=self.shape.shared_sellers)
        #: (seller, group id) -> committed body; emptied when full, entries dropped on change.
        self._group_bodies: dict[tuple[int | None, str], dict[str, Any]] = {}
        self._lagged = not self._immediate_search()
        self._last_stamp = 0.0
        searchlag.reset(self._db, self._lagged)

    # --- pagination ---------------------------------------------------------------------------

    @staticmethod
    def _after(
        db: sqlite3.Connection, seller: int | None, cursor: str | None, scope: str, gates: Gates
    ) -> Position | None:
        """The position a cursor continues from (behaviour invalid-cursor)."""
        if cursor is None:
            return None
        position = cursors.resolve(db, seller, cursor, scope)
        if position is None:
            raise InvalidCursor("The pagination cursor is invalid.", field="cursor")
        return None if gates.cursor_repeats_first_page else position

    @staticmethod
    def _cut(
        db: sqlite3.Connection,
        seller: int,
        scope: str,
        rows: Sequence[Row],
        size: int,
        position: Callable[[Row], Position],
        gates: Gates,
    ) -> tuple[Sequence[Row], str | None]:
        """The page (rows were read with one extra) and a cursor when more follow."""
        shown = rows[:size]
        if len(rows) > size or (gates.cursor_on_last_page and shown):
            return shown, cursors.issue(db, seller, scope, position(shown[-1]))
        return shown, None

    @staticmethod
    def _limit(limit: int, default: int, gates: Gates) -> int:
        return default if gates.limit_ignored else limit

    # --- customer groups ----------------------------------------------------------------------

    def list_groups(self, token: str, limit: int, cursor: str | None, gates: Gates = CLEAN) -> Page:
        scope = "ListCustomerGroups"
        with self._writing() as db:
            seller = self._seller(db, token)
            after = self._after(db, seller, cursor, scope, gates)
            if seller is None:
                return Page([], None)
            size = self._limit(limit, 50, gates)
            rows = groups.page(db, seller, 0 if after is None else after.seq, size + 1)
            shown, next_cursor = self._cut(
                db, seller, scope, rows, size, lambda row: Position(None, None, row.seq), gates
            )
            return Page([row.body() for row in shown], next_cursor)

    def create_group(
        self, token: str, name: str, key: str | None, gates: Gates = CLEAN
    ) -> dict[str, Any]:
        """Create a group; a reused key replays the original response or is an error.

        behaviour idempotency-key-reuse; https://developer.squareup.com/docs/customer-groups-api/what-it-does
        The original response is replayed even if its group was deleted since, unless
        `gates.forget_deleted` (behaviour idempotency-replay-after-delete).
        """
        with self._writing() as db:
            seller = self._writer(db, token)
            original = None
            if key is not None and gates.on_reuse != "create":
                original = idempotency.find(db, seller, "CreateCustomerGroup", key)
            if original is not None and gates.forget_deleted:
                original = original if groups.find(db, seller, original["id"]) else None
            if original is not None:
                if gates.on_reuse == "error":
                    raise InvalidValue("name")
                if gates.replay_new_name:
                    original["name"] = name
                if gates.replay_creates_duplicate:
                    self._new_group(db, seller, name)
                return original
            group = self._new_group(db, seller, name)
            if key is not None:
                idempotency.remember(db, seller, "CreateCustomerGroup", key, group)
            return group

    @staticmethod
    def _new_group(db: sqlite3.Connection, seller: int, name: str) -> dict[str, Any]:
        stamp = clock.rfc3339(clock.now())
        return groups.insert(db, seller, clock.new_id(), name, stamp).body()

    @staticmethod
    def _group(db: sqlite3.Connection, seller: int | None, group_id: str) -> GroupRow:
        group = None if seller is None else groups.find(db, seller, group_id)
        if group is None:
            raise NotFound(f"Customer group with id '{group_id}' not found.")
        return group

    def retrieve_group(self, token: str, group_id: str) -> dict[str, Any]:
        """One group; the hottest read, so committed bodies are kept in a small cache."""
        with self._lock:
            seller = self._seller(self._db, token)
            cached = self._group_bodies.get((seller, group_id))
            if cached is None:
                cached = self._group(self._db, seller, group_id).body()
                if seller is not None and not self._db.in_transaction:
                    if len(self._group_bodies) >= _CACHED_GROUPS:
                        self._group_bodies.clear()
                    self._group_bodies[(seller, group_id)] = cached
            return dict(cached)

    def update_group(self, token: str, group_id: str, name: str) -> dict[str, Any]:
        with self._writing() as db:
            seller = self._seller(db, token)
            group = self._group(db, seller, group_id)
            self._group_bodies.pop((seller, group_id), None)
            stamp = clock.rfc3339(clock.now())
            groups.rename(db, group.seq, name, stamp)
            return {**group.body(), "name": name, "updated_at": stamp}

    def delete_group(self, token: str, group_id: str, gates: Gates = CLEAN) -> None:
        """Delete a group and, with `gates.prune`, drop it from every profile (behaviour
        delete-group-removes-membership); without, profiles keep naming it in `group_ids`."""
        with self._writing() as db:
            seller = self._seller(db, token)
            group = self._group(db, seller, group_id)
            self._group_bodies.pop((seller, group_id), None)
            groups.delete(db, group.seq)
            if seller is None:
                return
            if not gates.prune:
                memberships.drop_group(db, seller, group.seq)  # the index; the names stay
                return
            for cseq in memberships.members(db, seller, group.seq):
                customer = customers.by_seq(db, seller, cseq)
                memberships.remove(db, customer, group.seq)
                self._set_groups(db, customer, [i for i in customer.groups() if i != group_id])

    # --- membership ---------------------------------------------------------------------------

    def add_group(self, token: str, customer_id: str, group_id: str, gates: Gates = CLEAN) -> None:
        """Idempotent add; `gates.bump` commits it as a profile update (behaviours add-group-idempotent, membership-bumps-version)."""  # noqa: E501
        with self._writing() as db:
            seller = self._seller(db, token)
            customer = self._customer(db, seller, customer_id)
            group = self._group(db, seller, group_id)
            listed = customer.groups()
            if group_id not in listed:
                memberships.add(db, customer, group.seq)
                self._set_groups(db, customer, [*listed, group_id], gates.bump)

    def remove_group(
        self, token: str, customer_id: str, group_id: str, gates: Gates = CLEAN
    ) -> None:
        """Remove; a non-member is a no-op 200 (behaviour remove-group-not-member)."""
        with self._writing() as db:
            seller = self._seller(db, token)
            customer = self._customer(db, seller, customer_id)
            group = self._group(db, seller, group_id)
            listed = customer.groups()
            if group_id in listed and not gates.remove_keeps_membership:
                memberships.remove(db, customer, group.seq)
                self._set_groups(db, customer, [i for i in listed if i != group_id], gates.bump)

    def _set_groups(
        self, db: sqlite3.Connection, customer: CustomerRow, ids: list[str], bump: bool = True
    ) -> None:
        listed = customer._replace(group_ids=",".join(ids) if ids else None)
        self._commit(db, customer, listed, bump)

    # --- customers ----------------------------------------------------------------------------

    @staticmethod
    def _customer(db: sqlite3.Connection, seller: int | None, customer_id: str) -> CustomerRow:
        customer = None if seller is None else customers.find(db, seller, customer_id)
        if customer is None:
            raise NotFound(f"Customer with id '{customer_id}' not found.")
        return customer

    def _commit(
        self, db: sqlite3.Connection, before: CustomerRow, after: CustomerRow, bump: bool = True
    ) -> CustomerRow:
        """Save an update: bump version (unless told not to) and updated_at, follow
        memberships, queue for search."""
        saved = customers.touched(after, clock.now(), bump)
        customers.save(db, before, saved)
        if (before.public, before.sort_key) != (saved.public, saved.sort_key):
            memberships.follow(db, saved)
        self._record(db, saved)
        return saved

    def _record(self, db: sqlite3.Connection, customer: CustomerRow, deleted: bool = False) -> None:
        """Queue a committed change for lagged search; apply what is due, so the queue holds
        only the last `search_lag` seconds of writes even for a seller that never searches."""
        if not self._lagged or self.shape.search_never_consistent:
            return
        self._last_stamp = max(time.time(), self._last_stamp)  # never goes back
        if deleted:
            searchlag.record_deleted(db, customer, self._last_stamp)
        else:
            searchlag.record(db, customer, self._last_stamp)
        searchlag.catch_up(db, customer.seller, self._last_stamp - self.config.search_lag)

    def create_customer(
        self, token: str, fields: dict[str, Any], key: str | None, gates: Gates = CLEAN
    ) -> dict[str, Any]:
        """Create a profile; a reused key replays the original, or is refused without
        `gates.replay_customer`
        (behaviour create-customer-idempotency)."""
        with self._writing() as db:
            seller = self._writer(db, token)
            if key is not None:
                original = idempotency.find(db, seller, "CreateCustomer", key)
                if original is not None and not gates.replay_customer:
                    raise IdempotencyKeyReused("The idempotency key has already been used.")
                if original is not None:
                    return original
            kept = {name: value for name, value in fields.items() if value not in (None, "")}
            customer = customers.insert(db, seller, clock.new_id(), kept, clock.now())
            self._record(db, customer)
            body = customer.body()
            if key is not None:
                idempotency.remember(db, seller, "CreateCustomer", key, body)
            return body

    def retrieve_customer(self, token: str, customer_id: str) -> dict[str, Any]:
        with self._lock:
            return self._customer(self._db, self._seller(self._db, token), customer_id).body()

    def update_customer(
        self, token: str, customer_id: str, changes: dict[str, Any], version: int | None
    ) -> dict[str, Any]:
        """Sparse update: given fields change, `null` removes a field (spec-head UpdateCustomer);
        an `AddressPatch` is merged into the stored address."""
        with self._writing() as db:
            customer = self._customer(db, self._seller(db, token), customer_id)
            self._check_version(customer, version)
            fields = customer.profile()
            for name, value in changes.items():
                if isinstance(value, AddressPatch):
                    value = value.applied_to(fields.get(name))
                if value is None or value == "":
                    fields.pop(name, None)
                else:
                    fields[name] = value
            return self._commit(db, customer, customers.with_fields(customer, fields)).body()

    @staticmethod
    def _check_version(customer: CustomerRow, version: int | None) -> None:
        # behaviour customer-version-mismatch (assumed: the code is undocumented);
        # https://developer.squareup.com/docs/build-basics/common-api-patterns/optimistic-concurrency
        if version is not None and version != customer.version:
            raise Conflict(
                f"Version mismatch: customer is at version {customer.version}, not {version}.",
                field="version",
            )

    def delete_customer(self, token: str, customer_id: str, version: int | None) -> None:
        with self._writing() as db:
            customer = self._customer(db, self._seller(db, token), customer_id)
            self._check_version(customer, version)
            memberships.drop_customer(db, customer)
            customers.delete(db, customer.seq)
            self._record(db, customer, deleted=True)

    def list_customers(
        self,
        token: str,
        limit: int,
        cursor: str | None,
        sort_field: str,
        sort_order: str,
        count: bool,
        gates: Gates = CLEAN,
    ) -> Page:
        """Profiles with public info in either sort order, one keyset page at a time."""
        scope = f"ListCustomers:{sort_field}:{sort_order}"
        order = searchsql.Order(
            "CREATED_AT" if sort_field == "CREATED_AT" else "DEFAULT", sort_order == "DESC"
        )
        with self._writing() as db:
            seller = self._seller(db, token)
            after = self._after(db, seller, cursor, scope, gates)
            if seller is None:
                return Page([], None, 0 if count else None)
            total = sellers.public_profiles(db, seller, lagged=False)
            size = self._limit(limit, 100, gates)
            rows = searchsql.page(
                db, searchsql.LIVE, seller, searchsql.Criteria(), order, after, size + 1, total
            )
            shown, next_cursor = self._cut(
                db, seller, scope, rows, size, searchsql.position_of, gates
            )
            return Page([row.body() for row in shown], next_cursor, total if count else None)

    def search_customers(
        self,
        token: str,
        query: CustomerQuery,
        limit: int,
        cursor: str | None,
        count: bool,
        gates: Gates = CLEAN,
    ) -> Page | None:
        """Search the lagged view; None when a filtered group id does not exist (behaviour search-unknown-group)."""  # noqa: E501
        scope = criteria.scope("SearchCustomers", query)
        view = searchsql.LAGGED if self._lagged else searchsql.LIVE
        with self._writing() as db:
            seller = self._seller(db, token)
            wanted = [*query.group_any, *query.group_all, *query.group_none]
            known = {} if seller is None else groups.sized(db, seller, wanted)
            if known is None or (wanted and seller is None):
                return None
            after = self._after(db, seller, cursor, scope, gates)
            if seller is not None and self._lagged and not self.shape.search_never_consistent:
                searchlag.catch_up(db, seller, time.time() - self.config.search_lag)
            resolved = criteria.resolve(
                query,
                known,
                view.lagged,
                all_as_any=gates.search_all_as_any,
                none_ignored=gates.search_none_ignored,
            )
            if seller is None or resolved is None:
                return Page([], None, 0 if count else None)
            total = sellers.public_profiles(db, seller, view.lagged)
            size = self._limit(limit, 100, gates)
            rows = searchsql.page(
                db, view, seller, resolved, criteria.order(query), after, size + 1, total
            )
            shown, next_cursor = self._cut(
                db, seller, scope, rows, size, searchsql.position_of, gates
            )
            found = searchsql.count(db, view, seller, resolved, total) if count else None
            return Page([row.body() for row in shown], next_cursor, found)

    def _immediate_search(self) -> bool:
        """Without lag, search reads the live tables and nothing is queued."""
        return self.config.search_lag <= 0 and not self.shape.search_never_consistent
