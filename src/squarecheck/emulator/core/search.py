"""SearchCustomers queries: the validated filter and sort, and the fuzzy text rule.

Semantics from spec-head CustomerQuery / CustomerFilter / CustomerSort
(https://developer.squareup.com/reference/square/customers-api/search-customers): filters are
combined with AND; group_ids any / all / none (behaviour search-group-filter); DEFAULT sorts on
given_name + family_name, falling back to company_name, email_address, phone_number. The
store evaluates them in SQL (`db/searchsql.py`); the DEFAULT sort key is `db/customers.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TextFilter:
    """`{exact}` or `{fuzzy}` on a text field (email_address, phone_number, reference_id)."""

    exact: str | None = None
    fuzzy: str | None = None


@dataclass(frozen=True)
class CustomerQuery:
    """A validated `query` of a SearchCustomers body."""

    group_any: tuple[str, ...] = ()
    group_all: tuple[str, ...] = ()
    group_none: tuple[str, ...] = ()
    creation_source: tuple[tuple[str, ...], str] | None = None  # (values, INCLUDE|EXCLUDE)
    created_at: tuple[datetime | None, datetime | None] | None = None
    updated_at: tuple[datetime | None, datetime | None] | None = None
    text: tuple[tuple[str, TextFilter], ...] = ()
    match_nothing: bool = False
    sort_field: str = "DEFAULT"
    sort_order: str = "ASC"


def fuzzy_matches(value: str, fuzzy: str, name: str) -> bool:
    """A fuzzy text filter: digits contained (phone_number), else case-insensitive substring."""
    if name == "phone_number":
        digits = "".join(ch for ch in fuzzy if ch.isdigit())
        return digits in "".join(ch for ch in value if ch.isdigit())
    return fuzzy.casefold() in value.casefold()
