"""What the behaviour table and the injected faults decide about one Catalog or Orders request.

Handlers build one `Gates` per request (`gates_for`) and hand it to catalog writes and to
pricing, which obey it and never ask the table or the faults themselves (the customer domain
does the same with its own gates). Every field where Square is silent names its assumed row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from squarecheck.emulator.commerce.pricing.model import Bugs, Choices, PhaseOrder, Rounding, Split
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.versioning import VersionContext
from squarecheck.emulator.faults import pricing as pf
from squarecheck.emulator.faults.commerce import (
    AutoApplyAlways,
    BatchNotAtomic,
    CatalogReplayCreates,
    CatalogVersionUnchecked,
    DeleteNoCascade,
    GroupFilterIgnored,
    ItemMatchIgnored,
    StaleMembership,
    UngroupedRuleIgnored,
    WrongRounding,
)

T = TypeVar("T", bound=str)
#: Orders rows whose error code is the table's choice (all assumed).
ORDER_CODE_ROWS = (
    "order-unknown-location",
    "order-unknown-catalog-object",
    "order-currency-mismatch",
)


@dataclass(frozen=True)
class Gates:
    """One request's choices; the defaults are the clean emulator under the newest version."""

    # --- catalog
    groups_field: bool = True  # group-discount-eligibility: the rule has customer_group_ids_any
    check_versions: bool = True
    atomic_batches: bool = True
    cascade: bool = True
    replay_creates: bool = False  # fault catalog-replay-creates
    item_needs_variation: bool = True  # catalog-item-needs-variation
    missing_code: str = "INVALID_VALUE"  # catalog-update-missing-object
    mismatch_code: str = "VERSION_MISMATCH"  # catalog-version-mismatch
    gone_code: str = "NOT_FOUND"  # catalog-retrieve-deleted
    referenced_code: str | None = None  # catalog-delete-referenced: None deletes anyway
    cap_field: bool = True  # discount-percentage-cap: the version knows maximum_amount_money
    minimum_field: bool = True  # minimum-order-subtotal: it knows minimum_order_subtotal_money
    references_code: str | None = "INVALID_VALUE"  # pricing-rule-references: None accepts
    references_unchecked: bool = False  # fault references-unchecked
    # --- orders and pricing
    options_known: bool = True  # auto-apply-discounts: the version knows pricing_options
    auto_apply_always: bool = False  # fault auto-apply-always
    taxes_known: bool = True  # auto-apply-taxes: the version knows auto_apply_taxes
    blocklists: bool = True  # pricing-blocklists
    rule_id_shown: bool = True  # pricing-rule-id
    stale_membership: bool = False  # fault stale-membership
    max_lines: int = 1000  # order-limits
    amount_code: str = "VALUE_TOO_HIGH"  # order-limits
    update_mismatch_code: str = "VERSION_MISMATCH"  # update-order-version-mismatch
    update_not_repriced: bool = False  # fault update-not-repriced
    clear_ignored: bool = False  # fault fields-to-clear-ignored
    choices: Choices = field(default_factory=Choices)
    bugs: Bugs = field(default_factory=Bugs)
    codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def _rounding(version: VersionContext, config: EmulatorConfig) -> Rounding:
    if WrongRounding.on(config):
        return "discount-half-up"
    chosen = version.expect("discount-rounding")["rounds"]
    return "discount-half-down" if chosen == "discount-half-down" else "discounted-price-half-even"


PHASE_ORDERS: tuple[PhaseOrder, ...] = ("catalog-first", "smallest-first")
SPLITS: tuple[Split, ...] = ("largest-remainder", "last-line")


def _one_of(value: str, allowed: tuple[T, ...]) -> T:
    """`value` as one of the choices the engine knows (a table naming another is a bug)."""
    for choice in allowed:
        if value == choice:
            return choice
    raise ValueError(f"the engine knows no choice {value!r} (one of {allowed})")


def _choices(version: VersionContext, config: EmulatorConfig) -> Choices:
    """The table's choices where Square is silent (each an assumed row)."""
    return Choices(
        rounding=_rounding(version, config),
        amount_per_unit=version.expect("discount-fixed-amount")["per"] == "unit",
        phase_order=_one_of(version.expect("discount-phase-order")["within_phase"], PHASE_ORDERS),
        split=_one_of(version.expect("order-discount-split")["remainder"], SPLITS),
        until_inclusive=bool(version.expect("pricing-rule-dates")["inclusive"]),
        ad_hoc_all_products=bool(version.expect("all-products-ad-hoc-lines")["discounted"]),
        entries_per_line=version.expect("rule-discount-entries")["entries"] == "per-line",
    )


def _bugs(config: EmulatorConfig) -> Bugs:
    """The pricing faults switched on in `config`."""
    return Bugs(
        group_filter_ignored=GroupFilterIgnored.on(config),
        ungrouped_rules_ignored=UngroupedRuleIgnored.on(config),
        item_match_ignored=ItemMatchIgnored.on(config),
        stacking=pf.StackingNotBest.on(config),
        fixed_first=pf.FixedBeforePercentage.on(config),
        no_compounding=pf.PercentagesOnGross.on(config),
        cap_ignored=pf.CapIgnored.on(config),
        exclusion_swapped=pf.ExclusionStrategySwapped.on(config),
        period_ignored=pf.PeriodIgnored.on(config),
        tax_before_discount=pf.TaxBeforeDiscount.on(config),
        exact_as_cap=pf.ExactAsCap.on(config),
        nested_ignored=pf.NestedSetsIgnored.on(config),
        minimum_ignored=pf.MinimumIgnored.on(config),
        quantity_max_ignored=pf.QuantityMaxIgnored.on(config),
        local_time_ignored=pf.LocalTimeIgnored.on(config),
        order_split_per_line=pf.OrderPercentagePerLine.on(config),
        auto_taxes_ignored=pf.AutoTaxesIgnored.on(config),
    )


def gates_for(version: VersionContext, config: EmulatorConfig) -> Gates:
    """The table's say under `version` and the faults switched on in `config`."""
    referenced = version.expect("catalog-delete-referenced")
    references = version.expect("pricing-rule-references")
    return Gates(
        groups_field=bool(version.expect("group-discount-eligibility").get("echoed")),
        check_versions=not CatalogVersionUnchecked.on(config),
        atomic_batches=not BatchNotAtomic.on(config),
        cascade=not DeleteNoCascade.on(config),
        replay_creates=CatalogReplayCreates.on(config),
        item_needs_variation=version.expect("catalog-item-needs-variation")["outcome"]
        == "rejected",
        missing_code=str(version.expect("catalog-update-missing-object")["code"]),
        mismatch_code=str(version.expect("catalog-version-mismatch")["code"]),
        gone_code=str(version.expect("catalog-retrieve-deleted")["code"]),
        referenced_code=None if referenced["status"] == 200 else str(referenced["code"]),
        cap_field=version.expect("discount-percentage-cap")["field"] == "present",
        minimum_field=version.expect("minimum-order-subtotal")["field"] == "present",
        references_code=None if references["status"] == 200 else str(references["code"]),
        references_unchecked=pf.ReferencesUnchecked.on(config),
        options_known=version.expect("auto-apply-discounts")["applies"] == "when-enabled",
        auto_apply_always=AutoApplyAlways.on(config),
        taxes_known=version.expect("auto-apply-taxes")["applies"] == "when-enabled",
        blocklists=bool(version.expect("pricing-blocklists")["blocked"]),
        rule_id_shown=version.expect("pricing-rule-id")["field"] == "present",
        stale_membership=StaleMembership.on(config),
        max_lines=int(version.expect("order-limits")["max_line_items"]),
        amount_code=str(version.expect("order-limits")["amount_code"]),
        update_mismatch_code=str(version.expect("update-order-version-mismatch")["code"]),
        update_not_repriced=pf.UpdateNotRepriced.on(config),
        clear_ignored=pf.FieldsToClearIgnored.on(config),
        choices=_choices(version, config),
        bugs=_bugs(config),
        codes=MappingProxyType({row: str(version.expect(row)["code"]) for row in ORDER_CODE_ROWS}),
    )
