"""Customer-group discounts: what a rule matches and how much it takes (family group-discounts).

behaviour product-set-matching, product-set-all-and-quantities, discount-percentage-cap,
order-totals (spec-head: CatalogProductSet, CatalogDiscount, Order and OrderLineItem);
pricing-blocklists (https://developer.squareup.com/docs/orders-api/apply-taxes-and-discounts/auto-apply-discounts);
discount-rounding, discount-fixed-amount, all-products-ad-hoc-lines (assumed); the cap exists
from 2022-01-20 (spec history), earlier it is dropped like any unrecognized field.
Rules naming products have no groups; an `all_products` rule is limited to the check's own
group (and priced for its member), written under the newest version where the check's has no
group field, so that it cannot discount other checks' lines.
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import Check, expect_equal, expect_true
from squarecheck.checks.discounts import Shop, amount, discount_applies
from squarecheck.spec.table import load_table

Json = dict[str, Any]


def _rule_for(shop: Shop, discount: Json, **products: Any) -> dict[str, str]:
    """The discount, a product set and a rule; an all_products rule is for the own group only.

    Under a version without customer_group_ids_any (group-discount-eligibility) the group would
    be dropped and the rule discount every order of the seller while the check runs, so it is
    written under the newest version (pricing-version-independent): it never discounts another
    check's lines, nor, on a real account, anybody's order.
    """
    if not products.get("all_products"):
        rule = shop.rule("#rule", str(discount["id"]), "#set")
        return shop.created(discount, shop.product_set("#set", **products), rule)
    groups = {"customer_group_ids_any": [shop.own_group()]}
    rule = shop.rule("#rule", str(discount["id"]), "#set", **groups)
    written_under = None
    if not shop.check.expect_of("group-discount-eligibility")["echoed"]:
        shop.check.expect_of("pricing-version-independent")
        written_under = load_table().newest_version
    return shop.created(discount, shop.product_set("#set", **products), rule, version=written_under)


def _priced(shop: Shop, lines: list[Json], discounted: bool) -> Json:
    """Poll until the order is (or is not) discounted as the check's version says."""
    price = lambda: shop.priced(lines, shop.buyer)  # noqa: E731
    return shop.settled(price, discounted, "the rule never applied")


@pytest.mark.check("product-set-matching", "CalculateOrder", "a set naming the {target}")
@pytest.mark.parametrize("target", ["variation", "item", "category", "all_products"])
def test_matching(check: Check, target: str) -> None:
    """A set naming the variation, its item or its category, or all_products, matches the line."""
    shop = Shop.open(check)
    ids = shop.created(
        shop.category("#cat"), shop.item("#tea", 1000, category="#cat"), shop.item("#cake", 500)
    )
    choices: dict[str, dict[str, Any]] = {
        "variation": {"product_ids_any": [ids["#tea-v"]]},
        "item": {"product_ids_any": [ids["#tea"]]},
        "category": {"product_ids_any": [ids["#cat"]]},
        "all_products": {"all_products": True},
    }
    products = choices[target]
    _rule_for(shop, shop.percent("#disc", "10"), **products)
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, [shop.line(ids["#tea-v"]), shop.line(ids["#cake-v"])], applies)
    shares = shop.shares(order)
    check.observe(shares=shares)
    cake = 50 if applies and target == "all_products" else 0
    expect_equal(
        "the rule's discount per line (matched tea, other cake)",
        [100 if applies else 0, cake],
        shares,
        check.judged,
    )


@pytest.mark.check("product-set-all-and-quantities", "CalculateOrder", "{case}")
@pytest.mark.parametrize("case", ["product_ids_all", "quantity_min"])
def test_all_and_quantities(check: Check, case: str) -> None:
    """Nothing is discounted until every product_ids_all product, or quantity_min units, are in."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#a", 1000), shop.item("#b", 1000))
    if case == "product_ids_all":
        _rule_for(shop, shop.percent("#disc", "10"), product_ids_all=[ids["#a"], ids["#b"]])
        enough, short = [shop.line(ids["#a-v"]), shop.line(ids["#b-v"])], [shop.line(ids["#a-v"])]
    else:
        _rule_for(shop, shop.percent("#disc", "10"), product_ids_any=[ids["#a"]], quantity_min=2)
        enough, short = [shop.line(ids["#a-v"], "2")], [shop.line(ids["#a-v"])]
    applies = discount_applies(check, grouped=False)
    full = _priced(shop, enough, applies)
    expect_equal(
        "discount with the whole set", 200 if applies else 0, shop.discount(full), check.judged
    )
    partial = shop.priced(short, shop.buyer)
    check.observe(discounted=shop.discount(partial) > 0)
    expect_equal("discount with part of the set", 0, shop.discount(partial), check.judged)


@pytest.mark.check("all-products-ad-hoc-lines", "CalculateOrder", "an ad-hoc line")
def test_ad_hoc_line(check: Check) -> None:
    """all_products discounts a catalog line; an ad-hoc one as the table says."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#item", 1000))
    _rule_for(shop, shop.percent("#disc", "10"), all_products=True)
    ad_hoc = {"name": check.new_name("adhoc"), "quantity": "1", "base_price_money": shop.money(500)}
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, [shop.line(ids["#item-v"]), ad_hoc], applies)
    shares = shop.shares(order)
    check.observe(ad_hoc_discounted=shares[1] > 0)
    expect_equal(
        "the rule's discount per line (catalog, ad hoc)",
        [100 if applies else 0, 50 if applies and check.expect["discounted"] else 0],
        shares,
        check.judged,
    )


@pytest.mark.check("discount-percentage-cap", "CalculateOrder", "maximum_amount_money")
def test_cap(check: Check) -> None:
    """50% of 10000 with a 2000 cap takes 2000 (5000 while the field does not exist)."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#item", 10000))
    _rule_for(shop, shop.percent("#disc", "50", maximum=2000), product_ids_any=[ids["#item"]])
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, [shop.line(ids["#item-v"])], applies)
    capped = 2000 if check.expect["field"] == "present" else 5000
    check.observe(taken=shop.discount(order))
    shop.expect_discount(order, capped if applies else 0, "capped discount")


@pytest.mark.check("discount-fixed-amount", "CalculateOrder", "a fixed amount on two units")
def test_fixed_amount(check: Check) -> None:
    """150 off, on a line of two units, takes 300 (once per unit) or 150 (once per line)."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#item", 1000))
    _rule_for(shop, shop.amount_off("#disc", 150), product_ids_any=[ids["#item"]])
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, [shop.line(ids["#item-v"], "2")], applies)
    taken = 300 if check.expect["per"] == "unit" else 150
    shop.expect_discount(order, taken if applies else 0, "fixed-amount discount on two units")


@pytest.mark.check("discount-rounding", "CalculateOrder", "a percentage of {gross}")
@pytest.mark.parametrize("gross", [915, 925])
def test_rounding(check: Check, gross: int) -> None:
    """A percentage off a price with a half cent takes what the table's example says."""
    shop = Shop.open(check)
    case = next(c for c in check.expect["examples"] if c["gross"] == gross)
    ids = shop.created(shop.item("#item", int(case["gross"])))
    _rule_for(shop, shop.percent("#disc", str(case["percentage"])), product_ids_any=[ids["#item"]])
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, [shop.line(ids["#item-v"])], applies)
    shop.expect_discount(order, int(case["applied"]) if applies else 0, "rounded discount")


@pytest.mark.check("pricing-blocklists", "CalculateOrder", "a line blocking the discount")
def test_blocklist(check: Check) -> None:
    """The blocking line pays full price, the other line keeps the discount."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#item", 1000))
    rule = _rule_for(shop, shop.percent("#disc", "10"), all_products=True)
    block = {"blocked_discounts": [{"discount_catalog_object_id": rule["#disc"]}]}
    lines = [shop.line(ids["#item-v"], pricing_blocklists=block), shop.line(ids["#item-v"])]
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, lines, applies)
    shares = shop.shares(order)
    check.observe(shares=shares)
    blocked = 0 if check.expect["blocked"] or not applies else 100
    expect_equal(
        "the rule's discount per line (blocking, plain)",
        [blocked, 100 if applies else 0],
        shares,
        check.judged,
    )


def _sum(lines: list[Json], key: str) -> int:
    return sum(amount(line.get(key)) for line in lines)


def _shares(lines: list[Json], uid: Any = None) -> int:
    """Applied discounts of `lines` (only those of discount `uid`, when given)."""
    return sum(
        amount(a.get("applied_money"))
        for line in lines
        for a in line.get("applied_discounts") or []
        if uid is None or a.get("discount_uid") == uid
    )


@pytest.mark.check("order-totals", "CalculateOrder", "totals add up")
def test_totals(check: Check) -> None:
    """Line and order totals, applied discounts and net_amounts are consistent."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#a", 1250), shop.item("#b", 333))
    _rule_for(shop, shop.percent("#disc", "10"), product_ids_any=[ids["#a"]])
    applies = discount_applies(check, grouped=False)
    order = _priced(shop, [shop.line(ids["#a-v"], "3"), shop.line(ids["#b-v"], "2")], applies)
    lines = order.get("line_items") or []
    for index, line in enumerate(lines):
        gross, discount = (
            amount(line.get("gross_sales_money")),
            amount(line.get("total_discount_money")),
        )
        unit, quantity = amount(line.get("base_price_money")), int(str(line.get("quantity")))
        expect_equal(f"line {index} gross_sales", unit * quantity, gross)
        expect_equal(f"line {index} applied_discounts sum", discount, _shares([line]))
        total = gross - discount + amount(line.get("total_tax_money"))
        expect_equal(f"line {index} total_money", total, amount(line.get("total_money")))
        expect_true(
            isinstance(line.get("total_service_charge_money"), dict),
            f"line {index} has no total_service_charge_money",
        )
    net = order.get("net_amounts") or {}
    for key, net_key in (
        ("total_money", "total_money"),
        ("total_discount_money", "discount_money"),
        ("total_tax_money", "tax_money"),
    ):
        expect_equal(f"order {key}", _sum(lines, key), amount(order.get(key)))
        expect_equal(f"net_amounts.{net_key}", amount(order.get(key)), amount(net.get(net_key)))
    for entry in order.get("discounts") or []:
        shares = _shares(lines, entry.get("uid"))
        expect_equal("a discount's applied_money", shares, amount(entry.get("applied_money")))
    check.observe(consistent=True, discounted=shop.discount(order) > 0)
    expect_equal("the rule's discount", 375 if applies else 0, shop.discount(order), check.judged)
