"""The emulator's records: groups, customers and sellers as the store keeps them, and a page.

`to_dict` is the wire shape (square-facts §3, §4): what a response body carries.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Fields a customer profile can carry, in the order Square's examples print them.
CUSTOMER_FIELDS = (
    "given_name",
    "family_name",
    "nickname",
    "company_name",
    "email_address",
    "address",
    "phone_number",
    "birthday",
    "reference_id",
    "note",
    "tax_ids",
)
#: A profile needs one of these to be created, and to appear in ListCustomers / SearchCustomers
#: (spec-head CreateCustomerRequest and ListCustomers descriptions).
PUBLIC_FIELDS = ("given_name", "family_name", "company_name", "email_address", "phone_number")


@dataclass
class Group:
    id: str
    name: str
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class Customer:
    id: str
    created: datetime
    created_at: str
    updated_at: str
    fields: dict[str, Any] = field(default_factory=dict)
    group_ids: list[str] = field(default_factory=list)
    version: int = 0
    updated: datetime | None = None

    def has_public_info(self) -> bool:
        return any(self.fields.get(name) for name in PUBLIC_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        for name in CUSTOMER_FIELDS:
            if self.fields.get(name) is not None:
                body[name] = copy.deepcopy(self.fields[name])
        body["preferences"] = {"email_unsubscribed": False}
        body["creation_source"] = (
            "THIRD_PARTY"  # https://developer.squareup.com/docs/customers-api/use-the-api/keep-records
        )
        if self.group_ids:  # behaviour group-ids-field: absent when empty
            body["group_ids"] = list(self.group_ids)
        body["version"] = self.version
        return body


@dataclass
class Seller:
    """One seller's data. `history` keeps timed snapshots of customers for lagging search."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    groups: dict[str, Group] = field(default_factory=dict)
    group_keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    customer_keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursors: dict[str, tuple[str, int]] = field(default_factory=dict)
    history: dict[str, list[tuple[float, Customer | None]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    cursor: str | None
    count: int | None = None
