"""Probes of the catalog and pricing faults: each gives another answer when its fault is on."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.commerce import (
    CATALOG,
    batch_upsert,
    group_discount,
    item,
    key,
    line,
    member,
    order,
    percent,
    product_set,
    rule,
    total,
)
from tests.support.emulator import NEW, Api


def _outsider_total(api: Api) -> int:
    ids = group_discount(api, api.group()["id"])
    return total(order(api, [line(ids["#item-v"])], api.customer()["id"]))


def _removed_member_total(api: Api) -> int:
    customer, group = member(api)
    ids = group_discount(api, group)
    order(api, [line(ids["#item-v"])], customer)
    api.ok("DELETE", f"/v2/customers/{customer}/groups/{group}")
    return total(order(api, [line(ids["#item-v"])], customer))


def _ungrouped_total(api: Api, price: int = 915, target: str = "#i-v", auto: bool = True) -> int:
    ids = batch_upsert(
        api,
        item("#i", price),
        percent("#d", "10"),
        product_set("#s", product_ids_any=[target]),
        rule("#r", "#d", "#s"),
    )
    return total(order(api, [line(ids["#i-v"])], auto=auto))


def _stale_version_status(api: Api) -> int:
    ids = batch_upsert(api, percent("#d", "10"))
    stale = percent(ids["#d"], "20")
    stale["version"] = 1
    body = {"idempotency_key": key(), "object": stale}
    return api.request("POST", f"{CATALOG}/object", json=body).status_code


def _replays_count(api: Api) -> int:
    body = {"idempotency_key": key(), "object": percent("#d", "10")}
    api.ok("POST", f"{CATALOG}/object", json=body)
    api.ok("POST", f"{CATALOG}/object", json=body)
    return len(api.ok("GET", f"{CATALOG}/list").get("objects", []))


def _half_batch_count(api: Api) -> int:
    bad = [percent("#ok", "5"), product_set("#bad", product_ids_any=["X"], all_products=True)]
    body = {"idempotency_key": key(), "batches": [{"objects": bad}]}
    api.request("POST", f"{CATALOG}/batch-upsert", json=body)
    return len(api.ok("GET", f"{CATALOG}/list").get("objects", []))


def _live_after_item_delete(api: Api) -> int:
    ids = batch_upsert(api, item("#i", 100))
    api.ok("DELETE", f"{CATALOG}/object/{ids['#i']}")
    listed = api.ok("GET", f"{CATALOG}/list", params={"types": "ITEM,ITEM_VARIATION"})
    return len(listed.get("objects", []))


def _mapped(api: Api) -> int:
    return len(batch_upsert(api, item("#i", 100)))


def _net_total(api: Api) -> int:
    ids = batch_upsert(api, item("#i", 1000), percent("#d", "10"))
    batch_upsert(api, product_set("#s", all_products=True), rule("#r", ids["#d"], "#s"))
    amount: int = order(api, [line(ids["#i-v"])])["net_amounts"]["total_money"]["amount"]
    return amount


Probe = Callable[[Api], object]
COMMERCE_PROBES: dict[str, tuple[str, Probe, object]] = {
    "group-filter-ignored": (NEW, _outsider_total, 1000),
    "stale-membership": (NEW, _removed_member_total, 1000),
    "wrong-rounding": (NEW, _ungrouped_total, 824),
    "ungrouped-rule-ignored": (NEW, _ungrouped_total, 824),
    "item-match-ignored": (NEW, lambda a: _ungrouped_total(a, 1000, "#i"), 900),
    "auto-apply-always": (NEW, lambda a: _ungrouped_total(a, 1000, auto=False), 1000),
    "catalog-version-unchecked": (NEW, _stale_version_status, 400),
    "catalog-replay-creates": (NEW, _replays_count, 1),
    "batch-not-atomic": (NEW, _half_batch_count, 0),
    "delete-no-cascade": (NEW, _live_after_item_delete, 0),
    "id-mappings-missing": (NEW, _mapped, 2),
    "net-amounts-without-discounts": (NEW, _net_total, 900),
}
