"""Customer request bodies are typed by their schemas in specs/, over HTTP and in the core."""

from __future__ import annotations

import pytest

from squarecheck.emulator.core import schemacheck
from squarecheck.emulator.core.errors import SquareError
from tests.support.emulator import Api, error_of


def test_a_read_only_group_field_of_the_wrong_type_is_refused(api: Api) -> None:
    """A group `id` that is not a string is EXPECTED_STRING, as the group schema types it."""
    response = api.request("POST", "/v2/customers/groups", json={"group": {"name": "x", "id": 5}})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == ("EXPECTED_STRING", "group.id")


def test_a_nested_address_member_is_typed_by_the_address_schema(api: Api) -> None:
    """`address.locality` of 5 is EXPECTED_STRING naming the nested field."""
    response = api.request(
        "POST", "/v2/customers", json={"given_name": "a", "address": {"locality": 5}}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == ("EXPECTED_STRING", "address.locality")


def test_a_nullable_value_names_the_type_besides_null() -> None:
    """UpdateCustomer's nullable `address` given a number asks for an object, not for null."""
    with pytest.raises(SquareError) as raised:
        schemacheck.check_shape("UpdateCustomerRequest", {"address": 5})
    assert (raised.value.code, raised.value.field) == ("EXPECTED_OBJECT", "address")
    schemacheck.check_shape("UpdateCustomerRequest", {"address": None, "given_name": None})


def test_a_shape_check_leaves_values_lengths_and_unknown_fields_to_the_table() -> None:
    """Lengths, patterns, required fields and unknown fields pass the shape check."""
    schemacheck.check_shape(
        "CreateCustomerRequest",
        {"given_name": "x" * 1000, "phone_number": "not a phone", "sqc_unknown": 1},
    )
