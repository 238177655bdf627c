"""Probes of the pricing and UpdateOrder faults: each answers otherwise with its fault on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.commerce import (
    CALCULATE,
    batch_upsert,
    item,
    key,
    line,
    location_id,
    money,
    order,
    percent,
    product_set,
    rule,
    total,
)
from tests.support.emulator import NEW, Api

Json = dict[str, Any]


def _rule_total(api: Api, lines: list[tuple[str, int, str]], *objects: Json, **kw: Any) -> int:
    """Items `(client id, price, quantity)`, then `objects` (rules naming them); the total."""
    ids = batch_upsert(api, *[item(cid, price) for cid, price, _ in lines])
    resolved = [_resolve(obj, ids) for obj in objects]
    batch_upsert(api, *resolved)
    return total(order(api, [line(ids[f"{cid}-v"], qty) for cid, _, qty in lines], **kw))


def _resolve(obj: Any, ids: dict[str, str]) -> Any:
    if isinstance(obj, dict):
        return {k: _resolve(v, ids) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_resolve(v, ids) for v in obj]
    return ids.get(obj, obj) if isinstance(obj, str) else obj


def _explicit(api: Api, lines: list[Json], **extra: Any) -> Json:
    body: Json = {"location_id": location_id(api), "line_items": lines, **extra}
    priced: Json = api.ok("POST", CALCULATE, json={"order": body})["order"]
    return priced


def _ad_hoc(amount: int, **extra: Any) -> Json:
    return {"name": "x", "quantity": "1", "base_price_money": money(amount), **extra}


def _stacking(api: Api) -> int:
    off = {"type": "DISCOUNT", "id": "#off", "discount_data": {
        "name": "off", "discount_type": "FIXED_AMOUNT", "amount_money": money(150)}}  # fmt: skip
    return _rule_total(
        api, [("#a", 1000, "1")], percent("#ten", "10"), off,
        product_set("#s", product_ids_any=["#a"]),
        rule("#r1", "#ten", "#s"), rule("#r2", "#off", "#s"),
    )  # fmt: skip


def _fixed_first(api: Api) -> int:
    discounts = [
        {"uid": "off", "amount_money": money(100), "scope": "LINE_ITEM"},
        {"uid": "ten", "percentage": "10", "scope": "LINE_ITEM"},
    ]
    refs = [{"discount_uid": "off"}, {"discount_uid": "ten"}]
    return total(_explicit(api, [_ad_hoc(1000, applied_discounts=refs)], discounts=discounts))


def _on_gross(api: Api) -> int:
    discounts = [{"percentage": "10", "scope": "ORDER"}, {"percentage": "20", "scope": "ORDER"}]
    return total(_explicit(api, [_ad_hoc(1000)], discounts=discounts))


def _capped(api: Api) -> int:
    return _rule_total(
        api, [("#a", 10000, "1")], percent("#d", "50", maximum_amount_money=money(2000)),
        product_set("#s", product_ids_any=["#a"]), rule("#r", "#d", "#s"),
    )  # fmt: skip


def _bogo(api: Api) -> int:
    products = ["#a", "#b", "#c"]
    return _rule_total(
        api, [("#a", 1000, "1"), ("#b", 800, "1"), ("#c", 600, "1")], percent("#d", "100"),
        product_set("#three", product_ids_any=products, quantity_exact=3),
        product_set("#two", product_ids_any=products, quantity_exact=2),
        rule("#r", "#d", "#three", exclude_products_id="#two"),
    )  # fmt: skip


def _period(api: Api) -> int:
    later = {"type": "TIME_PERIOD", "id": "#t", "time_period_data": {
        "event": "DTSTART:20990101T000000\nDURATION:PT1H"}}  # fmt: skip
    return _rule_total(
        api, [("#a", 1000, "1")], percent("#d", "10"), later,
        product_set("#s", product_ids_any=["#a"]), rule("#r", "#d", "#s", time_period_ids=["#t"]),
    )  # fmt: skip


def _tax_basis(api: Api) -> int:
    taxes = [{"uid": "t", "percentage": "10", "scope": "ORDER"}]
    discounts = [{"uid": "d", "percentage": "10", "scope": "ORDER"}]
    return total(_explicit(api, [_ad_hoc(1000)], discounts=discounts, taxes=taxes))


def _exact(api: Api) -> int:
    return _rule_total(
        api, [("#a", 1000, "3")], percent("#d", "10"),
        product_set("#s", product_ids_any=["#a"], quantity_exact=1), rule("#r", "#d", "#s"),
    )  # fmt: skip


def _combo(api: Api) -> int:
    return _rule_total(
        api, [("#a", 1000, "1"), ("#b", 500, "1")], percent("#d", "10"),
        product_set("#mains", product_ids_any=["#a"]),
        product_set("#sides", product_ids_any=["#b"]),
        product_set("#combo", product_ids_all=["#mains", "#sides"]), rule("#r", "#d", "#combo"),
    )  # fmt: skip


def _minimum(api: Api) -> int:
    return _rule_total(
        api, [("#a", 1000, "1")], percent("#d", "10"), product_set("#s", product_ids_any=["#a"]),
        rule("#r", "#d", "#s", minimum_order_subtotal_money=money(1500)),
    )  # fmt: skip


def _most(api: Api) -> int:
    return _rule_total(
        api, [("#a", 1000, "3")], percent("#d", "10"),
        product_set("#s", product_ids_any=["#a"], quantity_max=2), rule("#r", "#d", "#s"),
    )  # fmt: skip


def _local_time(api: Api) -> int:
    now = datetime.now(UTC)
    window = {
        "valid_from_local_time": (now + timedelta(hours=2)).strftime("%H:%M:%S"),
        "valid_until_local_time": (now + timedelta(hours=4)).strftime("%H:%M:%S"),
    }
    return _rule_total(
        api, [("#a", 1000, "1")], percent("#d", "10"), product_set("#s", product_ids_any=["#a"]),
        rule("#r", "#d", "#s", **window),
    )  # fmt: skip


def _order_rounding(api: Api) -> int:
    discounts = [{"percentage": "10", "scope": "ORDER"}]
    return total(_explicit(api, [_ad_hoc(5), _ad_hoc(5), _ad_hoc(5)], discounts=discounts))


def _auto_tax(api: Api) -> int:
    tax = batch_upsert(
        api, {"type": "TAX", "id": "#t", "tax_data": {"name": "t", "percentage": "10"}}
    )
    taxed = item("#a", 1000)
    taxed["item_data"]["tax_ids"] = [tax["#t"]]
    ids = batch_upsert(api, taxed)
    body = {"location_id": location_id(api), "line_items": [line(ids["#a-v"])],
            "pricing_options": {"auto_apply_taxes": True}}  # fmt: skip
    return total(api.ok("POST", CALCULATE, json={"order": body})["order"])


def _references(api: Api) -> int:
    ids = batch_upsert(api, product_set("#s", all_products=True))
    body = {"idempotency_key": key(), "object": rule("#r", "NOTHING", ids["#s"])}
    return api.request("POST", "/v2/catalog/object", json=body).status_code


def _created(api: Api, **extra: Any) -> Json:
    body = {"location_id": location_id(api), "line_items": [_ad_hoc(500, uid="coffee")], **extra}
    created: Json = api.ok("POST", "/v2/orders", json={"idempotency_key": key(), "order": body})
    made: Json = created["order"]
    return made


def _updated_total(api: Api) -> int:
    created = _created(api)
    sparse = {"version": created["version"], "line_items": [_ad_hoc(200, uid="cookie")]}
    path = f"/v2/orders/{created['id']}"
    return total(api.ok("PUT", path, json={"idempotency_key": key(), "order": sparse})["order"])


def _cleared_total(api: Api) -> int:
    created = _created(api, discounts=[{"uid": "half", "percentage": "50", "scope": "ORDER"}])
    body = {"idempotency_key": key(), "order": {"version": created["version"]},
            "fields_to_clear": ["discounts"]}  # fmt: skip
    return total(api.ok("PUT", f"/v2/orders/{created['id']}", json=body)["order"])


Probe = Callable[[Api], object]
PRICING_PROBES: dict[str, tuple[str, Probe, object]] = {
    "stacking-not-best": (NEW, _stacking, 850),
    "fixed-before-percentage": (NEW, _fixed_first, 800),
    "percentages-on-gross": (NEW, _on_gross, 720),
    "cap-ignored": (NEW, _capped, 8000),
    "exclusion-strategy-swapped": (NEW, _bogo, 1400),
    "period-ignored": (NEW, _period, 1000),
    "tax-before-discount": (NEW, _tax_basis, 990),
    "exact-as-cap": (NEW, _exact, 2700),
    "nested-sets-ignored": (NEW, _combo, 1350),
    "minimum-ignored": (NEW, _minimum, 1000),
    "quantity-max-ignored": (NEW, _most, 2800),
    "local-time-ignored": (NEW, _local_time, 1000),
    "order-percentage-per-line": (NEW, _order_rounding, 14),
    "auto-taxes-ignored": (NEW, _auto_tax, 1100),
    "references-unchecked": (NEW, _references, 400),
    "update-not-repriced": (NEW, _updated_total, 700),
    "fields-to-clear-ignored": (NEW, _cleared_total, 500),
}
