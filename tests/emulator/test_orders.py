"""Emulated Orders pricing over HTTP: group discounts, matching, money, versions, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.commerce import (
    CALCULATE,
    batch_upsert,
    group_discount,
    item,
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
from tests.support.emulator import Api, error_of


def test_member_gets_the_group_discount(new_api: Api) -> None:
    """10% off a 1000 item for a member: discount entry, line share and totals agree."""
    customer, group = member(new_api)
    ids = group_discount(new_api, group)
    priced = order(new_api, [line(ids["#item-v"])], customer)
    (discount,) = priced["discounts"]
    assert discount["pricing_rule_id"] == ids["#rule"]
    assert discount["catalog_object_id"] == ids["#disc"]
    assert (discount["scope"], discount["type"], discount["percentage"]) == (
        "LINE_ITEM", "FIXED_PERCENTAGE", "10",
    )  # fmt: skip
    assert discount["applied_money"] == money(100)
    (sold,) = priced["line_items"]
    assert sold["applied_discounts"][0]["discount_uid"] == discount["uid"]
    assert (sold["gross_sales_money"], sold["total_discount_money"]) == (money(1000), money(100))
    assert sold["total_money"] == priced["total_money"] == money(900)
    assert priced["net_amounts"]["discount_money"] == priced["total_discount_money"] == money(100)
    assert priced["net_amounts"]["total_money"] == money(900)
    assert "id" not in priced and priced["state"] == "OPEN"


def test_who_pays_full_price(new_api: Api) -> None:
    """A non-member, an order without customer, and a removed member pay full price."""
    customer, group = member(new_api)
    ids = group_discount(new_api, group)
    outsider = new_api.customer()["id"]
    lines = [line(ids["#item-v"])]
    assert total(order(new_api, lines, outsider)) == 1000
    assert total(order(new_api, lines)) == 1000
    assert total(order(new_api, lines, "NO-SUCH-CUSTOMER")) == 1000
    assert total(order(new_api, lines, customer)) == 900
    new_api.ok("DELETE", f"/v2/customers/{customer}/groups/{group}")
    assert "discounts" not in order(new_api, lines, customer)


def test_deleting_the_group_ends_the_discount(new_api: Api) -> None:
    """After DeleteCustomerGroup its former member pays full price."""
    customer, group = member(new_api)
    ids = group_discount(new_api, group)
    new_api.ok("DELETE", f"/v2/customers/groups/{group}")
    assert total(order(new_api, [line(ids["#item-v"])], customer)) == 1000


def test_rules_without_groups_and_with_two_groups(new_api: Api) -> None:
    """No groups: anyone; two groups: a member of either."""
    first, second = new_api.group()["id"], new_api.group()["id"]
    in_second = new_api.customer()["id"]
    new_api.ok("PUT", f"/v2/customers/{in_second}/groups/{second}")
    ids = batch_upsert(
        new_api,
        item("#a", 1000),
        item("#b", 2000),
        percent("#d", "10"),
        product_set("#sa", product_ids_any=["#a"]),
        product_set("#sb", product_ids_any=["#b"]),
        rule("#anyone", "#d", "#sa"),
        rule("#either", "#d", "#sb", customer_group_ids_any=[first, second]),
    )
    both = [line(ids["#a-v"]), line(ids["#b-v"])]
    assert total(order(new_api, both)) == 2900
    assert total(order(new_api, both, in_second)) == 2700


@pytest.mark.parametrize("auto", [False, None])
def test_no_auto_apply_no_discount(new_api: Api, auto: bool | None) -> None:
    """auto_apply_discounts false, or no pricing_options at all, leaves the price alone."""
    customer, group = member(new_api)
    ids = group_discount(new_api, group)
    assert total(order(new_api, [line(ids["#item-v"])], customer, auto=auto)) == 1000


def test_product_set_matching(new_api: Api) -> None:
    """Variation, item, category and all_products match; another product and ad-hoc lines do not."""
    ids = batch_upsert(
        new_api,
        {"type": "CATEGORY", "id": "#cat", "category_data": {"name": "Drinks"}},
        {
            **item("#tea", 1000, "Tea"),
            "item_data": {**item("#tea", 1000, "Tea")["item_data"], "categories": [{"id": "#cat"}]},
        },
        item("#cake", 500, "Cake"),
    )
    ad_hoc = {"name": "Tip jar", "quantity": "1", "base_price_money": money(300)}
    for target in (ids["#tea-v"], ids["#tea"], ids["#cat"]):
        rules = batch_upsert(
            new_api,
            percent("#d", "10"),
            product_set("#s", product_ids_any=[target]),
            rule("#r", "#d", "#s"),
        )
        priced = order(new_api, [line(ids["#tea-v"]), line(ids["#cake-v"]), ad_hoc])
        assert [m["total_money"]["amount"] for m in priced["line_items"]] == [900, 500, 300]
        new_api.ok("DELETE", f"/v2/catalog/object/{rules['#r']}")
    batch_upsert(
        new_api, percent("#d", "10"), product_set("#s", all_products=True), rule("#r", "#d", "#s")
    )
    priced = order(new_api, [line(ids["#tea-v"]), line(ids["#cake-v"]), ad_hoc])
    assert [m["total_money"]["amount"] for m in priced["line_items"]] == [900, 450, 300]


def test_product_ids_all_and_quantities(new_api: Api) -> None:
    """product_ids_all needs every product; quantity_exact is the size of a match set."""
    ids = batch_upsert(new_api, item("#a", 1000), item("#b", 1000))
    batch_upsert(
        new_api,
        percent("#d", "10"),
        product_set("#s", product_ids_all=[ids["#a"], ids["#b"]]),
        rule("#r", "#d", "#s"),
    )
    assert total(order(new_api, [line(ids["#a-v"])])) == 1000
    assert total(order(new_api, [line(ids["#a-v"]), line(ids["#b-v"])])) == 1800
    exact = batch_upsert(new_api, item("#c", 100))
    batch_upsert(
        new_api,
        percent("#d", "50"),
        product_set("#s", product_ids_any=[exact["#c"]], quantity_exact=2),
        rule("#r", "#d", "#s"),
    )
    assert total(order(new_api, [line(exact["#c-v"], "1")])) == 100
    assert total(order(new_api, [line(exact["#c-v"], "2")])) == 100
    assert total(order(new_api, [line(exact["#c-v"], "3")])) == 200  # one set of two, one left
    assert total(order(new_api, [line(exact["#c-v"], "4")])) == 200  # two sets of two


def test_money_rounding_caps_and_fixed_amounts(new_api: Api) -> None:
    """10% of 915 takes 91; a cap limits a line; a fixed amount is taken per unit."""
    ids = batch_upsert(
        new_api,
        item("#a", 915),
        item("#b", 10000),
        item("#c", 1000),
        percent("#ten", "10"),
        percent("#half", "50", maximum_amount_money=money(2000)),
        {
            "type": "DISCOUNT",
            "id": "#off",
            "discount_data": {"discount_type": "FIXED_AMOUNT", "amount_money": money(150)},
        },
        product_set("#sa", product_ids_any=["#a"]),
        product_set("#sb", product_ids_any=["#b"]),
        product_set("#sc", product_ids_any=["#c"]),
        rule("#ra", "#ten", "#sa"),
        rule("#rb", "#half", "#sb"),
        rule("#rc", "#off", "#sc"),
    )
    priced = order(new_api, [line(ids["#a-v"]), line(ids["#b-v"]), line(ids["#c-v"], "2")])
    assert [m["total_discount_money"]["amount"] for m in priced["line_items"]] == [91, 2000, 300]
    assert priced["total_money"]["amount"] == 915 + 10000 + 2000 - 2391
    fixed = next(d for d in priced["discounts"] if d["type"] == "FIXED_AMOUNT")
    assert fixed["amount_money"] == money(150) and fixed["applied_money"] == money(300)


def test_date_window_is_inclusive(new_api: Api) -> None:
    """A rule applies on its first and last day, not before or after."""
    today = datetime.now(UTC).date()
    ids = batch_upsert(new_api, item("#i", 1000))
    windows = {
        (today, today): 900,
        (today + timedelta(days=2), None): 1000,
        (None, today - timedelta(days=2)): 1000,
    }
    for (start, end), expected in windows.items():
        dates = {k: str(v) for k, v in (("valid_from_date", start), ("valid_until_date", end)) if v}
        made = batch_upsert(
            new_api,
            percent("#d", "10"),
            product_set("#s", all_products=True),
            rule("#r", "#d", "#s", **dates),
        )
        assert total(order(new_api, [line(ids["#i-v"])])) == expected
        new_api.ok("DELETE", f"/v2/catalog/object/{made['#r']}")


def test_blocklist_keeps_the_discount_off_one_line(new_api: Api) -> None:
    """The line blocking the rule's discount pays full price; the other line is discounted."""
    ids = group_discount(new_api, new_api.group()["id"])
    batch_upsert(
        new_api, percent("#d", "10"), product_set("#s", all_products=True), rule("#r", "#d", "#s")
    )
    discount_id = next(
        o["id"]
        for o in new_api.ok("GET", "/v2/catalog/list", params={"types": "DISCOUNT"})["objects"]
        if o["id"] != ids["#disc"]
    )
    blocked = line(
        ids["#item-v"],
        pricing_blocklists={"blocked_discounts": [{"discount_catalog_object_id": discount_id}]},
    )
    priced = order(new_api, [blocked, line(ids["#item-v"])])
    assert [m["total_money"]["amount"] for m in priced["line_items"]] == [1000, 900]


@pytest.mark.parametrize(("version", "expected"), [("2020-06-25", 1000), ("2020-07-22", 900)])
def test_auto_apply_exists_from_2020_07_22(
    server: EmulatorServer, version: str, expected: int
) -> None:
    """Before 2020-07-22 pricing_options is ignored and not echoed; from then rules apply."""
    api = Api(server.url, version)
    ids = batch_upsert(
        api,
        item("#i", 1000),
        percent("#d", "10"),
        product_set("#s", all_products=True),
        rule("#r", "#d", "#s"),
    )
    priced = order(api, [line(ids["#i-v"])])
    assert total(priced) == expected
    assert ("pricing_options" in priced) is (expected == 900)
    api.close()


def _calculate_error(api: Api, body: dict[str, Any]) -> tuple[int, str, str]:
    response = api.request("POST", CALCULATE, json={"order": body})
    error = error_of(response)
    return response.status_code, error["code"], error.get("field", "")


def test_order_errors(new_api: Api) -> None:
    """Unknown location or variation, no price, bad quantity, other currency, unmodelled field."""
    ids = batch_upsert(new_api, item("#i", 1000))
    here = location_id(new_api)
    ad_hoc = {"name": "x", "quantity": "1", "base_price_money": money(5)}
    cases: list[tuple[dict[str, Any], tuple[int, str, str]]] = [
        ({"location_id": "NOWHERE"}, (404, "NOT_FOUND", "order.location_id")),
        (
            {"location_id": here, "line_items": [line("NOPE")]},
            (404, "NOT_FOUND", "order.line_items[0].catalog_object_id"),
        ),
        (
            {"location_id": here, "line_items": [{"name": "x", "quantity": "1"}]},
            (400, "MISSING_REQUIRED_PARAMETER", "order.line_items[0].base_price_money"),
        ),
        (
            {"location_id": here, "line_items": [line(ids["#i-v"], "0")]},
            (400, "INVALID_VALUE", "order.line_items[0].quantity"),
        ),
        (
            {"location_id": here, "line_items": [line(ids["#i-v"], "one")]},
            (400, "INVALID_VALUE", "order.line_items[0].quantity"),
        ),
        (
            {
                "location_id": here,
                "line_items": [{**ad_hoc, "base_price_money": {"amount": 5, "currency": "EUR"}}],
            },
            (400, "CURRENCY_MISMATCH", "order.line_items[0].base_price_money.currency"),
        ),
        (
            {"location_id": here, "service_charges": [{"name": "service"}]},
            (400, "BAD_REQUEST", "order.service_charges"),
        ),
        ({"line_items": [ad_hoc]}, (400, "MISSING_REQUIRED_PARAMETER", "order.location_id")),
    ]
    for body, expected in cases:
        assert _calculate_error(new_api, body) == expected, body


def test_create_and_retrieve_order(new_api: Api) -> None:
    """CreateOrder prices like CalculateOrder, stores the order, and replays a reused key."""
    customer, group = member(new_api)
    ids = group_discount(new_api, group)
    body = {
        "location_id": location_id(new_api),
        "customer_id": customer,
        "line_items": [line(ids["#item-v"])],
        "pricing_options": {"auto_apply_discounts": True},
    }
    created = new_api.ok("POST", "/v2/orders", json={"order": body, "idempotency_key": "o1"})[
        "order"
    ]
    assert created["id"] and total(created) == 900
    assert new_api.ok("GET", f"/v2/orders/{created['id']}")["order"] == created
    assert (
        new_api.ok("POST", "/v2/orders", json={"order": body, "idempotency_key": "o1"})["order"]
        == created
    )
    other = new_api.request(
        "POST", "/v2/orders", json={"order": {**body, "reference_id": "r"}, "idempotency_key": "o1"}
    )
    assert error_of(other)["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert new_api.request("GET", "/v2/orders/NOPE").status_code == 404


def test_locations(new_api: Api) -> None:
    """One ACTIVE main location, retrievable by id and as `main`; others are 404."""
    (location,) = new_api.ok("GET", "/v2/locations")["locations"]
    assert location["status"] == "ACTIVE" and location["currency"] == "USD"
    assert new_api.ok("GET", "/v2/locations/main")["location"] == location
    assert new_api.ok("GET", f"/v2/locations/{location['id']}")["location"] == location
    missing = new_api.request("GET", "/v2/locations/NOWHERE")
    assert missing.status_code == 404 and error_of(missing)["code"] == "NOT_FOUND"


@pytest.mark.parametrize("state", ["COMPLETED", "CANCELED", "DRAFT"])
def test_update_order_names_an_unmodelled_state(new_api: Api, state: str) -> None:
    """A state Square takes and the emulator does not model is refused by name (BAD_REQUEST on
    `order.state`), not called an invalid value; OPEN, the state every order keeps, is taken;
    a state of no one's is an invalid enum value."""
    body = {"location_id": location_id(new_api), "line_items": [line_ad_hoc()]}
    created = new_api.ok("POST", "/v2/orders", json={"order": body, "idempotency_key": state})
    order_id, version = created["order"]["id"], created["order"]["version"]
    path = f"/v2/orders/{order_id}"
    refused = new_api.request("PUT", path, json={"order": {"version": version, "state": state}})
    error = error_of(refused)
    assert (refused.status_code, error["code"], error.get("field")) == (
        400,
        "BAD_REQUEST",
        "order.state",
    )
    assert "does not model" in error["detail"]
    kept = new_api.ok("PUT", path, json={"order": {"version": version, "state": "OPEN"}})
    assert kept["order"]["state"] == "OPEN"
    lost = new_api.request("PUT", path, json={"order": {"version": version + 1, "state": "LOST"}})
    assert error_of(lost)["code"] == "INVALID_ENUM_VALUE"  # no state of Square's either


def line_ad_hoc() -> dict[str, Any]:
    """An ad-hoc line: a name and a price, no catalog object."""
    return {"name": "x", "quantity": "1", "base_price_money": money(5)}
