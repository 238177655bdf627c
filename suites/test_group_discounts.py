"""Customer-group discounts: pricing rules applied by CalculateOrder (family group-discounts).

behaviour group-discount-eligibility; https://developer.squareup.com/docs/catalog-api/configure-customer-group-discounts
behaviour auto-apply-discounts; https://developer.squareup.com/docs/orders-api/apply-taxes-and-discounts/auto-apply-discounts
Matching, money and totals rest on Square's spec (spec-head); rounding, fixed amounts, dates,
blocklists before 2020-12-16, deleted groups and unknown locations or variations are assumed.
A check that expects no discount first sees the rule apply to someone it must apply to, so a
rule that is not live yet (pricing may lag on Square) cannot pass it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status, expect_true
from squarecheck.checks.discounts import Shop, amount, discount_applies

PRICE = 1000
TEN_PERCENT = 100


def _member_setup(check: Check, groups: int = 1) -> tuple[Shop, list[str], str, dict[str, str]]:
    """A shop, `groups` groups, a member of the last one, and a 10% rule for the groups."""
    shop = Shop.open(check)
    group_ids = [shop.group() for _ in range(groups)]
    member = shop.member(group_ids[-1])
    return shop, group_ids, member, shop.group_discount(group_ids)


def _control(shop: Shop, variation: str, customer: str | None, grouped: bool = True) -> None:
    """Wait until the rule discounts `customer`, when the table says it must."""
    if discount_applies(shop.check, grouped=grouped, member=True):
        shop.settled(
            lambda: shop.priced([shop.line(variation)], customer),
            True,
            "CalculateOrder never applied the rule's discount to a member",
        )


def _judge(shop: Shop, order: dict[str, Any], applies: bool, who: str) -> None:
    shop.expect_discount(order, TEN_PERCENT if applies else 0, f"discount for {who}")


@pytest.mark.check("group-discount-eligibility", "CalculateOrder", "a member gets the discount")
def test_member(check: Check) -> None:
    """A member of the rule's group gets 10% off the matched item."""
    shop, _, member, ids = _member_setup(check)
    applies = discount_applies(check, grouped=True, member=True)
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])], member),
        applies,
        "CalculateOrder never applied the group's discount to a member",
    )
    _judge(shop, order, applies, "a member")


@pytest.mark.check("group-discount-eligibility", "CalculateOrder", "{who} pays full price")
@pytest.mark.parametrize("who", ["a non-member", "an order without customer_id"])
def test_not_a_member(check: Check, who: str) -> None:
    """Only members get a grouped rule's discount (anyone, before the field existed)."""
    shop, _, member, ids = _member_setup(check)
    _control(shop, ids["#item-v"], member)
    buyer = shop.customer() if who == "a non-member" else None
    order = shop.priced([shop.line(ids["#item-v"])], buyer)
    _judge(shop, order, discount_applies(check, grouped=True, member=False), who)


@pytest.mark.check(
    "group-discount-eligibility", "CalculateOrder", "a member of either of two groups"
)
def test_two_groups(check: Check) -> None:
    """A rule for two groups discounts a member of the second one."""
    shop, _, member, ids = _member_setup(check, groups=2)
    applies = discount_applies(check, grouped=True, member=True)
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])], member),
        applies,
        "CalculateOrder never applied a two-group rule to a member of the second group",
    )
    _judge(shop, order, applies, "a member of the second group")


@pytest.mark.check(
    "group-discount-eligibility", "UpsertCatalogObject", "customer_group_ids_any stored"
)
def test_groups_stored(check: Check) -> None:
    """The rule keeps customer_group_ids_any (only once the field exists)."""
    shop, groups, _, ids = _member_setup(check)
    resp = check.judge(check.client.retrieve_catalog_object(ids["#rule"]))
    expect_status(resp, 200, "retrieving the rule")
    stored = resp.body["object"]["pricing_rule_data"].get("customer_group_ids_any")
    check.observe(echoed=stored is not None)
    expected = groups if check.expect["echoed"] else None
    expect_equal("pricing_rule_data.customer_group_ids_any", expected, stored, resp)


@pytest.mark.check(
    "group-discount-membership-live", "CalculateOrder", "a removed member pays full price"
)
def test_removed_member(check: Check) -> None:
    """After RemoveGroupFromCustomer the next calculations charge the full price."""
    shop, groups, member, ids = _member_setup(check)
    _control(shop, ids["#item-v"], member)
    expect_status(check.client.remove_group(member, groups[0]), 200, "removing the member")
    applies = discount_applies(check, grouped=True, member=not check.expect["converges"])
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])], member),
        applies,
        "CalculateOrder kept discounting a customer removed from the group",
    )
    _judge(shop, order, applies, "a removed member")


@pytest.mark.check(
    "group-discount-deleted-group", "CalculateOrder", "a deleted group's member pays full price"
)
def test_deleted_group(check: Check) -> None:
    """After DeleteCustomerGroup its former member pays the full price (as the table says)."""
    shop, groups, member, ids = _member_setup(check)
    _control(shop, ids["#item-v"], member)
    expect_status(check.client.delete_group(groups[0]), 200, "deleting the group")
    applies = discount_applies(check, grouped=True, member=not check.expect["converges"])
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])], member),
        applies,
        "CalculateOrder kept discounting a member of a deleted group",
    )
    _judge(shop, order, applies, "a deleted group's member")


@pytest.mark.check(
    "group-discount-no-groups", "CalculateOrder", "a rule without groups applies to {who}"
)
@pytest.mark.parametrize("who", ["a customer", "an order without customer_id"])
def test_no_groups(check: Check, who: str) -> None:
    """A rule without customer_group_ids_any discounts any buyer."""
    shop = Shop.open(check)
    ids = shop.group_discount(None)
    buyer = shop.customer() if who == "a customer" else None
    applies = discount_applies(check, grouped=False)
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])], buyer),
        applies,
        "CalculateOrder never applied a rule without groups",
    )
    _judge(shop, order, applies, who)


@pytest.mark.check("auto-apply-discounts", "CalculateOrder", "auto_apply_discounts {auto}")
@pytest.mark.parametrize("auto", [False, None], ids=["false", "absent"])
def test_auto_apply_off(check: Check, auto: bool | None) -> None:
    """Without auto_apply_discounts true a member pays the full price."""
    shop, _, member, ids = _member_setup(check)
    _control(shop, ids["#item-v"], member)
    order = shop.priced([shop.line(ids["#item-v"])], member, auto=auto)
    _judge(shop, order, discount_applies(check, grouped=True, member=True, auto=auto), "auto off")


@pytest.mark.check("pricing-rule-id", "CalculateOrder", "the discount names its rule")
def test_pricing_rule_id(check: Check) -> None:
    """A rule's discount carries pricing_rule_id and its DISCOUNT; the line references it."""
    shop, _, member, ids = _member_setup(check)
    applies = discount_applies(check, grouped=True, member=True)

    def mine(order: dict[str, Any]) -> list[dict[str, Any]]:
        found = order.get("discounts") or []
        return [d for d in found if d.get("catalog_object_id") == ids["#disc"]]

    order = check.poll(
        lambda: shop.priced([shop.line(ids["#item-v"])], member),
        lambda order: bool(mine(order)) == applies,
        "CalculateOrder never applied the rule's DISCOUNT",
    )
    entries = mine(order)
    check.observe(field="present" if any("pricing_rule_id" in d for d in entries) else "absent")
    if check.expect["field"] == "absent":
        named = [d for d in entries if "pricing_rule_id" in d]
        expect_equal("discounts with pricing_rule_id", [], named, check.judged)
        return
    expect_equal("discounts of the rule's DISCOUNT", 1, len(entries), check.judged)
    expect_equal("pricing_rule_id", ids["#rule"], entries[0].get("pricing_rule_id"), check.judged)
    applied = order["line_items"][0].get("applied_discounts") or []
    uids = [a.get("discount_uid") for a in applied]
    expect_true(entries[0].get("uid") in uids, "the line does not reference the discount's uid")


@pytest.mark.check("rule-discount-entries", "CalculateOrder", "the entries of one rule")
def test_one_entry_per_rule(check: Check) -> None:
    """Two lines matched by one rule give one LINE_ITEM discount (or one per line) applying their sum."""  # noqa: E501
    shop = Shop.open(check)
    ids = shop.group_discount(None)
    lines = [shop.line(ids["#item-v"]), shop.line(ids["#item-v"], "2")]
    applies = discount_applies(check, grouped=False)
    order = shop.settled(lambda: shop.priced(lines), applies, "no rule discount")
    entries = [d for d in order.get("discounts") or [] if d.get("pricing_rule_id") in shop.rules]
    check.observe(entries=len(entries), scopes=sorted({str(d.get("scope")) for d in entries}))
    if not applies:
        expect_equal("discounts of the rule", [], entries, check.judged)
        return
    wanted = 2 if check.expect["entries"] == "per-line" else 1
    expect_equal("discounts of the rule", wanted, len(entries), check.judged)
    expect_equal("scope", check.expect["scope"], entries[0].get("scope"), check.judged)
    applied = sum(amount(entry.get("applied_money")) for entry in entries)
    expect_equal("applied_money", 3 * TEN_PERCENT, applied, check.judged)


@pytest.mark.check("calculate-order-stores-nothing", "CalculateOrder", "no order id")
def test_calculate_has_no_id(check: Check) -> None:
    """CalculateOrder answers 200 with an order that has no id."""
    shop = Shop.open(check)
    ids = shop.created(shop.item("#item", PRICE))
    order = shop.priced([shop.line(ids["#item-v"])])
    check.observe(id="present" if "id" in order else "absent")
    expect_true("id" not in order, f"the calculated order has id {order.get('id')!r}", check.judged)


@pytest.mark.check("create-order-priced", "CreateOrder", "create and retrieve a member's order")
def test_create_order(check: Check) -> None:
    """CreateOrder applies the member's discount as CalculateOrder does; RetrieveOrder reads it."""
    if not check.client.conn.create_orders:
        pytest.skip("needs --create-orders against a remote target (orders cannot be deleted)")
    shop, _, member, ids = _member_setup(check)
    _control(shop, ids["#item-v"], member)
    order = shop.order([shop.line(ids["#item-v"])], member)
    created = check.judge(check.client.create_order(order, check.new_key()))
    expect_status(created, check.expect["status"])
    body = created.body["order"]
    expect_true(bool(body.get("id")), "the created order has no id", created)
    applies = discount_applies(check, grouped=True, member=True)
    _judge(shop, body, applies, "a member's created order")
    again = check.judge(check.client.retrieve_order(str(body["id"])))
    expect_status(again, check.expect["status"])
    for key in ("id", "total_money", "total_discount_money"):
        expect_equal(f"retrieved order {key}", body.get(key), again.body["order"].get(key), again)


@pytest.mark.check("order-unknown-location", "CalculateOrder", "unknown location_id")
def test_unknown_location(check: Check) -> None:
    """An order at a location the seller does not have is 404 NOT_FOUND."""
    shop = Shop.open(check)
    shop.location_id = check.unknown_id()
    resp = check.judge(shop.calculate([], auto=None))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("order-unknown-catalog-object", "CalculateOrder", "unknown catalog_object_id")
def test_unknown_variation(check: Check) -> None:
    """A line naming no item variation is 404 NOT_FOUND."""
    shop = Shop.open(check)
    resp = check.judge(shop.calculate([shop.line(check.unknown_id())]))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("locations-main", "RetrieveLocation", "the main location")
def test_main_location(check: Check) -> None:
    """ListLocations has an ACTIVE location; `main` is one of them; an unknown id is 404."""
    listed = check.judge(check.client.list_locations())
    expect_status(listed, check.expect["status"])
    locations = listed.get("locations") or []
    check.observe(active=any(loc.get("status") == "ACTIVE" for loc in locations))
    expect_true(
        any(loc.get("status") == "ACTIVE" for loc in locations), "no ACTIVE location", listed
    )
    main = check.judge(check.client.retrieve_location("main"))
    expect_status(main, check.expect["status"])
    expect_true(
        main.body["location"]["id"] in [loc.get("id") for loc in locations],
        "main is not listed",
        main,
    )
    unknown = check.judge(check.client.retrieve_location(check.unknown_id()[:32]))
    expect_error(unknown, status=check.expect["unknown_status"], code=check.expect["unknown_code"])


def _today() -> datetime:
    return datetime.now(UTC)


@pytest.mark.check("pricing-rule-dates", "CalculateOrder", "{window}")
@pytest.mark.parametrize(
    "window", ["a window around today", "a window that starts later", "a window that ended"]
)
def test_dates(check: Check, window: str) -> None:
    """A rule applies inside its date window only (two days of margin for time zones)."""
    shop = Shop.open(check)
    today = _today().date()
    dates = {
        "a window around today": {
            "valid_from_date": str(today - timedelta(days=2)),
            "valid_until_date": str(today + timedelta(days=2)),
        },
        "a window that starts later": {"valid_from_date": str(today + timedelta(days=2))},
        "a window that ended": {"valid_until_date": str(today - timedelta(days=2))},
    }[window]
    live = shop.group_discount(None)
    _control(shop, live["#item-v"], None, grouped=False)
    ids = shop.created(
        shop.item("#item", PRICE),
        shop.percent("#disc", "10"),
        shop.product_set("#set", product_ids_any=["#item"]),
        shop.rule("#rule", "#disc", "#set", **dates),
    )
    inside = window == "a window around today"
    applies = inside and discount_applies(check, grouped=False)
    order = shop.settled(
        lambda: shop.priced([shop.line(ids["#item-v"])]), applies, "the dated rule never applied"
    )
    _judge(shop, order, applies, window)
