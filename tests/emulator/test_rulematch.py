"""Rule selection: product-set matching, date windows, group eligibility (pure functions)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.rulematch import (
    Bugs,
    MatchLine,
    applications,
    in_window,
    matched_lines,
    product_keys,
)

TODAY = date(2026, 3, 1)


def _catalog(**product_set: Any) -> dict[str, dict[str, Any]]:
    objects: list[dict[str, Any]] = [
        {"id": "CAT", "type": "CATEGORY", "category_data": {"name": "c"}},
        {"id": "ITEM", "type": "ITEM", "item_data": {"name": "i", "categories": [{"id": "CAT"}]}},
        {"id": "VAR", "type": "ITEM_VARIATION", "item_variation_data": {"item_id": "ITEM"}},
        {"id": "VAR2", "type": "ITEM_VARIATION", "item_variation_data": {"item_id": "OTHER"}},
        {
            "id": "DISC",
            "type": "DISCOUNT",
            "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "10"},
        },
        {"id": "SET", "type": "PRODUCT_SET", "product_set_data": product_set},
    ]
    return {str(o["id"]): o for o in objects}


def _rule(**data: Any) -> dict[str, Any]:
    body = {"discount_id": "DISC", "match_products_id": "SET", **data}
    return {"id": "RULE", "type": "PRICING_RULE", "pricing_rule_data": body}


def _line(variation: str | None = "VAR", quantity: str = "1", **kw: Any) -> MatchLine:
    return MatchLine(variation, Decimal(quantity), **kw)


def test_keys_are_variation_item_and_categories() -> None:
    """A catalog line matches by its variation, its item and its item's categories."""
    assert product_keys(_line(), _catalog()) == {"VAR", "ITEM", "CAT"}
    assert product_keys(_line(None), _catalog()) == set()
    assert product_keys(_line(), _catalog(), item_match=False) == {"VAR"}


def test_any_all_and_all_products() -> None:
    """product_ids_any needs one id, product_ids_all every id, all_products any catalog line."""
    keys = [{"VAR", "ITEM"}, {"VAR2"}, set()]
    ones = [Decimal(1)] * 3
    assert matched_lines({"product_ids_any": ["ITEM"]}, keys, ones) == (0,)
    assert matched_lines({"product_ids_all": ["ITEM", "VAR2"]}, keys, ones) == (0, 1)
    assert matched_lines({"product_ids_all": ["ITEM", "NOPE"]}, keys, ones) == ()
    assert matched_lines({"all_products": True}, keys, ones) == (0, 1)


def test_quantity_bounds() -> None:
    """quantity_exact and quantity_min count the matched units of the whole order."""
    keys, qty = [{"VAR"}], [Decimal(2)]
    assert matched_lines({"product_ids_any": ["VAR"], "quantity_exact": 2}, keys, qty) == (0,)
    assert matched_lines({"product_ids_any": ["VAR"], "quantity_exact": 3}, keys, qty) == ()
    assert matched_lines({"product_ids_any": ["VAR"], "quantity_min": 3}, keys, qty) == ()


def test_dates_are_inclusive() -> None:
    """A rule is live on its first and last day and not outside them."""
    assert in_window({"valid_from_date": "2026-03-01", "valid_until_date": "2026-03-01"}, TODAY)
    assert not in_window({"valid_from_date": "2026-03-02"}, TODAY)
    assert not in_window({"valid_until_date": "2026-02-28"}, TODAY)


def test_group_rules_need_a_member() -> None:
    """A rule with groups applies to a member of any of them, never to anyone else."""
    catalog = _catalog(product_ids_any=["VAR"])
    rule = _rule(customer_group_ids_any=["G1", "G2"])
    assert applications([rule], catalog, [_line()], frozenset({"G2"}), TODAY)
    assert not applications([rule], catalog, [_line()], frozenset({"G3"}), TODAY)
    assert not applications([rule], catalog, [_line()], frozenset(), TODAY)
    ignored = Bugs(group_filter_ignored=True)
    assert applications([rule], catalog, [_line()], frozenset(), TODAY, ignored)


def test_rule_without_groups_applies_to_anyone() -> None:
    """No customer_group_ids_any: the rule applies with or without a customer."""
    found = applications([_rule()], _catalog(all_products=True), [_line()], frozenset(), TODAY)
    assert [(a.rule_id, a.lines) for a in found] == [("RULE", (0,))]
    bug = Bugs(ungrouped_rules_ignored=True)
    catalog = _catalog(all_products=True)
    assert not applications([_rule()], catalog, [_line()], frozenset(), TODAY, bug)


def test_blocklist_and_missing_discount() -> None:
    """A line that blocks the discount is skipped; a rule whose discount is gone applies nowhere."""
    catalog = _catalog(product_ids_any=["VAR"])
    blocked = _line(blocked_discount_ids=frozenset({"DISC"}))
    assert not applications([_rule()], catalog, [blocked], frozenset(), TODAY)
    del catalog["DISC"]
    assert not applications([_rule()], catalog, [_line()], frozenset(), TODAY)
