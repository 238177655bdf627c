"""The emulator's record vocabulary: the fields a customer profile carries, and a page.

The records themselves live in SQLite (`db/`); their wire shape (square-facts §3, §4) is built
by `db.groups.GroupRow.body` and `db.customers.CustomerRow.body`.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    cursor: str | None
    count: int | None = None
