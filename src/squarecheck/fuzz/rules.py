"""Rules between fields that Square states in words and the emulator checks by hand, added to
the document the fuzz suite generates from.

specs/schemas leave these to the emulator's code (`emulator.commerce.catalog_validate`,
`catalog_query.parse_types`), which answers them with its own codes. A generated valid
request must satisfy them too, or the target would rightly refuse it, so `tighten` writes them
into a bundled copy of the document (spec-head descriptions of CatalogDiscount,
CatalogProductSet, CatalogPricingRule and ListCatalog `types`):

- a percentage discount has a `percentage` of at most 100 and no `amount_money`; an amount
  discount has no `percentage` and no `maximum_amount_money`; a FIXED one has its value;
- a product set names exactly one of product_ids_any, product_ids_all and all_products, and
  not both quantity_exact and quantity_min;
- a pricing rule's dates are calendar dates;
- ListCatalog `types` is a comma-separated list of CatalogObjectType names, in any case (or
  empty, which filters nothing).

That a rule's valid_from_date is not after its valid_until_date, and that client ids are unique
in a request, no schema can say; `fuzz.consistent` makes generated requests keep them.
"""

from __future__ import annotations

from typing import Any

#: A percentage of 0 to 100 with at most four decimals.
PERCENTAGE = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"
CATALOG_TYPES = (
    "ITEM", "IMAGE", "CATEGORY", "ITEM_VARIATION", "TAX", "DISCOUNT", "MODIFIER_LIST",
    "MODIFIER", "PRICING_RULE", "PRODUCT_SET", "TIME_PERIOD", "MEASUREMENT_UNIT",
    "SUBSCRIPTION_PLAN_VARIATION", "ITEM_OPTION", "ITEM_OPTION_VAL",
    "CUSTOM_ATTRIBUTE_DEFINITION", "QUICK_AMOUNTS_SETTINGS", "SUBSCRIPTION_PLAN",
    "AVAILABILITY_PERIOD",
)  # fmt: skip


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


def types_pattern() -> str:
    """ListCatalog `types`: CatalogObjectType names, any case, separated by commas."""
    one = "(" + "|".join(_any_case(t) for t in CATALOG_TYPES) + ")"
    return f"^({one}(,{one})*)?$"  # empty: no filter, like leaving `types` out


def _discount_variants() -> list[dict[str, Any]]:
    without = {"amount_money": False}
    return [
        {"properties": {"discount_type": {"const": "FIXED_PERCENTAGE"}, **without},
         "required": ["percentage"]},
        {"properties": {"discount_type": {"const": "VARIABLE_PERCENTAGE"}, **without}},
        {"properties": {"discount_type": {"const": "FIXED_AMOUNT"}, "percentage": False,
                        "maximum_amount_money": False},
         "required": ["amount_money"]},
        {"properties": {"discount_type": {"const": "VARIABLE_AMOUNT"}, "percentage": False,
                        "maximum_amount_money": False}},
    ]  # fmt: skip


def _product_set_variants() -> list[dict[str, Any]]:
    lists = ("product_ids_any", "product_ids_all")
    variants: list[dict[str, Any]] = [
        {
            "properties": {
                chosen: {"minItems": 1},
                **{other: False for other in lists if other != chosen},
                "all_products": False,
            },
            "required": [chosen],
        }
        for chosen in lists
    ]
    variants.append(
        {
            "properties": {"all_products": {"const": True}, **dict.fromkeys(lists, False)},
            "required": ["all_products"],
        }
    )
    return variants


def _data(doc: dict[str, Any], schema: str, member: str) -> dict[str, Any]:
    data: dict[str, Any] = doc["components"]["schemas"][schema]["properties"][member]
    return data


def tighten(doc: dict[str, Any]) -> None:
    """Add to a bundled document (in place) the rules the emulator checks by hand."""
    discount = _data(doc, "CatalogDiscountWrite", "discount_data")
    discount["properties"]["percentage"]["pattern"] = PERCENTAGE
    discount["oneOf"] = _discount_variants()
    product_set = _data(doc, "CatalogProductSetWrite", "product_set_data")
    product_set["oneOf"] = _product_set_variants()
    product_set["dependentSchemas"] = {"quantity_exact": {"properties": {"quantity_min": False}}}
    rule = _data(doc, "CatalogPricingRuleWrite", "pricing_rule_data")
    for name in ("valid_from_date", "valid_until_date"):
        rule["properties"][name]["format"] = "date"
    types = doc["components"].get("parameters", {}).get("CatalogTypes", {}).get("schema")
    if isinstance(types, dict):
        types["pattern"] = types_pattern()
