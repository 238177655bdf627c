"""Taxes, reckoned after discounts on what each line is left with.

Square's CreateOrder example taxes the steak line 136: 9% of 1512, its 1599 less its 87 of
discounts (spec-head CreateOrderResponse; row order-taxes). ADDITIVE taxes are added to the line's
total; INCLUSIVE ones are the share of the price that is tax (percentage / (100 + the line's
inclusive percentages)) and leave the total alone. A discount with `modify_tax_basis`
DO_NOT_MODIFY_TAX_BASIS does not lower the basis (spec-head CatalogDiscount). An ORDER-scope
tax reaches every line not blocking it (`pricing_blocklists.blocked_taxes`) and, like an order
discount, is rounded on the order and shared by the lines' bases; a LINE_ITEM tax reaches the
lines naming it in `applied_taxes`; an automatic tax (`pricing_options.auto_apply_taxes`,
https://developer.squareup.com/docs/orders-api/apply-taxes-and-discounts/auto-apply-taxes) the
lines `engine` found for it. Rounding is half to even on the tax.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from squarecheck.emulator.commerce.pricing.model import (
    OrderDiscount,
    PricedLine,
    PricingInput,
    Tax,
)
from squarecheck.emulator.commerce.pricing.money import round_half_even, shares, tax_of


def lines_of(inp: PricingInput, tax: Tax) -> list[int]:
    """The lines a tax reaches."""
    if tax.lines is not None:
        return [i for i in tax.lines if not {tax.uid, tax.catalog_id} & inp.lines[i].blocked_taxes]
    if tax.scope == "LINE_ITEM":
        return [i for i, line in enumerate(inp.lines) if tax.uid in line.tax_uids]
    return [
        i for i, line in enumerate(inp.lines) if not {tax.uid, tax.catalog_id} & line.blocked_taxes
    ]


def basis(inp: PricingInput, line: PricedLine, discounts: dict[str, OrderDiscount]) -> int:
    """What taxes are reckoned on: the line after the discounts that modify the tax basis."""
    if inp.bugs.tax_before_discount:
        return line.gross
    kept = sum(
        amount
        for uid, amount in line.discounts.items()
        if not discounts[uid].discount.modifies_tax_basis
    )
    return line.net + kept


def apply_taxes(
    inp: PricingInput, priced: list[PricedLine], applied: Sequence[OrderDiscount]
) -> list[Tax]:
    """Tax every line; the taxes that reach a line, in request order (automatic ones last)."""
    by_uid = {d.uid: d for d in applied}
    bases = [basis(inp, line, by_uid) for line in priced]
    reach = {tax.uid: lines_of(inp, tax) for tax in inp.taxes}
    inclusive = [Decimal(0)] * len(priced)
    for tax in inp.taxes:
        if tax.inclusive:
            for i in reach[tax.uid]:
                inclusive[i] += tax.percentage
    kept: list[Tax] = []
    for tax in inp.taxes:
        lines = reach[tax.uid]
        if not lines:
            continue
        kept.append(tax)

        def exact(i: int, tax: Tax = tax) -> Decimal:
            return tax_of(bases[i], tax.percentage, inclusive[i] if tax.inclusive else None)

        if tax.scope == "ORDER" and tax.lines is None:
            total = round_half_even(sum((exact(i) for i in lines), Decimal(0)))
            amounts = shares(total, [bases[i] for i in lines], inp.choices.split)
        else:
            amounts = [round_half_even(exact(i)) for i in lines]
        for i, amount in zip(lines, amounts, strict=True):
            priced[i].taxes[tax.uid] = amount
            if not tax.inclusive:
                priced[i].additive_tax += amount
    return kept
