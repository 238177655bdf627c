"""SearchCustomers filters and the customer sort orders (ListCustomers shares the sort).

Semantics from spec-head CustomerQuery / CustomerFilter / CustomerSort
(https://developer.squareup.com/reference/square/customers-api/search-customers): filters are
combined with AND; group_ids any / all / none (behaviour search-group-filter); DEFAULT sorts on
given_name + family_name, falling back to company_name, email_address, phone_number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.faults import SearchAllAsAny, SearchNoneIgnored
from squarecheck.emulator.records import Customer


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


def _in_range(moment: datetime | None, bounds: tuple[datetime | None, datetime | None]) -> bool:
    start, end = bounds
    if moment is None:
        return False
    return (start is None or moment >= start) and (end is None or moment <= end)


def _text_matches(value: Any, wanted: TextFilter, name: str) -> bool:
    if not isinstance(value, str):
        return False
    if wanted.exact is not None:
        return value == wanted.exact
    fuzzy = wanted.fuzzy or ""
    if name == "phone_number":
        digits = "".join(ch for ch in fuzzy if ch.isdigit())
        return digits in "".join(ch for ch in value if ch.isdigit())
    return fuzzy.casefold() in value.casefold()


def matches(customer: Customer, query: CustomerQuery, config: EmulatorConfig) -> bool:
    """True when the customer meets every filter of the query (AND)."""
    if query.match_nothing:
        return False
    groups = set(customer.group_ids)
    if query.group_any and not groups.intersection(query.group_any):
        return False
    if query.group_all:
        if SearchAllAsAny.on(config):
            if not groups.intersection(query.group_all):
                return False
        elif not groups.issuperset(query.group_all):
            return False
    if query.group_none and groups.intersection(query.group_none):
        if not SearchNoneIgnored.on(config):
            return False
    if query.creation_source is not None:
        values, rule = query.creation_source
        included = "THIRD_PARTY" in values
        if included != (rule == "INCLUDE"):
            return False
    if query.created_at is not None and not _in_range(customer.created, query.created_at):
        return False
    if query.updated_at is not None and not _in_range(customer.updated, query.updated_at):
        return False
    for name, wanted in query.text:
        if not _text_matches(customer.fields.get(name), wanted, name):
            return False
    return True


def _default_key(customer: Customer) -> str:
    fields = customer.fields
    name = f"{fields.get('given_name') or ''}{fields.get('family_name') or ''}"
    for fallback in (
        name,
        fields.get("company_name"),
        fields.get("email_address"),
        fields.get("phone_number"),
    ):
        if fallback:
            return str(fallback)
    return ""


def sort_customers(customers: list[Customer], sort_field: str, sort_order: str) -> list[Customer]:
    """Order by DEFAULT (names, then fallbacks) or CREATED_AT; creation breaks ties."""
    if sort_field == "CREATED_AT":
        ordered = sorted(customers, key=lambda c: c.created)
    else:
        ordered = sorted(customers, key=lambda c: (_default_key(c), c.created))
    if sort_order == "DESC":
        ordered.reverse()
    return ordered
