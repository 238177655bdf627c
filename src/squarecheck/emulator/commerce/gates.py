"""What the behaviour table and the injected faults decide about one Catalog or Orders request.

Handlers build one `Gates` per request (`gates_for`) and hand it to catalog writes and to
pricing, which obey it and never ask the table or the faults themselves (the customer domain
does the same with its own gates). Every field where Square is silent names its assumed row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from squarecheck.emulator.commerce.pricing import Choices, Rounding
from squarecheck.emulator.commerce.rulematch import Bugs, Matching
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.versioning import VersionContext
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
    # --- orders and pricing
    options_known: bool = True  # auto-apply-discounts: the version knows pricing_options
    auto_apply_always: bool = False  # fault auto-apply-always
    blocklists: bool = True  # pricing-blocklists
    entries_per_line: bool = False  # rule-discount-entries
    rule_id_shown: bool = True  # pricing-rule-id
    stale_membership: bool = False  # fault stale-membership
    choices: Choices = field(default_factory=Choices)
    matching: Matching = field(default_factory=Matching)
    bugs: Bugs = field(default_factory=Bugs)
    codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def _rounding(version: VersionContext, config: EmulatorConfig) -> Rounding:
    if WrongRounding.on(config):
        return "discount-half-up"
    chosen = version.expect("discount-rounding")["rounds"]
    return "discount-half-down" if chosen == "discount-half-down" else "discounted-price-half-even"


def gates_for(version: VersionContext, config: EmulatorConfig) -> Gates:
    """The table's say under `version` and the faults switched on in `config`."""
    referenced = version.expect("catalog-delete-referenced")
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
        options_known=version.expect("auto-apply-discounts")["applies"] == "when-enabled",
        auto_apply_always=AutoApplyAlways.on(config),
        blocklists=bool(version.expect("pricing-blocklists")["blocked"]),
        entries_per_line=version.expect("rule-discount-entries")["entries"] == "per-line",
        rule_id_shown=version.expect("pricing-rule-id")["field"] == "present",
        stale_membership=StaleMembership.on(config),
        choices=Choices(
            rounding=_rounding(version, config),
            amount_per_unit=version.expect("discount-fixed-amount")["per"] == "unit",
            stack=bool(version.expect("pricing-rule-stacking")["stack"]),
        ),
        matching=Matching(
            until_inclusive=bool(version.expect("pricing-rule-dates")["inclusive"]),
            ad_hoc_all_products=bool(version.expect("all-products-ad-hoc-lines")["discounted"]),
            groups_limit=version.expect("group-discount-eligibility")["applies_to"] == "members",
        ),
        bugs=Bugs(
            group_filter_ignored=GroupFilterIgnored.on(config),
            ungrouped_rules_ignored=UngroupedRuleIgnored.on(config),
            item_match_ignored=ItemMatchIgnored.on(config),
        ),
        codes=MappingProxyType({row: str(version.expect(row)["code"]) for row in ORDER_CODE_ROWS}),
    )
