"""The pricing engine: one order priced in Square's documented order, one step per function.

1. `gross`: each line's base price times its quantity, plus its modifiers ("Item modifiers
   are included in the amount discounted", Square seller help 6603); no amount past an int64.
2. `automatic`: the rules in effect (dates, local times, time periods, minimum subtotal,
   groups), their match sets, and the single best rule of each line.
3. `phases`: item-level percentages, order-level percentages, item-level fixed amounts,
   order-level fixed amounts, each on what the ones before left, capped and rounded.
4. `taxes`: after the discounts, on each line's basis.
5. The totals: a line is gross - discounts + additive taxes; the order sums its lines.
Each step reads the table's choices (`Choices`) and the injected faults (`Bugs`) from its input.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from squarecheck.emulator.commerce.pricing import automatic, phases, taxes
from squarecheck.emulator.commerce.pricing.matching import Catalog
from squarecheck.emulator.commerce.pricing.model import (
    Line,
    OrderDiscount,
    PricedLine,
    PricedOrder,
    PricingInput,
)
from squarecheck.emulator.commerce.pricing.money import bounded, round_half_even

#: Enough digits for any sum of int64 amounts times a 5-decimal quantity, exactly.
PRECISION = 60


def gross(line: Line, index: int) -> PricedLine:
    """Step 1: the line's variation total and each modifier's total (unit price x quantity)."""
    where = f"order.line_items[{index}]"
    variation = bounded(round_half_even(Decimal(line.unit) * line.quantity), f"{where}.quantity")
    modifiers = [
        bounded(round_half_even(Decimal(price) * line.quantity), f"{where}.modifiers")
        for price in line.modifiers
    ]
    priced = PricedLine(variation, modifiers)
    bounded(priced.gross, f"{where}.quantity")
    return priced


def price(inp: PricingInput, catalog: Catalog) -> PricedOrder:
    """Price the order of `inp`; `catalog` holds the PRODUCT_SETs rules may name."""
    with localcontext(prec=PRECISION):
        priced = [gross(line, i) for i, line in enumerate(inp.lines)]
        bounded(sum(p.gross for p in priced), "order.total_money")
        found: list[OrderDiscount] = []
        units: dict[tuple[str, int], Decimal] = {}
        if inp.rules and inp.when is not None:
            grosses = [p.gross for p in priced]
            every = automatic.candidates(inp, catalog, grosses)
            winners = automatic.best_per_line(every, inp.bugs.stacking)
            found, units = automatic.rule_discounts(inp, winners, inp.choices.entries_per_line)
        applied = phases.apply_all(inp, priced, [*inp.discounts, *found], units)
        kept = taxes.apply_taxes(inp, priced, applied)
    order = PricedOrder(priced, applied, kept)
    for index, line in enumerate(order.lines):
        bounded(line.total, f"order.line_items[{index}].total_money")
    bounded(order.total, "order.total_money")
    bounded(order.tax, "order.total_tax_money")
    return order
