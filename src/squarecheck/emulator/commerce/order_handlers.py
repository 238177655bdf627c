"""Handlers of CalculateOrder, CreateOrder, UpdateOrder and RetrieveOrder.

Each reads what pricing needs in one short session of the seller (a catalog `Snapshot` and the
customer's groups, read live at every calculation: behaviours group-discount-membership-live,
group-discount-deleted-group), prices outside the store's lock (so a large order never holds
other sellers up), then stores in a second session, re-checking what a concurrent request may
have changed meanwhile: a reused CreateOrder key replays the first order (create-order-idempotency),
an UpdateOrder whose order moved on is refused. CalculateOrder stores nothing
(calculate-order-stores-nothing). UpdateOrder merges a sparse order into the stored one, clears
`fields_to_clear` and prices it again (update-order-* rows; `order_update`).
An unknown customer_id prices like a buyer in no group or is refused (order-unknown-customer).
"""

from __future__ import annotations

import json
from typing import Any

from squarecheck.emulator.call import Call
from squarecheck.emulator.commerce import order_update
from squarecheck.emulator.commerce.fields import refuse_unknown
from squarecheck.emulator.commerce.gates import Gates, gates_for
from squarecheck.emulator.commerce.order_build import Pricing, Snapshot, build, snapshot
from squarecheck.emulator.commerce.pricing.model import When, new_uid
from squarecheck.emulator.commerce.store import CatalogSession, Remembered
from squarecheck.emulator.core import clock, schemacheck
from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.errors import (
    ArrayLengthTooLong,
    BadRequest,
    MissingRequiredParameter,
    NotFound,
    by_code,
)
from squarecheck.emulator.locations.location import main_location

Json = dict[str, Any]
#: Square fields of an order / a line that the emulator does not model (refused, not ignored).
UNMODELLED_ORDER = (
    "service_charges", "fulfillments", "returns", "rewards", "tenders", "refunds",
    "rounding_adjustment",
)  # fmt: skip
UNMODELLED_LINE = ("applied_service_charges", "quantity_unit", "taxes", "discounts")


#: Square's order states the emulator does not model: it keeps every order OPEN.
UNMODELLED_STATES = ("COMPLETED", "CANCELED", "DRAFT")


def _refuse_unmodelled(order: Any) -> None:
    """Refuse, before the schema (whose `state` is OPEN only), what Square takes and the
    emulator does not model, naming it, rather than call a valid request invalid."""
    if not isinstance(order, dict):
        return
    found = [f"order.{k}" for k in UNMODELLED_ORDER if order.get(k) not in (None, [])]
    if isinstance(order.get("state"), str) and order["state"] in UNMODELLED_STATES:
        found.append("order.state")
    lines = order.get("line_items")
    for index, line in enumerate(lines if isinstance(lines, list) else []):
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


def _line_count(call: Call, body: Json) -> None:
    """Too many lines are refused before the body is validated line by line (row order-limits)."""
    lines = (
        (body.get("order") or {}).get("line_items") if isinstance(body.get("order"), dict) else None
    )
    most = int(call.expect("order-limits")["max_line_items"])
    if isinstance(lines, list) and len(lines) > most:
        raise ArrayLengthTooLong(
            f"`order.line_items` must have at most {most} items.", field="order.line_items"
        )


def _request(call: Call, schema: str) -> Json:
    body = v.body_object(call.body, call.version)
    _line_count(call, body)
    _refuse_unmodelled(body.get("order"))
    schemacheck.check(schema, body)
    refuse_unknown(schema, call.body, call.version)
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


class Prepared:
    """What one order's pricing read inside the session, to price after it."""

    def __init__(self, call: Call, session: CatalogSession, order: Json) -> None:
        self.gates = gates_for(call.version, call.config)
        options = order.get("pricing_options") or {}
        gates = self.gates
        self.auto_apply = (gates.options_known and bool(options.get("auto_apply_discounts"))) or (
            gates.auto_apply_always
        )
        self.auto_taxes = gates.taxes_known and bool(options.get("auto_apply_taxes"))
        self.snapshot: Snapshot = snapshot(session, order, self.auto_apply, self.auto_taxes)
        self.member_of = _membership(call, session, order.get("customer_id"), gates)
        self.location = main_location(call.token)

    def price(self, order: Json) -> Json:
        """The priced order (outside the session)."""
        moment = clock.now()  # the location's time zone is UTC
        gates = self.gates
        ctx = Pricing(
            location=self.location,
            snapshot=self.snapshot,
            member_of=self.member_of,
            when=When(moment.date(), moment.replace(tzinfo=None)),
            auto_apply=self.auto_apply,
            auto_taxes=self.auto_taxes,
            options_known=gates.options_known,
            blocklists=gates.blocklists,
            choices=gates.choices,
            bugs=gates.bugs,
            rule_id_shown=gates.rule_id_shown,
            max_lines=gates.max_lines,
            amount_code=gates.amount_code,
            codes=dict(gates.codes),
        )
        return build(order, ctx)


def calculate_order(call: Call) -> Json:
    order = _request(call, "CalculateOrderRequest")["order"]
    with call.commerce.session(call.token) as session:
        prepared = Prepared(call, session, order)
    return {"order": prepared.price(order)}


def _fingerprint(body: Json) -> str:
    return json.dumps({k: v for k, v in body.items() if k != "idempotency_key"}, sort_keys=True)


def _replay(call: Call, seen: Remembered, fingerprint: str) -> Json:
    reuse = call.expect("create-order-idempotency")
    if seen.fingerprint != fingerprint and reuse["other_body"] == "rejected":
        raise by_code(reuse["code"])(
            "Duplicate idempotency key used with a different request body.",
            field="idempotency_key",
        )
    return seen.body


def create_order(call: Call) -> Json:
    request = _request(call, "CreateOrderRequest")
    assert call.body is not None
    key = request.get("idempotency_key")
    fingerprint = _fingerprint(call.body.value)
    with call.commerce.session(call.token) as session:
        seen = session.remembered("CreateOrder", key) if key else None
        if seen is not None:
            return _replay(call, seen, fingerprint)
        prepared = Prepared(call, session, request["order"])
    order = {"id": new_uid(27), **prepared.price(request["order"])}
    with call.commerce.session(call.token) as session:
        seen = session.remembered("CreateOrder", key) if key else None
        if seen is not None:  # a concurrent request with the key won
            return _replay(call, seen, fingerprint)
        session.put_order(order)
        answer = {"order": order}
        if key:
            session.remember("CreateOrder", key, Remembered(fingerprint, 200, answer))
        return answer


def _stored(session: CatalogSession, order_id: str) -> Json:
    order = session.order(order_id)
    if order is None:
        raise NotFound(f"Order with id '{order_id}' not found.", field="order_id")
    return order


def _check_version(sent: Any, stored: Json, gates: Gates) -> None:
    if sent is None:
        raise MissingRequiredParameter("Field must be set: order.version", field="order.version")
    if sent != stored.get("version"):
        raise by_code(gates.update_mismatch_code)(
            f"The order's version is {stored.get('version')}, not {sent}.", field="order.version"
        )


def update_order(call: Call) -> Json:
    request = _request(call, "UpdateOrderRequest")
    order_id, key = call.path["order_id"], request.get("idempotency_key")
    sparse: Json = request.get("order") or {}
    with call.commerce.session(call.token) as session:
        stored = _stored(session, order_id)
        if key and session.remembered("UpdateOrder", key) is not None:
            return {"order": stored}  # "The latest order version is returned."
        gates = gates_for(call.version, call.config)
        _check_version(sparse.get("version"), stored, gates)
        clears = [] if gates.clear_ignored else list(request.get("fields_to_clear") or [])
        source = order_update.merged(order_update.source_of(stored), sparse, clears)
        prepared = Prepared(call, session, source)
    if prepared.gates.update_not_repriced:
        priced = {k: v for k, v in stored.items() if k not in ("id", "version")}
    else:
        priced = prepared.price(source)
    updated = {"id": stored["id"], **priced, "created_at": stored["created_at"]}
    updated["version"] = int(stored["version"]) + 1
    with call.commerce.session(call.token) as session:
        if key and session.remembered("UpdateOrder", key) is not None:
            return {"order": _stored(session, order_id)}
        _check_version(stored.get("version"), _stored(session, order_id), prepared.gates)
        session.put_order(updated)
        if key:
            session.remember("UpdateOrder", key, Remembered(order_id, 200, {}))
        return {"order": updated}


def retrieve_order(call: Call) -> Json:
    with call.commerce.session(call.token) as session:
        order = session.order(call.path["order_id"])
    if order is None:
        raise NotFound(f"Order with id '{call.path['order_id']}' not found.", field="order_id")
    return {"order": order}
