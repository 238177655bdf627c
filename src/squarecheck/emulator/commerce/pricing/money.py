"""Money arithmetic: rounding, a percentage of an amount, and an amount shared among lines.

"The Orders API performs its adjustment calculations using Bankers' Rounding, also known as
Rounding Half to Even." (https://developer.squareup.com/docs/orders-api/price-adjustments).
What is rounded is the table's choice (row discount-rounding, assumed): a real CalculateOrder
response took 91 for 10% of 915 (https://developer.squareup.com/forums/t/16894), which rounding
the discounted price half to even gives (823.5 -> 824) and rounding the discount half down too.
An order-level amount is shared among lines "relative to the amount contributed by the item to
the order subtotal" (spec-head OrderLineItemDiscount); who gets the rounding remainder is the
table's choice (row order-discount-split, assumed).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from squarecheck.emulator.commerce.pricing.model import Rounding, Split

HUNDRED = Decimal(100)
ONE = Decimal(1)
#: Money.amount is an int64 (spec-head Money): no amount of an order may pass it.
INT64_MAX = 2**63 - 1


def round_half_even(value: Decimal) -> int:
    """`value` rounded to a whole minor unit, ties to the even neighbour (0.5 -> 0, 1.5 -> 2)."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_EVEN))


def divide_half_even(numerator: int, denominator: int) -> int:
    """`numerator / denominator` (both >= 0, exact integers) rounded half to even."""
    quotient, rest = divmod(numerator, denominator)
    if 2 * rest > denominator or (2 * rest == denominator and quotient % 2):
        quotient += 1
    return quotient


def percentage_of(base: int, percentage: Decimal, rounding: Rounding) -> int:
    """The discount `percentage` takes off `base` (row discount-rounding), in exact integers."""
    num, den = percentage.as_integer_ratio()
    taken, whole = base * num, den * 100  # the discount is taken / whole, exactly
    if rounding == "discount-half-up":  # the injected wrong-rounding fault
        quotient, rest = divmod(taken, whole)
        return quotient + (1 if 2 * rest >= whole else 0)
    if rounding == "discount-half-down":
        quotient, rest = divmod(taken, whole)
        return quotient + (1 if 2 * rest > whole else 0)
    return base - divide_half_even(base * whole - taken, whole)


def tax_of(base: int, percentage: Decimal, inclusive_total: Decimal | None = None) -> Decimal:
    """The exact tax on `base`: added on top, or (inclusive, with the sum of the inclusive
    percentages of the line) the share of `base` that is tax."""
    if inclusive_total is None:
        return Decimal(base) * percentage / HUNDRED
    return Decimal(base) * percentage / (HUNDRED + inclusive_total)


def shares(total: int, weights: Sequence[int], split: Split = "largest-remainder") -> list[int]:
    """`total` shared in proportion to `weights` (non-negative), adding up to `total` exactly.

    largest-remainder: every share rounded down, then one more unit to the largest remainders
    (the earlier line on a tie); last-line: every share but the last rounded half to even, the
    last non-zero weight takes the rest."""
    whole = sum(weights)
    if whole <= 0 or total == 0:
        return [0] * len(weights)
    exact = [Decimal(total) * w / whole for w in weights]
    if split == "last-line":
        last = max(i for i, w in enumerate(weights) if w > 0)
        out = [round_half_even(e) if i != last else 0 for i, e in enumerate(exact)]
        out[last] = total - sum(out)
        return out
    out = [int(e.quantize(ONE, rounding=ROUND_FLOOR)) for e in exact]
    left = total - sum(out)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[:left]:
        out[i] += 1
    return out


class AmountTooLarge(ValueError):
    """An amount of the order would pass an int64 (`where` names it; the caller answers the
    table's error, row order-limits)."""

    def __init__(self, where: str, amount: int) -> None:
        super().__init__(f"`{where}` would be {amount}, above the largest amount (2^63 - 1).")
        self.where = where


def bounded(amount: int, where: str) -> int:
    """`amount`, or AmountTooLarge when it passes an int64."""
    if amount > INT64_MAX:
        raise AmountTooLarge(where, amount)
    return amount
