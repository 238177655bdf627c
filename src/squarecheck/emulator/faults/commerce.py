"""Injected faults of the catalog and of pricing (customer-group discounts).

Part of the fault catalogue (`faults.FAULTS`). Store-point faults carry no code: the catalog and
order handlers ask `<Fault>.on(config)` at the one step the bug bends. Two rewrite responses.
"""

from __future__ import annotations

from squarecheck.emulator.faults.base import Fault, Outgoing

# --- store point ------------------------------------------------------------------------------


class GroupFilterIgnored(Fault):
    """Pricing ignores customer_group_ids_any: a group's rule discounts every buyer."""

    name = "group-filter-ignored"
    behaviours = ("group-discount-eligibility",)


class StaleMembership(Fault):
    """Pricing reads a customer's groups once: a removed member keeps the discount."""

    name = "stale-membership"
    behaviours = ("group-discount-membership-live",)


class WrongRounding(Fault):
    """A percentage discount is rounded half up on the discount (10% of 915 takes 92, not 91)."""

    name = "wrong-rounding"
    behaviours = ("discount-rounding",)


class UngroupedRuleIgnored(Fault):
    """Pricing rules without customer_group_ids_any are never applied."""

    name = "ungrouped-rule-ignored"
    behaviours = ("group-discount-no-groups",)


class ItemMatchIgnored(Fault):
    """A product set naming an item (or category) does not match the item's variations."""

    name = "item-match-ignored"
    behaviours = ("product-set-matching",)


class AutoApplyAlways(Fault):
    """Pricing rules apply even when pricing_options.auto_apply_discounts is false or absent."""

    name = "auto-apply-always"
    behaviours = ("auto-apply-discounts",)


class CatalogVersionUnchecked(Fault):
    """Catalog updates with a stale or missing version are accepted."""

    name = "catalog-version-unchecked"
    behaviours = ("catalog-version-mismatch",)


class CatalogReplayCreates(Fault):
    """A catalog upsert repeated with its idempotency key and body creates new objects."""

    name = "catalog-replay-creates"
    behaviours = ("catalog-upsert-idempotency",)


class BatchNotAtomic(Fault):
    """A failing batch of BatchUpsertCatalogObjects keeps the objects before its bad one."""

    name = "batch-not-atomic"
    behaviours = ("catalog-batch-atomic",)


class DeleteNoCascade(Fault):
    """Deleting an item leaves its variations alive."""

    name = "delete-no-cascade"
    behaviours = ("catalog-delete-cascade",)


# --- response point ---------------------------------------------------------------------------


class IdMappingsMissing(Fault):
    """Catalog upsert responses carry no id_mappings."""

    name = "id-mappings-missing"
    behaviours = ("catalog-id-mappings",)

    def transform(self, response: Outgoing) -> None:
        if response.operation in ("UpsertCatalogObject", "BatchUpsertCatalogObjects"):
            response.body.pop("id_mappings", None)


class NetAmountsWithoutDiscounts(Fault):
    """An order's net_amounts leave out its discounts (discount_money 0, total the gross)."""

    name = "net-amounts-without-discounts"
    behaviours = ("order-totals",)

    def transform(self, response: Outgoing) -> None:
        net = (response.body.get("order") or {}).get("net_amounts")
        if isinstance(net, dict) and net.get("discount_money"):
            discount = net["discount_money"]["amount"]
            net["total_money"]["amount"] += discount
            net["discount_money"]["amount"] = 0


COMMERCE_FAULTS: tuple[type[Fault], ...] = (
    GroupFilterIgnored,
    StaleMembership,
    WrongRounding,
    UngroupedRuleIgnored,
    ItemMatchIgnored,
    AutoApplyAlways,
    CatalogVersionUnchecked,
    CatalogReplayCreates,
    BatchNotAtomic,
    DeleteNoCascade,
    IdMappingsMissing,
    NetAmountsWithoutDiscounts,
)
