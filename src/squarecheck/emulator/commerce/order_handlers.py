"""Handlers of CalculateOrder, CreateOrder and RetrieveOrder.

Group membership is read live from the customer store at every calculation, so removing a
customer from a group or deleting the group changes the next price (behaviours
group-discount-membership-live; whether a deleted group still counts: group-discount-deleted-group).
An unknown customer_id prices like a buyer in no group or is refused (order-unknown-customer).
CalculateOrder stores nothing (calculate-order-stores-nothing); CreateOrder stores the order,
and a reused idempotency key replays it; another body is refused or replayed as well
(create-order-idempotency). Every choice where Square is silent is the table's (`_pricing`).
"""

from __future__ import annotations

import json
from typing import Any

from squarecheck.emulator.call import Call
from squarecheck.emulator.commerce.fields import refuse_unknown
from squarecheck.emulator.commerce.gates import Gates, gates_for
from squarecheck.emulator.commerce.locations import main_location
from squarecheck.emulator.commerce.order_build import Pricing, build, new_uid
from squarecheck.emulator.commerce.store import CatalogSession, LiveView, Remembered
from squarecheck.emulator.core import clock, schemacheck
from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.errors import BadRequest, NotFound, by_code

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
    body = v.body_object(call.body, call.version)
    schemacheck.check(schema, body)
    refuse_unknown(schema, call.body, call.version)
    _refuse_unmodelled(body["order"])
    pruned: Json = schemacheck.prune(schema, body)
    return pruned


def _membership(
    call: Call, session: CatalogSession, customer_id: str | None, gates: Gates
) -> frozenset[str]:
    """The groups of the order's customer, read now (or, with fault stale-membership, once)."""
    if not customer_id:
        return frozenset()
    stale = gates.stale_membership
    cache: dict[str, frozenset[str]] = session.memo.setdefault("membership", {})
    if stale and customer_id in cache:
        return cache[customer_id]
    try:
        customer = call.customers.retrieve_customer(call.token, customer_id)
    except NotFound:
        unknown = call.expect("order-unknown-customer")
        if unknown["status"] != 200:
            detail = f"Customer with id '{customer_id}' not found."
            raise by_code(unknown["code"])(detail, field="order.customer_id") from None
        groups: frozenset[str] = frozenset()
    else:
        groups = frozenset(customer.get("group_ids") or [])
    if call.expect("group-discount-deleted-group")["converges"]:
        groups = frozenset(g for g in groups if _group_exists(call, g))
    if stale:
        cache[customer_id] = groups
    return groups


def _group_exists(call: Call, group_id: str) -> bool:
    try:
        call.customers.retrieve_group(call.token, group_id)
    except NotFound:
        return False
    return True


def _pricing(call: Call, session: CatalogSession, order: Json) -> Pricing:
    """What the request's gates (version and faults) and the seller's catalog decide."""
    gates = gates_for(call.version, call.config)
    session.prefetch(["DISCOUNT", "PRODUCT_SET"])
    live = LiveView(session.view())
    wanted = bool((order.get("pricing_options") or {}).get("auto_apply_discounts"))
    return Pricing(
        location=main_location(call.token),
        catalog=live,
        rules=session.of_type(["PRICING_RULE"], live=True),
        member_of=_membership(call, session, order.get("customer_id"), gates),
        today=clock.now().date(),  # the location's time zone is UTC
        auto_apply=(gates.options_known and wanted) or gates.auto_apply_always,
        options_known=gates.options_known,
        blocklists=gates.blocklists,
        choices=gates.choices,
        matching=gates.matching,
        entries_per_line=gates.entries_per_line,
        rule_id_shown=gates.rule_id_shown,
        codes=dict(gates.codes),
        bugs=gates.bugs,
    )


def calculate_order(call: Call) -> Json:
    request = _request(call, "CalculateOrderRequest")
    with call.commerce.session(call.token) as session:
        return {"order": build(request["order"], _pricing(call, session, request["order"]))}


def _fingerprint(body: Json) -> str:
    return json.dumps({k: v for k, v in body.items() if k != "idempotency_key"}, sort_keys=True)


def create_order(call: Call) -> Json:
    request = _request(call, "CreateOrderRequest")
    assert call.body is not None
    key = request.get("idempotency_key")
    fingerprint = _fingerprint(call.body.value)
    with call.commerce.session(call.token) as session:
        seen = session.remembered("CreateOrder", key) if key else None
        if seen is not None:
            reuse = call.expect("create-order-idempotency")
            if seen.fingerprint != fingerprint and reuse["other_body"] == "rejected":
                raise by_code(reuse["code"])(
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
    with call.commerce.session(call.token) as session:
        order = session.order(call.path["order_id"])
    if order is None:
        raise NotFound(f"Order with id '{call.path['order_id']}' not found.", field="order_id")
    return {"order": order}
