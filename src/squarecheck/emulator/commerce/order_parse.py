"""An order request read against a catalog snapshot: its lines, modifiers, discounts and taxes.

Field semantics from Square's spec (spec-head OrderLineItem, OrderLineItemModifier,
OrderLineItemDiscount, OrderLineItemTax, OrderLineItemAppliedDiscount, OrderLineItemAppliedTax):
- a line is a catalog line (`catalog_object_id` of a live ITEM_VARIATION, priced by its
  `price_money` unless `base_price_money` is given) or an ad-hoc one (`name`, `base_price_money`);
- a modifier names a live MODIFIER (its `price_money` unless `base_price_money` is given) or is
  ad hoc ("base_price_money is required for ad hoc modifiers"); its total is its price times its
  quantity (1 unless given) times the line's quantity;
- "Discounts that do not reference a catalog object ID must have a type of FIXED_PERCENTAGE or
  FIXED_AMOUNT" (the type follows from `percentage` or `amount_money`); a catalog discount takes
  its values from the DISCOUNT, except a VARIABLE one, whose percentage or amount the order
  gives ("specified at the time of sale"); a tax likewise from its TAX;
- `applied_discounts[].discount_uid` "must reference a discount present in the order.discounts
  field", `applied_taxes[].tax_uid` a tax of `order.taxes`.
A discount or tax without `scope` is LINE_ITEM. Unknown catalog objects and other currencies are
the table's errors (rows order-unknown-catalog-object, order-currency-mismatch).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce.pricing.model import Discount, Line, OrderDiscount, Tax, new_uid
from squarecheck.emulator.commerce.pricing.money import round_half_even
from squarecheck.emulator.core.errors import InvalidValue, MissingRequiredParameter, SquareError

Json = dict[str, Any]
ErrorFor = Callable[[str, str, str], SquareError]  # (behaviour, detail, field) -> the table's error


@dataclass
class Shown:
    """What the answer shows of one line besides its money (catalog facts, uids, modifiers)."""

    uid: str
    unit: int = 0  # base_price_money's amount
    fields: Json = field(default_factory=dict)
    modifiers: list[Json] = field(default_factory=list)
    discount_refs: dict[str, str] = field(default_factory=dict)  # discount uid -> applied uid
    tax_refs: dict[str, str] = field(default_factory=dict)


@dataclass
class Reader:
    """Reads one order against the live catalog objects it may name."""

    objects: Mapping[str, Json]  # live catalog objects by id
    currency: str
    error: ErrorFor
    item_match: bool = True  # fault item-match-ignored: a line's keys are its variation only

    def live(self, object_id: Any, kind: str, where: str, what: str) -> Json:
        obj = self.objects.get(str(object_id))
        if obj is None or obj.get("type") != kind:
            raise self.error(
                "order-unknown-catalog-object",
                f"{what} with catalog object id '{object_id}' not found.",
                where,
            )
        return obj

    def amount(self, money: Any, where: str) -> int:
        """A Money's amount, which must be in the location's currency."""
        if money.get("currency") != self.currency:
            raise self.error(
                "order-currency-mismatch",
                f"The currency of `{where}` is not the location's ({self.currency}).",
                f"{where}.currency",
            )
        return int(money["amount"])

    # --- lines -----------------------------------------------------------------------------
    def line(self, raw: Json, index: int, uids: tuple[set[str], set[str]]) -> tuple[Line, Shown]:
        where = f"order.line_items[{index}]"
        shown = Shown(str(raw.get("uid") or new_uid()))
        unit_money = raw.get("base_price_money")
        keys: frozenset[str] = frozenset()
        tax_ids: tuple[str, ...] = ()
        if raw.get("catalog_object_id") is not None:
            where_id = f"{where}.catalog_object_id"
            variation = self.live(
                raw["catalog_object_id"], "ITEM_VARIATION", where_id, "Item variation"
            )
            data = variation.get("item_variation_data") or {}
            item = self.objects.get(str(data.get("item_id"))) or {}
            item_data = item.get("item_data") or {}
            shown.fields = {
                "catalog_object_id": variation["id"],
                "catalog_version": variation["version"],
            }
            if item_data.get("name"):
                shown.fields["name"] = item_data["name"]
            if data.get("name"):
                shown.fields["variation_name"] = data["name"]
            unit_money = unit_money or data.get("price_money")
            keys = self._keys(variation, item)
            tax_ids = tuple(str(t) for t in item_data.get("tax_ids") or [])
        elif not raw.get("name"):
            name = f"{where}.name"
            raise MissingRequiredParameter(f"Field must be set: {name}", field=name)
        if unit_money is None:
            name = f"{where}.base_price_money"
            raise MissingRequiredParameter(f"Field must be set: {name}", field=name)
        unit = self.amount(unit_money, f"{where}.base_price_money")
        shown.unit = unit
        quantity = Decimal(str(raw["quantity"]))
        if quantity <= 0:
            raise InvalidValue(
                f"`{where}.quantity` must be greater than 0.", field=f"{where}.quantity"
            )
        modifiers = [
            self.modifier(m, f"{where}.modifiers[{k}]", shown)
            for k, m in enumerate(raw.get("modifiers") or [])
        ]
        discount_uids = self._refs(
            raw, "applied_discounts", "discount_uid", uids[0], where, shown.discount_refs
        )
        tax_uids = self._refs(raw, "applied_taxes", "tax_uid", uids[1], where, shown.tax_refs)
        blocklists = raw.get("pricing_blocklists") or {}
        line = Line(
            unit=unit,
            quantity=quantity,
            modifiers=tuple(modifiers),
            keys=keys,
            blocked=_blocked(blocklists.get("blocked_discounts"), "discount"),
            blocked_taxes=_blocked(blocklists.get("blocked_taxes"), "tax"),
            discount_uids=discount_uids,
            tax_uids=tax_uids,
            tax_ids=tax_ids,
        )
        return line, shown

    def _keys(self, variation: Json, item: Json) -> frozenset[str]:
        """Ids a product set can name to match the line: variation, item, categories."""
        keys = {str(variation["id"])}
        if item and self.item_match:
            keys.add(str(item["id"]))
            data = item.get("item_data") or {}
            if data.get("category_id"):
                keys.add(str(data["category_id"]))
            for category in data.get("categories") or []:
                if isinstance(category, dict) and category.get("id"):
                    keys.add(str(category["id"]))
        return frozenset(keys)

    def modifier(self, raw: Json, where: str, shown: Shown) -> int:
        """One modifier's price per unit of its line (price x its own quantity)."""
        out: Json = {"uid": str(raw.get("uid") or new_uid())}
        money = raw.get("base_price_money")
        if raw.get("catalog_object_id") is not None:
            obj = self.live(
                raw["catalog_object_id"], "MODIFIER", f"{where}.catalog_object_id", "Modifier"
            )
            data = obj.get("modifier_data") or {}
            out.update(catalog_object_id=obj["id"], catalog_version=obj["version"])
            if data.get("name"):
                out["name"] = data["name"]
            money = money or data.get("price_money") or {"amount": 0, "currency": self.currency}
        if raw.get("name"):
            out["name"] = raw["name"]
        if money is None:
            name = f"{where}.base_price_money"
            raise MissingRequiredParameter(f"Field must be set: {name}", field=name)
        price = self.amount(money, f"{where}.base_price_money")
        quantity = Decimal(str(raw.get("quantity") or "1"))
        if raw.get("quantity") is not None:
            out["quantity"] = raw["quantity"]
        out["base_price_money"] = price
        shown.modifiers.append(out)
        return round_half_even(Decimal(price) * quantity)

    def _refs(
        self, raw: Json, key: str, member: str, known: set[str], where: str, refs: dict[str, str]
    ) -> tuple[str, ...]:
        found: list[str] = []
        for k, applied in enumerate(raw.get(key) or []):
            uid = str(applied.get(member))
            if uid not in known:
                at = f"{where}.{key}[{k}].{member}"
                raise InvalidValue(f"`{at}` names no entry of the order's {key[8:]}.", field=at)
            refs[uid] = str(applied.get("uid") or new_uid())
            found.append(uid)
        return tuple(found)

    # --- discounts and taxes -----------------------------------------------------------------
    def discount(self, raw: Json, index: int) -> tuple[OrderDiscount, Json]:
        """One entry of order.discounts and what the answer shows of it (without money)."""
        where = f"order.discounts[{index}]"
        shown: Json = {"uid": str(raw.get("uid") or new_uid())}
        catalog_id = None
        kind = raw.get("type")
        values = {k: raw[k] for k in ("percentage", "amount_money") if raw.get(k) is not None}
        maximum, modifies = None, True
        if raw.get("catalog_object_id") is not None:
            obj = self.live(
                raw["catalog_object_id"], "DISCOUNT", f"{where}.catalog_object_id", "Discount"
            )
            data = obj.get("discount_data") or {}
            catalog_id = str(obj["id"])
            shown.update(catalog_object_id=obj["id"], catalog_version=obj["version"])
            if data.get("name"):
                shown["name"] = data["name"]
            kind = data["discount_type"]
            if kind in ("FIXED_PERCENTAGE", "FIXED_AMOUNT"):
                values = {
                    k: data[k] for k in ("percentage", "amount_money") if data.get(k) is not None
                }
            if data.get("maximum_amount_money") is not None:
                maximum = self.amount(data["maximum_amount_money"], f"{where}.maximum_amount_money")
            modifies = data.get("modify_tax_basis") != "DO_NOT_MODIFY_TAX_BASIS"
        elif kind in ("VARIABLE_PERCENTAGE", "VARIABLE_AMOUNT"):
            raise InvalidValue(
                f"`{where}.type` must be FIXED_PERCENTAGE or FIXED_AMOUNT for an ad-hoc discount.",
                field=f"{where}.type",
            )
        if raw.get("name"):
            shown["name"] = raw["name"]
        if len(values) != 1:
            raise InvalidValue(
                f"`{where}` needs exactly one of percentage and amount_money.", field=where
            )
        if "percentage" in values:
            discount = Discount(
                percentage=Decimal(str(values["percentage"])),
                maximum=maximum,
                modifies_tax_basis=modifies,
            )
            shown["percentage"] = values["percentage"]
            shown["type"] = kind if kind == "VARIABLE_PERCENTAGE" else "FIXED_PERCENTAGE"
        else:
            amount = self.amount(values["amount_money"], f"{where}.amount_money")
            discount = Discount(amount=amount, modifies_tax_basis=modifies)
            shown["amount_money"] = amount
            shown["type"] = kind if kind == "VARIABLE_AMOUNT" else "FIXED_AMOUNT"
        shown["scope"] = raw.get("scope") or "LINE_ITEM"
        return OrderDiscount(shown["uid"], discount, shown["scope"], catalog_id), shown

    def tax(self, raw: Json, index: int) -> tuple[Tax, Json]:
        """One entry of order.taxes and what the answer shows of it (without money)."""
        where = f"order.taxes[{index}]"
        shown: Json = {"uid": str(raw.get("uid") or new_uid())}
        percentage, kind, catalog_id = raw.get("percentage"), raw.get("type") or "ADDITIVE", None
        if raw.get("catalog_object_id") is not None:
            obj = self.live(raw["catalog_object_id"], "TAX", f"{where}.catalog_object_id", "Tax")
            data = obj.get("tax_data") or {}
            catalog_id = str(obj["id"])
            shown.update(catalog_object_id=obj["id"], catalog_version=obj["version"])
            if data.get("name"):
                shown["name"] = data["name"]
            percentage, kind = data.get("percentage"), data.get("inclusion_type") or "ADDITIVE"
        if raw.get("name"):
            shown["name"] = raw["name"]
        if percentage is None:
            name = f"{where}.percentage"
            raise MissingRequiredParameter(f"Field must be set: {name}", field=name)
        shown.update(percentage=percentage, type=kind, scope=raw.get("scope") or "LINE_ITEM")
        tax = Tax(
            shown["uid"], Decimal(str(percentage)), kind == "INCLUSIVE", shown["scope"], catalog_id
        )
        return tax, shown


def _blocked(entries: Any, kind: str) -> frozenset[str]:
    """Blocked discount (or tax) catalog ids and uids of one line."""
    found: set[str] = set()
    for entry in entries or []:
        for key in (f"{kind}_catalog_object_id", f"{kind}_uid"):
            if entry.get(key):
                found.add(str(entry[key]))
    return frozenset(found)
