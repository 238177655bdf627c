"""`squarecheck serve --data FILE` keeps the catalog and orders: a members' discount survives.

The real command runs in its own process, is killed with SIGKILL and started again on the same
file; everything is checked over HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.emulator.test_data_file import Served


def _rule_for(group_id: str) -> dict[str, Any]:
    variation = {
        "type": "ITEM_VARIATION",
        "id": "#tea-cup",
        "item_variation_data": {
            "pricing_type": "FIXED_PRICING",
            "price_money": {"amount": 1000, "currency": "USD"},
        },
    }
    objects = [
        {"type": "ITEM", "id": "#tea", "item_data": {"name": "Tea", "variations": [variation]}},
        {
            "type": "DISCOUNT",
            "id": "#ten",
            "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "10"},
        },
        {"type": "PRODUCT_SET", "id": "#teas", "product_set_data": {"product_ids_any": ["#tea"]}},
        {
            "type": "PRICING_RULE",
            "id": "#rule",
            "pricing_rule_data": {
                "discount_id": "#ten",
                "match_products_id": "#teas",
                "customer_group_ids_any": [group_id],
            },
        },
    ]
    return {"idempotency_key": "catalog-1", "batches": [{"objects": objects}]}


def test_a_pricing_rule_and_an_order_survive_a_restart(tmp_path: Path) -> None:
    """After kill -9 and a restart, the member's order is still discounted and the order kept."""
    data = tmp_path / "state.sqlite3"
    first = Served(data)
    group_id = first.ok("POST", "/v2/customers/groups", json={"group": {"name": "VIP"}})["group"][
        "id"
    ]
    member = first.ok("POST", "/v2/customers", json={"given_name": "Ann"})["customer"]["id"]
    first.ok("PUT", f"/v2/customers/{member}/groups/{group_id}")
    location = first.ok("GET", "/v2/locations")["locations"][0]["id"]
    upserted = first.ok("POST", "/v2/catalog/batch-upsert", json=_rule_for(group_id))
    cup = next(
        m["object_id"] for m in upserted["id_mappings"] if m["client_object_id"] == "#tea-cup"
    )
    order = {
        "location_id": location,
        "customer_id": member,
        "line_items": [{"catalog_object_id": cup, "quantity": "1"}],
        "pricing_options": {"auto_apply_discounts": True},
    }
    created = first.ok("POST", "/v2/orders", json={"idempotency_key": "o1", "order": order})
    first.kill()

    second = Served(data)
    try:
        assert second.ok("GET", "/v2/locations")["locations"][0]["id"] == location
        priced = second.ok("POST", "/v2/orders/calculate", json={"order": order})["order"]
        assert priced["total_money"]["amount"] == 900
        assert [d["pricing_rule_id"] for d in priced["discounts"]] == [
            next(
                m["object_id"] for m in upserted["id_mappings"] if m["client_object_id"] == "#rule"
            )
        ]
        kept = second.ok("GET", f"/v2/orders/{created['order']['id']}")
        assert kept == created
        assert second.ok("POST", "/v2/catalog/batch-upsert", json=_rule_for(group_id)) == upserted
        listed = second.ok("GET", "/v2/catalog/list", params={"types": "pricing_rule,discount"})
        assert sorted(o["type"] for o in listed["objects"]) == ["DISCOUNT", "PRICING_RULE"]
        second.ok("DELETE", f"/v2/customers/{member}/groups/{group_id}")
        full = second.ok("POST", "/v2/orders/calculate", json={"order": order})["order"]
        assert full["total_money"]["amount"] == 1000
    finally:
        second.stop()
