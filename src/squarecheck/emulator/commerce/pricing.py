"""Money arithmetic of an order: line gross, rule discounts, totals (pure functions, no I/O).

Amounts are integers in the currency's smallest unit; quantities are decimal strings
("2", "1.5"), read as `Decimal` so nothing is lost to binary floating point. Rounding is
Bankers' Rounding (half to even, https://developer.squareup.com/docs/orders-api/price-adjustments).

Where Square is silent the choice comes from the behaviour table (`Choices`, all `assumed`):
- discount-rounding: a percentage discount rounds the *discounted line price* half to even and
  takes the difference as the discount (10% of 915 is 91: 823.5 rounds to 824, as a real
  CalculateOrder response shows), or, in the other plausible reading, rounds the discount half
  down (91.5 is 91 as well);
- discount-fixed-amount: a FIXED_AMOUNT rule discount is taken once per unit, or once per line;
  `maximum_amount_money` caps the discount of one line;
- pricing-rule-stacking: every applicable rule applies; on a line, percentage discounts come
  first, each computed on the line's gross sales, then fixed amounts in rule order (the order of
  https://developer.squareup.com/docs/orders-api/discounts), and the discounts of a line never
  exceed its gross sales; or only the largest discount of a line applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Literal

DiscountKind = Literal["FIXED_PERCENTAGE", "FIXED_AMOUNT"]
Rounding = Literal["discounted-price-half-even", "discount-half-down", "discount-half-up"]
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Choices:
    """What the behaviour table decides about money where Square is silent (module docstring)."""

    rounding: Rounding = "discounted-price-half-even"
    amount_per_unit: bool = True
    stack: bool = True


def round_half_even(value: Decimal) -> int:
    """`value` rounded to a whole minor unit, ties to the even neighbour (0.5 -> 0, 1.5 -> 2)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def line_gross(unit_amount: int, quantity: Decimal) -> int:
    """Gross sales of a line: unit price times quantity, rounded half to even."""
    return round_half_even(Decimal(unit_amount) * quantity)


@dataclass(frozen=True)
class Discount:
    """A catalog DISCOUNT as pricing needs it (percentage as a Decimal, 7.5 means 7.5%)."""

    kind: DiscountKind
    percentage: Decimal | None = None
    amount: int | None = None
    maximum: int | None = None


def percentage_off(gross: int, percentage: Decimal, rounding: Rounding) -> int:
    """The discount `percentage` takes off `gross` (behaviour discount-rounding)."""
    exact = Decimal(gross) * percentage / HUNDRED
    if rounding == "discount-half-up":  # the injected wrong-rounding fault
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rounding == "discount-half-down":
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_DOWN))
    return gross - round_half_even(Decimal(gross) - exact)


def discount_for_line(discount: Discount, gross: int, quantity: Decimal, choices: Choices) -> int:
    """What one discount takes off one line, before the line's total is clamped."""
    if discount.kind == "FIXED_PERCENTAGE":
        taken = percentage_off(gross, discount.percentage or Decimal(0), choices.rounding)
    else:
        units = quantity if choices.amount_per_unit else Decimal(1)
        taken = round_half_even(Decimal(discount.amount or 0) * units)
    if discount.maximum is not None:
        taken = min(taken, discount.maximum)
    return max(taken, 0)


@dataclass(frozen=True)
class LineInput:
    """One order line: its unit price and quantity."""

    unit_amount: int
    quantity: Decimal


@dataclass(frozen=True)
class Application:
    """One pricing rule applied to some lines (indexes into the order's lines)."""

    rule_id: str
    discount: Discount
    lines: tuple[int, ...]


@dataclass
class LineTotals:
    """A priced line: gross, each applied discount (application index -> amount), total."""

    gross: int
    applied: dict[int, int] = field(default_factory=dict)

    @property
    def discount(self) -> int:
        return sum(self.applied.values())

    @property
    def total(self) -> int:
        return self.gross - self.discount


@dataclass
class OrderTotals:
    """A priced order: its lines and what each application took in all."""

    lines: list[LineTotals]
    applied: list[int]

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def _ordered(applications: Sequence[Application]) -> list[int]:
    """Application indexes, percentage discounts first, each group in rule order."""
    first = [i for i, a in enumerate(applications) if a.discount.kind == "FIXED_PERCENTAGE"]
    rest = [i for i, a in enumerate(applications) if a.discount.kind != "FIXED_PERCENTAGE"]
    return first + rest


def price(
    lines: Sequence[LineInput],
    applications: Sequence[Application],
    choices: Choices = Choices(),
) -> OrderTotals:
    """Price every line and apply every application to its lines (see the module docstring)."""
    priced = [LineTotals(line_gross(line.unit_amount, line.quantity)) for line in lines]
    for index in _ordered(applications):
        application = applications[index]
        for line_index in application.lines:
            line = priced[line_index]
            wanted = discount_for_line(
                application.discount, line.gross, lines[line_index].quantity, choices
            )
            taken = min(wanted, line.total)
            if taken > 0:
                line.applied[index] = taken
    if not choices.stack:
        for line in priced:
            best = max(line.applied.items(), key=lambda pair: pair[1], default=None)
            line.applied = dict([best]) if best else {}
    applied = [sum(line.applied.get(i, 0) for line in priced) for i in range(len(applications))]
    return OrderTotals(priced, applied)
