"""Automatic discounts: the rules in effect, their match sets, and the best one per item.

"Only one automatic discount will apply to each item. The Square app will apply the discount
most favorable to your customer." (https://squareup.com/help/us/en/article/6603-discounts-faqs;
row pricing-rule-stacking). Each rule in effect (`eligibility`) discounts the units its match
sets give it (`matching`); for every line the rule taking the most off the line's gross wins
(the earlier rule on a tie), and only that rule's discount reaches the line. A line blocking a
rule's DISCOUNT (`pricing_blocklists.blocked_discounts`) takes no part in that rule's matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from squarecheck.emulator.commerce.pricing.eligibility import Moment
from squarecheck.emulator.commerce.pricing.matching import Catalog, discounted_units, match_sets
from squarecheck.emulator.commerce.pricing.model import (
    Discount,
    Line,
    OrderDiscount,
    PricingInput,
    Rule,
    new_uid,
)
from squarecheck.emulator.commerce.pricing.money import percentage_of, round_half_even


@dataclass(frozen=True)
class Candidate:
    """What one rule would take off one line, before any other discount."""

    rule: int  # index into the input's rules
    line: int
    units: Decimal
    value: int


def portion(amount: int, units: Decimal, quantity: Decimal) -> int:
    """The part of a line's `amount` that `units` of its `quantity` stand for."""
    if units >= quantity:
        return amount
    return round_half_even(Decimal(amount) * units / quantity)


def value_of(discount: Discount, line: Line, gross: int, units: Decimal, inp: PricingInput) -> int:
    """What `discount` would take off `units` of `line` whose gross is `gross`."""
    if discount.percentage is not None:
        base = portion(gross, units, line.quantity)
        taken = percentage_of(base, discount.percentage, inp.choices.rounding)
        if discount.maximum is not None and not inp.bugs.cap_ignored:
            taken = min(taken, discount.maximum)
        return min(taken, gross)
    amount = discount.amount or 0
    each = round_half_even(amount * units) if inp.choices.amount_per_unit else amount
    return min(each, gross)


def candidates(inp: PricingInput, catalog: Catalog, grosses: Sequence[int]) -> list[Candidate]:
    """Every (rule, line) pair a rule in effect would discount, with its value."""
    assert inp.when is not None
    moment = Moment(inp.when, inp.choices, inp.bugs)
    subtotal = sum(grosses)
    found: list[Candidate] = []
    every = range(len(inp.lines))
    ad_hoc = inp.choices.ad_hoc_all_products
    for index, rule in enumerate(inp.rules):
        if rule.discount is None or rule.match is None:
            continue
        if not moment.in_effect(rule, inp.member_of, subtotal):
            continue
        open_lines = [i for i in every if rule.discount_id not in inp.lines[i].blocked]
        match = rule.match.get("product_set_data") or {}
        sets = match_sets(match, inp.lines, open_lines, catalog, inp.bugs, ad_hoc)
        if not sets:
            continue
        exclude = (rule.exclude or {}).get("product_set_data") if rule.exclude else None
        apply = (rule.apply or {}).get("product_set_data") if rule.apply else None
        most = rule.exclude_most_expensive
        units = discounted_units(sets, inp.lines, exclude, apply, most, catalog, inp.bugs, ad_hoc)
        seen: dict[tuple[int, Decimal, Decimal], int] = {}  # many lines often look alike
        for line, count in sorted(units.items()):
            key = (grosses[line], count, inp.lines[line].quantity)
            if key not in seen:
                seen[key] = value_of(rule.discount, inp.lines[line], grosses[line], count, inp)
            if seen[key] > 0:
                found.append(Candidate(index, line, count, seen[key]))
    return found


def best_per_line(found: list[Candidate], stacking: bool) -> list[Candidate]:
    """The winning candidate of each line (all of them when the stacking fault is on)."""
    if stacking:
        return found
    best: dict[int, Candidate] = {}
    for candidate in found:
        held = best.get(candidate.line)
        if held is None or candidate.value > held.value:
            best[candidate.line] = candidate
    return sorted(best.values(), key=lambda c: (c.rule, c.line))


def rule_discounts(
    inp: PricingInput, winners: list[Candidate], per_line: bool
) -> tuple[list[OrderDiscount], dict[tuple[str, int], Decimal]]:
    """One LINE_ITEM discount per applied rule (or per rule and line, row
    rule-discount-entries), and the units each discounts on each line: {(uid, line): units}."""
    made: dict[tuple[int, int | None], OrderDiscount] = {}
    units: dict[tuple[str, int], Decimal] = {}
    for winner in winners:
        rule: Rule = inp.rules[winner.rule]
        key = (winner.rule, winner.line if per_line else None)
        if key not in made:
            assert rule.discount is not None
            made[key] = OrderDiscount(
                new_uid(), rule.discount, "LINE_ITEM", catalog_id=rule.discount_id, rule_id=rule.id
            )
        units[(made[key].uid, winner.line)] = winner.units
    return list(made.values()), units
