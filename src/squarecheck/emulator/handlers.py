"""One function per operation: read the validated request, call the store, build the body.

Handlers receive a `Call` (already authenticated, version resolved, body parsed by the app) and
return the success body; failures are raised as `SquareError`s. Shapes: square-facts §2 /
spec-head paths for /v2/customers and /v2/customers/groups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from squarecheck.emulator import validate as v
from squarecheck.emulator.bodyparse import ParsedBody, Path
from squarecheck.emulator.errors import (
    BadRequest,
    InvalidEnumValue,
    InvalidSortOrder,
    InvalidValue,
    ValueTooLow,
)
from squarecheck.emulator.faults import IdempotencyIgnored
from squarecheck.emulator.profile import ADDRESS_FIELDS, TAX_ID_FIELDS, profile_fields
from squarecheck.emulator.records import CUSTOMER_FIELDS, PUBLIC_FIELDS, Page
from squarecheck.emulator.searchquery import SEARCH_FIELDS, parse_query
from squarecheck.emulator.store import Reuse, Store
from squarecheck.emulator.versioning import VersionContext

Body = dict[str, Any]

GROUP_FIELDS = frozenset({"id", "name", "created_at", "updated_at"})
CREATE_GROUP_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"idempotency_key", "group"}),
        ("group",): GROUP_FIELDS,
    }
)
UPDATE_GROUP_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"group"}),
        ("group",): GROUP_FIELDS,
    }
)
CREATE_CUSTOMER_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"idempotency_key", *CUSTOMER_FIELDS}),
        ("address",): ADDRESS_FIELDS,
        ("tax_ids",): TAX_ID_FIELDS,
    }
)


@dataclass(frozen=True)
class Call:
    """Everything a handler may read about one request."""

    store: Store
    token: str
    version: VersionContext
    path: Mapping[str, str]
    query: Mapping[str, str]
    body: ParsedBody | None = None


def _group_name(call: Call, known: Mapping[Path, frozenset[str]]) -> str:
    """Validate a Create/UpdateCustomerGroup body and return the group name."""
    assert call.body is not None
    body = v.body_object(call.body)
    v.reject_unrecognized(call.body, known, call.version, "unrecognized-field")
    group = v.required(body, "group", "object", "group")
    return v.non_empty(v.required(group, "name", "string", "group.name"), "group.name")


def _page_body(page: Page, key: str) -> Body:
    body: Body = {}
    if page.items:
        body[key] = page.items
    if page.cursor:
        body["cursor"] = page.cursor
    if page.count is not None:
        body["count"] = page.count
    return body


# --- customer groups --------------------------------------------------------------------------


def list_customer_groups(call: Call) -> Body:
    limit = v.page_limit(v.query_int(call.query, "limit"), call.version, 50)
    page = call.store.list_groups(call.token, limit, call.query.get("cursor") or None)
    return _page_body(page, "groups")


def create_customer_group(call: Call) -> Body:
    name = _group_name(call, CREATE_GROUP_FIELDS)
    assert call.body is not None
    key = v.typed(call.body.value, "idempotency_key", "string", "idempotency_key")
    expect = call.version.expect("idempotency-key-reuse")
    on_reuse: Reuse = "replay" if expect["outcome"] == "replay" else "error"
    if IdempotencyIgnored.on(call.store.config):
        on_reuse = "create"
    return {"group": call.store.create_group(call.token, name, key, on_reuse)}


def retrieve_customer_group(call: Call) -> Body:
    return {"group": call.store.retrieve_group(call.token, call.path["group_id"])}


def update_customer_group(call: Call) -> Body:
    name = _group_name(call, UPDATE_GROUP_FIELDS)
    return {"group": call.store.update_group(call.token, call.path["group_id"], name)}


def delete_customer_group(call: Call) -> Body:
    call.store.delete_group(call.token, call.path["group_id"])
    return {}


def add_group_to_customer(call: Call) -> Body:
    call.store.add_group(call.token, call.path["customer_id"], call.path["group_id"])
    return {}


def remove_group_from_customer(call: Call) -> Body:
    call.store.remove_group(call.token, call.path["customer_id"], call.path["group_id"])
    return {}


# --- customers --------------------------------------------------------------------------------


def create_customer(call: Call) -> Body:
    assert call.body is not None
    body = v.body_object(call.body)
    v.reject_unrecognized(
        call.body, CREATE_CUSTOMER_FIELDS, call.version, "customers-unrecognized-field"
    )
    fields = profile_fields(body, nullable=False)
    key = v.typed(body, "idempotency_key", "string", "idempotency_key")
    if not any(fields.get(name) for name in PUBLIC_FIELDS):
        # spec-head CreateCustomer: one of these is required; the code is squarecheck's choice.
        raise BadRequest(
            "At least one of the following fields must be set: " + ", ".join(PUBLIC_FIELDS) + "."
        )
    return {"customer": call.store.create_customer(call.token, fields, key)}


def retrieve_customer(call: Call) -> Body:
    return {"customer": call.store.retrieve_customer(call.token, call.path["customer_id"])}


def update_customer(call: Call) -> Body:
    assert call.body is not None
    body = v.body_object(call.body)
    if not body:
        # An empty UpdateCustomer body is 400 BAD_REQUEST from 2021-10-20 on
        # (square-python-sdk CHANGELOG.md, 2021-10-20 release notes).
        raise BadRequest("The request body must set at least one field.")
    fields = profile_fields(body, nullable=True)
    version = v.typed(body, "version", "integer", "version")
    if version is not None and version < 0:
        raise ValueTooLow("`version` must be at least 0.", field="version")
    customer = call.store.update_customer(call.token, call.path["customer_id"], fields, version)
    return {"customer": customer}


def delete_customer(call: Call) -> Body:
    version = v.query_int(call.query, "version")
    call.store.delete_customer(call.token, call.path["customer_id"], version)
    return {}


def _flag(raw: str | None, field: str) -> bool:
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise InvalidValue(f"Expected {field} to be true or false.", field=field)
    return raw.lower() == "true"


def list_customers(call: Call) -> Body:
    limit = v.page_limit(v.query_int(call.query, "limit"), call.version, 100)
    sort_field = v.one_of(
        call.query.get("sort_field"), ("DEFAULT", "CREATED_AT"), "sort_field", InvalidEnumValue
    )
    sort_order = v.one_of(
        call.query.get("sort_order"), ("ASC", "DESC"), "sort_order", InvalidSortOrder
    )
    count = _flag(call.query.get("count"), "count")
    page = call.store.list_customers(
        call.token, limit, call.query.get("cursor") or None, sort_field, sort_order, count
    )
    return _page_body(page, "customers")


def search_customers(call: Call) -> Body:
    assert call.body is not None
    body = v.body_object(call.body)
    v.reject_unrecognized(call.body, SEARCH_FIELDS, call.version, "customers-unrecognized-field")
    limit = v.page_limit(v.typed(body, "limit", "integer", "limit"), call.version, 100)
    cursor = v.typed(body, "cursor", "string", "cursor")
    count = bool(v.typed(body, "count", "boolean", "count"))
    page = call.store.search_customers(call.token, parse_query(body), limit, cursor or None, count)
    if page is None:  # behaviour search-unknown-group: a non-existent group id gives {}
        return {}
    return _page_body(page, "customers")


Handler = Callable[[Call], Body]
