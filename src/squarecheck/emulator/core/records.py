"""The emulator's record vocabulary: the fields a customer profile carries, and a page.

The records themselves live in SQLite (`db/`); their wire shape (square-facts §3, §4) is built
by `db.groups.GroupRow.body` and `db.customers.CustomerRow.body`.
"""

from __future__ import annotations

from collections.abc import Callable
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


def page_body(page: Page, key: str, issue: Callable[[str | None], str | None]) -> dict[str, Any]:
    """A list or search response: the page's items under `key`, its cursor, its count."""
    body: dict[str, Any] = {}
    if page.items:
        body[key] = page.items
    if page.cursor:
        body["cursor"] = issue(page.cursor)
    if page.count is not None:
        body["count"] = page.count
    return body
