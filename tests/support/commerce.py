"""Helpers for the catalog and order tests: a discount setup and an order to price."""

from __future__ import annotations

import secrets
from typing import Any

from tests.support.emulator import Api

CATALOG = "/v2/catalog"
CALCULATE = "/v2/orders/calculate"


def key() -> str:
    return "k-" + secrets.token_hex(6)


def money(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


def item(client_id: str, price: int, name: str = "Coffee") -> dict[str, Any]:
    """An ITEM with one nested variation `<client_id>-v` at `price` cents."""
    variation = {
        "type": "ITEM_VARIATION",
        "id": f"{client_id}-v",
        "item_variation_data": {
            "name": "Regular",
            "pricing_type": "FIXED_PRICING",
            "price_money": money(price),
        },
    }
    return {
        "type": "ITEM",
        "id": client_id,
        "item_data": {"name": name, "variations": [variation]},
    }


def percent(client_id: str, percentage: str, **extra: Any) -> dict[str, Any]:
    data = {"name": f"{percentage}% off", "discount_type": "FIXED_PERCENTAGE"}
    data.update(percentage=percentage, **extra)
    return {"type": "DISCOUNT", "id": client_id, "discount_data": data}


def product_set(client_id: str, **data: Any) -> dict[str, Any]:
    return {"type": "PRODUCT_SET", "id": client_id, "product_set_data": data}


def rule(client_id: str, discount: str, products: str, **data: Any) -> dict[str, Any]:
    body = {"name": "rule", "discount_id": discount, "match_products_id": products, **data}
    return {"type": "PRICING_RULE", "id": client_id, "pricing_rule_data": body}


def batch_upsert(api: Api, *objects: dict[str, Any]) -> dict[str, str]:
    """Upsert `objects` in one batch; the id mappings (client id -> server id)."""
    body = api.ok(
        "POST",
        f"{CATALOG}/batch-upsert",
        json={"idempotency_key": key(), "batches": [{"objects": list(objects)}]},
    )
    return {m["client_object_id"]: m["object_id"] for m in body.get("id_mappings", [])}


def location_id(api: Api) -> str:
    found: str = api.ok("GET", "/v2/locations")["locations"][0]["id"]
    return found


def member(api: Api) -> tuple[str, str]:
    """(customer id, group id) of a customer in a fresh group."""
    customer, group = api.customer()["id"], api.group()["id"]
    api.ok("PUT", f"/v2/customers/{customer}/groups/{group}")
    return customer, group


def order(
    api: Api,
    lines: list[dict[str, Any]],
    customer: str | None = None,
    auto: bool | None = True,
) -> dict[str, Any]:
    """CalculateOrder for `lines`; the priced order."""
    body: dict[str, Any] = {"location_id": location_id(api), "line_items": lines}
    if customer is not None:
        body["customer_id"] = customer
    if auto is not None:
        body["pricing_options"] = {"auto_apply_discounts": auto}
    priced: dict[str, Any] = api.ok("POST", CALCULATE, json={"order": body})["order"]
    return priced


def line(variation: str, quantity: str = "1", **extra: Any) -> dict[str, Any]:
    return {"catalog_object_id": variation, "quantity": quantity, **extra}


def group_discount(
    api: Api, group: str, percentage: str = "10", price: int = 1000
) -> dict[str, str]:
    """An item, a discount, a product set naming the item, and a rule for `group`."""
    return batch_upsert(
        api,
        item("#item", price),
        percent("#disc", percentage),
        product_set("#set", product_ids_any=["#item"]),
        rule("#rule", "#disc", "#set", customer_group_ids_any=[group]),
    )


def total(priced: dict[str, Any]) -> int:
    amount: int = priced["total_money"]["amount"]
    return amount
