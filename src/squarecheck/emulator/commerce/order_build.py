"""An order request priced: the catalog snapshot it needs, the engine's input, the answer.

A handler takes a `Snapshot` of the live catalog objects the order may need inside the seller's
session (a short, bounded read), then prices outside the store's lock (`build`), so one large
order never holds other sellers up. `build` reads the order (`order_parse`), turns the seller's
live pricing rules into the engine's `Rule`s and its taxes into automatic `Tax`es, prices it
(`pricing.engine`) and renders Square's Order (`order_render`). With
`pricing_options.auto_apply_discounts` the rules apply (behaviour auto-apply-discounts); with
`auto_apply_taxes` the item's taxes, and for an ad-hoc line every tax that
`applies_to_custom_amounts` ("For catalog-based line items, taxes associated with the catalog
item are applied. For ad hoc items, Square applies all CatalogTax objects that can be applied to
custom amounts.", https://developer.squareup.com/docs/orders-api/apply-taxes-and-discounts/auto-apply-taxes).
A rule whose DISCOUNT, minimum or cap is in another currency than the order never applies (row
order-currency-mismatch). How many lines an order may have is the table's (row order-limits).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from squarecheck.emulator.commerce import order_render
from squarecheck.emulator.commerce.order_parse import Reader
from squarecheck.emulator.commerce.pricing import engine
from squarecheck.emulator.commerce.pricing.matching import Catalog
from squarecheck.emulator.commerce.pricing.model import (
    Bugs,
    Choices,
    Discount,
    Line,
    PricingInput,
    Rule,
    Tax,
    When,
    new_uid,
)
from squarecheck.emulator.commerce.pricing.money import AmountTooLarge
from squarecheck.emulator.commerce.store import CatalogSession
from squarecheck.emulator.core.errors import ArrayLengthTooLong, InvalidValue, SquareError, by_code

Json = dict[str, Any]
RULE_OBJECTS = ("DISCOUNT", "PRODUCT_SET", "TIME_PERIOD")


@dataclass(frozen=True)
class Snapshot:
    """The live catalog objects one order may need, read in one short session."""

    objects: Mapping[str, Json]
    rules: tuple[Json, ...] = ()
    taxes: tuple[Json, ...] = ()


def _named(order: Json) -> Iterable[str]:
    """Catalog ids the order itself names (lines, modifiers, discounts, taxes)."""
    for line in order.get("line_items") or []:
        if line.get("catalog_object_id"):
            yield str(line["catalog_object_id"])
        for modifier in line.get("modifiers") or []:
            if modifier.get("catalog_object_id"):
                yield str(modifier["catalog_object_id"])
    for key in ("discounts", "taxes"):
        for entry in order.get(key) or []:
            if entry.get("catalog_object_id"):
                yield str(entry["catalog_object_id"])


def snapshot(session: CatalogSession, order: Json, rules: bool, taxes: bool) -> Snapshot:
    """Read what pricing `order` may look up; objects are shared and never changed."""
    objects: dict[str, Json] = {}

    def want(object_id: str) -> Json | None:
        if object_id not in objects:
            found = session.get_cached(object_id)
            if found is None or found.get("is_deleted"):
                return None
            objects[object_id] = found
        return objects[object_id]

    for object_id in _named(order):
        found = want(object_id)
        if found is not None and found.get("type") == "ITEM_VARIATION":
            item = want(str((found.get("item_variation_data") or {}).get("item_id")))
            for tax_id in ((item or {}).get("item_data") or {}).get("tax_ids") or []:
                want(str(tax_id))
    live_rules: list[Json] = []
    if rules:
        live_rules = session.of_type(["PRICING_RULE"], live=True)
        if live_rules:
            for obj in session.of_type(RULE_OBJECTS, live=True):
                objects.setdefault(str(obj["id"]), obj)
    live_taxes = session.of_type(["TAX"], live=True) if taxes else []
    for tax in live_taxes:
        objects.setdefault(str(tax["id"]), tax)
    return Snapshot(objects, tuple(live_rules), tuple(live_taxes))


@dataclass(frozen=True)
class Pricing:
    """Everything pricing reads besides the request: the snapshot, membership, the gates."""

    location: Json
    snapshot: Snapshot
    member_of: frozenset[str]
    when: When
    auto_apply: bool  # rules apply: the version knows pricing_options and the order asks
    auto_taxes: bool  # catalog taxes apply: the version knows auto_apply_taxes and it is asked
    options_known: bool  # the version knows pricing_options (it is echoed)
    blocklists: bool  # the version knows pricing_blocklists
    choices: Choices = field(default_factory=Choices)
    bugs: Bugs = field(default_factory=Bugs)
    rule_id_shown: bool = True  # pricing-rule-id
    max_lines: int = 1000  # order-limits
    amount_code: str = "VALUE_TOO_HIGH"  # order-limits: an amount past an int64
    #: error codes of the table: unknown location, unknown catalog object, another currency
    codes: Mapping[str, str] = field(default_factory=dict)

    def error(self, behaviour: str, detail: str, where: str) -> SquareError:
        """The table's error for `behaviour` (its code; NOT_FOUND unless told otherwise)."""
        return by_code(self.codes.get(behaviour, "NOT_FOUND"))(detail, field=where)


def _money_amount(money: Any, currency: str) -> int | None:
    """An amount in `currency`, or None when the money is in another one."""
    return int(money["amount"]) if money.get("currency") == currency else None


def _rule_discount(obj: Json | None, currency: str) -> Discount | None:
    """A rule's DISCOUNT as the engine takes it (None: it cannot apply automatically)."""
    if obj is None or obj.get("type") != "DISCOUNT":
        return None
    data = obj.get("discount_data") or {}
    modifies = data.get("modify_tax_basis") != "DO_NOT_MODIFY_TAX_BASIS"
    maximum = None
    if data.get("maximum_amount_money") is not None:
        maximum = _money_amount(data["maximum_amount_money"], currency)
        if maximum is None:
            return None
    if data.get("discount_type") == "FIXED_PERCENTAGE":
        percentage = Decimal(str(data.get("percentage")))
        return Discount(percentage=percentage, maximum=maximum, modifies_tax_basis=modifies)
    if data.get("discount_type") == "FIXED_AMOUNT":
        amount = _money_amount(data.get("amount_money") or {}, currency)
        return None if amount is None else Discount(amount=amount, modifies_tax_basis=modifies)
    return None  # VARIABLE_*: "specified at the time of sale", never by a rule


def _set(objects: Mapping[str, Json], object_id: Any) -> Json | None:
    found = objects.get(str(object_id)) if object_id else None
    return found if found is not None and found.get("type") == "PRODUCT_SET" else None


def rule_of(obj: Json, objects: Mapping[str, Json], currency: str) -> Rule:
    """A live PRICING_RULE with what it names looked up (missing ones make it apply nowhere)."""
    data = obj.get("pricing_rule_data") or {}
    discount_id = str(data.get("discount_id"))
    match = _set(objects, data.get("match_products_id"))
    wanted = data.get("time_period_ids") or []
    events = tuple(
        str(objects[p]["time_period_data"]["event"])
        for p in wanted
        if p in objects and objects[p].get("type") == "TIME_PERIOD"
    )
    minimum = None
    if data.get("minimum_order_subtotal_money") is not None:
        minimum = _money_amount(data["minimum_order_subtotal_money"], currency)
        match = match if minimum is not None else None
    return Rule(
        id=str(obj["id"]),
        discount_id=discount_id,
        discount=_rule_discount(objects.get(discount_id), currency),
        match=match if events or not wanted else None,
        exclude=_set(objects, data.get("exclude_products_id")),
        apply=_set(objects, data.get("apply_products_id")),
        exclude_most_expensive=data.get("exclude_strategy") == "MOST_EXPENSIVE",
        data=data,
        periods=events,
        minimum=minimum,
    )


def auto_taxes(snap: Snapshot, lines: list[Line], catalog_lines: list[bool]) -> tuple[Tax, ...]:
    """One automatic tax per catalog TAX reaching some line (the module docstring)."""
    found: list[Tax] = []
    for obj in snap.taxes:
        data = obj.get("tax_data") or {}
        if data.get("enabled") is False:
            continue
        reached = tuple(
            i
            for i, line in enumerate(lines)
            if (
                str(obj["id"]) in line.tax_ids
                if catalog_lines[i]
                else data.get("applies_to_custom_amounts")
            )
        )
        if reached:
            inclusive = data.get("inclusion_type") == "INCLUSIVE"
            percentage = Decimal(str(data.get("percentage") or "0"))
            found.append(
                Tax(new_uid(), percentage, inclusive, "LINE_ITEM", str(obj["id"]), True, reached)
            )
    return tuple(found)


def _unique(uids: list[str], where: str) -> None:
    if len(set(uids)) != len(uids):
        raise InvalidValue(f"Two entries of `{where}` share a uid.", field=where)


def build(order: Json, ctx: Pricing) -> Json:
    """The priced order (no id: CreateOrder adds one)."""
    if order["location_id"] != ctx.location["id"]:
        raise ctx.error(
            "order-unknown-location",
            f"Location with id '{order['location_id']}' not found.",
            "order.location_id",
        )
    raw_lines: list[Json] = order.get("line_items") or []
    if len(raw_lines) > ctx.max_lines:
        raise ArrayLengthTooLong(
            f"`order.line_items` must have at most {ctx.max_lines} items.", field="order.line_items"
        )
    currency = str(ctx.location["currency"])
    objects = ctx.snapshot.objects
    reader = Reader(objects, currency, ctx.error, not ctx.bugs.item_match_ignored)
    discounts = [reader.discount(d, i) for i, d in enumerate(order.get("discounts") or [])]
    taxes = [reader.tax(t, i) for i, t in enumerate(order.get("taxes") or [])]
    _unique([d.uid for d, _ in discounts], "order.discounts")
    _unique([t.uid for t, _ in taxes], "order.taxes")
    known = ({d.uid for d, _ in discounts}, {t.uid for t, _ in taxes})
    parsed = [reader.line(raw, i, known) for i, raw in enumerate(raw_lines)]
    lines = [line for line, _ in parsed]
    if not ctx.blocklists:
        lines = [_unblocked(line) for line in lines]
    rules = (
        tuple(rule_of(r, objects, currency) for r in ctx.snapshot.rules) if ctx.auto_apply else ()
    )
    all_taxes = tuple(t for t, _ in taxes)
    if ctx.auto_taxes and not ctx.bugs.auto_taxes_ignored:
        catalog_lines = ["catalog_object_id" in raw for raw in raw_lines]
        all_taxes += auto_taxes(ctx.snapshot, lines, catalog_lines)
    inp = PricingInput(
        tuple(lines), tuple(d for d, _ in discounts), all_taxes, rules, ctx.member_of, ctx.when,
        ctx.choices, ctx.bugs,
    )  # fmt: skip
    sets = {i: o for i, o in objects.items() if o.get("type") == "PRODUCT_SET"}
    try:
        priced = engine.price(inp, Catalog(sets))
    except AmountTooLarge as exc:
        raise by_code(ctx.amount_code)(str(exc), field=exc.where) from None
    shown = order_render.Shown(
        lines=[s for _, s in parsed],
        discounts={d.uid: s for d, s in discounts},
        taxes={t.uid: s for t, s in taxes},
        rule_id_shown=ctx.rule_id_shown,
        blocklists=ctx.blocklists,
        options_known=ctx.options_known,
    )
    return order_render.render(order, priced, shown, ctx.snapshot.objects, currency)


def _unblocked(line: Line) -> Line:
    return replace(line, blocked=frozenset(), blocked_taxes=frozenset())
