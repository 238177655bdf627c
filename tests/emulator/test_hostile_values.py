"""Hostile values: a pattern never takes a final newline; 1e3 is the integer 1000 or refused."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest

from squarecheck.emulator.core.schemacheck import ecma_pattern
from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table, table_from
from tests.support.commerce import CALCULATE, CATALOG, batch_upsert, item, key, location_id, percent
from tests.support.emulator import NEW, Api, error_of


def _upsert_text(api: Api, text: str) -> Any:
    return api.request(
        "POST", f"{CATALOG}/object", content=text, headers={"Content-Type": "application/json"}
    )


def _refused(response: Any, code: str, field: str) -> None:
    assert response.status_code == 400, response.text[:300]
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field)


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (percent("#d", "10\n"), "object.discount_data.percentage"),
        (
            {"type": "PRICING_RULE", "id": "#r", "pricing_rule_data": {
                "discount_id": "D", "match_products_id": "S", "valid_from_date": "2024-01-01\n"}},
            "object.pricing_rule_data.valid_from_date",
        ),
        (
            {"type": "ITEM_VARIATION", "id": "#v", "item_variation_data": {"item_id": "I",
             "pricing_type": "FIXED_PRICING", "price_money": {"amount": 5, "currency": "USD\n"}}},
            "object.item_variation_data.price_money.currency",
        ),
    ],
)  # fmt: skip
def test_catalog_patterns_refuse_a_final_newline(
    new_api: Api, obj: dict[str, Any], field: str
) -> None:
    """A catalog value that matches its pattern but for a final newline is 400 INVALID_VALUE."""
    response = new_api.request("POST", f"{CATALOG}/object", json={"idempotency_key": key(),
                                                                  "object": obj})  # fmt: skip
    _refused(response, "INVALID_VALUE", field)


def test_order_quantity_refuses_a_final_newline(new_api: Api) -> None:
    """CalculateOrder with quantity "1\\n" is 400 INVALID_VALUE naming the quantity."""
    ids = batch_upsert(new_api, item("#i", 500))
    line = {"catalog_object_id": ids["#i-v"], "quantity": "1\n"}
    order = {"location_id": location_id(new_api), "line_items": [line]}
    response = new_api.request("POST", CALCULATE, json={"order": order})
    _refused(response, "INVALID_VALUE", "order.line_items[0].quantity")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"given_name": "A", "address": {"country": "US\n"}}, "INVALID_ENUM_VALUE",
         "address.country"),
        ({"given_name": "A", "birthday": "1990-02-03\n"}, "INVALID_VALUE", "birthday"),
        ({"given_name": "A", "phone_number": "+1 415 555 0100\n"}, None, "phone_number"),
    ],
)  # fmt: skip
def test_customer_checks_refuse_a_final_newline(
    new_api: Api, body: dict[str, Any], code: str | None, field: str
) -> None:
    """CreateCustomer refuses a country, birthday or phone number with a final newline."""
    response = new_api.request("POST", "/v2/customers", json=body)
    assert response.status_code == 400, response.text[:300]
    error = error_of(response)
    assert error["field"] == field
    if code is not None:
        assert error["code"] == code


@pytest.mark.parametrize(
    "bound", ["2024-01-01T00:00:00Z\n", " 2024-01-01T00:00:00Z", "２０２４-01-01T00:00:00Z"]
)
def test_time_bounds_refuse_blanks_and_other_digits(new_api: Api, bound: str) -> None:
    """A search time bound with a final newline, a blank or non-ASCII digits is INVALID_TIME;
    SearchCatalogObjects' begin_time is INVALID_VALUE."""
    search = {"query": {"filter": {"created_at": {"start_at": bound}}}}
    response = new_api.request("POST", "/v2/customers/search", json=search)
    _refused(response, "INVALID_TIME", "query.filter.created_at.start_at")
    response = new_api.request("POST", f"{CATALOG}/search", json={"begin_time": bound})
    _refused(response, "INVALID_VALUE", "begin_time")


@pytest.mark.parametrize(
    ("pattern", "accepted", "refused"),
    [
        ("^[0-9]+$", "12", "12\n"),
        (r"^a\$$", "a$", "a$\n"),
        ("^[$]x$", "$x", "$x\n"),
        ("^#", "#x\n", "x#"),
    ],
)
def test_patterns_end_where_ecma_262_says(pattern: str, accepted: str, refused: str) -> None:
    """`$` is the end of the string, not before a final newline; escaped or in a class, a `$`."""
    assert ecma_pattern(pattern).search(accepted)
    assert not ecma_pattern(pattern).search(refused)


@pytest.mark.parametrize("written", ["1e3", "1E3", "1000.0", "10000e-1", "1.0e+3"])
def test_an_integral_price_is_answered_as_the_integer(new_api: Api, written: str) -> None:
    """A price written 1e3, 1000.0 or 10000e-1 is stored and answered as the integer 1000."""
    text = json.dumps({"idempotency_key": key(), "object": item("#i", 987654)})
    response = _upsert_text(new_api, text.replace('"amount": 987654', f'"amount": {written}'))
    assert response.status_code == 200, response.text[:300]
    assert '"amount": 1000,' in response.text
    variation = response.json()["catalog_object"]["item_data"]["variations"][0]
    stored = new_api.ok("GET", f"{CATALOG}/object/{variation['id']}")["object"]
    amount = stored["item_variation_data"]["price_money"]["amount"]
    assert type(amount) is int and amount == 1000


def test_a_fraction_is_no_integer(new_api: Api) -> None:
    """A price written 1.5e0 is 400 EXPECTED_INTEGER naming the amount."""
    text = json.dumps({"idempotency_key": key(), "object": item("#i", 987654)})
    response = _upsert_text(new_api, text.replace('"amount": 987654', '"amount": 1.5e0'))
    field = "object.item_data.variations[0].item_variation_data.price_money.amount"
    _refused(response, "EXPECTED_INTEGER", field)


def test_an_integral_version_and_limit_are_integers(new_api: Api) -> None:
    """An update whose version is written as a float and a search limit of 1e0 work as integers."""
    created = new_api.ok("POST", f"{CATALOG}/object", json={"idempotency_key": key(),
                         "object": percent("#d", "10")})["catalog_object"]  # fmt: skip
    created["discount_data"]["percentage"] = "20"
    text = json.dumps({"idempotency_key": key(), "object": created})
    text = text.replace(f'"version": {created["version"]}', f'"version": {created["version"]}.0')
    updated = _upsert_text(new_api, text)
    assert updated.status_code == 200, updated.text[:300]
    batch_upsert(new_api, percent("#e", "5"))
    page = new_api.request("POST", f"{CATALOG}/search", content='{"limit": 1e0}',
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert len(page.json()["objects"]) == 1 and "cursor" in page.json()


@pytest.fixture(scope="module")
def strict_server() -> Iterator[EmulatorServer]:
    """A server whose table refuses 46.0 as an integer (the other choice of integral-numbers)."""
    raw = copy.deepcopy(load_table().raw)
    for row in raw["behaviours"]:
        if row["id"] == "integral-numbers":
            row["initial"]["expect"] = {"outcome": "rejected", "status": 400,
                                        "code": "EXPECTED_INTEGER"}  # fmt: skip
    server = EmulatorServer(port=0)
    server.config = dataclasses.replace(server.config, table=table_from(raw))
    with server:
        yield server


def test_a_table_that_refuses_integral_floats_refuses_them_in_the_catalog(
    strict_server: EmulatorServer,
) -> None:
    """Under a table that refuses 46.0, a price written 1e3 is 400 EXPECTED_INTEGER."""
    api = Api(strict_server.url, NEW)
    text = json.dumps({"idempotency_key": key(), "object": item("#i", 987654)})
    response = _upsert_text(api, text.replace('"amount": 987654', '"amount": 1e3'))
    field = "object.item_data.variations[0].item_variation_data.price_money.amount"
    _refused(response, "EXPECTED_INTEGER", field)
    assert _upsert_text(api, text).status_code == 200
    api.close()
