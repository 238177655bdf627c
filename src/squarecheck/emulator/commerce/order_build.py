"""An order request turned into a priced order (what CalculateOrder returns, CreateOrder stores).

Lines are catalog lines (`catalog_object_id` of a live ITEM_VARIATION; its `price_money` unless
`base_price_money` is given) or ad-hoc lines (`name` and `base_price_money`). With
`pricing_options.auto_apply_discounts`, the seller's live pricing rules apply (`rulematch`), the
money is computed by `pricing`, and each applied rule becomes one LINE_ITEM discount (or one
per rule and line) carrying `pricing_rule_id` (behaviours auto-apply-discounts, pricing-rule-id,
rule-discount-entries). The errors for an unknown location or variation and another currency
are the table's (order-unknown-location, order-unknown-catalog-object, order-currency-mismatch).
Field names and totals follow the Order examples of Square's spec (spec-head).
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.pricing import (
    Application,
    Choices,
    LineInput,
    LineTotals,
    OrderTotals,
    price,
)
from squarecheck.emulator.commerce.rulematch import Bugs, Matching, MatchLine, applications
from squarecheck.emulator.core import clock
from squarecheck.emulator.core.errors import (
    InvalidValue,
    MissingRequiredParameter,
    SquareError,
    by_code,
)

Json = dict[str, Any]
_UID_ALPHABET = string.ascii_letters + string.digits


def new_uid(length: int = 22) -> str:
    """A server-made uid, like "jWdgP1TpHPFBuVrz81mXVC" in Square's examples."""
    return "".join(secrets.choice(_UID_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Pricing:
    """Everything pricing reads besides the request: catalog, rules, membership, switches."""

    location: Json
    catalog: Mapping[str, Json]  # live objects by id (read only)
    rules: list[Json]  # live PRICING_RULE objects, creation order
    member_of: frozenset[str]
    today: date
    auto_apply: bool  # rules apply: the version knows pricing_options and the order asks
    options_known: bool  # the version knows pricing_options (it is echoed)
    blocklists: bool  # the version knows pricing_blocklists
    choices: Choices = field(default_factory=Choices)
    matching: Matching = field(default_factory=Matching)
    entries_per_line: bool = False  # rule-discount-entries: one entry per rule and line
    rule_id_shown: bool = True  # pricing-rule-id
    #: error codes of the table: unknown location, unknown variation, another currency
    codes: Mapping[str, str] = field(default_factory=dict)
    bugs: Bugs = field(default_factory=Bugs)

    def error(self, behaviour: str, detail: str, where: str) -> SquareError:
        """The table's error for `behaviour` (its code; NOT_FOUND unless told otherwise)."""
        return by_code(self.codes.get(behaviour, "NOT_FOUND"))(detail, field=where)


def _money(amount: int, currency: str) -> Json:
    return {"amount": amount, "currency": currency}


def _line_price(line: Json, index: int, ctx: Pricing) -> tuple[int, Json]:
    """The unit amount of a line and the catalog facts it shows (name, variation, version)."""
    where = f"order.line_items[{index}]"
    shown: Json = {}
    unit = line.get("base_price_money")
    object_id = line.get("catalog_object_id")
    if object_id is not None:
        variation = ctx.catalog.get(object_id)
        if variation is None or variation["type"] != "ITEM_VARIATION":
            raise ctx.error(
                "order-unknown-catalog-object",
                f"Item variation with catalog object id '{object_id}' not found.",
                f"{where}.catalog_object_id",
            )
        data = variation["item_variation_data"]
        item = ctx.catalog.get(str(data.get("item_id"))) or {}
        shown = {"catalog_object_id": object_id, "catalog_version": variation["version"]}
        if (item.get("item_data") or {}).get("name"):
            shown["name"] = item["item_data"]["name"]
        if data.get("name"):
            shown["variation_name"] = data["name"]
        unit = unit or data.get("price_money")
    elif not line.get("name"):
        field_name = f"{where}.name"
        raise MissingRequiredParameter(f"Field must be set: {field_name}", field=field_name)
    if unit is None:
        field_name = f"{where}.base_price_money"
        raise MissingRequiredParameter(f"Field must be set: {field_name}", field=field_name)
    if unit["currency"] != ctx.location["currency"]:
        raise ctx.error(
            "order-currency-mismatch",
            f"The currency of {where} is not the location's ({ctx.location['currency']}).",
            f"{where}.base_price_money.currency",
        )
    return int(unit["amount"]), shown


def _quantity(line: Json, index: int) -> Decimal:
    quantity = Decimal(str(line["quantity"]))
    if quantity <= 0:
        where = f"order.line_items[{index}].quantity"
        raise InvalidValue(f"`{where}` must be greater than 0.", field=where)
    return quantity


def _blocked(line: Json, ctx: Pricing) -> frozenset[str]:
    if not ctx.blocklists:
        return frozenset()
    blocked = (line.get("pricing_blocklists") or {}).get("blocked_discounts") or []
    return frozenset(
        str(b["discount_catalog_object_id"]) for b in blocked if "discount_catalog_object_id" in b
    )


def build(order: Json, ctx: Pricing) -> Json:
    """The priced order (no id: CreateOrder adds one)."""
    if order["location_id"] != ctx.location["id"]:
        raise ctx.error(
            "order-unknown-location",
            f"Location with id '{order['location_id']}' not found.",
            "order.location_id",
        )
    lines: list[Json] = order.get("line_items") or []
    units = [_line_price(line, i, ctx) for i, line in enumerate(lines)]
    quantities = [_quantity(line, i) for i, line in enumerate(lines)]
    found: list[Application] = []
    if ctx.auto_apply:
        matching = [
            MatchLine(line.get("catalog_object_id"), quantities[i], _blocked(line, ctx))
            for i, line in enumerate(lines)
        ]
        found = applications(
            ctx.rules, ctx.catalog, matching, ctx.member_of, ctx.today, ctx.bugs, ctx.matching
        )
    inputs = [LineInput(unit, quantities[i]) for i, (unit, _) in enumerate(units)]
    totals = price(inputs, found, ctx.choices)
    if ctx.entries_per_line:
        found, totals = _per_line(found, totals)
    return _render(order, lines, units, found, totals, ctx)


def _per_line(
    found: list[Application], totals: OrderTotals
) -> tuple[list[Application], OrderTotals]:
    """Each application split into one per line it discounted (rule-discount-entries)."""
    split: list[Application] = []
    lines = [LineTotals(line.gross) for line in totals.lines]
    for index, application in enumerate(found):
        for line_index in application.lines:
            taken = totals.lines[line_index].applied.get(index, 0)
            if taken > 0:
                lines[line_index].applied[len(split)] = taken
                split.append(Application(application.rule_id, application.discount, (line_index,)))
    applied = [sum(line.applied.get(i, 0) for line in lines) for i in range(len(split))]
    return split, OrderTotals(lines, applied)


def _discount_entry(application: Application, applied: int, ctx: Pricing, currency: str) -> Json:
    rule = next(r for r in ctx.rules if r["id"] == application.rule_id)
    discount = ctx.catalog[rule["pricing_rule_data"]["discount_id"]]
    data = discount["discount_data"]
    entry: Json = {
        "uid": new_uid(),
        "catalog_object_id": discount["id"],
        "catalog_version": discount["version"],
        "type": data["discount_type"],
    }
    if data.get("name"):
        entry["name"] = data["name"]
    if data["discount_type"] == "FIXED_PERCENTAGE":
        entry["percentage"] = data["percentage"]
    else:
        entry["amount_money"] = dict(data["amount_money"])
    entry["applied_money"] = _money(applied, currency)
    entry["scope"] = "LINE_ITEM"
    if ctx.rule_id_shown:
        entry["pricing_rule_id"] = application.rule_id
    return entry


def _render(
    order: Json,
    lines: list[Json],
    units: list[tuple[int, Json]],
    found: list[Application],
    totals: OrderTotals,
    ctx: Pricing,
) -> Json:
    currency = str(ctx.location["currency"])
    kept = [i for i, applied in enumerate(totals.applied) if applied > 0]
    entries = {i: _discount_entry(found[i], totals.applied[i], ctx, currency) for i in kept}
    stamp = clock.rfc3339(clock.now())
    out: Json = {"location_id": order["location_id"]}
    for name in ("reference_id", "customer_id"):
        if order.get(name) is not None:
            out[name] = order[name]
    out["line_items"] = [
        _line(line, units[i], totals.lines[i], entries, ctx, currency)
        for i, line in enumerate(lines)
    ]
    if entries:
        out["discounts"] = [entries[i] for i in kept]
    zero = _money(0, currency)
    out["net_amounts"] = {
        "total_money": _money(totals.total, currency), "tax_money": zero,
        "discount_money": _money(totals.discount, currency), "tip_money": zero,
        "service_charge_money": zero,
    }  # fmt: skip
    out.update(created_at=stamp, updated_at=stamp, state="OPEN", version=1)
    out["total_money"] = _money(totals.total, currency)
    out["total_tax_money"] = zero
    out["total_discount_money"] = _money(totals.discount, currency)
    out["total_tip_money"] = zero
    out["total_service_charge_money"] = zero
    if ctx.options_known and order.get("pricing_options") is not None:
        out["pricing_options"] = dict(order["pricing_options"])
    return out


def _line(
    line: Json,
    unit: tuple[int, Json],
    priced: LineTotals,
    entries: dict[int, Json],
    ctx: Pricing,
    currency: str,
) -> Json:
    """One line as the order shows it: what was sent, the catalog facts, the money."""
    amount, shown = unit
    out: Json = {"uid": line.get("uid") or new_uid(), "quantity": line["quantity"]}
    name = line.get("name") or shown.get("name")
    if name:
        out["name"] = name
    out.update({k: v for k, v in shown.items() if k != "name"})
    if line.get("note") is not None:
        out["note"] = line["note"]
    out["item_type"] = "ITEM"
    applied = [
        {"uid": new_uid(), "discount_uid": entries[i]["uid"], "applied_money": _money(m, currency)}
        for i, m in priced.applied.items()
        if i in entries
    ]
    if applied:
        out["applied_discounts"] = applied
    if ctx.blocklists and line.get("pricing_blocklists") is not None:
        out["pricing_blocklists"] = line["pricing_blocklists"]
    out["base_price_money"] = _money(amount, currency)
    out["variation_total_price_money"] = _money(priced.gross, currency)
    out["gross_sales_money"] = _money(priced.gross, currency)
    out["total_tax_money"] = _money(0, currency)
    out["total_discount_money"] = _money(priced.discount, currency)
    out["total_money"] = _money(priced.total, currency)
    return out
