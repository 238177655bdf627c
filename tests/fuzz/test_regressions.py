"""Requests the fuzz suite found mishandled by the emulator, now answered as the specs say.

Each case is the shrunk form of a generated request that once broke a check: unknown nested
properties echoed in responses, a birthday returned without its year, length, pattern, type
and null violations accepted, unknown properties inside search filters accepted after the cutover,
an empty `limit` query parameter accepted, and an order whose `line_items` is no list answered
500.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from squarecheck.spec.schemas import validate_response
from squarecheck.spec.table import load_table
from tests.support.selftest import Seller

OLD, NEW, PROFILES, LIMIT = "old", "new", "profiles", "limit"
CASES: list[tuple[str, str, str, str, Any, int]] = [
    # (id, version, operation, path, body or query parameters, status)
    ("address-unknown-not-echoed", OLD, "CreateCustomer", "/v2/customers",
     {"given_name": "a", "address": {"sqc_x": 1}, "tax_ids": {"sqc_y": "z"}}, 200),
    ("birthday-keeps-a-year", PROFILES, "CreateCustomer", "/v2/customers",
     {"given_name": "a", "birthday": "10-30"}, 200),
    ("given-name-too-long", PROFILES, "CreateCustomer", "/v2/customers",
     {"given_name": "a" * 301}, 400),
    ("phone-pattern", NEW, "CreateCustomer", "/v2/customers",
     {"phone_number": "+2))1- 4-(9.1( 2.)34-855 5-7.0()3)4*"}, 400),
    ("address-field-type", OLD, "CreateCustomer", "/v2/customers",
     {"given_name": "a", "address": {"administrative_district_level_3": True}}, 400),
    ("filter-unknown-field", NEW, "SearchCustomers", "/v2/customers/search",
     {"query": {"filter": {"created_at": {"sqc_x": 1}}}}, 400),
    ("filter-null", NEW, "SearchCustomers", "/v2/customers/search",
     {"query": {"filter": {"creation_source": None}}}, 400),
    ("empty-limit-old", LIMIT, "ListCustomerGroups", "/v2/customers/groups", {"limit": ""}, 400),
    ("empty-limit-new", NEW, "ListCustomerGroups", "/v2/customers/groups", {"limit": ""}, 400),
    ("line-items-a-number", OLD, "CalculateOrder", "/v2/orders/calculate",
     {"order": {"taxes": [{"name": "t"}], "line_items": -3.5e-165}}, 400),
    ("line-items-an-object", OLD, "CalculateOrder", "/v2/orders/calculate",
     {"order": {"location_id": "L", "line_items": {"0": {"quantity": "1"}}}}, 400),
]  # fmt: skip


def _version(which: str) -> str:
    """The oldest version, or the cutover of the row the case is about."""
    table = load_table()
    if which == OLD:
        return min(table.known_versions)
    row = {
        NEW: "unrecognized-field",
        PROFILES: "customer-birthday-input",
        LIMIT: "list-limit-parameter",
    }[which]
    return table[row].changes[0].since


@pytest.mark.parametrize(
    ("which", "operation", "path", "payload", "status"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_found_request_is_answered_as_specified(
    seller_on: Callable[..., Seller],
    which: str,
    operation: str,
    path: str,
    payload: Any,
    status: int,
) -> None:
    """The emulator answers a once-mishandled request with the status and shape the specs say."""
    client = seller_on().client(_version(which))
    if operation.startswith("List"):
        resp = client.request(operation, "GET", path, params=payload, validate=False)
    else:
        resp = client.request(operation, "POST", path, json_body=payload, validate=False)
    assert resp.status == status, resp.text
    assert validate_response(operation, resp.status, resp.body) == [], resp.text
    if status == 200:
        text = json.dumps(resp.body)
        assert "sqc_x" not in text and "sqc_y" not in text
