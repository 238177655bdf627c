"""Pricing cost as orders and catalogs grow, and what one large order costs another seller.

Run: python bench/bench_pricing_scale.py [--repeat 3]. A seller has R pricing rules all
matching one item (each its own percentage and match-set size) and prices an order of L lines of
that item (quantities 1 to 5). Prints, per (L, R), the median CalculateOrder time, the time per
line x rule and its ratio to the smallest order (near 1 when pricing is linear in lines x
rules), and the answer's size. Then a second seller's small CalculateOrder: its median latency
alone, and while the first seller's largest order is being priced, with the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from typing import Any

import httpx

from squarecheck.emulator.server import EmulatorServer

GRID = ((100, 30), (300, 100), (1000, 300))
Json = dict[str, Any]


def _seller(client: httpx.Client, token: str, rules: int) -> tuple[dict[str, str], str, str]:
    """Headers, the location and the variation every rule of the seller matches."""
    headers = {"Authorization": f"Bearer {token}", "Square-Version": "2022-03-16"}
    price = {"amount": 1000, "currency": "USD"}
    variation = {
        "type": "ITEM_VARIATION",
        "id": "#v",
        "item_variation_data": {"price_money": price},
    }
    objects: list[Json] = [
        {"type": "ITEM", "id": "#i", "item_data": {"name": "i", "variations": [variation]}}
    ]
    for r in range(rules):
        objects += [
            {"type": "DISCOUNT", "id": f"#d{r}", "discount_data": {
                "discount_type": "FIXED_PERCENTAGE", "percentage": str(1 + r % 50)}},
            {"type": "PRODUCT_SET", "id": f"#s{r}", "product_set_data": {
                "product_ids_any": ["#i"], "quantity_exact": 1 + r % 3}},
            {"type": "PRICING_RULE", "id": f"#r{r}", "pricing_rule_data": {
                "discount_id": f"#d{r}", "match_products_id": f"#s{r}"}},
        ]  # fmt: skip
    body = {"idempotency_key": "k", "batches": [{"objects": objects}]}
    answer = client.post("/v2/catalog/batch-upsert", json=body, headers=headers).json()
    ids = {m["client_object_id"]: m["object_id"] for m in answer["id_mappings"]}
    location = client.get("/v2/locations/main", headers=headers).json()["location"]["id"]
    return headers, location, ids["#v"]


def _order(location: str, variation: str, lines: int) -> Json:
    items = [{"catalog_object_id": variation, "quantity": str(1 + i % 5)} for i in range(lines)]
    order = {"location_id": location, "line_items": items}
    return {"order": {**order, "pricing_options": {"auto_apply_discounts": True}}}


def _timed(client: httpx.Client, body: Json, headers: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.post("/v2/orders/calculate", json=body, headers=headers)
    assert answer.status_code == 200, answer.text[:300]
    return time.perf_counter() - started, len(answer.content)


def scaling(client: httpx.Client, repeat: int) -> tuple[dict[str, str], str, str]:
    """Print the grid; return the largest seller (headers, location, variation)."""
    first = None
    seller: tuple[dict[str, str], str, str] | None = None
    for lines, rules in GRID:
        seller = _seller(client, f"scale-{lines}-{rules}", rules)
        body = _order(seller[1], seller[2], lines)
        runs = [_timed(client, body, seller[0]) for _ in range(repeat)]
        median = statistics.median(t for t, _ in runs)
        per_pair = median / (lines * rules) * 1e6
        first = first or per_pair
        print(
            f"CalculateOrder {lines:5d} lines x {rules:4d} rules  {median:7.2f} s  "
            f"{per_pair:6.1f} us per line x rule ({per_pair / first:4.2f}x)  "
            f"answer {runs[0][1] // 1024} KiB"
        )
    assert seller is not None
    return seller


def neighbour(client: httpx.Client, heavy: tuple[dict[str, str], str, str], repeat: int) -> None:
    """A second seller's small order alone, and while the largest order is priced."""
    headers, location, _ = _seller(client, "scale-neighbour", 1)
    tea = {"name": "tea", "quantity": "1", "base_price_money": {"amount": 500, "currency": "USD"}}
    small = {"order": {"location_id": location, "line_items": [tea]}}
    alone = statistics.median(_timed(client, small, headers)[0] for _ in range(repeat * 5))
    busy: list[float] = []
    big = _order(heavy[1], heavy[2], GRID[-1][0])
    other = httpx.Client(base_url=str(client.base_url), timeout=600)
    for _ in range(repeat):
        worker = threading.Thread(target=_timed, args=(other, big, heavy[0]))
        worker.start()
        time.sleep(0.3)
        busy.append(_timed(client, small, headers)[0])
        worker.join()
    other.close()
    during = statistics.median(busy)
    print(f"another seller's CalculateOrder alone {alone * 1000:7.1f} ms, while the largest order "
          f"is priced {during * 1000:7.1f} ms ({during / alone:.1f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with EmulatorServer(port=0) as server, httpx.Client(base_url=server.url, timeout=600) as client:
        heavy = scaling(client, args.repeat)
        neighbour(client, heavy, args.repeat)


if __name__ == "__main__":
    main()
