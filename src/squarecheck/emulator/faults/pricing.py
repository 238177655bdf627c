"""Injected faults of the pricing engine's steps and of UpdateOrder (part of `faults.FAULTS`).

Store-point faults: they carry no code; `commerce.gates` asks `<Fault>.on(config)` once per
request and the engine obeys the gates value (`pricing.model.Bugs`). Each names the behaviour
whose check must catch it.
"""

from __future__ import annotations

from squarecheck.emulator.faults.base import Fault


class StackingNotBest(Fault):
    """Every matching pricing rule discounts an item, not only the most favourable one."""

    name = "stacking-not-best"
    behaviours = ("pricing-rule-stacking",)


class FixedBeforePercentage(Fault):
    """Fixed-amount discounts are taken before percentage ones."""

    name = "fixed-before-percentage"
    behaviours = ("discount-application-order",)


class PercentagesOnGross(Fault):
    """Every percentage discount is taken of the gross instead of compounding."""

    name = "percentages-on-gross"
    behaviours = ("discount-application-order",)


class CapIgnored(Fault):
    """maximum_amount_money does not cap a percentage discount."""

    name = "cap-ignored"
    behaviours = ("discount-percentage-cap",)


class ExclusionStrategySwapped(Fault):
    """An exclude set takes the most expensive units for LEAST_EXPENSIVE, and the reverse."""

    name = "exclusion-strategy-swapped"
    behaviours = ("product-set-exclusions",)


class PeriodIgnored(Fault):
    """A pricing rule's time_period_ids are ignored: it is always in effect."""

    name = "period-ignored"
    behaviours = ("pricing-rule-time-periods",)


class TaxBeforeDiscount(Fault):
    """Taxes are reckoned on a line's gross, before its discounts."""

    name = "tax-before-discount"
    behaviours = ("order-taxes",)


class ExactAsCap(Fault):
    """quantity_exact matches only when exactly that many units are in the order, once."""

    name = "exact-as-cap"
    behaviours = ("product-set-repeated-match",)


class NestedSetsIgnored(Fault):
    """A product set naming other product sets never matches through them."""

    name = "nested-sets-ignored"
    behaviours = ("product-set-nested",)


class MinimumIgnored(Fault):
    """minimum_order_subtotal_money does not hold a rule back."""

    name = "minimum-ignored"
    behaviours = ("minimum-order-subtotal",)


class QuantityMaxIgnored(Fault):
    """quantity_max does not limit how many units a rule discounts."""

    name = "quantity-max-ignored"
    behaviours = ("product-set-quantity-max",)


class LocalTimeIgnored(Fault):
    """valid_from_local_time and valid_until_local_time are ignored."""

    name = "local-time-ignored"
    behaviours = ("pricing-rule-local-times",)


class OrderPercentagePerLine(Fault):
    """An ORDER-scope percentage is rounded line by line instead of on the order, then shared."""

    name = "order-percentage-per-line"
    behaviours = ("order-explicit-discounts",)


class AutoTaxesIgnored(Fault):
    """pricing_options.auto_apply_taxes applies no catalog tax."""

    name = "auto-taxes-ignored"
    behaviours = ("auto-apply-taxes",)


class ReferencesUnchecked(Fault):
    """A pricing rule naming a missing or wrong-type object is accepted."""

    name = "references-unchecked"
    behaviours = ("pricing-rule-references",)


class UpdateNotRepriced(Fault):
    """UpdateOrder keeps the old totals instead of pricing the updated order again."""

    name = "update-not-repriced"
    behaviours = ("update-order-repricing",)


class FieldsToClearIgnored(Fault):
    """UpdateOrder ignores fields_to_clear."""

    name = "fields-to-clear-ignored"
    behaviours = ("update-order-fields-to-clear",)


PRICING_FAULTS: tuple[type[Fault], ...] = (
    StackingNotBest,
    FixedBeforePercentage,
    PercentagesOnGross,
    CapIgnored,
    ExclusionStrategySwapped,
    PeriodIgnored,
    TaxBeforeDiscount,
    ExactAsCap,
    NestedSetsIgnored,
    MinimumIgnored,
    QuantityMaxIgnored,
    LocalTimeIgnored,
    OrderPercentagePerLine,
    AutoTaxesIgnored,
    ReferencesUnchecked,
    UpdateNotRepriced,
    FieldsToClearIgnored,
)
