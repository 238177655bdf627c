"""What an upserted catalog object must satisfy beyond its JSON Schema.

The schema (specs/schemas/Catalog*Write.json, checked by `schemacheck`) covers types, required
fields and bounds. Rules between fields are here, each from Square's spec (spec-head
CatalogDiscount, CatalogProductSet, CatalogPricingRule descriptions): a percentage only for
percentage discounts, an amount only for amount discounts, exactly one of product_ids_any /
product_ids_all / all_products, quantity_exact not with quantity_min, real dates in order.
Square fields the emulator does not model are refused with a clear 400 rather than silently
ignored, because ignoring them would price orders differently from Square.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.catalog_ids import with_variations
from squarecheck.emulator.core.errors import BadRequest, InvalidValue, MissingRequiredParameter

Json = dict[str, Any]

#: data field -> Square fields of it that the emulator does not model.
UNMODELLED: dict[str, tuple[str, ...]] = {
    "item_data": ("tax_ids", "modifier_list_info", "item_options"),
    "item_variation_data": ("location_overrides", "item_option_values", "measurement_unit_id"),
    "product_set_data": ("quantity_max",),
    "pricing_rule_data": (
        "time_period_ids", "exclude_products_id", "apply_products_id", "exclude_strategy",
        "minimum_order_subtotal_money", "valid_from_local_time", "valid_until_local_time",
    ),
}  # fmt: skip
PERCENTAGE_TYPES = ("FIXED_PERCENTAGE", "VARIABLE_PERCENTAGE")


def refuse_unmodelled(raw: Json, where: str) -> None:
    """400 BAD_REQUEST for a Square field the emulator does not model (e.g. time_period_ids)."""
    for obj in with_variations([raw]):
        for data_key, names in UNMODELLED.items():
            data = obj.get(data_key)
            for name in names:
                if isinstance(data, dict) and data.get(name) not in (None, [], ""):
                    path = f"{where}.{data_key}.{name}"
                    raise BadRequest(
                        f"squarecheck's emulator does not model `{path}`; leave it out.",
                        field=path,
                    )


def check_object(obj: Json, where: str) -> None:
    """Raise for the first rule between fields that `obj` (already schema-valid) breaks."""
    kind = obj.get("type")
    if kind == "DISCOUNT":
        _discount(obj["discount_data"], f"{where}.discount_data")
    elif kind == "PRODUCT_SET":
        _product_set(obj["product_set_data"], f"{where}.product_set_data")
    elif kind == "PRICING_RULE":
        _pricing_rule(obj["pricing_rule_data"], f"{where}.pricing_rule_data")


def _discount(data: Json, where: str) -> None:
    kind = data["discount_type"]
    percentage, amount = data.get("percentage"), data.get("amount_money")
    if kind in PERCENTAGE_TYPES:
        if amount is not None:
            raise InvalidValue(f"`{where}.amount_money` is only for amount discounts.", field=where)
        if percentage is None and kind == "FIXED_PERCENTAGE":
            field = f"{where}.percentage"
            raise MissingRequiredParameter(f"Field must be set: {field}", field=field)
        if percentage is not None and Decimal(percentage) > 100:
            field = f"{where}.percentage"
            raise InvalidValue(f"`{field}` must be between 0 and 100.", field=field)
        return
    if percentage is not None or data.get("maximum_amount_money") is not None:
        raise InvalidValue(
            f"`{where}.percentage` and `maximum_amount_money` are only for percentage discounts.",
            field=where,
        )
    if amount is None and kind == "FIXED_AMOUNT":
        field = f"{where}.amount_money"
        raise MissingRequiredParameter(f"Field must be set: {field}", field=field)


def _product_set(data: Json, where: str) -> None:
    chosen = [
        name
        for name in ("product_ids_any", "product_ids_all", "all_products")
        if data.get(name) not in (None, [], False)
    ]
    if len(chosen) != 1:
        raise InvalidValue(
            f"`{where}` needs exactly one of product_ids_any, product_ids_all, all_products.",
            field=where,
        )
    if data.get("quantity_exact") is not None and data.get("quantity_min") is not None:
        raise InvalidValue(
            f"`{where}.quantity_exact` cannot be combined with quantity_min.", field=where
        )


def _pricing_rule(data: Json, where: str) -> None:
    days: list[date] = []
    for name in ("valid_from_date", "valid_until_date"):
        if data.get(name) is None:
            continue
        try:
            days.append(date.fromisoformat(data[name]))
        except ValueError:
            field = f"{where}.{name}"
            raise InvalidValue(f"`{field}` is not a calendar date.", field=field) from None
    if len(days) == 2 and days[0] > days[1]:
        raise InvalidValue(f"`{where}.valid_from_date` is after valid_until_date.", field=where)
