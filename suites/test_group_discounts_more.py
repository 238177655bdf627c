"""Group discounts: the rows where Square is mostly silent (family group-discounts).

Behaviours customer-group-ids-any-release, pricing-rule-stacking (Square's seller help: one
automatic discount per item, the most favourable), order-unknown-customer,
order-currency-mismatch, create-order-idempotency, catalog-batch-failure-status and
catalog-delete-referenced; every expectation comes from the table under the check's version.
Rules here name the check's own item only, so other checks' lines cannot be discounted.
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status
from squarecheck.checks.discounts import Shop, discount_applies

Json = dict[str, Any]


def _error_or_ok(check: Check, resp: Any) -> None:
    """The answer the table expects: its status, and its code when that is an error."""
    expect = check.expect
    if expect["status"] == 200:
        expect_status(resp, 200)
        return
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check(
    "customer-group-ids-any-release", "UpsertCatalogObject", "the field exists once released"
)
def test_release(check: Check) -> None:
    """A rule's customer_group_ids_any is kept from its release (beta or GA) on."""
    shop = Shop.open(check)
    group = shop.own_group()
    ids = shop.group_discount([group])
    resp = check.judge(check.client.retrieve_catalog_object(ids["#rule"]))
    expect_status(resp, 200, "retrieving the rule")
    stored = (resp.body["object"].get("pricing_rule_data") or {}).get("customer_group_ids_any")
    check.observe(echoed=stored is not None)
    wanted = None if check.expect["release"] == "none" else [group]
    expect_equal("pricing_rule_data.customer_group_ids_any", wanted, stored, resp)


@pytest.mark.check("pricing-rule-stacking", "CalculateOrder", "two rules on one item")
def test_stacking(check: Check) -> None:
    """10% and 150 off both match one item of 1000: only the more favourable (150) applies."""
    shop = Shop.open(check)
    ids = shop.created(
        shop.item("#item", 1000),
        shop.percent("#ten", "10"),
        shop.amount_off("#off", 150),
        shop.product_set("#set", product_ids_any=["#item"]),
        shop.rule("#r1", "#ten", "#set"),
        shop.rule("#r2", "#off", "#set"),
    )
    applies = discount_applies(check, grouped=False)
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])]), applies, "the rules never applied"
    )
    mine = [d for d in order.get("discounts") or [] if d.get("pricing_rule_id") in shop.rules]
    check.observe(entries=len(mine))
    shop.expect_discount(order, 150 if applies else 0, "the discount of two rules")
    if applies:
        expect_equal("rules applied to the item", [ids["#r2"]],
                     [d.get("pricing_rule_id") for d in mine], check.judged)  # fmt: skip


@pytest.mark.check("order-unknown-customer", "CalculateOrder", "a customer_id of nobody")
def test_unknown_customer(check: Check) -> None:
    """An order whose customer_id names no customer is priced, or refused, as the table says."""
    shop = Shop.open(check)
    line = {"name": check.new_name("adhoc"), "quantity": "1", "base_price_money": shop.money(500)}
    _error_or_ok(check, check.judge(shop.calculate([line], check.unknown_id())))


@pytest.mark.check("order-currency-mismatch", "CalculateOrder", "a line in another currency")
def test_currency_mismatch(check: Check) -> None:
    """A line priced in another currency than the location's is refused."""
    shop = Shop.open(check)
    other = "EUR" if shop.currency != "EUR" else "USD"
    money = {"amount": 500, "currency": other}
    line = {"name": check.new_name("adhoc"), "quantity": "1", "base_price_money": money}
    _error_or_ok(check, check.judge(shop.calculate([line])))


@pytest.mark.check("create-order-idempotency", "CreateOrder", "a reused CreateOrder key")
def test_create_order_key(check: Check) -> None:
    """The same body replays the order; another body is refused or replayed, as the table says."""
    if not check.client.conn.create_orders:
        pytest.skip("needs --create-orders against a remote target (orders cannot be deleted)")
    shop = Shop.open(check)
    line = {"name": check.new_name("adhoc"), "quantity": "1", "base_price_money": shop.money(500)}
    key = check.new_key()
    first = check.client.create_order(shop.order([line]), key)
    expect_status(first, 200, "creating the order")
    again = check.judge(check.client.create_order(shop.order([line]), key))
    expect_status(again, check.expect["status"])
    expect_equal("replayed order id", first.body["order"]["id"], again.body["order"]["id"], again)
    other = check.judge(check.client.create_order(shop.order([line, line]), key))
    if check.expect["other_body"] == "rejected":
        expect_error(other, status=400, code=check.expect["code"])
        return
    expect_equal("order id for another body", first.body["order"]["id"], other.body["order"]["id"])


@pytest.mark.check(
    "catalog-batch-failure-status", "BatchUpsertCatalogObjects", "one of two batches fails"
)
def test_batch_failure(check: Check) -> None:
    """400 with the failed batch's own error, or a BAD_REQUEST naming the batch."""
    shop = Shop.open(check)
    bad = shop.product_set("#bad", product_ids_any=[check.unknown_id()], all_products=True)
    alone = shop.upsert([bad])
    expect_status(alone, 400, "for the bad batch alone")
    resp = check.judge(shop.upsert([shop.percent("#good", "10")], [bad]))
    shop.adopt()  # the good batch is written, but not listed in the error answer
    if check.expect["error"] == "batch":
        expect_error(resp, status=check.expect["status"], code=alone.error_code)
        return
    expect_error(resp, status=check.expect["status"], code="BAD_REQUEST", field="batches[1]")


@pytest.mark.check("catalog-delete-referenced", "DeleteCatalogObject", "a rule's DISCOUNT")
def test_delete_referenced(check: Check) -> None:
    """Deleting a rule's DISCOUNT ends the rule's discount, or is refused and the rule applies."""
    shop = Shop.open(check)
    ids = shop.group_discount(None)
    applies = discount_applies(check, grouped=False)
    shop.settled(lambda: shop.priced([shop.line(ids["#item-v"])]), applies, "no rule discount")
    resp = check.judge(check.client.delete_catalog_object(ids["#disc"]))
    _error_or_ok(check, resp)
    still = applies and check.expect["status"] != 200
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])]), still, "the discount did not end"
    )
    shop.expect_discount(order, 100 if still else 0, "discount after deleting the DISCOUNT")
