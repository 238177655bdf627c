"""Emulator pricing throughput: CalculateOrder per second as a seller's catalog grows.

Run: python bench/bench_pricing.py [--requests N]. A seller has one member's group rule and
R other pricing rules (each with its discount, product set and item); every CalculateOrder
prices a member's order of 3 lines. Prints requests/s per catalog size and the slowdown from
the smallest to the largest catalog, and BatchUpsertCatalogObjects objects/s.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import httpx

from squarecheck.emulator.server import EmulatorServer

SIZES = (10, 100, 1000)


def _objects(count: int) -> list[dict[str, Any]]:
    """`count` items, each with a 10% rule of its own (4 objects and a variation per rule)."""
    out: list[dict[str, Any]] = []
    for i in range(count):
        price = {"amount": 100 + i, "currency": "USD"}
        variation = {
            "type": "ITEM_VARIATION",
            "id": f"#v{i}",
            "item_variation_data": {"price_money": price},
        }
        out += [
            {
                "type": "ITEM",
                "id": f"#i{i}",
                "item_data": {"name": f"i{i}", "variations": [variation]},
            },
            {
                "type": "DISCOUNT",
                "id": f"#d{i}",
                "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "10"},
            },
            {
                "type": "PRODUCT_SET",
                "id": f"#s{i}",
                "product_set_data": {"product_ids_any": [f"#i{i}"]},
            },
            {
                "type": "PRICING_RULE",
                "id": f"#r{i}",
                "pricing_rule_data": {"discount_id": f"#d{i}", "match_products_id": f"#s{i}"},
            },
        ]
    return out


def _seller(
    client: httpx.Client, token: str, rules: int
) -> tuple[dict[str, str], dict[str, Any], float]:
    """Headers, an order to price, and the catalog's upsert rate (objects/s)."""
    headers = {"Authorization": f"Bearer {token}", "Square-Version": "2022-03-16"}
    group = client.post(
        "/v2/customers/groups", json={"group": {"name": "g"}}, headers=headers
    ).json()["group"]["id"]
    customer = client.post("/v2/customers", json={"given_name": "m"}, headers=headers).json()[
        "customer"
    ]["id"]
    client.put(f"/v2/customers/{customer}/groups/{group}", headers=headers)
    objects = _objects(rules)
    started = time.perf_counter()
    ids: dict[str, str] = {}
    for start in range(0, len(objects), 1000):
        body = {
            "idempotency_key": f"k{start}",
            "batches": [{"objects": objects[start : start + 1000]}],
        }
        answer = client.post("/v2/catalog/batch-upsert", json=body, headers=headers).json()
        ids.update({m["client_object_id"]: m["object_id"] for m in answer["id_mappings"]})
    upsert_rate = (len(objects) + rules) / (time.perf_counter() - started)
    location = client.get("/v2/locations/main", headers=headers).json()["location"]["id"]
    lines = [{"catalog_object_id": ids[f"#v{i}"], "quantity": "1"} for i in range(3)]
    order = {
        "location_id": location,
        "customer_id": customer,
        "line_items": lines,
        "pricing_options": {"auto_apply_discounts": True},
    }
    return headers, {"order": order}, upsert_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rates: dict[int, float] = {}
    with EmulatorServer(port=0) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        for rules in SIZES:
            headers, order, upsert_rate = _seller(client, f"bench-{rules}", rules)
            started = time.perf_counter()
            for _ in range(args.requests):
                response = client.post("/v2/orders/calculate", json=order, headers=headers)
                assert response.status_code == 200 and response.json()["order"]["discounts"], (
                    response.text
                )
            rates[rules] = args.requests / (time.perf_counter() - started)
            print(f"BatchUpsertCatalogObjects, {rules:5d} rules   {upsert_rate:8.0f} objects/s")
            print(f"CalculateOrder, {rules:5d} rules (3 lines)  {rates[rules]:8.0f} req/s")
    slowdown = rates[SIZES[0]] / rates[SIZES[-1]]
    print(f"CalculateOrder slowdown {SIZES[0]} -> {SIZES[-1]} rules: {slowdown:.1f}x")


if __name__ == "__main__":
    main()
