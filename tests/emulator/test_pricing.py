"""The pricing engine's arithmetic: gross, rounding, caps, stacking, totals (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from squarecheck.emulator.commerce.pricing import (
    Application,
    Discount,
    LineInput,
    line_gross,
    percentage_off,
    price,
    round_half_even,
)

TEN = Discount("FIXED_PERCENTAGE", percentage=Decimal("10"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 0), ("1.5", 2), ("2.5", 2), ("50.5", 50), ("-0.5", 0), ("823.5", 824), ("7.49", 7)],
)
def test_round_half_even(value: str, expected: int) -> None:
    """Ties go to the even neighbour, everything else to the nearest whole unit."""
    assert round_half_even(Decimal(value)) == expected


def test_line_gross_multiplies_decimal_quantities() -> None:
    """Unit price times a decimal quantity, rounded half to even."""
    assert line_gross(1599, Decimal("2")) == 3198
    assert line_gross(333, Decimal("1.5")) == 500  # 499.5 -> 500
    assert line_gross(101, Decimal("0.5")) == 50  # 50.5 -> 50


@pytest.mark.parametrize(
    ("gross", "percentage", "expected"),
    [(1000, "10", 100), (915, "10", 91), (155, "10", 15), (1599, "7.5", 120), (100, "100", 100)],
)
def test_percentage_rounds_the_discounted_price(gross: int, percentage: str, expected: int) -> None:
    """The discounted price is rounded half to even; the discount is the difference."""
    assert percentage_off(gross, Decimal(percentage), "discounted-price-half-even") == expected


def test_wrong_rounding_differs_on_ties() -> None:
    """Rounding the discount half up gives 92 where Square gives 91 (10% of 915)."""
    assert percentage_off(915, Decimal("10"), "discount-half-up") == 92


def test_one_rule_on_one_line() -> None:
    """A 10% rule on a 1000 line takes 100; totals add up."""
    totals = price([LineInput(1000, Decimal("1"))], [Application("r", TEN, (0,))])
    assert (totals.gross, totals.discount, totals.total) == (1000, 100, 900)
    assert totals.applied == [100]
    assert totals.lines[0].applied == {0: 100}


def test_unmatched_line_pays_full_price() -> None:
    """A line no application names keeps its gross as its total."""
    totals = price(
        [LineInput(500, Decimal("2")), LineInput(300, Decimal("1"))],
        [Application("r", TEN, (1,))],
    )
    assert [line.total for line in totals.lines] == [1000, 270]
    assert totals.total == 1270


def test_fixed_amount_per_unit_and_clamped() -> None:
    """A fixed amount is taken per unit and never beyond the line's gross."""
    off = Discount("FIXED_AMOUNT", amount=150)
    totals = price([LineInput(1000, Decimal("3"))], [Application("r", off, (0,))])
    assert totals.lines[0].discount == 450
    big = Discount("FIXED_AMOUNT", amount=5000)
    clamped = price([LineInput(1000, Decimal("1"))], [Application("r", big, (0,))])
    assert clamped.lines[0].total == 0 and clamped.applied == [1000]


def test_maximum_caps_a_line() -> None:
    """50% with a cap of 2000 on 10000 takes 2000 (the spec's own example)."""
    capped = Discount("FIXED_PERCENTAGE", percentage=Decimal("50"), maximum=2000)
    totals = price([LineInput(10000, Decimal("1"))], [Application("r", capped, (0,))])
    assert totals.applied == [2000]


def test_percentages_first_then_fixed_amounts() -> None:
    """A fixed amount listed first still comes after the percentage, on the same gross."""
    off = Discount("FIXED_AMOUNT", amount=950)
    totals = price(
        [LineInput(1000, Decimal("1"))],
        [Application("fixed", off, (0,)), Application("pct", TEN, (0,))],
    )
    assert totals.applied == [900, 100]  # the percentage took 100 first; 900 were left
    assert totals.total == 0
