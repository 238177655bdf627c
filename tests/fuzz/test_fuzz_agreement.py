"""The project agrees with itself: what the fuzz suite's document calls valid the emulator
accepts, what it calls invalid the emulator refuses.

Each case is a request the document and the emulator once judged differently (found by
`squarecheck run -m fuzz --fuzz-examples 100` and at 1,000 examples, or by `st run`): an empty
birthday, email or phone accepted where the document had a pattern; a valid 19-digit
`version` refused; a percentage discount without its percentage, an empty `types` filter, an
ignored page limit beyond 64 bits (in the query and in a body). Both sides are asked: the
document (`request_problems`) and the emulator over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from squarecheck.fuzz.conformance import business_codes
from squarecheck.fuzz.runner import schema_for
from squarecheck.fuzz.square import request_problems
from tests.support.selftest import Seller

OLD, NEW = "2022-02-16", "2022-03-16"
DISCOUNT = {"type": "DISCOUNT", "id": "#d", "discount_data": {"name": "x"}}
# (id, version, operation, method, path, query, body, valid)
CASES: list[tuple[str, str, str, str, str, dict[str, Any], Any, bool]] = [
    ("empty-birthday", NEW, "CreateCustomer", "POST", "/v2/customers", {},
     {"given_name": "a", "birthday": ""}, True),
    ("empty-email", OLD, "CreateCustomer", "POST", "/v2/customers", {},
     {"given_name": "a", "email_address": ""}, True),
    ("empty-phone", NEW, "CreateCustomer", "POST", "/v2/customers", {},
     {"given_name": "a", "phone_number": ""}, True),
    ("month-day-birthday-old", OLD, "CreateCustomer", "POST", "/v2/customers", {},
     {"given_name": "a", "birthday": "09-21"}, False),
    ("int64-version", NEW, "DeleteCustomer", "DELETE", "/v2/customers/{customer_id}",
     {"version": 9223372036854775807}, None, True),
    ("beyond-int64-limit", OLD, "ListCustomerGroups", "GET", "/v2/customers/groups",
     {"limit": 2**70}, None, False),
    ("beyond-int64-body-limit", OLD, "SearchCustomers", "POST", "/v2/customers/search", {},
     {"limit": 2**63}, False),
    ("empty-types", NEW, "ListCatalog", "GET", "/v2/catalog/list", {"types": ""}, None, True),
    ("percentage-without-value", NEW, "UpsertCatalogObject", "POST", "/v2/catalog/object", {},
     {"idempotency_key": "k", "object": {**DISCOUNT, "discount_data": {
         "discount_type": "FIXED_PERCENTAGE"}}}, False),
    ("empty-group-name", NEW, "CreateCustomerGroup", "POST", "/v2/customers/groups", {},
     {"group": {"name": ""}}, False),
]  # fmt: skip


def _case(version: str, operation_id: str, query: dict[str, Any], body: Any, path: str) -> Any:
    operation = schema_for(version).find_operation_by_id(operation_id)  # type: ignore[attr-defined]
    parts: dict[str, Any] = {"query": query, "media_type": "application/json"}
    if body is not None:
        parts["body"] = body
    if "{customer_id}" in path:
        parts["path_parameters"] = {"customer_id": "C"}
    return operation.Case(**parts)


@pytest.mark.parametrize("case_id", [c[0] for c in CASES])
def test_document_and_emulator_agree(seller_on: Callable[..., Seller], case_id: str) -> None:
    """The document's verdict on the request is the emulator's: a valid one is not refused as
    malformed (an answer about the world, a stale version say, is no refusal of its form)."""
    _, version, operation_id, method, path, query, body, valid = next(
        c for c in CASES if c[0] == case_id
    )
    assert (request_problems(_case(version, operation_id, query, body, path), version) == []) is (
        valid
    )
    seller = seller_on()
    client = seller.client(version)
    if "{customer_id}" in path:
        made = client.create_customer("agreement")
        assert made.status == 200
        path = path.replace("{customer_id}", str(made.body["customer"]["id"]))
    params = {k: str(v) for k, v in query.items()}
    resp = client.request(operation_id, method, path, json_body=body, params=params, validate=False)
    codes = {str(e.get("code")) for e in (resp.get("errors") or [])}
    malformed = resp.status >= 400 and not codes <= business_codes(operation_id, version)
    assert malformed is not valid, (resp.status, resp.text)
