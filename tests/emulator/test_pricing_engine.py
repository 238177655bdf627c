"""The pricing engine's steps on plain values: gross, phases, compounding, split, caps, taxes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from squarecheck.emulator.commerce.pricing.engine import price
from squarecheck.emulator.commerce.pricing.matching import Catalog
from squarecheck.emulator.commerce.pricing.model import (
    Bugs,
    Choices,
    Discount,
    Line,
    OrderDiscount,
    PricingInput,
    Tax,
)
from squarecheck.emulator.commerce.pricing.money import (
    AmountTooLarge,
    percentage_of,
    round_half_even,
    shares,
)

NONE = Catalog({})


def _pct(uid: str, value: str, scope: str = "ORDER", catalog: str | None = None) -> OrderDiscount:
    return OrderDiscount(uid, Discount(percentage=Decimal(value)), scope, catalog)  # type: ignore[arg-type]


def _off(uid: str, amount: int, scope: str = "LINE_ITEM") -> OrderDiscount:
    return OrderDiscount(uid, Discount(amount=amount), scope)  # type: ignore[arg-type]


def _line(unit: int, quantity: str = "1", **kw: object) -> Line:
    return Line(unit, Decimal(quantity), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 0), ("1.5", 2), ("2.5", 2), ("50.5", 50), ("823.5", 824), ("7.49", 7)],
)
def test_round_half_even(value: str, expected: int) -> None:
    """Ties go to the even neighbour, everything else to the nearest whole unit."""
    assert round_half_even(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("base", "percentage", "expected"), [(915, "10", 91), (925, "10", 93), (6069, "5", 303)]
)
def test_percentage_rounds_the_discounted_price(base: int, percentage: str, expected: int) -> None:
    """The discounted price is rounded half to even; the discount is the difference."""
    assert percentage_of(base, Decimal(percentage), "discounted-price-half-even") == expected


def test_shares_follow_the_weights_and_add_up() -> None:
    """303 over 1591 and 4478 is 79 and 224; a remainder goes by the chosen rule."""
    assert shares(303, [1591, 4478]) == [79, 224]
    assert shares(30, [1599, 4500]) == [8, 22]
    assert shares(100, [1000, 1000, 1000]) == [34, 33, 33]
    assert shares(100, [1000, 1000, 1000], "last-line") == [33, 33, 34]
    assert shares(5, [0, 0]) == [0, 0]


def _create_order_example(**bugs: bool) -> PricingInput:
    """Square's CreateOrder example: steak 1599, steak 2 x 2200 with a 50 modifier."""
    lines = (
        _line(1599),
        _line(2200, "2", modifiers=(50,), keys=frozenset({"V"}), discount_uids=("one",)),
    )
    discounts = (
        _pct("labor", "5"),
        _pct("member", "0.5", catalog="DB7L55ZH2BGWI4H23ULIWOQ7"),
        _off("one", 100),
    )
    taxes = (Tax("tax", Decimal(9), scope="ORDER"),)
    return PricingInput(lines, discounts, taxes, bugs=Bugs(**bugs))


def test_square_create_order_example_line_by_line() -> None:
    """30 and 303 compound, $1 once on the line of two, 9% after discounts: 1648 and 4528."""
    order = price(_create_order_example(), NONE)
    assert [d.uid for d in order.discounts] == ["member", "labor", "one"]
    assert [order.applied(u) for u in ("member", "labor", "one", "tax")] == [30, 303, 100, 510]
    assert [line.discounts for line in order.lines] == [
        {"member": 8, "labor": 79},
        {"member": 22, "labor": 224, "one": 100},
    ]
    assert [(line.gross, line.tax, line.total) for line in order.lines] == [
        (1599, 136, 1648),
        (4500, 374, 4528),
    ]
    assert order.total == 6176


@pytest.mark.parametrize(
    ("bug", "labor", "tax"),
    [
        ("no_compounding", 305, 510),
        ("tax_before_discount", 303, 549),
        ("order_split_per_line", 304, 510),
    ],
)
def test_each_fault_bends_the_example(bug: str, labor: int, tax: int) -> None:
    """Gross percentages, tax before discounts and line-by-line rounding each change it."""
    order = price(_create_order_example(**{bug: True}), NONE)
    assert (order.applied("labor"), order.applied("tax")) == (labor, tax)


def test_percentage_before_fixed_amount_whatever_the_listing() -> None:
    """10% and 100 off one line of 1000 leave 800; fixed first would leave 810."""
    lines = (_line(1000, discount_uids=("off", "ten")),)
    discounts = (_off("off", 100), _pct("ten", "10", "LINE_ITEM"))
    assert price(PricingInput(lines, discounts), NONE).total == 800
    bent = PricingInput(lines, discounts, bugs=Bugs(fixed_first=True))
    assert price(bent, NONE).total == 810


def test_phase_order_catalog_first_or_smallest_first() -> None:
    """A catalog 10% and an ad-hoc 5% on 999 take 100 and 45, or 95 and 50."""
    lines = (_line(999, discount_uids=("adhoc", "cat")),)
    discounts = (_pct("adhoc", "5", "LINE_ITEM"), _pct("cat", "10", "LINE_ITEM", "C"))
    first = price(PricingInput(lines, discounts), NONE)
    assert (first.applied("cat"), first.applied("adhoc")) == (100, 45)
    smallest = PricingInput(lines, discounts, choices=Choices(phase_order="smallest-first"))
    other = price(smallest, NONE)
    assert (other.applied("cat"), other.applied("adhoc")) == (95, 50)


def test_order_percentage_is_rounded_once() -> None:
    """10% over three 5-cent lines takes 1 in all; line by line it would take 3."""
    lines = (_line(5), _line(5), _line(5))
    assert price(PricingInput(lines, (_pct("d", "10"),)), NONE).applied("d") == 1
    bent = PricingInput(lines, (_pct("d", "10"),), bugs=Bugs(order_split_per_line=True))
    assert price(bent, NONE).applied("d") == 3


def test_caps_and_clamps() -> None:
    """A cap limits a percentage; no discount takes a line below zero; blocked lines are left."""
    capped = OrderDiscount("c", Discount(percentage=Decimal(50), maximum=2000), "ORDER")
    assert price(PricingInput((_line(10000),), (capped,)), NONE).applied("c") == 2000
    bent = PricingInput((_line(10000),), (capped,), bugs=Bugs(cap_ignored=True))
    assert price(bent, NONE).applied("c") == 5000
    big = _off("big", 5000, "ORDER")
    lines = (_line(1000), _line(1000, blocked=frozenset({"big"})))
    order = price(PricingInput(lines, (big,)), NONE)
    assert [line.total for line in order.lines] == [0, 1000]


def test_inclusive_tax_is_inside_the_price() -> None:
    """9% INCLUSIVE on 1090 is 90 and leaves the total at 1090; ADDITIVE adds its tax."""
    inclusive = Tax("in", Decimal(9), inclusive=True, scope="ORDER")
    order = price(PricingInput((_line(1090),), taxes=(inclusive,)), NONE)
    assert (order.tax, order.total) == (90, 1090)
    additive = Tax("add", Decimal(10), scope="ORDER")
    assert price(PricingInput((_line(1000),), taxes=(additive,)), NONE).total == 1100


def test_a_discount_that_keeps_the_tax_basis() -> None:
    """DO_NOT_MODIFY_TAX_BASIS: the tax is reckoned as if the discount were not there."""
    coupon = OrderDiscount("c", Discount(amount=500, modifies_tax_basis=False), "ORDER")
    tax = Tax("t", Decimal(10), scope="ORDER")
    order = price(PricingInput((_line(1000),), (coupon,), (tax,)), NONE)
    assert (order.applied("c"), order.applied("t"), order.total) == (500, 100, 600)


def test_amounts_past_an_int64_are_refused() -> None:
    """A line whose total passes 2^63 - 1 is refused naming it; one within is priced."""
    with pytest.raises(AmountTooLarge) as raised:
        price(PricingInput((_line(9007199254740991, "999999"),)), NONE)
    assert raised.value.where == "order.line_items[0].quantity"
    assert price(PricingInput((_line(9007199254740991, "1"),)), NONE).total == 9007199254740991
