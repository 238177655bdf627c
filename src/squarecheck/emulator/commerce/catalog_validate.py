"""What an upserted catalog object must satisfy beyond its JSON Schema.

The schema (specs/schemas/Catalog*Write.json, checked by `schemacheck`) covers types, required
fields and bounds. Rules between fields are here, each from Square's spec (spec-head
CatalogDiscount, CatalogProductSet, CatalogPricingRule, CatalogTimePeriod descriptions): a
percentage only for percentage discounts, an amount only for amount discounts, exactly one of
product_ids_any / product_ids_all / all_products, quantity_exact not with quantity_min or
quantity_max ("Cannot be combined with either quantity_min or quantity_max"), real dates in
order, a TIME_PERIOD event the emulator can read (`pricing.periods`).
Square fields the emulator does not model are refused with a clear 400 rather than silently
ignored, because ignoring them would price orders differently from Square.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.catalog_ids import with_variations
from squarecheck.emulator.commerce.pricing.periods import EventError
from squarecheck.emulator.commerce.pricing.periods import parse as parse_event
from squarecheck.emulator.core.errors import (
    BadRequest,
    InvalidValue,
    MissingRequiredParameter,
    by_code,
)

Json = dict[str, Any]

#: data field -> Square fields of it that the emulator does not model.
UNMODELLED: dict[str, tuple[str, ...]] = {
    "item_data": ("modifier_list_info", "item_options"),
    "item_variation_data": ("location_overrides", "item_option_values", "measurement_unit_id"),
    "tax_data": ("applies_to_product_set_id",),
    "modifier_list_data": ("modifier_type", "min_selected_modifiers", "max_selected_modifiers"),
    "modifier_data": ("location_overrides",),
}  # fmt: skip
PERCENTAGE_TYPES = ("FIXED_PERCENTAGE", "VARIABLE_PERCENTAGE")


def refuse_unmodelled(raw: Json, where: str) -> None:
    """400 BAD_REQUEST for a Square field the emulator does not model (e.g. time_period_ids)."""
    for obj in with_variations([raw]):
        for data_key, names in UNMODELLED.items():
            data = obj.get(data_key)
            for name in names:
                if isinstance(data, dict) and data.get(name) not in (None, [], ""):
                    _unmodelled(f"{where}.{data_key}.{name}")
        tax = obj.get("tax_data")
        if isinstance(tax, dict) and tax.get("calculation_phase") == "TAX_TOTAL_PHASE":
            _unmodelled(f"{where}.tax_data.calculation_phase")


def _unmodelled(path: str) -> None:
    raise BadRequest(f"squarecheck's emulator does not model `{path}`; leave it out.", field=path)


def check_object(obj: Json, where: str) -> None:
    """Raise for the first rule between fields that `obj` (already schema-valid) breaks."""
    kind = obj.get("type")
    if kind == "DISCOUNT":
        _discount(obj["discount_data"], f"{where}.discount_data")
    elif kind == "PRODUCT_SET":
        _product_set(obj["product_set_data"], f"{where}.product_set_data")
    elif kind == "PRICING_RULE":
        _pricing_rule(obj["pricing_rule_data"], f"{where}.pricing_rule_data")
    elif kind == "TAX":
        _percentage(obj["tax_data"].get("percentage"), f"{where}.tax_data.percentage")
    elif kind == "TIME_PERIOD":
        field = f"{where}.time_period_data.event"
        try:
            parse_event(obj["time_period_data"]["event"])
        except EventError as exc:
            raise InvalidValue(f"`{field}`: {exc}", field=field) from None


def _percentage(value: str | None, field: str) -> None:
    if value is not None and Decimal(value) > 100:
        raise InvalidValue(f"`{field}` must be between 0 and 100.", field=field)


def _discount(data: Json, where: str) -> None:
    kind = data["discount_type"]
    percentage, amount = data.get("percentage"), data.get("amount_money")
    if kind in PERCENTAGE_TYPES:
        if amount is not None:
            raise InvalidValue(f"`{where}.amount_money` is only for amount discounts.", field=where)
        if percentage is None and kind == "FIXED_PERCENTAGE":
            field = f"{where}.percentage"
            raise MissingRequiredParameter(f"Field must be set: {field}", field=field)
        _percentage(percentage, f"{where}.percentage")
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
    exact, least, most = (data.get(k) for k in ("quantity_exact", "quantity_min", "quantity_max"))
    if exact is not None and (least is not None or most is not None):
        raise InvalidValue(
            f"`{where}.quantity_exact` cannot be combined with quantity_min or quantity_max.",
            field=where,
        )
    if least is not None and most is not None and least > most:
        raise InvalidValue(f"`{where}.quantity_min` is above quantity_max.", field=where)


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


#: data field -> (member, types it may name); products may be items, variations, categories
#: and (nested) product sets.
PRODUCTS = ("ITEM", "ITEM_VARIATION", "CATEGORY", "PRODUCT_SET")
TYPED_REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "pricing_rule_data": (
        ("discount_id", ("DISCOUNT",)),
        ("match_products_id", ("PRODUCT_SET",)),
        ("exclude_products_id", ("PRODUCT_SET",)),
        ("apply_products_id", ("PRODUCT_SET",)),
        ("time_period_ids", ("TIME_PERIOD",)),
    ),
    "product_set_data": (("product_ids_any", PRODUCTS), ("product_ids_all", PRODUCTS)),
    "item_data": (("tax_ids", ("TAX",)),),
}


def check_references(
    obj: Json,
    where: str,
    type_of: Callable[[str], str | None],
    group_exists: Callable[[str], bool],
    code: str,
) -> None:
    """Raise the table's error (row pricing-rule-references) for the first id `obj` names that
    is no live object of a type it may name (`type_of`: the live type of an id, None when there
    is none this seller can see), or no customer group of the seller."""
    for data_key, members in TYPED_REFERENCES.items():
        data = obj.get(data_key)
        if not isinstance(data, dict):
            continue
        for member, kinds in members:
            value = data.get(member)
            for index, ref in enumerate(value if isinstance(value, list) else [value]):
                if ref is None or type_of(str(ref)) in kinds:
                    continue
                at = f"{where}.{data_key}.{member}" + (
                    f"[{index}]" if isinstance(value, list) else ""
                )
                wanted = " or ".join(kinds)
                raise by_code(code)(f"`{at}` names '{ref}', which is no {wanted}.", field=at)
    groups = (obj.get("pricing_rule_data") or {}).get("customer_group_ids_any") or []
    for index, group in enumerate(groups):
        if not group_exists(str(group)):
            at = f"{where}.pricing_rule_data.customer_group_ids_any[{index}]"
            raise by_code(code)(f"`{at}` names '{group}', which is no customer group.", field=at)
