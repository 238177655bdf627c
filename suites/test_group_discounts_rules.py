"""Pricing rules as Square's spec describes them (family group-discounts).

behaviour product-set-repeated-match, product-set-nested, product-set-quantity-max,
product-set-exclusions, minimum-order-subtotal, pricing-rule-time-periods (spec-head
CatalogProductSet, CatalogPricingRule, CatalogTimePeriod; the cookbook's buy-two-get-one);
pricing-rule-local-times and pricing-version-independent (inferred); pricing-rule-references
(assumed). Rules name the check's own items only (or its own group), so other checks' lines are
never discounted; a check expecting no discount first sees a rule of the same kind apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status, expect_true
from squarecheck.checks.discounts import Shop, discount_applies
from squarecheck.spec.table import load_table

Json = dict[str, Any]
ALWAYS = "DTSTART:20200101T000000\nDURATION:PT24H\nRRULE:FREQ=DAILY"
NEVER_NOW = "DTSTART:20990101T000000\nDURATION:PT1H"


def _discount_of(
    check: Check, shop: Shop, items: list[tuple[str, int]], lines: list[tuple[str, str]],
    *objects: Json, customer: str | None = None,
) -> int:  # fmt: skip
    """Create `items` (client id, price) and `objects`; price `lines` (client id, quantity)."""
    ids = shop.created(*[shop.item(cid, price) for cid, price in items], *objects)
    applies = discount_applies(check, grouped=False)
    order = shop.settled(
        lambda: shop.priced([shop.line(ids[f"{cid}-v"], qty) for cid, qty in lines], customer),
        applies,
        "the rule never applied",
    )
    taken = shop.discount(order)
    check.observe(discounted=taken > 0)
    return taken


@pytest.mark.check("product-set-repeated-match", "CalculateOrder", "sets formed again and again")
def test_repeated_match(check: Check) -> None:
    """quantity_exact 1 on three units discounts three, quantity_exact 2 on five units four,
    product_ids_all [C, D] with two C and one D one of each."""
    shop = Shop.open(check)
    ids = shop.created(*[shop.item(cid, 1000) for cid in ("#a", "#b", "#c", "#d")])
    shop.created(
        shop.percent("#ten", "10"),
        shop.product_set("#one", product_ids_any=[ids["#a"]], quantity_exact=1),
        shop.product_set("#two", product_ids_any=[ids["#b"]], quantity_exact=2),
        shop.product_set("#both", product_ids_all=[ids["#c"], ids["#d"]]),
        shop.rule("#r1", "#ten", "#one"),
        shop.rule("#r2", "#ten", "#two"),
        shop.rule("#r3", "#ten", "#both"),
    )
    applies = discount_applies(check, grouped=False)
    lines = [
        shop.line(ids["#a-v"], "3"),
        shop.line(ids["#b-v"], "5"),
        shop.line(ids["#c-v"], "2"),
        shop.line(ids["#d-v"]),
    ]
    order = shop.settled(lambda: shop.priced(lines), applies, "the rules never applied")
    shares = shop.shares(order)
    check.observe(shares=shares)
    wanted = [300, 400, 100, 100] if applies else [0, 0, 0, 0]
    expect_equal("discount per line (3 A, 5 B, 2 C, 1 D)", wanted, shares, check.judged)


@pytest.mark.check("product-set-nested", "CalculateOrder", "an entree and side combo")
def test_nested_combo(check: Check) -> None:
    """A set of [entrees, sides] discounts an entree and a side bought together only."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#main", 1000), shop.item("#side", 500))
    shop.created(
        shop.percent("#d", "10"),
        shop.product_set("#mains", product_ids_any=[ids["#main"]]),
        shop.product_set("#sides", product_ids_any=[ids["#side"]]),
        shop.product_set("#combo", product_ids_all=["#mains", "#sides"]),
        shop.rule("#r", "#d", "#combo"),
    )
    applies = discount_applies(check, grouped=False)
    both = [shop.line(ids["#main-v"]), shop.line(ids["#side-v"])]
    order = shop.settled(lambda: shop.priced(both), applies, "the combo never applied")
    expect_equal("combo discount", 150 if applies else 0, shop.discount(order), check.judged)
    alone = shop.priced([shop.line(ids["#main-v"])])
    check.observe(alone=shop.discount(alone))
    expect_equal("discount of an entree alone", 0, shop.discount(alone), check.judged)


@pytest.mark.check("product-set-quantity-max", "CalculateOrder", "quantity_max 2 of 3 units")
def test_quantity_max(check: Check) -> None:
    """quantity_max 2: three units of 1000 at 10% take 200."""
    shop = Shop.open(check)
    got = _discount_of(
        check, shop, [("#a", 1000)], [("#a", "3")], shop.percent("#d", "10"),
        shop.product_set("#s", product_ids_any=["#a"], quantity_max=2), shop.rule("#r", "#d", "#s"),
    )  # fmt: skip
    expect_equal(
        "discount", 200 if discount_applies(check, grouped=False) else 0, got, check.judged
    )


@pytest.mark.check("product-set-exclusions", "CalculateOrder", "buy two get one free")
def test_buy_two_get_one(check: Check) -> None:
    """100% off a match set of three with an exclude set of two, over 1000, 800 and 600: with
    LEAST_EXPENSIVE excluded 1000 is free, with MOST_EXPENSIVE 600."""
    shop = Shop.open(check)
    prices = {"#a": 1000, "#b": 800, "#c": 600, "#x": 1000, "#y": 800, "#z": 600}
    ids = shop.created(*[shop.item(cid, price) for cid, price in prices.items()])
    objects = [shop.percent("#free", "100")]
    for trio, strategy in (
        (("#a", "#b", "#c"), "LEAST_EXPENSIVE"),
        (("#x", "#y", "#z"), "MOST_EXPENSIVE"),
    ):
        products = [ids[cid] for cid in trio]
        objects += [
            shop.product_set(f"#three{trio[0]}", product_ids_any=products, quantity_exact=3),
            shop.product_set(f"#two{trio[0]}", product_ids_any=products, quantity_exact=2),
            shop.rule(f"#r{trio[0]}", "#free", f"#three{trio[0]}",
                      exclude_products_id=f"#two{trio[0]}", exclude_strategy=strategy),
        ]  # fmt: skip
    shop.created(*objects)
    applies = discount_applies(check, grouped=False)
    lines = [shop.line(ids[f"{cid}-v"]) for cid in prices]
    order = shop.settled(lambda: shop.priced(lines), applies, "the rules never applied")
    shares = shop.shares(order)
    check.observe(shares=shares)
    wanted = [1000, 0, 0, 0, 0, 600] if applies else [0] * 6
    expect_equal("discount per line (least, most expensive excluded)", wanted, shares, check.judged)


@pytest.mark.check("minimum-order-subtotal", "CalculateOrder", "a minimum of 1500")
def test_minimum_subtotal(check: Check) -> None:
    """A minimum of 1500 discounts 2 x 1000, not 1 x 1000 (both before the field existed)."""
    shop = Shop.open(check)
    ids = shop.created(
        shop.item("#a", 1000), shop.percent("#d", "10"),
        shop.product_set("#s", product_ids_any=["#a"]),
        shop.rule("#r", "#d", "#s", minimum_order_subtotal_money=shop.money(1500)),
    )  # fmt: skip
    applies = discount_applies(check, grouped=False)
    two = shop.settled(lambda: shop.priced([shop.line(ids["#a-v"], "2")]), applies, "no discount")
    expect_equal("discount on 2000", 200 if applies else 0, shop.discount(two), check.judged)
    one = shop.priced([shop.line(ids["#a-v"])])
    held = check.expect["field"] == "present"
    check.observe(below_minimum=shop.discount(one))
    wanted = 0 if held or not applies else 100
    expect_equal("discount on 1000", wanted, shop.discount(one), check.judged)


@pytest.mark.check("pricing-rule-time-periods", "CalculateOrder", "a period now and one in 2099")
def test_time_periods(check: Check) -> None:
    """A rule whose period is every day, all day, discounts; one in 2099 does not."""
    shop = Shop.open(check)
    ids = shop.created(
        shop.item("#a", 1000), shop.item("#b", 1000), shop.percent("#d", "10"),
        shop.time_period("#always", ALWAYS), shop.time_period("#later", NEVER_NOW),
        shop.product_set("#sa", product_ids_any=["#a"]),
        shop.product_set("#sb", product_ids_any=["#b"]),
        shop.rule("#ra", "#d", "#sa", time_period_ids=["#always"]),
        shop.rule("#rb", "#d", "#sb", time_period_ids=["#later"]),
    )  # fmt: skip
    applies = discount_applies(check, grouped=False)
    lines = [shop.line(ids["#a-v"]), shop.line(ids["#b-v"])]
    order = shop.settled(lambda: shop.priced(lines), applies, "the daily period never applied")
    shares = shop.shares(order)
    check.observe(shares=shares)
    expect_equal(
        "discount per line (always, 2099)", [100 if applies else 0, 0], shares, check.judged
    )
    stored = check.client.retrieve_catalog_object(ids["#later"])
    expect_status(stored, 200, "retrieving the TIME_PERIOD")
    event = str((stored.body["object"].get("time_period_data") or {}).get("event") or "")
    lines_of = [text.strip() for text in event.splitlines()]
    expect_true(
        lines_of[:1] == ["BEGIN:VEVENT"] and lines_of[-1:] == ["END:VEVENT"],
        f"the stored event is not wrapped in BEGIN:VEVENT / END:VEVENT: {event!r}",
        stored,
    )


def _local_now(shop: Shop) -> datetime:
    try:
        return datetime.now(ZoneInfo(shop.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        pytest.skip(f"the location's time zone {shop.timezone!r} is unknown here")


@pytest.mark.check(
    "pricing-rule-local-times", "CalculateOrder", "a window around now and one later"
)
def test_local_times(check: Check) -> None:
    """A rule valid from two hours ago to two hours on discounts; one from +2 h to +4 h does not."""
    shop = Shop.open(check)
    now = _local_now(shop)

    def at(hours: int) -> str:
        return (now + timedelta(hours=hours)).strftime("%H:%M:%S")

    ids = shop.created(
        shop.item("#a", 1000), shop.item("#b", 1000), shop.percent("#d", "10"),
        shop.product_set("#sa", product_ids_any=["#a"]),
        shop.product_set("#sb", product_ids_any=["#b"]),
        shop.rule("#ra", "#d", "#sa", valid_from_local_time=at(-2), valid_until_local_time=at(2)),
        shop.rule("#rb", "#d", "#sb", valid_from_local_time=at(2), valid_until_local_time=at(4)),
    )  # fmt: skip
    applies = discount_applies(check, grouped=False)
    lines = [shop.line(ids["#a-v"]), shop.line(ids["#b-v"])]
    order = shop.settled(lambda: shop.priced(lines), applies, "the rule valid now never applied")
    shares = shop.shares(order)
    check.observe(shares=shares)
    expect_equal("discount per line (now, later)", [100 if applies else 0, 0], shares, check.judged)


@pytest.mark.check(
    "pricing-version-independent",
    "CalculateOrder",
    "a members' rule written under the newest version",
)
def test_stored_rule_prices_alike(check: Check) -> None:
    """Written under the newest version, a members' rule discounts a member, not a non-member."""
    shop = Shop.open(check)
    group = shop.group()
    member, outsider = shop.member(group), shop.customer()
    newest = load_table().newest_version
    ids = shop.created(
        shop.item("#a", 1000), shop.percent("#d", "10"),
        shop.product_set("#s", product_ids_any=["#a"]),
        shop.rule("#r", "#d", "#s", customer_group_ids_any=[group]), version=newest,
    )  # fmt: skip
    applies = discount_applies(check, grouped=False)
    line = [shop.line(ids["#a-v"])]
    order = shop.settled(lambda: shop.priced(line, member), applies, "no discount for a member")
    expect_equal("a member's discount", 100 if applies else 0, shop.discount(order), check.judged)
    other = shop.priced(line, outsider)
    check.observe(outsider=shop.discount(other))
    expect_equal("a non-member's discount", 0, shop.discount(other), check.judged)


@pytest.mark.check("pricing-rule-references", "BatchUpsertCatalogObjects", "rules naming nothing")
def test_references(check: Check) -> None:
    """A rule naming no DISCOUNT, a PRODUCT_SET as its DISCOUNT, or no group is refused as the
    table says (the group is dropped, and the rule accepted, before the field exists)."""
    shop = Shop.open(check)
    ids = shop.created(  # a rule accepted discounts only the check's own item
        shop.item("#i", 1000),
        shop.product_set("#s", product_ids_any=["#i"]),
        shop.percent("#d", "10"),
    )
    nobody = {"customer_group_ids_any": [check.unknown_id()]}
    cases = [
        ("no DISCOUNT", shop.rule("#r", check.unknown_id(), ids["#s"]), False),
        ("a PRODUCT_SET as its DISCOUNT", shop.rule("#r", ids["#s"], ids["#s"]), False),
        ("no group", shop.rule("#r", ids["#d"], ids["#s"], **nobody), True),
    ]
    expect = check.expect
    known = check.expect_of("group-discount-eligibility")["echoed"]
    seen = []
    for what, rule, names_group in cases:
        resp = check.judge(shop.upsert([rule]))
        shop.adopt()
        seen.append(resp.status)
        if expect["status"] == 200 or (names_group and not known):
            expect_status(resp, 200, f"for a rule naming {what}")
            continue
        expect_error(
            resp, status=expect["status"], code=expect["code"], category=expect["category"]
        )
    check.observe(statuses=seen)
