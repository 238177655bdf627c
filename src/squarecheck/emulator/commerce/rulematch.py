"""Which pricing rules apply to which order lines (pure functions over catalog snapshots).

A rule applies when it is live (not deleted, today inside its date window), its DISCOUNT and
PRODUCT_SET exist, its `customer_group_ids_any` is unset or shares a group with the order's
customer, and its product set matches lines of the order. Sources: CatalogPricingRule and
CatalogProductSet in Square's spec (connect-api-specification api.json @ 5733f66) and
https://developer.squareup.com/docs/catalog-api/configure-customer-group-discounts.
Choices where Square is silent come from the behaviour table (`Matching`, rows `assumed`):
whether `valid_until_date` is inclusive (pricing-rule-dates; dates are read in the location's
time zone), whether `all_products` reaches ad-hoc lines (all-products-ad-hoc-lines), and whether
`customer_group_ids_any` limits the rule at all under the version (group-discount-eligibility).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from squarecheck.emulator.commerce.pricing import Application, Discount

CatalogView = Mapping[str, dict[str, Any]]  # live objects by id


@dataclass(frozen=True)
class MatchLine:
    """What matching needs of one order line."""

    catalog_object_id: str | None
    quantity: Decimal
    blocked_discount_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Matching:
    """What the behaviour table decides about matching where Square is silent."""

    until_inclusive: bool = True
    ad_hoc_all_products: bool = False
    groups_limit: bool = True


@dataclass(frozen=True)
class Bugs:
    """Injected faults that bend rule selection (all off in the clean emulator)."""

    group_filter_ignored: bool = False
    ungrouped_rules_ignored: bool = False
    item_match_ignored: bool = False


def product_keys(line: MatchLine, catalog: CatalogView, item_match: bool = True) -> set[str]:
    """Ids a product set can name to match this line: the variation, its item, its categories."""
    variation = catalog.get(line.catalog_object_id or "")
    if variation is None or variation.get("type") != "ITEM_VARIATION":
        return set()
    keys = {str(variation["id"])}
    item_id = (variation.get("item_variation_data") or {}).get("item_id")
    item = catalog.get(str(item_id)) if item_id else None
    if item is not None and item_match:
        keys.add(str(item["id"]))
        data = item.get("item_data") or {}
        if data.get("category_id"):
            keys.add(str(data["category_id"]))
        for category in data.get("categories") or []:
            if isinstance(category, dict) and category.get("id"):
                keys.add(str(category["id"]))
    return keys


def matched_lines(
    product_set: dict[str, Any],
    keys: Sequence[set[str]],
    quantities: Sequence[Decimal],
    ad_hoc: bool = False,
) -> tuple[int, ...]:
    """Indexes of the lines a product set matches, honouring `_all` and the quantity bounds;
    `ad_hoc`: `all_products` also matches lines without catalog ids (no keys)."""
    if product_set.get("all_products"):
        hits = [i for i, k in enumerate(keys) if k or ad_hoc]
    elif product_set.get("product_ids_all"):
        wanted = set(product_set["product_ids_all"])
        covered = set().union(*keys) if keys else set()
        hits = [i for i, k in enumerate(keys) if k & wanted] if wanted <= covered else []
    else:
        wanted = set(product_set.get("product_ids_any") or [])
        hits = [i for i, k in enumerate(keys) if k & wanted]
    count = sum((quantities[i] for i in hits), Decimal(0))
    exact, least = product_set.get("quantity_exact"), product_set.get("quantity_min")
    if exact is not None and count != exact:
        return ()
    if least is not None and count < least:
        return ()
    return tuple(hits)


def in_window(rule: dict[str, Any], today: date, until_inclusive: bool = True) -> bool:
    """Inside `valid_from_date`..`valid_until_date` (the start inclusive; the end as chosen)."""
    start, end = rule.get("valid_from_date"), rule.get("valid_until_date")
    if start and today < date.fromisoformat(start):
        return False
    if not end:
        return True
    last = date.fromisoformat(end)
    return today <= last if until_inclusive else today < last


def eligible(
    rule: dict[str, Any], member_of: frozenset[str], bugs: Bugs, groups_limit: bool = True
) -> bool:
    """The order's customer may get the rule's discount (customer_group_ids_any)."""
    groups = rule.get("customer_group_ids_any") if groups_limit else None
    if not groups:
        return not bugs.ungrouped_rules_ignored
    return bugs.group_filter_ignored or bool(member_of & set(groups))


def discount_of(obj: dict[str, Any] | None) -> Discount | None:
    """A DISCOUNT object as pricing reads it; variable discounts cannot be applied automatically."""
    if obj is None or obj.get("type") != "DISCOUNT":
        return None
    data = obj.get("discount_data") or {}
    maximum = (data.get("maximum_amount_money") or {}).get("amount")
    if data.get("discount_type") == "FIXED_PERCENTAGE":
        try:
            percentage = Decimal(str(data.get("percentage")))
        except InvalidOperation:
            return None
        return Discount("FIXED_PERCENTAGE", percentage=percentage, maximum=maximum)
    if data.get("discount_type") == "FIXED_AMOUNT":
        amount = (data.get("amount_money") or {}).get("amount")
        return Discount("FIXED_AMOUNT", amount=amount, maximum=maximum)
    return None


def applications(
    rules: Sequence[dict[str, Any]],
    catalog: CatalogView,
    lines: Sequence[MatchLine],
    member_of: frozenset[str],
    today: date,
    bugs: Bugs = Bugs(),
    matching: Matching = Matching(),
) -> list[Application]:
    """Every live, eligible rule with the lines it discounts, in rule (catalog) order."""
    keys = [product_keys(line, catalog, not bugs.item_match_ignored) for line in lines]
    quantities = [line.quantity for line in lines]
    found: list[Application] = []
    for rule in rules:
        data = rule.get("pricing_rule_data") or {}
        discount_id = str(data.get("discount_id"))
        discount = discount_of(catalog.get(discount_id))
        product_set = catalog.get(str(data.get("match_products_id")))
        if discount is None or product_set is None or product_set.get("type") != "PRODUCT_SET":
            continue
        if not in_window(data, today, matching.until_inclusive):
            continue
        if not eligible(data, member_of, bugs, matching.groups_limit):
            continue
        products = product_set.get("product_set_data") or {}
        hits = matched_lines(products, keys, quantities, matching.ad_hoc_all_products)
        hits = tuple(i for i in hits if discount_id not in lines[i].blocked_discount_ids)
        if hits:
            found.append(Application(str(rule["id"]), discount, hits))
    return found
