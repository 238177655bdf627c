"""UpdateOrder: sparse updates, fields_to_clear, pricing again (family group-discounts).

behaviour update-order-sparse (https://developer.squareup.com/docs/orders-api/manage-orders/update-orders
and the UpdateOrder example of Square's spec), update-order-fields-to-clear (spec-head
UpdateOrderRequest), update-order-repricing
(https://developer.squareup.com/docs/orders-api/apply-taxes-and-discounts/auto-apply-discounts),
update-order-idempotency (the update-orders guide), update-order-version-mismatch (assumed).
Orders cannot be deleted, so against a remote target these run only with --create-orders.
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status
from squarecheck.checks.discounts import Shop, amount, discount_applies
from squarecheck.checks.examples import example, same_amounts

Json = dict[str, Any]


@pytest.fixture(autouse=True)
def _orders_allowed(check: Check) -> None:
    if not check.client.conn.create_orders:
        pytest.skip("needs --create-orders against a remote target (orders cannot be deleted)")


def _coffee(shop: Shop, **extra: Any) -> Json:
    return {"name": shop.check.new_name("coffee"), "quantity": "1",
            "base_price_money": shop.money(500), **extra}  # fmt: skip


def _created(shop: Shop, order: Json) -> Json:
    resp = shop.check.client.create_order(order, shop.check.new_key())
    expect_status(resp, 200, "creating the order")
    created: Json = resp.body["order"]
    return created


def _update(
    shop: Shop, created: Json, sparse: Json, clear: list[str] | None = None, key: str | None = None
) -> Any:
    body = {"version": created.get("version"), **sparse}
    return shop.check.client.update_order(
        str(created["id"]), body, key or shop.check.new_key(), clear
    )


@pytest.mark.check("update-order-sparse", "UpdateOrder", "Square's UpdateOrder example")
def test_example(check: Check) -> None:
    """A COOKIE line added and discounts cleared: both lines, total 900, version 2."""
    shop = Shop.open(check)
    sale = {"uid": "sale", "percentage": "10", "scope": "ORDER"}
    created = _created(shop, {**shop.order([_coffee(shop)], auto=None), "discounts": [sale]})
    case = example("UpdateOrder")
    request = case["request"]
    resp = check.judge(_update(shop, created, {"line_items": request["order"]["line_items"]},
                               request["fields_to_clear"]))  # fmt: skip
    expect_status(resp, check.expect["status"])
    order = resp.body["order"]
    observed, expected = same_amounts(order, case["response"]["order"], set())
    check.observe(total=amount(order.get("total_money")))
    expect_equal("the example's amounts", expected, observed, resp)
    expect_equal("version", int(created["version"]) + 1, order.get("version"), resp)
    uids = [line.get("uid") for line in order.get("line_items") or []]
    expect_equal("the added line's uid", "cookie_uid", uids[-1] if uids else None, resp)


@pytest.mark.check("update-order-fields-to-clear", "UpdateOrder", "discounts and a line's note")
def test_fields_to_clear(check: Check) -> None:
    """Clearing `discounts` removes the ORDER discount (the total goes back to 500) and clearing
    `line_items[uid].note` removes the note."""
    shop = Shop.open(check)
    half = {"uid": "half", "percentage": "50", "scope": "ORDER"}
    line = _coffee(shop, uid="coffee", note="extra hot")
    created = _created(shop, {**shop.order([line], auto=None), "discounts": [half]})
    resp = check.judge(_update(shop, created, {}, ["discounts", "line_items[coffee].note"]))
    expect_status(resp, check.expect["status"])
    order = resp.body["order"]
    note = (order.get("line_items") or [{}])[0].get("note")
    check.observe(total=amount(order.get("total_money")), note=note is not None)
    expect_equal("total without the discount", 500, amount(order.get("total_money")), resp)
    expect_equal("discounts", [], order.get("discounts") or [], resp)
    expect_equal("the line's note", None, note, resp)


@pytest.mark.check("update-order-repricing", "UpdateOrder", "a line added to a discounted order")
def test_repricing(check: Check) -> None:
    """A line added by UpdateOrder gets the rule's discount and the totals follow."""
    shop = Shop.open(check)
    ids = shop.group_discount(None)
    applies = discount_applies(check, grouped=False)
    shop.settled(lambda: shop.priced([shop.line(ids["#item-v"])]), applies, "no rule discount")
    created = _created(shop, shop.order([shop.line(ids["#item-v"], uid="first")]))
    resp = check.judge(
        _update(shop, created, {"line_items": [shop.line(ids["#item-v"], "2", uid="more")]})
    )
    expect_status(resp, check.expect["status"])
    order = resp.body["order"]
    check.observe(discount=shop.discount(order))
    expect_equal(
        "the rule's discount on three units", 300 if applies else 0, shop.discount(order), resp
    )
    expect_equal("total", 2700 if applies else 3000, amount(order.get("total_money")), resp)


@pytest.mark.check("update-order-idempotency", "UpdateOrder", "the same key twice")
def test_idempotency(check: Check) -> None:
    """The same key again answers 200 with the order as it is: the line is added once."""
    shop = Shop.open(check)
    created = _created(shop, shop.order([_coffee(shop)], auto=None))
    key = check.new_key()
    first = _update(shop, created, {"line_items": [_coffee(shop)]}, key=key)
    expect_status(first, 200, "for the first update")
    again = check.judge(_update(shop, created, {"line_items": [_coffee(shop)]}, key=key))
    expect_status(again, check.expect["status"])
    order = again.body["order"]
    check.observe(lines=len(order.get("line_items") or []))
    expect_equal("lines after the same update twice", 2, len(order.get("line_items") or []), again)
    expect_equal("version", first.body["order"].get("version"), order.get("version"), again)


@pytest.mark.check("update-order-version-mismatch", "UpdateOrder", "a stale version")
def test_stale_version(check: Check) -> None:
    """An update naming a version the order has left is refused; the order is unchanged."""
    shop = Shop.open(check)
    created = _created(shop, shop.order([_coffee(shop)], auto=None))
    expect_status(_update(shop, created, {"reference_id": "one"}), 200, "for the first update")
    resp = check.judge(_update(shop, created, {"reference_id": "two"}))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
    kept = check.client.retrieve_order(str(created["id"]))
    expect_equal(
        "reference_id after the refused update", "one", kept.body["order"].get("reference_id"), kept
    )
