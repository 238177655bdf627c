"""Per-seller state and one method per operation; no HTTP, thread-safe.

Each bearer token is one seller with its own groups, customers, idempotency keys and cursors
(behaviour seller-isolation). Every method takes the seller's lock, so concurrent requests with
one idempotency key create exactly one group. Handlers validate shapes and decide version
behaviour; the store applies already-decided semantics and raises `SquareError`s for states
(not found, stale version, unknown cursor).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Sequence
from typing import Any, Literal

from squarecheck.emulator import clock
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.errors import (
    Conflict,
    IdempotencyKeyReused,
    InvalidCursor,
    InvalidValue,
    NotFound,
)
from squarecheck.emulator.faults import (
    CursorOnLastPage,
    CursorRepeatsFirstPage,
    DeleteGroupKeepsMembership,
    LimitIgnored,
    RemoveGroupKeepsMembership,
    ReplayCreatesDuplicate,
    ReplayNewName,
    SearchNeverConsistent,
    SharedSellers,
)
from squarecheck.emulator.records import Customer, Group, Page, Seller
from squarecheck.emulator.search import CustomerQuery, matches, sort_customers

MAX_CURSORS = 10_000

Reuse = Literal["replay", "error", "create"]


class Store:
    """All sellers' state. Created once per app; `config.faults` may bend some operations."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self._sellers: dict[str, Seller] = {}
        self._lock = threading.Lock()

    def seller(self, token: str) -> Seller:
        """The seller a bearer token stands for, created on first use."""
        if SharedSellers.on(self.config):
            token = "shared"
        with self._lock:
            return self._sellers.setdefault(token, Seller())

    # --- pagination ---------------------------------------------------------------------------

    def _page(
        self,
        seller: Seller,
        endpoint: str,
        items: Sequence[Group | Customer],
        limit: int,
        cursor: str | None,
    ) -> Page:
        """Cut one page; cursors are opaque, bound to seller and endpoint (behaviour invalid-cursor)."""  # noqa: E501
        start = 0
        if cursor is not None:
            bound = seller.cursors.get(cursor)
            if bound is None or bound[0] != endpoint:
                raise InvalidCursor("The pagination cursor is invalid.", field="cursor")
            start = bound[1]
            if CursorRepeatsFirstPage.on(self.config):
                start = 0
        end = start + limit
        next_cursor = None
        if end < len(items) or (CursorOnLastPage.on(self.config) and start < len(items)):
            next_cursor = clock.new_token()
            if len(seller.cursors) >= MAX_CURSORS:
                seller.cursors.pop(next(iter(seller.cursors)))
            seller.cursors[next_cursor] = (endpoint, end)
        return Page([item.to_dict() for item in items[start:end]], next_cursor)

    def _limit(self, limit: int, default: int) -> int:
        return default if LimitIgnored.on(self.config) else limit

    # --- customer groups ----------------------------------------------------------------------

    def list_groups(self, token: str, limit: int, cursor: str | None) -> Page:
        seller = self.seller(token)
        with seller.lock:
            items = list(seller.groups.values())  # creation order
            return self._page(seller, "ListCustomerGroups", items, self._limit(limit, 50), cursor)

    def create_group(
        self, token: str, name: str, key: str | None, on_reuse: Reuse, forget_deleted: bool = False
    ) -> dict[str, Any]:
        """Create a group; a reused key replays the original response or is an error.

        behaviour idempotency-key-reuse; https://developer.squareup.com/docs/customer-groups-api/what-it-does
        The original response is replayed even if its group was deleted since, unless
        `forget_deleted` (behaviour idempotency-replay-after-delete).
        """
        seller = self.seller(token)
        with seller.lock:
            original_id = seller.group_keys[key]["id"] if key in seller.group_keys else None
            if original_id is not None and forget_deleted and original_id not in seller.groups:
                original_id = None
            if key is not None and original_id is not None and on_reuse != "create":
                if on_reuse == "error":
                    raise InvalidValue("name")
                original = dict(seller.group_keys[key])
                if ReplayNewName.on(self.config):
                    original["name"] = name
                if ReplayCreatesDuplicate.on(self.config):
                    self._new_group(seller, name)
                return original
            group = self._new_group(seller, name)
            if key is not None:
                seller.group_keys[key] = group.to_dict()
            return group.to_dict()

    @staticmethod
    def _new_group(seller: Seller, name: str) -> Group:
        stamp = clock.rfc3339(clock.now())
        group = Group(id=clock.new_id(), name=name, created_at=stamp, updated_at=stamp)
        seller.groups[group.id] = group
        return group

    def _group(self, seller: Seller, group_id: str) -> Group:
        group = seller.groups.get(group_id)
        if group is None:
            raise NotFound(f"Customer group with id '{group_id}' not found.")
        return group

    def retrieve_group(self, token: str, group_id: str) -> dict[str, Any]:
        seller = self.seller(token)
        with seller.lock:
            return self._group(seller, group_id).to_dict()

    def update_group(self, token: str, group_id: str, name: str) -> dict[str, Any]:
        seller = self.seller(token)
        with seller.lock:
            group = self._group(seller, group_id)
            group.name = name
            group.updated_at = clock.rfc3339(clock.now())
            return group.to_dict()

    def delete_group(self, token: str, group_id: str, prune: bool = True) -> None:
        """Delete a group and, with `prune`, drop it from every profile (behaviour delete-group-removes-membership)."""  # noqa: E501
        seller = self.seller(token)
        with seller.lock:
            self._group(seller, group_id)
            del seller.groups[group_id]
            if not prune or DeleteGroupKeepsMembership.on(self.config):
                return
            for customer in seller.customers.values():
                if group_id in customer.group_ids:
                    customer.group_ids.remove(group_id)
                    self._touch(seller, customer)

    # --- membership ---------------------------------------------------------------------------

    def add_group(self, token: str, customer_id: str, group_id: str, bump: bool = True) -> None:
        """Idempotent add; `bump` commits it as a profile update (behaviours add-group-idempotent, membership-bumps-version)."""  # noqa: E501
        seller = self.seller(token)
        with seller.lock:
            customer = self._customer(seller, customer_id)
            self._group(seller, group_id)
            if group_id not in customer.group_ids:
                customer.group_ids.append(group_id)
                self._touch(seller, customer, bump)

    def remove_group(self, token: str, customer_id: str, group_id: str, bump: bool = True) -> None:
        """Remove; a non-member is a no-op 200 (behaviour remove-group-not-member)."""
        seller = self.seller(token)
        with seller.lock:
            customer = self._customer(seller, customer_id)
            self._group(seller, group_id)
            if group_id in customer.group_ids and not RemoveGroupKeepsMembership.on(self.config):
                customer.group_ids.remove(group_id)
                self._touch(seller, customer, bump)

    # --- customers ----------------------------------------------------------------------------

    def _customer(self, seller: Seller, customer_id: str) -> Customer:
        customer = seller.customers.get(customer_id)
        if customer is None:
            raise NotFound(f"Customer with id '{customer_id}' not found.")
        return customer

    def _touch(self, seller: Seller, customer: Customer, bump: bool = True) -> None:
        """Commit an update: bump version (unless told not to) and updated_at, record a search snapshot."""  # noqa: E501
        moment = clock.now()
        customer.version += 1 if bump else 0
        customer.updated = moment
        customer.updated_at = clock.rfc3339(moment)
        self._record(seller, customer.id, customer)

    def _record(self, seller: Seller, customer_id: str, customer: Customer | None) -> None:
        if self._immediate_search():
            return
        snapshot = copy.deepcopy(customer)
        entries = seller.history.setdefault(customer_id, [])
        entries.append((time.monotonic(), snapshot))
        # Keep only what search can still see: the newest visible entry and later ones.
        horizon = time.monotonic() - self.config.search_lag
        while len(entries) > 1 and entries[1][0] <= horizon:
            entries.pop(0)

    def create_customer(
        self, token: str, fields: dict[str, Any], key: str | None, replay: bool = True
    ) -> dict[str, Any]:
        """Create a profile; a reused key replays the original, or is refused without `replay`
        (behaviour create-customer-idempotency)."""
        seller = self.seller(token)
        with seller.lock:
            if key is not None and key in seller.customer_keys:
                if not replay:
                    raise IdempotencyKeyReused("The idempotency key has already been used.")
                return copy.deepcopy(seller.customer_keys[key])
            moment = clock.now()
            stamp = clock.rfc3339(moment)
            customer = Customer(
                id=clock.new_id(),
                created=moment,
                created_at=stamp,
                updated_at=stamp,
                fields={k: v for k, v in fields.items() if v not in (None, "")},
                updated=moment,
            )
            seller.customers[customer.id] = customer
            self._record(seller, customer.id, customer)
            body = customer.to_dict()
            if key is not None:
                seller.customer_keys[key] = copy.deepcopy(body)
            return body

    def retrieve_customer(self, token: str, customer_id: str) -> dict[str, Any]:
        seller = self.seller(token)
        with seller.lock:
            return self._customer(seller, customer_id).to_dict()

    def update_customer(
        self, token: str, customer_id: str, changes: dict[str, Any], version: int | None
    ) -> dict[str, Any]:
        """Sparse update: given fields change, `null` removes a field (spec-head UpdateCustomer)."""
        seller = self.seller(token)
        with seller.lock:
            customer = self._customer(seller, customer_id)
            self._check_version(customer, version)
            for name, value in changes.items():
                if value is None or value == "":
                    customer.fields.pop(name, None)
                else:
                    customer.fields[name] = value
            self._touch(seller, customer)
            return customer.to_dict()

    @staticmethod
    def _check_version(customer: Customer, version: int | None) -> None:
        # behaviour customer-version-mismatch (assumed: the code is undocumented);
        # https://developer.squareup.com/docs/build-basics/common-api-patterns/optimistic-concurrency
        if version is not None and version != customer.version:
            raise Conflict(
                f"Version mismatch: customer is at version {customer.version}, not {version}.",
                field="version",
            )

    def delete_customer(self, token: str, customer_id: str, version: int | None) -> None:
        seller = self.seller(token)
        with seller.lock:
            customer = self._customer(seller, customer_id)
            self._check_version(customer, version)
            del seller.customers[customer_id]
            self._record(seller, customer_id, None)

    def list_customers(
        self,
        token: str,
        limit: int,
        cursor: str | None,
        sort_field: str,
        sort_order: str,
        count: bool,
    ) -> Page:
        seller = self.seller(token)
        with seller.lock:
            visible = [c for c in seller.customers.values() if c.has_public_info()]
            ordered = sort_customers(visible, sort_field, sort_order)
            page = self._page(
                seller,
                "ListCustomers",
                ordered,
                self._limit(limit, 100),
                cursor,
            )
            return Page(page.items, page.cursor, len(visible) if count else None)

    def search_customers(
        self, token: str, query: CustomerQuery, limit: int, cursor: str | None, count: bool
    ) -> Page | None:
        """Search the lagged view; None when a filtered group id does not exist (behaviour search-unknown-group)."""  # noqa: E501
        seller = self.seller(token)
        with seller.lock:
            wanted = [*query.group_any, *query.group_all, *query.group_none]
            if any(group_id not in seller.groups for group_id in wanted):
                return None
            found = [
                c
                for c in self._search_view(seller)
                if c.has_public_info() and matches(c, query, self.config)
            ]
            ordered = sort_customers(found, query.sort_field, query.sort_order)
            page = self._page(
                seller,
                "SearchCustomers",
                ordered,
                self._limit(limit, 100),
                cursor,
            )
            return Page(page.items, page.cursor, len(found) if count else None)

    def _immediate_search(self) -> bool:
        """Without lag, search reads live profiles and no snapshots are kept."""
        return self.config.search_lag <= 0 and not SearchNeverConsistent.on(self.config)

    def _search_view(self, seller: Seller) -> list[Customer]:
        """Each customer as it was `search_lag` seconds ago (behaviour search-eventual-consistency)."""  # noqa: E501
        if self._immediate_search():
            return list(seller.customers.values())
        if SearchNeverConsistent.on(self.config):
            horizon = float("-inf")
        else:
            horizon = time.monotonic() - self.config.search_lag
        view = []
        for entries in seller.history.values():
            seen = [snapshot for stamp, snapshot in entries if stamp <= horizon]
            if seen and seen[-1] is not None:
                view.append(seen[-1])
        return view
