"""squarecheck.spec.schemas accepts Square-shaped payloads and names what is wrong with others."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from squarecheck.spec.schemas import (
    bundled_openapi,
    is_rfc3339,
    operations,
    schema_names,
    validate,
    validate_request,
    validate_response,
)

# The group example of Square's spec and docs (spec-head CustomerGroup example).
GROUP: dict[str, Any] = {
    "id": "2TAT3CMH4Q0A9M87XJZED0WMR3",
    "name": "Loyal Customers",
    "created_at": "2020-04-13T21:54:57.863Z",
    "updated_at": "2020-04-13T21:54:58Z",
}

# A profile in two groups, after the excerpt on
# https://developer.squareup.com/docs/customer-groups-api/what-it-does
CUSTOMER: dict[str, Any] = {
    "id": "RAWCQZA0D0YRSD2MEC687KC79W",
    "created_at": "2020-04-22T20:52:06.070Z",
    "updated_at": "2022-05-29T18:55:36Z",
    "given_name": "Amelia",
    "family_name": "Earhart",
    "email_address": "Amelia.Earhart@example.com",
    "phone_number": "+1-212-555-4240",
    "creation_source": "THIRD_PARTY",
    "preferences": {"email_unsubscribed": False},
    "group_ids": ["2TAT3CMH4Q0A9M87XJZED0WMR3", "GHW0ZG7WAFS5JYJAEKBMZRCAN"],
    "segment_ids": ["MLPSX5RO8F4GVKW10CL2HM0Q"],
    "version": 15,
}

# The 2022-03-16 migration note's unrecognized-field error (behaviour unrecognized-field).
UNRECOGNIZED_FIELD_ERROR: dict[str, Any] = {
    "errors": [
        {
            "code": "BAD_REQUEST",
            "detail": "The field named 'bogus' is unrecognized (line 4, character 9)",
            "field": "bogus",
            "category": "INVALID_REQUEST_ERROR",
        }
    ]
}

# The pre-2022-03-16 idempotency-key reuse error (behaviour idempotency-key-reuse).
KEY_REUSE_ERROR: dict[str, Any] = {
    "errors": [{"code": "INVALID_VALUE", "detail": "name", "category": "INVALID_REQUEST_ERROR"}]
}


def test_square_group_example_validates() -> None:
    """Square's group example is a valid CustomerGroup and CreateCustomerGroup response."""
    assert validate("CustomerGroup", GROUP) == []
    for op in ("CreateCustomerGroup", "RetrieveCustomerGroup", "UpdateCustomerGroup"):
        assert validate_response(op, 200, {"group": GROUP}) == []
    assert validate_response("ListCustomerGroups", 200, {"groups": [GROUP], "cursor": "c1"}) == []


def test_customer_with_group_ids_validates() -> None:
    """A profile with group_ids, and with fields squarecheck does not know, is a valid Customer."""
    assert validate_response("RetrieveCustomer", 200, {"customer": CUSTOMER}) == []
    newer = {**CUSTOMER, "some_future_field": {"x": 1}}
    assert validate_response("SearchCustomers", 200, {"customers": [newer], "count": 1}) == []


def test_migration_note_error_bodies_validate() -> None:
    """Both migration-note error bodies are valid ErrorResponses for any non-2xx status."""
    assert validate("ErrorResponse", UNRECOGNIZED_FIELD_ERROR) == []
    assert validate_response("CreateCustomerGroup", 400, UNRECOGNIZED_FIELD_ERROR) == []
    assert validate_response("CreateCustomerGroup", 400, KEY_REUSE_ERROR) == []


@pytest.mark.parametrize(
    "operation",
    [
        "ListCustomerGroups",
        "DeleteCustomerGroup",
        "AddGroupToCustomer",
        "RemoveGroupFromCustomer",
        "ListCustomers",
        "DeleteCustomer",
        "SearchCustomers",
    ],
)
def test_empty_success_bodies_validate(operation: str) -> None:
    """An empty object is a valid success body where Square sends `{}` (no results, deletes)."""
    assert validate_response(operation, 200, {}) == []


def test_group_with_extra_field_fails() -> None:
    """An echoed unknown field in a response group fails, and the message names its path."""
    messages = validate_response("CreateCustomerGroup", 200, {"group": {**GROUP, "bogus": 1}})
    assert len(messages) == 1
    assert messages[0].startswith("$.group: ")
    assert "bogus" in messages[0]


def test_error_body_without_code_fails() -> None:
    """An error without `code`, or with an unknown category, breaks the envelope."""
    no_code = {"errors": [{"category": "INVALID_REQUEST_ERROR", "detail": "x"}]}
    messages = validate_response("RetrieveCustomerGroup", 404, no_code)
    assert messages == ["$.errors[0]: 'code' is a required property"]
    wrong = {"errors": [{"category": "OOPS", "code": "NOT_FOUND"}]}
    assert validate("ErrorResponse", wrong)
    assert validate("ErrorResponse", {"errors": []})
    assert validate("ErrorResponse", {})


def test_success_body_with_errors_fails() -> None:
    """A 2xx body carrying `errors` fails, even beside a valid payload or as `{}` otherwise."""
    messages = validate_response("DeleteCustomerGroup", 200, KEY_REUSE_ERROR)
    assert messages == ["$: a success body must not carry 'errors'"]
    assert validate_response("CreateCustomerGroup", 200, {"group": GROUP, **KEY_REUSE_ERROR})
    assert validate_response("ListCustomerGroups", 200, {"errors": []})


@pytest.mark.parametrize(
    "stamp",
    [
        "2022-02-16T20:53:33",  # no offset
        "2022-02-16 20:53:33Z",  # space instead of T
        "2022-13-01T00:00:00Z",  # month 13
        "2022-02-30T00:00:00Z",  # no such day
        "2022-02-16T24:00:00Z",  # hour 24
        "1645044813",
    ],
)
def test_non_rfc3339_created_at_fails(stamp: str) -> None:
    """A created_at that is not an RFC 3339 date-time fails validation."""
    messages = validate("CustomerGroup", {**GROUP, "created_at": stamp})
    assert len(messages) == 1
    assert messages[0].startswith("$.created_at: ")


def test_rfc3339_variants_pass() -> None:
    """Second and sub-second precision, offsets and a leap second are RFC 3339."""
    for stamp in ("2022-02-16T20:53:33Z", "2022-02-16T20:53:33.175+01:00", "2016-12-31T23:59:60Z"):
        assert is_rfc3339(stamp), stamp
    assert not is_rfc3339("2022-02-16T20:53:33+25:00")


def test_empty_or_duplicated_group_ids_fail() -> None:
    """group_ids is absent rather than empty, and lists each group once."""
    assert validate("Customer", {**CUSTOMER, "group_ids": []})
    assert validate("Customer", {**CUSTOMER, "group_ids": ["A", "A"]})


def test_returned_birthday_has_a_year() -> None:
    """A stored birthday comes back as YYYY-MM-DD, year 0000 when none was given."""
    assert validate("Customer", {**CUSTOMER, "birthday": "0000-05-16"}) == []
    assert validate("Customer", {**CUSTOMER, "birthday": "05-16"})


def test_create_group_request_refuses_unknown_fields() -> None:
    """CreateCustomerGroup and UpdateCustomerGroup bodies allow no unknown field at either level."""
    body = {"idempotency_key": "k", "group": {"name": "a"}}
    assert validate_request("CreateCustomerGroup", body) == []
    assert validate_request("CreateCustomerGroup", {"group": {"name": "a"}, "bogus": 1})
    assert validate_request("UpdateCustomerGroup", {"group": {"name": "a", "bogus": 1}})
    assert validate_request("UpdateCustomerGroup", {"group": {}})
    assert validate_request("CreateCustomerGroup", {"group": {"name": ""}})


def test_query_parameter_ranges() -> None:
    """List limits are 1-50 for groups and 1-100 for customers; sort values are enums."""
    assert validate_request("ListCustomerGroups", {"limit": 50}) == []
    assert validate_request("ListCustomerGroups", {"limit": 0})
    assert validate_request("ListCustomerGroups", {"limit": 51})
    assert validate_request("ListCustomers", {"limit": 100, "sort_field": "CREATED_AT"}) == []
    assert validate_request("ListCustomers", {"sort_order": "UP"})
    assert validate_request("DeleteCustomer", {"version": 3}) == []
    assert validate_request("AddGroupToCustomer", None) == []


def test_customer_requests() -> None:
    """CreateCustomer needs a name, company, email or phone; UpdateCustomer may null fields."""
    assert validate_request("CreateCustomer", {"given_name": "Amelia"}) == []
    assert validate_request("CreateCustomer", {"note": "no name"})
    assert validate_request("CreateCustomer", {"given_name": "x" * 301})
    assert validate_request("CreateCustomer", {"given_name": "A", "birthday": "05-16"}) == []
    assert validate_request("CreateCustomer", {"given_name": "A", "birthday": "00-00"})
    assert validate_request("UpdateCustomer", {"nickname": None, "version": 2}) == []
    assert validate_request("UpdateCustomer", {})
    query: dict[str, Any] = {
        "query": {"filter": {"group_ids": {"any": ["G1"], "none": ["G2"]}}},
        "limit": 10,
    }
    assert validate_request("SearchCustomers", query) == []
    bad = copy.deepcopy(query)
    bad["query"]["filter"]["group_ids"]["some"] = ["G3"]
    assert validate_request("SearchCustomers", bad)


def test_operations_come_from_openapi() -> None:
    """operations() maps each operationId to its method and path template."""
    ops = operations()
    assert len(ops) == 27
    assert ops["CalculateOrder"] == ("POST", "/v2/orders/calculate")
    assert ops["AddGroupToCustomer"] == ("PUT", "/v2/customers/{customer_id}/groups/{group_id}")
    assert ops["SearchCustomers"] == ("POST", "/v2/customers/search")
    assert ops["DeleteCustomerGroup"] == ("DELETE", "/v2/customers/groups/{group_id}")


def test_unknown_names_raise() -> None:
    """An unknown operation or schema name is a programming error, not an empty result."""
    with pytest.raises(KeyError):
        validate_response("ListWidgets", 200, {})
    with pytest.raises(KeyError):
        validate("Widget", {})
    assert "CustomerGroup" in schema_names()


def test_bundled_openapi_is_self_contained_and_fresh() -> None:
    """bundled_openapi() inlines every schema and hands out a copy callers may change."""
    doc = bundled_openapi()
    assert "CustomerGroup" in doc["components"]["schemas"]
    assert "$id" not in doc["components"]["schemas"]["CustomerGroup"]
    doc["paths"].clear()
    assert bundled_openapi()["paths"]
