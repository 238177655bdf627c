"""Catalog and Orders under the generic request rows, and under another table's assumed choices.

The generic rows (content-type-ignored, invalid-json-body, body-not-object, wrong-value-type,
unknown-route, unsupported-method) are written for the customer endpoints; the emulator applies
them to every operation with a body. The emulator asks the table for every choice where Square
is silent, so a table making the other plausible choice gives a server that makes it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table, table_from
from tests.support.commerce import (
    CALCULATE,
    CATALOG,
    batch_upsert,
    item,
    key,
    line,
    location_id,
    member,
    money,
    order,
    percent,
    product_set,
    rule,
    total,
)
from tests.support.emulator import NEW, Api, error_of

INVALID = "INVALID_REQUEST_ERROR"
BODY_OPERATIONS = [
    ("POST", f"{CATALOG}/object"),
    ("POST", f"{CATALOG}/batch-upsert"),
    ("POST", f"{CATALOG}/batch-retrieve"),
    ("POST", f"{CATALOG}/batch-delete"),
    ("POST", f"{CATALOG}/search"),
    ("POST", CALCULATE),
    ("POST", "/v2/orders"),
]
#: the other plausible choice of each assumed commerce row (as tests/support/alternative_table.py)
OTHER: dict[str, dict[str, Any]] = {
    "catalog-version-mismatch": {"status": 409, "code": "CONFLICT", "category": INVALID},
    "catalog-update-missing-object": {"status": 400, "code": "BAD_REQUEST", "category": INVALID},
    "catalog-retrieve-deleted": {"status": 400, "code": "INVALID_VALUE", "category": INVALID},
    "catalog-delete-referenced": {"status": 400, "code": "INVALID_VALUE", "category": INVALID},
    "catalog-batch-failure-status": {"status": 400, "error": "generic"},
    "catalog-idempotency-key-reused": {"status": 409, "code": "CONFLICT", "category": INVALID},
    "order-unknown-location": {"status": 400, "code": "INVALID_VALUE", "category": INVALID},
    "order-unknown-customer": {"status": 404, "code": "NOT_FOUND", "category": INVALID},
    "create-order-idempotency": {"status": 200, "outcome": "replay", "other_body": "replayed"},
    "discount-fixed-amount": {"per": "line"},
    "discount-rounding": {"rounds": "discount-half-down", "examples": []},
    "all-products-ad-hoc-lines": {"discounted": True},
    "rule-discount-entries": {"scope": "LINE_ITEM", "entries": "per-line"},
}
UNRECOGNIZED_REFUSED = {"outcome": "rejected", "status": 400, "code": "BAD_REQUEST"}


def _other_table() -> Any:
    raw = copy.deepcopy(load_table().raw)
    for row in raw["behaviours"]:
        if row["id"] in OTHER:
            row["initial"]["expect"] = OTHER[row["id"]]
        if row["id"] == "catalog-orders-unrecognized-field":
            row["changes"][-1]["expect"] = UNRECOGNIZED_REFUSED
    return table_from(raw)


@pytest.fixture(scope="module")
def other_server() -> Iterator[EmulatorServer]:
    """An emulator following the other choices."""
    server = EmulatorServer(port=0)
    server.config = dataclasses.replace(server.config, table=_other_table())
    with server:
        yield server


@pytest.fixture
def other(other_server: EmulatorServer) -> Iterator[Api]:
    """A fresh seller of that emulator."""
    client = Api(other_server.url, NEW)
    yield client
    client.close()


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS)
def test_broken_json_is_bad_request_with_its_place(new_api: Api, method: str, path: str) -> None:
    """A body that is not JSON is 400 BAD_REQUEST naming line and character, as elsewhere."""
    response = new_api.request(method, path, content=b"cardholder_name=x")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "BAD_REQUEST"
    assert error["detail"].endswith("(line 1, character 1)")


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS)
def test_a_body_that_is_no_object_is_expected_json_body(
    new_api: Api, method: str, path: str
) -> None:
    """A JSON array body is 400 EXPECTED_JSON_BODY (behaviour body-not-object)."""
    response = new_api.request(method, path, json=[])
    assert response.status_code == 400
    assert error_of(response)["code"] == "EXPECTED_JSON_BODY"


def test_content_type_is_not_looked_at(new_api: Api) -> None:
    """A valid JSON upsert sent as a form is processed like any other."""
    body = {"idempotency_key": key(), "object": percent("#d", "10")}
    response = new_api.request(
        "POST",
        f"{CATALOG}/object",
        content=httpx.Request("POST", "/", json=body).content,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert response.json()["catalog_object"]["type"] == "DISCOUNT"


def test_a_value_of_the_wrong_type_is_expected_type(new_api: Api) -> None:
    """A number where the idempotency key is a string is 400 EXPECTED_STRING naming the field."""
    response = new_api.request(
        "POST", f"{CATALOG}/object", json={"idempotency_key": 5, "object": percent("#d", "1")}
    )
    error = error_of(response)
    assert (response.status_code, error["code"]) == (400, "EXPECTED_STRING")
    assert error["field"] == "idempotency_key"


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", f"{CATALOG}/object"), ("GET", "/v2/orders"), ("PUT", "/v2/locations")],
)
def test_a_wrong_method_is_the_routing_404(new_api: Api, method: str, path: str) -> None:
    """A known commerce path with another method is 404 NOT_FOUND naming path and method."""
    response = new_api.request(method, path)
    error = error_of(response)
    assert (response.status_code, error["code"]) == (404, "NOT_FOUND")
    assert error["detail"] == (
        f"API endpoint for URL path `{path}` and HTTP method `{method}` is not found."
    )


def test_other_table_codes_for_catalog_writes(other: Api) -> None:
    """Stale versions, missing objects, reused keys and deleted objects get the table's codes."""
    created = other.ok(
        "POST", f"{CATALOG}/object", json={"idempotency_key": "k1", "object": percent("#d", "10")}
    )
    discount = created["catalog_object"]
    stale = {**discount, "version": 1}
    response = other.request(
        "POST", f"{CATALOG}/object", json={"idempotency_key": key(), "object": stale}
    )
    assert (response.status_code, error_of(response)["code"]) == (409, "CONFLICT")
    missing = {**discount, "id": "NO-SUCH-OBJECT"}
    response = other.request(
        "POST", f"{CATALOG}/object", json={"idempotency_key": key(), "object": missing}
    )
    assert (response.status_code, error_of(response)["code"]) == (400, "BAD_REQUEST")
    reused = {"idempotency_key": "k1", "object": percent("#d", "20")}
    response = other.request("POST", f"{CATALOG}/object", json=reused)
    assert (response.status_code, error_of(response)["code"]) == (409, "CONFLICT")
    other.ok("DELETE", f"{CATALOG}/object/{discount['id']}")
    response = other.request("GET", f"{CATALOG}/object/{discount['id']}")
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID_VALUE")


def test_other_table_refuses_deleting_what_a_rule_uses(other: Api) -> None:
    """A DISCOUNT a live rule uses cannot be deleted; the rule keeps applying."""
    ids = batch_upsert(
        other, item("#item", 1000), percent("#disc", "10"),
        product_set("#set", product_ids_any=["#item"]), rule("#rule", "#disc", "#set"),
    )  # fmt: skip
    response = other.request("DELETE", f"{CATALOG}/object/{ids['#disc']}")
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID_VALUE")
    assert total(order(other, [line(ids["#item-v"])])) == 900


def test_other_table_answers_a_partly_failed_batch_with_a_generic_error(other: Api) -> None:
    """A batch upsert whose second batch fails is 400 BAD_REQUEST naming it; the first is kept."""
    bad = {"type": "PRICING_RULE", "id": "#r", "pricing_rule_data": {"discount_id": "X"}}
    body = {
        "idempotency_key": key(),
        "batches": [{"objects": [percent("#ok", "5")]}, {"objects": [bad]}],
    }
    response = other.request("POST", f"{CATALOG}/batch-upsert", json=body)
    error = error_of(response)
    assert (response.status_code, error["code"], error["field"]) == (
        400,
        "BAD_REQUEST",
        "batches[1]",
    )
    listed = other.ok("GET", f"{CATALOG}/list", params={"types": "discount"})["objects"]
    assert [o["discount_data"]["percentage"] for o in listed] == ["5"]


def test_other_table_prices_with_its_choices(other: Api) -> None:
    """Fixed amounts per line, half-down rounding, no stacking, one entry per rule and line."""
    ids = batch_upsert(
        other, item("#item", 925),
        percent("#ten", "10"),
        {"type": "DISCOUNT", "id": "#off", "discount_data": {
            "name": "off", "discount_type": "FIXED_AMOUNT", "amount_money": money(150)}},
        product_set("#set", product_ids_any=["#item"]),
        rule("#r1", "#ten", "#set"), rule("#r2", "#off", "#set"),
    )  # fmt: skip
    priced = order(other, [line(ids["#item-v"], "2"), line(ids["#item-v"])])
    # 10% of 1850 is 185 and of 925 is 92 (92.5 half down); 150 once per line; the larger wins
    assert [li["total_discount_money"]["amount"] for li in priced["line_items"]] == [185, 150]
    rules = [d["pricing_rule_id"] for d in priced["discounts"]]
    assert sorted(rules) == sorted([ids["#r1"], ids["#r2"]])


def test_other_table_discounts_ad_hoc_lines_and_refuses_unknown_customers(other: Api) -> None:
    """all_products reaches an ad-hoc line; an unknown customer_id is 404 NOT_FOUND."""
    customer, group = member(other)
    batch_upsert(
        other, percent("#disc", "10"), product_set("#all", all_products=True),
        rule("#rule", "#disc", "#all", customer_group_ids_any=[group]),
    )  # fmt: skip
    ad_hoc = {"name": "extra", "quantity": "1", "base_price_money": money(500)}
    assert total(order(other, [ad_hoc], customer)) == 450
    body = {
        "order": {
            "location_id": location_id(other),
            "customer_id": "NOBODY",
            "line_items": [ad_hoc],
        }
    }
    response = other.request("POST", CALCULATE, json=body)
    assert (response.status_code, error_of(response)["code"]) == (404, "NOT_FOUND")


def test_other_table_orders_location_and_replays(other: Api) -> None:
    """An unknown location is 400 INVALID_VALUE; a reused CreateOrder key replays the first."""
    ad_hoc = {"name": "extra", "quantity": "1", "base_price_money": money(500)}
    response = other.request(
        "POST", CALCULATE, json={"order": {"location_id": "NOWHERE", "line_items": [ad_hoc]}}
    )
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID_VALUE")
    first: dict[str, Any] = {
        "idempotency_key": "o1",
        "order": {"location_id": location_id(other), "line_items": [ad_hoc]},
    }
    created = other.ok("POST", "/v2/orders", json=first)["order"]
    second = copy.deepcopy(first)
    second["order"]["reference_id"] = "another"
    assert other.ok("POST", "/v2/orders", json=second)["order"]["id"] == created["id"]


def test_other_table_refuses_unrecognized_fields_with_their_place(other: Api) -> None:
    """From 2022-03-16 an unknown field in a catalog body is 400 naming it, line and character."""
    text = (
        '{"idempotency_key": "k9",\n "object": {"type": "DISCOUNT", "id": "#d", "sqc_x": 1,\n'
        ' "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "5"}}}'
    )
    response = other.request(
        "POST",
        f"{CATALOG}/object",
        content=text.encode(),
        headers={"Content-Type": "application/json"},
    )
    error = error_of(response)
    assert (response.status_code, error["code"], error["field"]) == (400, "BAD_REQUEST", "sqc_x")
    assert error["detail"] == "The field named 'sqc_x' is unrecognized (line 2, character 45)"
