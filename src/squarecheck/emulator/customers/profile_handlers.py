"""One function per Customers operation: profiles, listing and search.

Like `group_handlers.py`: each reads the validated request, asks the table through
`call.expect(...)` what the version wants, calls the store with the request's gates and shows
every profile as the version does (`profile.present`). Shapes: square-facts §2 / spec-head
paths for /v2/customers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from squarecheck.emulator.call import Body, Call
from squarecheck.emulator.core import cursors, schemacheck
from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.bodyparse import Path
from squarecheck.emulator.core.errors import (
    Conflict,
    IdempotencyKeyReused,
    InvalidEnumValue,
    InvalidSortOrder,
    InvalidValue,
    NotFound,
    ValueTooLow,
    by_code,
)
from squarecheck.emulator.core.records import CUSTOMER_FIELDS, PUBLIC_FIELDS, page_body
from squarecheck.emulator.customers.gates import gates_for
from squarecheck.emulator.customers.profile import (
    ADDRESS_FIELDS,
    TAX_ID_FIELDS,
    present,
    profile_fields,
)
from squarecheck.emulator.customers.search_query import parse_query, search_fields

CREATE_CUSTOMER_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {
        (): frozenset({"idempotency_key", *CUSTOMER_FIELDS}),
        ("address",): ADDRESS_FIELDS,
        ("tax_ids",): TAX_ID_FIELDS,
    }
)
UPDATE_CUSTOMER_FIELDS: Mapping[Path, frozenset[str]] = MappingProxyType(
    {(): frozenset({"version", *CUSTOMER_FIELDS})}
)
# The detail Square gives (woocommerce/woocommerce-square#366); the code is behaviour
# create-customer-needs-a-field.
NEEDS_A_FIELD = (
    "At least one of given_name, family_name, company_name, email_address, or phone_number is "
    "required for a customer"
)


def _shown(call: Call, customer: dict[str, Any]) -> dict[str, Any]:
    def group_name(group_id: str) -> str | None:
        try:
            return str(call.customers.retrieve_group(call.token, group_id)["name"])
        except NotFound:
            return None

    return present(customer, call.version, group_name)


def _shown_page(call: Call, body: Body) -> Body:
    if "customers" in body:
        body["customers"] = [_shown(call, c) for c in body["customers"]]
    return body


def create_customer(call: Call) -> Body:
    assert call.body is not None
    body = v.body_object(call.body, call.version)
    v.reject_unrecognized(
        call.body, CREATE_CUSTOMER_FIELDS, call.version, "customers-unrecognized-field"
    )
    schemacheck.check_shape("CreateCustomerRequest", body)
    fields = profile_fields(body, nullable=False, ctx=call.version)
    key = v.typed(body, "idempotency_key", "string", "idempotency_key")
    if not any(fields.get(name) for name in PUBLIC_FIELDS):
        raise by_code(call.expect("create-customer-needs-a-field")["code"])(NEEDS_A_FIELD)
    reuse = call.expect("create-customer-idempotency")
    try:
        customer = call.customers.create_customer(
            call.token, fields, key, gates_for(call.version, call.config)
        )
    except IdempotencyKeyReused as error:
        raise by_code(reuse["code"])(error.detail, field="idempotency_key") from None
    return {"customer": _shown(call, customer)}


def retrieve_customer(call: Call) -> Body:
    customer = call.customers.retrieve_customer(call.token, call.path["customer_id"])
    return {"customer": _shown(call, customer)}


def _stated_version(call: Call, raw: Any) -> int | None:
    """The `version` a request states, when the version has it checked at all
    (behaviour customer-version-mismatch); None otherwise."""
    if call.expect("customer-version-mismatch")["outcome"] != "rejected":
        return None
    if isinstance(raw, str):  # DeleteCustomer's query parameter
        version = v.query_int({"version": raw}, "version")
    else:
        version = v.typed({"version": raw}, "version", "integer", "version",
                          integral=v.integral(call.version))  # fmt: skip
    if version is not None and version < 0:
        raise ValueTooLow("`version` must be at least 0.", field="version")
    return version


def _mismatch(call: Call, error: Conflict) -> Exception:
    code = call.expect("customer-version-mismatch")["code"]
    return by_code(code)(error.detail, field="version")


def update_customer(call: Call) -> Body:
    assert call.body is not None
    body = v.body_object(call.body, call.version)
    customer_id = call.path["customer_id"]
    if not body:
        empty = call.expect("update-customer-empty-body")
        if empty["outcome"] == "rejected":
            raise by_code(empty["code"])("The request body must set at least one field.")
        return retrieve_customer(call)
    v.reject_unrecognized(
        call.body, UPDATE_CUSTOMER_FIELDS, call.version, "update-customer-unrecognized-field"
    )
    # `version` is a field only where the version checks it (customer-version-mismatch)
    checked = call.expect("customer-version-mismatch")["outcome"] == "rejected"
    schemacheck.check_shape(
        "UpdateCustomerRequest", {k: v for k, v in body.items() if checked or k != "version"}
    )
    clear_null = call.headers.get("x-clear-null", "").strip().lower() == "true"
    fields = profile_fields(body, nullable=True, ctx=call.version, clear_null=clear_null)
    version = _stated_version(call, body["version"]) if "version" in body else None
    try:
        customer = call.customers.update_customer(call.token, customer_id, fields, version)
    except Conflict as error:
        raise _mismatch(call, error) from None
    return {"customer": _shown(call, customer)}


def delete_customer(call: Call) -> Body:
    raw = call.query.get("version")
    version = _stated_version(call, raw) if raw is not None else None
    try:
        call.customers.delete_customer(call.token, call.path["customer_id"], version)
    except Conflict as error:
        raise _mismatch(call, error) from None
    return {}


def _flag(raw: str | None, field: str) -> bool:
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise InvalidValue(f"Expected {field} to be true or false.", field=field)
    return raw.lower() == "true"


def list_customers(call: Call) -> Body:
    limit = v.list_limit(call.query, call.version, 100)
    sort_field = v.one_of(
        call.query.get("sort_field"), ("DEFAULT", "CREATED_AT"), "sort_field", InvalidEnumValue
    )
    sort_order = v.one_of(
        call.query.get("sort_order"), ("ASC", "DESC"), "sort_order", InvalidSortOrder
    )
    count = _flag(call.query.get("count"), "count")
    cursor = cursors.accept(call.query.get("cursor") or None, call.version)
    with cursors.cursor_errors(call.version):
        gates = gates_for(call.version, call.config)
        page = call.customers.list_customers(
            call.token, limit, cursor, sort_field, sort_order, count, gates
        )
    return _shown_page(call, page_body(page, "customers", cursors.issue))


def search_customers(call: Call) -> Body:
    assert call.body is not None
    body = v.body_object(call.body, call.version)
    # a filter the version does not have yet is an unrecognized field there
    text, segments, attributes = (
        call.expect(row)["outcome"] == "filter"
        for row in (
            "search-text-filters",
            "search-segment-filter",
            "search-custom-attribute-filter",
        )
    )
    known = search_fields(text=text, segments=segments, custom_attribute=attributes)
    v.reject_unrecognized(call.body, known, call.version, "customers-unrecognized-field")
    raw_limit = v.typed(body, "limit", "integer", "limit", integral=v.integral(call.version))
    limit = v.page_limit(raw_limit, call.version, 100)
    cursor = cursors.accept(v.typed(body, "cursor", "string", "cursor") or None, call.version)
    count = bool(v.typed(body, "count", "boolean", "count"))
    query = parse_query(body, segments, text_filters=text, custom_attribute=attributes)
    with cursors.cursor_errors(call.version):
        gates = gates_for(call.version, call.config)
        page = call.customers.search_customers(call.token, query, limit, cursor, count, gates)
    if page is None:  # behaviour search-unknown-group: a non-existent group id gives {}
        return {}
    return _shown_page(call, page_body(page, "customers", cursors.issue))
