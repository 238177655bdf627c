"""Hostile orders and rules: bounded pricing, no seller held up, int64 totals, references, currency.

Each test fails on the emulator before the pricing engine (every rule stacked on every line
inside the store's lock, on the event loop; no line cap; totals unbounded; rules naming
anything; a EUR discount taken off a USD order) and passes after.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from squarecheck.emulator.server import EmulatorServer
from tests.support.commerce import (
    CALCULATE,
    batch_upsert,
    item,
    key,
    line,
    location_id,
    money,
    order,
    percent,
    product_set,
    rule,
    total,
)
from tests.support.emulator import NEW, Api

Json = dict[str, Any]
INT53 = 9007199254740991  # the largest amount a request's schema takes


def _ad_hoc(amount: int, quantity: str = "1") -> Json:
    return {"name": "x", "quantity": quantity, "base_price_money": money(amount)}


def _calculate(api: Api, lines: list[Json], **extra: Any) -> Any:
    body = {"location_id": location_id(api), "line_items": lines, **extra}
    return api.request("POST", CALCULATE, json={"order": body})


def _many_rules(api: Api, rules: int) -> str:
    """An item and `rules` rules all matching it; its variation id."""
    ids = batch_upsert(api, item("#i", 1000), product_set("#s", product_ids_any=["#i"]))
    objects: list[Json] = []
    for r in range(rules):
        objects += [percent(f"#d{r}", str(1 + r % 40)), rule(f"#r{r}", f"#d{r}", ids["#s"])]
    batch_upsert(api, *objects)
    return ids["#i-v"]


def test_order_line_items_are_capped(new_api: Api) -> None:
    """1,001 lines are 400 ARRAY_LENGTH_TOO_LONG on order.line_items; 1,000 are priced."""
    refused = _calculate(new_api, [_ad_hoc(1)] * 1001)
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert (error["code"], error["field"]) == ("ARRAY_LENGTH_TOO_LONG", "order.line_items")
    assert _calculate(new_api, [_ad_hoc(1)] * 1000).status_code == 200


def test_many_rules_on_many_lines_answer_one_discount_a_line(new_api: Api) -> None:
    """1,000 lines matched by 60 rules: each line carries one automatic discount, the best."""
    variation = _many_rules(new_api, 60)
    priced = order(new_api, [line(variation, str(1 + i % 3)) for i in range(1000)])
    applied = [len(li.get("applied_discounts") or []) for li in priced["line_items"]]
    assert set(applied) == {1}
    best = [d for d in priced["discounts"] if d["percentage"] == "40"]
    assert len(priced["discounts"]) == 1 and len(best) == 1


def test_one_seller_never_holds_another_up(server: EmulatorServer) -> None:
    """While one seller's large order is priced, another seller's request is answered: the
    small answer arrives before the large one starts."""
    heavy, light = Api(server.url, NEW), Api(server.url, NEW)
    variation = _many_rules(heavy, 150)
    lines = [line(variation, str(1 + i % 3)) for i in range(1000)]
    body = {"location_id": location_id(heavy), "line_items": lines,
            "pricing_options": {"auto_apply_discounts": True}}  # fmt: skip
    location_id(light)
    finished: dict[str, float] = {}
    statuses: list[int] = []

    def price_heavy() -> None:
        with httpx.Client(base_url=server.url, timeout=600) as client:
            request = {"order": body}
            with client.stream("POST", CALCULATE, json=request, headers=heavy.headers()) as answer:
                finished["heavy"] = time.monotonic()  # priced: its answer has begun
                statuses.append(answer.status_code)
                answer.read()

    worker = threading.Thread(target=price_heavy)
    worker.start()
    time.sleep(0.3)  # the large request is under way
    assert total(order(light, [_ad_hoc(500)])) == 500
    finished["light"] = time.monotonic()
    worker.join(timeout=600)
    assert statuses == [200]
    assert finished["light"] < finished["heavy"]
    heavy.close()
    light.close()


def test_totals_past_an_int64_are_refused_not_500(new_api: Api) -> None:
    """A line, or an order of lines, totalling past 2^63 - 1 is 400 VALUE_TOO_HIGH naming it."""
    line_over = _calculate(new_api, [_ad_hoc(INT53, "999999")])
    assert line_over.status_code == 400
    assert line_over.json()["errors"][0]["code"] == "VALUE_TOO_HIGH"
    assert line_over.json()["errors"][0]["field"] == "order.line_items[0].quantity"
    order_over = _calculate(new_api, [_ad_hoc(INT53, "1000")] * 1000)
    assert order_over.status_code == 400
    assert order_over.json()["errors"][0]["field"] == "order.total_money"
    taxed = _calculate(
        new_api,
        [_ad_hoc(INT53, "1000")],
        taxes=[{"uid": "t", "percentage": "999", "scope": "ORDER"}],
    )
    assert (taxed.status_code, taxed.json()["errors"][0]["code"]) == (400, "VALUE_TOO_HIGH")


def test_rules_naming_what_the_seller_does_not_have_are_refused(server: EmulatorServer) -> None:
    """A rule naming another seller's DISCOUNT, a missing product set, an object of another
    type or an unknown group is 400 INVALID_VALUE naming the field; nothing is written."""
    seller_a, seller_b = Api(server.url, NEW), Api(server.url, NEW)
    theirs = batch_upsert(seller_a, percent("#d", "10"))["#d"]
    mine = batch_upsert(seller_b, product_set("#s", all_products=True), percent("#d", "10"))
    cases = [
        (rule("#r", theirs, mine["#s"]), "pricing_rule_data.discount_id"),
        (rule("#r", mine["#d"], "NOTHING"), "pricing_rule_data.match_products_id"),
        (rule("#r", mine["#s"], mine["#s"]), "pricing_rule_data.discount_id"),
        (rule("#r", mine["#d"], mine["#s"], customer_group_ids_any=["G"]),
         "pricing_rule_data.customer_group_ids_any[0]"),
        (product_set("#p", product_ids_any=[theirs]), "product_set_data.product_ids_any[0]"),
    ]  # fmt: skip
    for obj, field in cases:
        answer = seller_b.request(
            "POST", "/v2/catalog/object", json={"idempotency_key": key(), "object": obj}
        )
        assert answer.status_code == 400, obj
        error = answer.json()["errors"][0]
        assert (error["code"], error["field"]) == ("INVALID_VALUE", f"object.{field}")
    listed = seller_b.ok("GET", "/v2/catalog/list", params={"types": "PRICING_RULE"})
    assert listed == {}
    seller_a.close()
    seller_b.close()


def test_a_eur_discount_never_applies_to_a_usd_order(new_api: Api) -> None:
    """A rule's EUR amount, cap or minimum never applies to a USD order; an order's own EUR
    discount is 400 CURRENCY_MISMATCH."""
    euros = {"amount": 100, "currency": "EUR"}
    eur_off = {"type": "DISCOUNT", "id": "#eur", "discount_data": {
        "name": "eur", "discount_type": "FIXED_AMOUNT", "amount_money": euros}}  # fmt: skip
    capped = percent("#cap", "50", maximum_amount_money=euros)
    ids = batch_upsert(
        new_api, item("#i", 1000), eur_off, capped, percent("#ten", "10"),
        product_set("#s", product_ids_any=["#i"]),
        rule("#r1", "#eur", "#s"), rule("#r2", "#cap", "#s"),
        rule("#r3", "#ten", "#s", minimum_order_subtotal_money=euros),
    )  # fmt: skip
    assert total(order(new_api, [line(ids["#i-v"])])) == 1000
    own = [{"uid": "d", "amount_money": euros, "scope": "ORDER"}]
    refused = _calculate(new_api, [_ad_hoc(1000)], discounts=own)
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert (error["code"], error["field"]) == (
        "CURRENCY_MISMATCH",
        "order.discounts[0].amount_money.currency",
    )
