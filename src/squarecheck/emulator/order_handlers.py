"""Handlers of CalculateOrder, CreateOrder and RetrieveOrder.

Group membership is read live from the customer store at every calculation, so removing a
customer from a group or deleting the group changes the next price (behaviours
group-discount-membership-live, group-discount-deleted-group). An unknown customer_id prices
like a buyer in no group (order-unknown-customer). CalculateOrder stores nothing
(calculate-order-stores-nothing); CreateOrder stores the order, and a reused idempotency key
replays it or, with another body, is 400 IDEMPOTENCY_KEY_REUSED (create-order-idempotency).
"""

from __future__ import annotations

import json
from typing import Any

from squarecheck.emulator import clock, schemacheck
from squarecheck.emulator import validate as v
from squarecheck.emulator.commerce import LiveView, Remembered, Session, commerce_for
from squarecheck.emulator.commerce_faults import (
    AutoApplyAlways,
    GroupFilterIgnored,
    ItemMatchIgnored,
    StaleMembership,
    UngroupedRuleIgnored,
    WrongRounding,
)
from squarecheck.emulator.errors import BadRequest, IdempotencyKeyReused, NotFound
from squarecheck.emulator.handlers import Call
from squarecheck.emulator.locations import main_location
from squarecheck.emulator.order_build import Pricing, build, new_uid
from squarecheck.emulator.rulematch import Bugs

Json = dict[str, Any]
#: Square fields of an order / a line that the emulator does not model (refused, not ignored).
UNMODELLED_ORDER = (
    "discounts", "taxes", "service_charges", "fulfillments", "returns", "rewards", "tenders",
    "refunds", "rounding_adjustment",
)  # fmt: skip
UNMODELLED_LINE = (
    "modifiers", "applied_discounts", "applied_taxes", "applied_service_charges", "quantity_unit",
    "taxes", "discounts",
)  # fmt: skip


def _refuse_unmodelled(order: Json) -> None:
    found = [f"order.{k}" for k in UNMODELLED_ORDER if order.get(k) not in (None, [])]
    for index, line in enumerate(order.get("line_items") or []):
        if isinstance(line, dict):
            found += [
                f"order.line_items[{index}].{k}"
                for k in UNMODELLED_LINE
                if line.get(k) not in (None, [])
            ]
    if found:
        raise BadRequest(
            f"squarecheck's emulator does not model `{found[0]}`; leave it out.", field=found[0]
        )


def _request(call: Call, schema: str) -> Json:
    body = v.body_object(call.body)
    schemacheck.check(schema, body)
    _refuse_unmodelled(body["order"])
    pruned: Json = schemacheck.prune(schema, body)
    return pruned


def _membership(call: Call, session: Session, customer_id: str | None) -> frozenset[str]:
    """The groups of the order's customer, read now (or, with fault stale-membership, once)."""
    if not customer_id:
        return frozenset()
    stale = StaleMembership.on(call.store.config)
    cache: dict[str, frozenset[str]] = session.memo.setdefault("membership", {})
    if stale and customer_id in cache:
        return cache[customer_id]
    try:
        customer = call.store.retrieve_customer(call.token, customer_id)
    except NotFound:
        groups: frozenset[str] = frozenset()
    else:
        groups = frozenset(customer.get("group_ids") or [])
    if stale:
        cache[customer_id] = groups
    return groups


def _pricing(call: Call, session: Session, order: Json) -> Pricing:
    """What the request's version, the seller's catalog and the active faults decide."""
    config = call.store.config
    live = LiveView(session.view())
    options_known = call.version.expect("auto-apply-discounts")["applies"] == "when-enabled"
    wanted = bool((order.get("pricing_options") or {}).get("auto_apply_discounts"))
    return Pricing(
        location=main_location(session),
        catalog=live,
        rules=[o for o in session.of_type(["PRICING_RULE"]) if not o.get("is_deleted")],
        member_of=_membership(call, session, order.get("customer_id")),
        today=clock.now().date(),  # the location's time zone is UTC
        auto_apply=(options_known and wanted) or AutoApplyAlways.on(config),
        options_known=options_known,
        blocklists=bool(call.version.expect("pricing-blocklists")["blocked"]),
        rounding="discount-half-up" if WrongRounding.on(config) else "discounted-price-half-even",
        bugs=Bugs(
            group_filter_ignored=GroupFilterIgnored.on(config),
            ungrouped_rules_ignored=UngroupedRuleIgnored.on(config),
            item_match_ignored=ItemMatchIgnored.on(config),
        ),
    )


def calculate_order(call: Call) -> Json:
    request = _request(call, "CalculateOrderRequest")
    with commerce_for(call.store).session(call.token) as session:
        return {"order": build(request["order"], _pricing(call, session, request["order"]))}


def _fingerprint(body: Json) -> str:
    return json.dumps({k: v for k, v in body.items() if k != "idempotency_key"}, sort_keys=True)


def create_order(call: Call) -> Json:
    request = _request(call, "CreateOrderRequest")
    assert call.body is not None
    key = request.get("idempotency_key")
    fingerprint = _fingerprint(call.body.value)
    with commerce_for(call.store).session(call.token) as session:
        seen = session.remembered("CreateOrder", key) if key else None
        if seen is not None:
            if seen.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    "Duplicate idempotency key used with a different request body.",
                    field="idempotency_key",
                )
            return seen.body
        priced = build(request["order"], _pricing(call, session, request["order"]))
        order = {"id": new_uid(27), **priced}
        session.put_order(order)
        answer = {"order": order}
        if key:
            session.remember("CreateOrder", key, Remembered(fingerprint, 200, answer))
        return answer


def retrieve_order(call: Call) -> Json:
    with commerce_for(call.store).session(call.token) as session:
        order = session.order(call.path["order_id"])
    if order is None:
        raise NotFound(f"Order with id '{call.path['order_id']}' not found.", field="order_id")
    return {"order": order}
