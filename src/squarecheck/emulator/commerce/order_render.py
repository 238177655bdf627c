"""A priced order shown as Square's Order (field names and order follow spec-head's examples).

Every line carries `base_price_money`, `variation_total_price_money`, `gross_sales_money`,
`total_tax_money`, `total_discount_money`, `total_money` and `total_service_charge_money`
(always 0: service charges are not modelled), its modifiers with their `total_price_money`,
and `applied_discounts` / `applied_taxes` with what each took from it. `discounts` lists the
order's discounts in the order they applied (explicit ones that took nothing last), each with
its `applied_money`; a rule's discount names its rule (`pricing_rule_id`, behaviour
pricing-rule-id) and its DISCOUNT. `taxes` likewise; an automatic one has `auto_applied`.
The order's totals and `net_amounts` sum its lines (behaviour order-totals).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from squarecheck.emulator.commerce.order_parse import Shown as LineShown
from squarecheck.emulator.commerce.pricing.model import (
    OrderDiscount,
    PricedLine,
    PricedOrder,
    Tax,
    new_uid,
)
from squarecheck.emulator.core import clock

Json = dict[str, Any]


@dataclass
class Shown:
    """What the answer shows besides money: per line, per explicit discount and tax."""

    lines: list[LineShown]
    discounts: dict[str, Json] = field(default_factory=dict)
    taxes: dict[str, Json] = field(default_factory=dict)
    rule_id_shown: bool = True
    blocklists: bool = True
    options_known: bool = True


def money(amount: int, currency: str) -> Json:
    return {"amount": amount, "currency": currency}


def _rule_entry(discount: OrderDiscount, objects: Mapping[str, Json], shown: Shown) -> Json:
    """A rule's discount: its DISCOUNT's facts, LINE_ITEM scope, the rule's id."""
    obj = objects.get(discount.catalog_id or "") or {}
    data = obj.get("discount_data") or {}
    entry: Json = {"uid": discount.uid, "catalog_object_id": obj.get("id")}
    entry["catalog_version"] = obj.get("version")
    entry["type"] = data.get("discount_type")
    if data.get("name"):
        entry["name"] = data["name"]
    if data.get("percentage") is not None:
        entry["percentage"] = data["percentage"]
    elif data.get("amount_money") is not None:
        entry["amount_money"] = dict(data["amount_money"])
    entry["scope"] = "LINE_ITEM"
    if shown.rule_id_shown:
        entry["pricing_rule_id"] = discount.rule_id
    return entry


def _explicit(entry: Json, currency: str) -> Json:
    out = dict(entry)
    if "amount_money" in out:
        out["amount_money"] = money(int(out["amount_money"]), currency)
    return out


def _discounts(
    priced: PricedOrder, shown: Shown, objects: Mapping[str, Json], currency: str
) -> list[Json]:
    applied = [d.uid for d in priced.discounts]
    entries: list[Json] = []
    for discount in priced.discounts:
        if discount.rule_id is not None:
            entry = _rule_entry(discount, objects, shown)
        else:
            entry = _explicit(shown.discounts[discount.uid], currency)
        entry["applied_money"] = money(priced.applied(discount.uid), currency)
        entries.append(entry)
    for uid, entry in shown.discounts.items():
        if uid not in applied:
            entries.append({**_explicit(entry, currency), "applied_money": money(0, currency)})
    return entries


def _tax_entry(tax: Tax, shown: Shown, objects: Mapping[str, Json]) -> Json:
    if not tax.auto:
        return dict(shown.taxes[tax.uid])
    obj = objects.get(tax.catalog_id or "") or {}
    data = obj.get("tax_data") or {}
    entry: Json = {"uid": tax.uid, "catalog_object_id": obj.get("id")}
    entry["catalog_version"] = obj.get("version")
    if data.get("name"):
        entry["name"] = data["name"]
    entry.update(percentage=data.get("percentage"), type=data.get("inclusion_type") or "ADDITIVE")
    entry.update(scope="LINE_ITEM", auto_applied=True)
    return entry


def _taxes(
    priced: PricedOrder, shown: Shown, objects: Mapping[str, Json], currency: str
) -> list[Json]:
    entries = []
    kept = {t.uid for t in priced.taxes}
    for tax in priced.taxes:
        entry = _tax_entry(tax, shown, objects)
        entry["applied_money"] = money(priced.applied(tax.uid), currency)
        entries.append(entry)
    for uid, entry in shown.taxes.items():
        if uid not in kept:
            entries.append({**entry, "applied_money": money(0, currency)})
    return entries


def _applied(refs: dict[str, str], taken: dict[str, int], member: str, currency: str) -> list[Json]:
    """A line's applied_discounts (or applied_taxes): what took something, then what it named."""
    uids = list(taken) + [uid for uid in refs if uid not in taken]
    return [
        {
            "uid": refs.get(uid) or new_uid(),
            member: uid,
            "applied_money": money(taken.get(uid, 0), currency),
        }
        for uid in uids
    ]


def _line(raw: Json, shown: LineShown, priced: PricedLine, ctx: Shown, currency: str) -> Json:
    """Long because a line shows every field Square's example shows, in its order."""
    out: Json = {"uid": shown.uid}
    name = raw.get("name") or shown.fields.get("name")
    if name:
        out["name"] = name
    out["quantity"] = raw["quantity"]
    out.update({k: v for k, v in shown.fields.items() if k != "name"})
    if raw.get("note") is not None:
        out["note"] = raw["note"]
    out["item_type"] = "ITEM"
    if shown.modifiers:
        out["modifiers"] = [
            {**m, "base_price_money": money(m["base_price_money"], currency),
             "total_price_money": money(total, currency)}
            for m, total in zip(shown.modifiers, priced.modifier_totals, strict=True)
        ]  # fmt: skip
    discounts = _applied(shown.discount_refs, priced.discounts, "discount_uid", currency)
    if discounts:
        out["applied_discounts"] = discounts
    taxes = _applied(shown.tax_refs, priced.taxes, "tax_uid", currency)
    if taxes:
        out["applied_taxes"] = taxes
    if ctx.blocklists and raw.get("pricing_blocklists") is not None:
        out["pricing_blocklists"] = raw["pricing_blocklists"]
    out["base_price_money"] = money(shown.unit, currency)
    out["variation_total_price_money"] = money(priced.variation_total, currency)
    out["gross_sales_money"] = money(priced.gross, currency)
    out["total_tax_money"] = money(priced.tax, currency)
    out["total_discount_money"] = money(priced.discount, currency)
    out["total_money"] = money(priced.total, currency)
    out["total_service_charge_money"] = money(0, currency)
    return out


def render(
    order: Json, priced: PricedOrder, shown: Shown, objects: Mapping[str, Json], currency: str
) -> Json:
    """The whole Order (no id, version 1; CreateOrder and UpdateOrder set those)."""
    stamp = clock.rfc3339(clock.now())
    out: Json = {"location_id": order["location_id"]}
    for name in ("reference_id", "customer_id"):
        if order.get(name) is not None:
            out[name] = order[name]
    raw_lines: list[Json] = order.get("line_items") or []
    out["line_items"] = [
        _line(raw, shown.lines[i], priced.lines[i], shown, currency)
        for i, raw in enumerate(raw_lines)
    ]
    discounts = _discounts(priced, shown, objects, currency)
    if discounts:
        out["discounts"] = discounts
    taxes = _taxes(priced, shown, objects, currency)
    if taxes:
        out["taxes"] = taxes
    zero = money(0, currency)
    out["net_amounts"] = {
        "total_money": money(priced.total, currency), "tax_money": money(priced.tax, currency),
        "discount_money": money(priced.discount, currency), "tip_money": zero,
        "service_charge_money": zero,
    }  # fmt: skip
    out.update(created_at=stamp, updated_at=stamp, state="OPEN", version=1)
    out["total_money"] = money(priced.total, currency)
    out["total_tax_money"] = money(priced.tax, currency)
    out["total_discount_money"] = money(priced.discount, currency)
    out["total_tip_money"] = zero
    out["total_service_charge_money"] = zero
    if shown.options_known and order.get("pricing_options") is not None:
        out["pricing_options"] = dict(order["pricing_options"])
    return out
