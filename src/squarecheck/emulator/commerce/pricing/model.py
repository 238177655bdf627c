"""What the pricing engine reads and what it answers (plain values, no catalog, no HTTP).

`order_build` turns an order request and a catalog snapshot into a `PricingInput`; the engine
(`engine.price`) answers a `PricedOrder`; `order_render` shows it as Square's Order. Amounts are
integers in the currency's smallest unit, quantities and percentages `Decimal`s.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

Json = dict[str, Any]
Scope = Literal["ORDER", "LINE_ITEM"]
Rounding = Literal["discounted-price-half-even", "discount-half-down", "discount-half-up"]
Split = Literal["largest-remainder", "last-line"]
PhaseOrder = Literal["catalog-first", "smallest-first"]
_UID_ALPHABET = string.ascii_letters + string.digits


def new_uid(length: int = 22) -> str:
    """A server-made uid, like "jWdgP1TpHPFBuVrz81mXVC" in Square's examples."""
    return "".join(secrets.choice(_UID_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Line:
    """One order line as pricing needs it."""

    unit: int  # base_price_money: the price of one unit
    quantity: Decimal
    modifiers: tuple[int, ...] = ()  # each modifier's price for one unit of the line
    keys: frozenset[str] = frozenset()  # ids a product set may name: variation, item, categories
    blocked: frozenset[str] = frozenset()  # blocked discounts: catalog ids and uids
    blocked_taxes: frozenset[str] = frozenset()  # blocked taxes: catalog ids and uids
    discount_uids: tuple[str, ...] = ()  # LINE_ITEM discounts the line references
    tax_uids: tuple[str, ...] = ()  # LINE_ITEM taxes the line references
    tax_ids: tuple[str, ...] = ()  # its item's catalog taxes (auto_apply_taxes)

    @property
    def ad_hoc(self) -> bool:
        return not self.keys


@dataclass(frozen=True)
class Discount:
    """What a discount takes: a percentage ("7.5" is 7.5%) or an amount, maybe capped."""

    percentage: Decimal | None = None
    amount: int | None = None
    maximum: int | None = None  # maximum_amount_money of a percentage discount
    modifies_tax_basis: bool = True  # modify_tax_basis (MODIFY_TAX_BASIS by default)

    @property
    def is_percentage(self) -> bool:
        return self.percentage is not None


@dataclass(frozen=True)
class OrderDiscount:
    """One entry of `order.discounts` (explicit), or one rule's automatic discount."""

    uid: str
    discount: Discount
    scope: Scope
    catalog_id: str | None = None  # a catalog DISCOUNT backs it
    rule_id: str | None = None  # a pricing rule applied it (always LINE_ITEM)


@dataclass(frozen=True)
class Tax:
    """One entry of `order.taxes`, or a catalog tax applied automatically."""

    uid: str
    percentage: Decimal
    inclusive: bool = False
    scope: Scope = "ORDER"
    catalog_id: str | None = None
    auto: bool = False  # auto_applied: by pricing_options.auto_apply_taxes
    lines: tuple[int, ...] | None = None  # an automatic tax's lines (None: by scope and uids)


@dataclass(frozen=True)
class Rule:
    """A live PRICING_RULE with the catalog objects it names already looked up."""

    id: str
    discount_id: str
    discount: Discount | None  # None: no usable DISCOUNT (missing, variable, other currency)
    match: Json | None  # the PRODUCT_SET of match_products_id
    exclude: Json | None = None  # exclude_products_id
    apply: Json | None = None  # apply_products_id (deprecated)
    exclude_most_expensive: bool = False  # exclude_strategy MOST_EXPENSIVE
    data: Mapping[str, Any] = field(default_factory=dict)  # pricing_rule_data
    periods: tuple[str, ...] = ()  # the iCalendar events of time_period_ids
    minimum: int | None = None  # minimum_order_subtotal_money


@dataclass(frozen=True)
class Choices:
    """What the behaviour table decides where Square is silent (each an `assumed` row)."""

    rounding: Rounding = "discounted-price-half-even"  # discount-rounding
    amount_per_unit: bool = True  # discount-fixed-amount (a rule's FIXED_AMOUNT)
    phase_order: PhaseOrder = "catalog-first"  # discount-phase-order
    split: Split = "largest-remainder"  # order-discount-split
    until_inclusive: bool = True  # pricing-rule-dates
    ad_hoc_all_products: bool = False  # all-products-ad-hoc-lines
    local_until_inclusive: bool = True  # pricing-rule-local-times
    entries_per_line: bool = False  # rule-discount-entries: one entry per rule and line


@dataclass(frozen=True)
class Bugs:
    """Injected faults that bend pricing (all off in the clean emulator)."""

    group_filter_ignored: bool = False
    ungrouped_rules_ignored: bool = False
    item_match_ignored: bool = False
    stacking: bool = False  # every matching rule applies, not the best one
    fixed_first: bool = False  # fixed amounts before percentages
    no_compounding: bool = False  # every percentage on the gross
    cap_ignored: bool = False
    exclusion_swapped: bool = False
    period_ignored: bool = False
    tax_before_discount: bool = False
    exact_as_cap: bool = False  # quantity_exact: only exactly N units match, once
    nested_ignored: bool = False
    minimum_ignored: bool = False
    quantity_max_ignored: bool = False
    local_time_ignored: bool = False
    order_split_per_line: bool = False  # an ORDER percentage taken line by line
    auto_taxes_ignored: bool = False


@dataclass(frozen=True)
class When:
    """The moment an order is priced, in the location's time zone."""

    today: date
    now: datetime  # local, naive


@dataclass(frozen=True)
class PricingInput:
    """Everything the engine prices: lines, explicit adjustments, rules and who buys."""

    lines: tuple[Line, ...]
    discounts: tuple[OrderDiscount, ...] = ()
    taxes: tuple[Tax, ...] = ()
    rules: tuple[Rule, ...] = ()  # empty unless auto_apply_discounts
    member_of: frozenset[str] = frozenset()
    when: When | None = None
    choices: Choices = field(default_factory=Choices)
    bugs: Bugs = field(default_factory=Bugs)


@dataclass
class PricedLine:
    """A priced line: its gross and what each discount and tax took (by uid, in order)."""

    variation_total: int
    modifier_totals: list[int]
    discounts: dict[str, int] = field(default_factory=dict)
    taxes: dict[str, int] = field(default_factory=dict)
    additive_tax: int = 0

    @property
    def gross(self) -> int:
        return self.variation_total + sum(self.modifier_totals)

    @property
    def discount(self) -> int:
        return sum(self.discounts.values())

    @property
    def tax(self) -> int:
        return sum(self.taxes.values())

    @property
    def net(self) -> int:
        """The line after its discounts (what taxes are reckoned on)."""
        return self.gross - self.discount

    @property
    def total(self) -> int:
        return self.gross - self.discount + self.additive_tax


@dataclass
class PricedOrder:
    """A priced order: its lines, the discounts and taxes in the order they applied."""

    lines: list[PricedLine]
    discounts: list[OrderDiscount]  # in application order, only those that took something
    taxes: list[Tax]

    def applied(self, uid: str) -> int:
        """What discount or tax `uid` took from the whole order."""
        return sum(line.discounts.get(uid, 0) + line.taxes.get(uid, 0) for line in self.lines)

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def tax(self) -> int:
        return sum(line.tax for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)
