"""Discounts applied in Square's order, each on what the ones before it left (compounding).

"If an order has multiple discounts of different scopes and types, they're calculated and
applied in this sequence: 1. Item-level percentage 2. Order-level percentage 3. Item-level fixed
amount 4. Order-level fixed amount" (https://developer.squareup.com/docs/orders-api/discounts;
row discount-application-order). Each works on the amount the earlier ones left: Square's own
CreateOrder example takes 0.5% of 6099 (30), then 5% of the 6069 left (303, not 305).
- Item level: an explicit LINE_ITEM discount on each line that references it in
  `applied_discounts`, and a rule's discount on the units it won (`automatic`). A LINE_ITEM
  FIXED_AMOUNT is taken once per line (the example's $1 off a line of two takes 100); a rule's
  FIXED_AMOUNT per unit (row discount-fixed-amount).
- Order level: "Square generates references in applied_discounts on all order line items" not
  blocking it; the order's amount is computed on the lines' sum, rounded, then shared "relative
  to the amount contributed by the item to the order subtotal" (303 -> 79 + 224; `money.shares`).
- `maximum_amount_money` caps a percentage discount: per line at item level, per order at
  order level. No discount takes a line below zero.
Within one phase the order is the table's (row discount-phase-order, assumed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from squarecheck.emulator.commerce.pricing.automatic import portion
from squarecheck.emulator.commerce.pricing.model import (
    Discount,
    OrderDiscount,
    PricedLine,
    PricingInput,
)
from squarecheck.emulator.commerce.pricing.money import percentage_of, round_half_even, shares

Targets = list[tuple[int, Decimal | None]]  # (line, units: None for the whole line)


def _capped(discount: Discount, taken: int, inp: PricingInput) -> int:
    if discount.maximum is not None and not inp.bugs.cap_ignored:
        return min(taken, discount.maximum)
    return taken


class Ledger:
    """The lines being discounted: what is left of each, and what each discount took."""

    def __init__(self, inp: PricingInput, priced: list[PricedLine]) -> None:
        self.inp = inp
        self.priced = priced
        self.left = [line.gross for line in priced]
        self.applied: list[OrderDiscount] = []

    def take(self, discount: OrderDiscount, line: int, amount: int) -> None:
        amount = max(0, min(amount, self.left[line]))
        if amount > 0:
            taken = self.priced[line].discounts
            taken[discount.uid] = taken.get(discount.uid, 0) + amount
            self.left[line] -= amount
            if discount not in self.applied:
                self.applied.append(discount)

    def base(self, line: int, units: Decimal | None) -> int:
        """What a discount works on: what is left (or, with the no-compounding fault, the gross)
        of the line, or of the part `units` stand for."""
        amount = self.priced[line].gross if self.inp.bugs.no_compounding else self.left[line]
        if units is None:
            return amount
        return portion(amount, units, self.inp.lines[line].quantity)


def item_percentage(ledger: Ledger, discount: OrderDiscount, targets: Targets) -> None:
    pct = discount.discount.percentage
    assert pct is not None
    for line, units in targets:
        taken = percentage_of(ledger.base(line, units), pct, ledger.inp.choices.rounding)
        ledger.take(discount, line, _capped(discount.discount, taken, ledger.inp))


def item_amount(ledger: Ledger, discount: OrderDiscount, targets: Targets) -> None:
    amount = discount.discount.amount or 0
    for line, units in targets:
        if units is not None and ledger.inp.choices.amount_per_unit:
            ledger.take(discount, line, round_half_even(amount * units))
        else:
            ledger.take(discount, line, amount)


def _share(ledger: Ledger, discount: OrderDiscount, lines: list[int], total: int) -> None:
    weights = [ledger.left[i] for i in lines]
    for line, amount in zip(lines, shares(total, weights, ledger.inp.choices.split), strict=True):
        ledger.take(discount, line, amount)


def order_percentage(ledger: Ledger, discount: OrderDiscount, targets: Targets) -> None:
    pct = discount.discount.percentage
    assert pct is not None
    lines = [line for line, _ in targets if ledger.left[line] > 0]
    rounding = ledger.inp.choices.rounding
    if ledger.inp.bugs.order_split_per_line:
        for line in lines:
            ledger.take(discount, line, percentage_of(ledger.base(line, None), pct, rounding))
        return
    base = sum(ledger.base(line, None) for line in lines)
    total = _capped(discount.discount, percentage_of(base, pct, rounding), ledger.inp)
    _share(ledger, discount, lines, min(total, sum(ledger.left[i] for i in lines)))


def order_amount(ledger: Ledger, discount: OrderDiscount, targets: Targets) -> None:
    lines = [line for line, _ in targets if ledger.left[line] > 0]
    total = min(discount.discount.amount or 0, sum(ledger.left[i] for i in lines))
    _share(ledger, discount, lines, total)


Step = Callable[[Ledger, OrderDiscount, Targets], None]
#: Square's sequence; the fault fixed-before-percentage runs the amounts first.
PHASES: tuple[tuple[str, bool, Step], ...] = (
    ("LINE_ITEM", True, item_percentage),
    ("ORDER", True, order_percentage),
    ("LINE_ITEM", False, item_amount),
    ("ORDER", False, order_amount),
)


def phase_key(inp: PricingInput) -> Callable[[tuple[int, OrderDiscount]], tuple[object, ...]]:
    """How discounts of one phase are ordered (row discount-phase-order): catalog discounts
    (rules' too) before ad-hoc ones, or the smallest first; then as listed."""
    if inp.choices.phase_order == "smallest-first":
        return lambda p: (p[1].discount.percentage or Decimal(p[1].discount.amount or 0), p[0])
    return lambda p: (0 if p[1].catalog_id else 1, p[0])


def targets_of(
    inp: PricingInput, discount: OrderDiscount, units: dict[tuple[str, int], Decimal]
) -> Targets:
    """The lines (and units) a discount reaches."""
    lines = inp.lines
    if discount.rule_id is not None:
        return [
            (i, units[(discount.uid, i)]) for i in range(len(lines)) if (discount.uid, i) in units
        ]
    if discount.scope == "LINE_ITEM":
        return [(i, None) for i, line in enumerate(lines) if discount.uid in line.discount_uids]
    blocked = {discount.uid, discount.catalog_id}
    return [(i, None) for i, line in enumerate(lines) if not blocked & line.blocked]


def apply_all(
    inp: PricingInput,
    priced: list[PricedLine],
    discounts: Sequence[OrderDiscount],
    units: dict[tuple[str, int], Decimal],
) -> list[OrderDiscount]:
    """Apply every discount, phase by phase; the discounts that took something, in order."""
    ledger = Ledger(inp, priced)
    phases = PHASES[2:] + PHASES[:2] if inp.bugs.fixed_first else PHASES
    key = phase_key(inp)
    for scope, percentage, step in phases:
        mine = [
            (position, d)
            for position, d in enumerate(discounts)
            if d.scope == scope and d.discount.is_percentage == percentage
        ]
        for _, discount in sorted(mine, key=key):
            step(ledger, discount, targets_of(inp, discount, units))
    return ledger.applied
