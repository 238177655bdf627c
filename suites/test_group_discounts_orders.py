"""An order's own discounts and taxes, in Square's order of application (family group-discounts).

behaviour order-explicit-discounts, discount-application-order, order-taxes (Square's spec and
its CalculateOrder and CreateOrder examples, specs/examples/orders.json; the Orders guides);
auto-apply-taxes (https://developer.squareup.com/docs/orders-api/apply-taxes-and-discounts/auto-apply-taxes);
discount-phase-order, order-discount-split, order-limits, order-currency-mismatch,
order-unknown-catalog-object (assumed). CreateOrder's example is sent to CalculateOrder, which
prices the same body without creating an order. Taxes applied automatically are judged by the
check's own TAX objects only (another check's may reach an ad-hoc line too).
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status
from squarecheck.checks.discounts import Shop, amount, discount_applies
from squarecheck.checks.examples import (
    example,
    example_catalog,
    same_amounts,
    sent_uids,
    with_ids,
)

Json = dict[str, Any]


def _ad_hoc(shop: Shop, price: int, quantity: str = "1", **extra: Any) -> Json:
    name = shop.check.new_name("adhoc")
    return {"name": name, "quantity": quantity, "base_price_money": shop.money(price), **extra}


def _priced(shop: Shop, lines: list[Json], **order: Any) -> Json:
    body = {**shop.order(lines, auto=None), **order}
    resp = shop.check.judge(shop.check.client.calculate_order(body))
    expect_status(resp, 200, "from CalculateOrder")
    priced: Json = resp.body["order"]
    return priced


def _applied(order: Json, uid: str) -> int:
    return sum(
        amount(d.get("applied_money")) for d in order.get("discounts") or [] if d.get("uid") == uid
    )


def _example_figures(check: Check, operation: str) -> tuple[Json, Json]:
    """Square's example of `operation` priced by CalculateOrder: (observed, Square's) figures."""
    shop = Shop.open(check)
    mapped: dict[str, str] = {}
    if operation == "CreateOrder":
        objects = example_catalog()
        for obj in objects:
            data = next(v for k, v in obj.items() if k.endswith("_data"))
            data["name"] = check.new_name(str(data["name"]).split()[0].lower())
        mapped = shop.created(*objects)
    case = example(operation)
    request = with_ids(case["request"], shop.location_id, mapped)
    resp = check.judge(check.client.calculate_order(request["order"]))
    expect_status(resp, 200, f"for Square's {operation} example")
    return same_amounts(resp.body["order"], case["response"]["order"], sent_uids(request))


@pytest.mark.check("order-explicit-discounts", "CalculateOrder", "Square's CalculateOrder example")
def test_calculate_example(check: Check) -> None:
    """Square's example (50% of the order over 500 and 2 x 300) comes back line by line."""
    observed, expected = _example_figures(check, "CalculateOrder")
    check.observe(discounts=observed.get("discounts"))
    expect_equal("the example's amounts", expected, observed, check.judged)


@pytest.mark.check("order-explicit-discounts", "CalculateOrder", "rounding, amounts, variables")
def test_explicit(check: Check) -> None:
    """10% of three 5-cent lines takes 1 (rounded once, on the order); $1 off a line of two
    takes 100 (once per line); a catalog VARIABLE_PERCENTAGE takes the order's 20% of 1000."""
    shop = Shop.open(check)
    data = {"name": check.new_name("var"), "discount_type": "VARIABLE_PERCENTAGE"}
    variable = {"type": "DISCOUNT", "id": "#v", "discount_data": {**data, "percentage": "0"}}
    ids = shop.created(variable)
    cases: list[tuple[str, list[Json], Json, int]] = [
        ("an ORDER percentage", [_ad_hoc(shop, 5)] * 3,
         {"uid": "d", "percentage": "10", "scope": "ORDER"}, 1),
        ("a LINE_ITEM amount", [_ad_hoc(shop, 500, "2", applied_discounts=[{"discount_uid": "d"}])],
         {"uid": "d", "amount_money": shop.money(100), "scope": "LINE_ITEM"}, 100),
        ("a VARIABLE_PERCENTAGE", [_ad_hoc(shop, 1000)],
         {"uid": "d", "catalog_object_id": ids["#v"], "percentage": "20", "scope": "ORDER"}, 200),
    ]  # fmt: skip
    taken = {}
    for what, lines, entry, wanted in cases:
        order = _priced(shop, lines, discounts=[entry])
        taken[what] = _applied(order, "d")
        expect_equal(f"what {what} took", wanted, taken[what], check.judged)
    check.observe(applied=taken)


@pytest.mark.check("discount-application-order", "CalculateOrder", "Square's CreateOrder example")
def test_create_example_discounts(check: Check) -> None:
    """0.5% then 5% of what is left, then $1: 30, 303, 100 (87 and 346 per line)."""
    observed, expected = _example_figures(check, "CreateOrder")
    check.observe(discounts=observed.get("discounts"))
    expect_equal(
        "the example's discounts", expected["discounts"], observed.get("discounts"), check.judged
    )
    per_line = [line.get("total_discount_money") for line in observed.get("lines") or []]
    wanted = [line["total_discount_money"] for line in expected["lines"]]
    expect_equal("the example's discount per line", wanted, per_line, check.judged)


@pytest.mark.check("discount-application-order", "CalculateOrder", "a percentage and an amount")
def test_percentage_before_amount(check: Check) -> None:
    """100 off listed before 10% on one line of 1000: the 10% comes first, 800 is left."""
    shop = Shop.open(check)
    refs = [{"discount_uid": "off"}, {"discount_uid": "ten"}]
    discounts = [
        {"uid": "off", "amount_money": shop.money(100), "scope": "LINE_ITEM"},
        {"uid": "ten", "percentage": "10", "scope": "LINE_ITEM"},
    ]
    order = _priced(shop, [_ad_hoc(shop, 1000, applied_discounts=refs)], discounts=discounts)
    check.observe(total=amount(order.get("total_money")))
    expect_equal("the order's total", 800, amount(order.get("total_money")), check.judged)


@pytest.mark.check("discount-phase-order", "CalculateOrder", "a catalog and an ad-hoc percentage")
def test_phase_order(check: Check) -> None:
    """A catalog 10% and an ad-hoc 5% on one line of 999 take what the table's example says."""
    shop = Shop.open(check)
    ids = shop.created(shop.percent("#ten", "10"))
    example_case = check.expect["example"]
    discounts = [
        {"uid": "adhoc", "percentage": "5", "scope": "LINE_ITEM"},
        {"uid": "catalog", "catalog_object_id": ids["#ten"], "scope": "LINE_ITEM"},
    ]
    refs = [{"discount_uid": "adhoc"}, {"discount_uid": "catalog"}]
    line = _ad_hoc(shop, int(example_case["gross"]), applied_discounts=refs)
    order = _priced(shop, [line], discounts=discounts)
    taken = {"catalog": _applied(order, "catalog"), "ad_hoc": _applied(order, "adhoc")}
    check.observe(**taken)
    wanted = {"catalog": example_case["catalog"], "ad_hoc": example_case["ad_hoc"]}
    expect_equal("what each discount took", wanted, taken, check.judged)


@pytest.mark.check("order-discount-split", "CalculateOrder", "100 off three equal lines")
def test_split(check: Check) -> None:
    """An ORDER amount of 100 over three lines of 1000 is shared as the table says."""
    shop = Shop.open(check)
    entry = {"uid": "d", "amount_money": shop.money(100), "scope": "ORDER"}
    order = _priced(shop, [_ad_hoc(shop, 1000) for _ in range(3)], discounts=[entry])
    shares = [amount(line.get("total_discount_money")) for line in order.get("line_items") or []]
    check.observe(shares=shares)
    expect_equal("each line's share", check.expect["shares"], shares, check.judged)


@pytest.mark.check("order-taxes", "CalculateOrder", "Square's CreateOrder example")
def test_create_example_taxes(check: Check) -> None:
    """9% after the discounts: 136 and 374 (510), totals 1648, 4528 and 6176."""
    observed, expected = _example_figures(check, "CreateOrder")
    check.observe(taxes=observed.get("taxes"))
    expect_equal("the example's amounts", expected, observed, check.judged)


@pytest.mark.check("order-taxes", "CalculateOrder", "an INCLUSIVE tax")
def test_inclusive_tax(check: Check) -> None:
    """A 9% INCLUSIVE tax on 1090 is 90; the line's total stays 1090."""
    shop = Shop.open(check)
    tax = {"uid": "t", "percentage": "9", "type": "INCLUSIVE", "scope": "ORDER"}
    order = _priced(shop, [_ad_hoc(shop, 1090)], taxes=[tax])
    figures = (amount(order.get("total_tax_money")), amount(order.get("total_money")))
    check.observe(tax=figures[0], total=figures[1])
    expect_equal("(tax, total)", (90, 1090), figures, check.judged)


@pytest.mark.check("auto-apply-taxes", "CalculateOrder", "an item's tax and a custom-amount tax")
def test_auto_taxes(check: Check) -> None:
    """auto_apply_taxes: the item's 10% reaches its line, a custom-amount 5% the ad-hoc line."""
    shop = Shop.open(check)
    taxes = shop.created(
        shop.tax("#item-tax", "10"), shop.tax("#custom", "5", applies_to_custom_amounts=True)
    )
    taxed = shop.item("#a", 1000)
    taxed["item_data"]["tax_ids"] = [taxes["#item-tax"]]
    ids = shop.created(taxed)
    order = _priced(
        shop,
        [shop.line(ids["#a-v"]), _ad_hoc(shop, 500)],
        pricing_options={"auto_apply_taxes": True},
    )
    mine = {e.get("uid"): e.get("catalog_object_id") for e in order.get("taxes") or []}
    seen = [
        {mine[a["tax_uid"]]: amount(a.get("applied_money")) for a in line.get("applied_taxes") or []
         if mine.get(a.get("tax_uid")) in taxes.values()}
        for line in order.get("line_items") or []
    ]  # fmt: skip
    applies = check.expect["applies"] == "when-enabled"
    check.observe(taxed=[bool(s) for s in seen])
    wanted = [{taxes["#item-tax"]: 100}, {taxes["#custom"]: 25}] if applies else [{}, {}]
    expect_equal("the check's taxes per line", wanted, seen, check.judged)


@pytest.mark.check("order-limits", "CalculateOrder", "too many lines, a total past an int64")
def test_limits(check: Check) -> None:
    """One line too many is ARRAY_LENGTH_TOO_LONG; a total past 2^63 - 1 is VALUE_TOO_HIGH (or
    the table's codes)."""
    shop = Shop.open(check)
    expect = check.expect
    too_many = [_ad_hoc(shop, 1) for _ in range(int(expect["max_line_items"]) + 1)]
    too_much = [_ad_hoc(shop, 9007199254740991, "999999")]
    codes = []
    for lines, code in ((too_many, expect["code"]), (too_much, expect["amount_code"])):
        resp = check.judge(check.client.calculate_order(shop.order(lines, auto=None)))
        codes.append(resp.error_code)
        expect_error(resp, status=expect["status"], code=code, category=expect["category"])
    check.observe(codes=codes)


@pytest.mark.check(
    "order-currency-mismatch", "CalculateOrder", "a rule's DISCOUNT in another currency"
)
def test_rule_in_another_currency(check: Check) -> None:
    """A rule whose FIXED_AMOUNT is in another currency discounts nothing; the same in the
    location's currency does."""
    shop = Shop.open(check)
    other = "EUR" if shop.currency != "EUR" else "USD"
    foreign = shop.amount_off("#far", 100)
    foreign["discount_data"]["amount_money"] = {"amount": 100, "currency": other}
    ids = shop.created(
        shop.item("#a", 1000), shop.item("#b", 1000), foreign, shop.amount_off("#near", 100),
        shop.product_set("#sa", product_ids_any=["#a"]),
        shop.product_set("#sb", product_ids_any=["#b"]),
        shop.rule("#ra", "#far", "#sa"), shop.rule("#rb", "#near", "#sb"),
    )  # fmt: skip
    applies = discount_applies(check, grouped=False)
    lines = [shop.line(ids["#a-v"]), shop.line(ids["#b-v"])]
    order = shop.settled(lambda: shop.priced(lines), applies, "the local rule never applied")
    shares = shop.shares(order)
    check.observe(shares=shares)
    expect_equal(
        "discount per line (other currency, own)", [0, 100 if applies else 0], shares, check.judged
    )


@pytest.mark.check("order-unknown-catalog-object", "CalculateOrder", "a discount naming nothing")
def test_unknown_discount(check: Check) -> None:
    """An order discount whose catalog_object_id names nothing is refused as the table says."""
    shop = Shop.open(check)
    entry = {"uid": "d", "catalog_object_id": check.unknown_id(), "scope": "ORDER"}
    body = {**shop.order([_ad_hoc(shop, 500)], auto=None), "discounts": [entry]}
    resp = check.judge(check.client.calculate_order(body))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
