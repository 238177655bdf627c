"""Catalog writes: upserts in batches (all or nothing each), versions, deletes that cascade.

Semantics from Square's spec (spec-head UpsertCatalogObject, BatchUpsertCatalogObjects,
DeleteCatalogObject, CatalogObject): `#` ids create objects, any other id updates the live
object of that id and must send its current `version` (behaviour catalog-version-mismatch); one
request writes one new version, the write time in epoch milliseconds, to every object it
touches; deleting an item deletes its variations (behaviour catalog-delete-cascade), a modifier
list its modifiers. An item's variations (a modifier list's modifiers) are stored as objects of
their own and embedded in it when it is read. Every id a pricing rule, a product set or an item's
`tax_ids` names must be a live object of the right type, and every customer group a rule names
one of the seller's (behaviour pricing-rule-references); a field the request's version does not
know yet (customer_group_ids_any, maximum_amount_money, minimum_order_subtotal_money) is dropped.
The error codes where Square is silent, and whether an object a pricing rule uses may be
deleted, are the table's (`gates.Gates`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from squarecheck.emulator.commerce.catalog_ids import resolve, with_variations
from squarecheck.emulator.commerce.catalog_validate import check_object, check_references
from squarecheck.emulator.commerce.gates import Gates
from squarecheck.emulator.commerce.pricing.periods import vevent
from squarecheck.emulator.commerce.store import CatalogSession
from squarecheck.emulator.core import clock
from squarecheck.emulator.core.errors import MissingRequiredParameter, SquareError, by_code

Json = dict[str, Any]
DATA_KEYS = {
    "ITEM": "item_data",
    "ITEM_VARIATION": "item_variation_data",
    "CATEGORY": "category_data",
    "DISCOUNT": "discount_data",
    "PRODUCT_SET": "product_set_data",
    "PRICING_RULE": "pricing_rule_data",
    "TAX": "tax_data",
    "TIME_PERIOD": "time_period_data",
    "MODIFIER_LIST": "modifier_list_data",
    "MODIFIER": "modifier_data",
}
#: data field -> members a version may not know yet (the gates say which it knows)
GATED = {
    "discount_data": "maximum_amount_money",
    "pricing_rule_data": "minimum_order_subtotal_money",
}
VERSION_MISMATCH_DETAIL = "Object version does not match latest database version."


@dataclass
class Written:
    """The outcome of an upsert: top-level objects written, their mappings, failed batches."""

    ids: list[str] = field(default_factory=list)
    mappings: list[Json] = field(default_factory=list)
    errors: list[SquareError] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # indexes of the failed batches
    stamp: str = ""


def stamp_of(version: int) -> str:
    """The RFC 3339 time a version number (epoch milliseconds) stands for."""
    return clock.rfc3339(datetime.fromtimestamp(version / 1000, tz=UTC))


def write(
    session: CatalogSession,
    batches: list[list[Json]],
    mapping: dict[str, str],
    problems: dict[int, SquareError],
    gates: Gates,
    single: bool = False,
    group_exists: Callable[[str], bool] = lambda group: True,
) -> Written:
    """Write each batch all or nothing; `problems` holds batches already known to be invalid.

    `single` is UpsertCatalogObject: one object, whose errors name `object...`.
    `group_exists` tells whether the seller has a customer group (rules name groups).
    """
    version = session.next_version()
    out = Written(stamp=stamp_of(version))
    ordinals = Ordinals(session)
    pending = {
        mapping.get(str(o.get("id")), str(o.get("id"))): str(o.get("type"))
        for batch in batches
        for o in with_variations(batch)
    }

    def type_of(object_id: str) -> str | None:
        if object_id in pending:
            return pending[object_id]
        found = session.get_cached(object_id)
        return None if found is None or found.get("is_deleted") else str(found["type"])

    checks = None if gates.references_unchecked else gates.references_code
    refs = (type_of, group_exists, checks)
    for index, batch in enumerate(batches):
        staged: list[Json] = []
        error = problems.get(index)
        if error is None:
            try:
                where = "" if single else f"batches[{index}]"
                _stage(session, batch, mapping, version, gates, staged, where, ordinals, refs)
            except SquareError as failure:
                error = failure
        if error is not None:
            out.errors.append(error)
            out.failed.append(index)
            if gates.atomic_batches:
                continue
        for obj in staged:
            session.put(obj)
        written = {str(obj["id"]) for obj in staged}
        for obj in batch:
            server_id = mapping.get(str(obj["id"]), str(obj["id"]))
            if server_id in written:
                out.ids.append(server_id)
        for nested in with_variations(batch):
            client_id = str(nested["id"])
            if client_id in mapping and mapping[client_id] in written:
                mapped = {"client_object_id": client_id, "object_id": mapping[client_id]}
                out.mappings.append(mapped)
    return out


def _stage(
    session: CatalogSession,
    batch: list[Json],
    mapping: dict[str, str],
    version: int,
    gates: Gates,
    staged: list[Json],
    where: str,
    ordinals: Ordinals,
    refs: tuple[Callable[[str], str | None], Callable[[str], bool], str | None],
) -> None:
    """Append to `staged` the stored form of every object of one batch, or raise."""
    type_of, group_exists, code = refs
    # behaviour catalog-item-needs-variation: a variation nested in the item, or one of the
    # same batch naming it
    named = {
        str((o.get("item_variation_data") or {}).get("item_id"))
        for o in batch
        if o.get("type") == "ITEM_VARIATION"
    }
    for position, raw in enumerate(batch):
        at = f"{where}.objects[{position}]" if where else "object"
        check_object(raw, at)
        if gates.item_needs_variation and _bare_new_item(raw, named):
            raise MissingRequiredParameter(
                "An item must be created with at least one variation.",
                field=f"{at}.item_data.variations",
            )
        obj = copy.deepcopy(raw)
        resolve(obj, mapping)
        stored = _stored(session, obj, mapping, version, gates, ordinals)
        if code is not None:
            check_references(stored, at, type_of, group_exists, code)
        staged.append(stored)
        if obj["type"] == "ITEM":
            _stage_variations(session, obj, stored, mapping, version, gates, staged)
        elif obj["type"] == "MODIFIER_LIST":
            _stage_modifiers(session, obj, stored, mapping, version, gates, staged)


def _bare_new_item(raw: Json, named: set[str]) -> bool:
    """A new (`#` id) ITEM without a nested variation, that no variation of its batch names."""
    if raw.get("type") != "ITEM" or not str(raw.get("id", "")).startswith("#"):
        return False
    nested = (raw.get("item_data") or {}).get("variations")
    return not nested and str(raw["id"]) not in named


def _stage_variations(
    session: CatalogSession,
    item: Json,
    stored_item: Json,
    mapping: dict[str, str],
    version: int,
    gates: Gates,
    staged: list[Json],
) -> None:
    """An item's nested variations: written with it; ones it no longer lists are deleted.

    Upserts replace whole objects: "omitting inlined children like variations will delete
    them" (Square's Python SDK 46, docstring of catalog.object.upsert and catalog.batch_upsert).
    Their ordinals are their places in the list, so no variation reads its siblings: an item's
    variations are read once per request, which keeps an update linear in their number.
    """
    nested = (item.get("item_data") or {}).get("variations") or []
    kept: set[str] = set()
    for ordinal, raw in enumerate(nested, start=1):
        variation = copy.deepcopy(raw)
        resolve(variation, mapping)
        variation["item_variation_data"]["item_id"] = stored_item["id"]
        stored = _stored(session, variation, mapping, version, gates, ordinal)
        staged.append(stored)
        kept.add(str(stored["id"]))
    for old in live_variations(session, str(stored_item["id"])):
        if str(old["id"]) not in kept:
            staged.append(_deleted(old, version))


def _stage_modifiers(
    session: CatalogSession,
    modifier_list: Json,
    stored_list: Json,
    mapping: dict[str, str],
    version: int,
    gates: Gates,
    staged: list[Json],
) -> None:
    """A modifier list's nested modifiers: written with it; ones it no longer lists are deleted
    (stored like variations, their list's id in the `item_id` column)."""
    nested = (modifier_list.get("modifier_list_data") or {}).get("modifiers") or []
    kept: set[str] = set()
    for ordinal, raw in enumerate(nested, start=1):
        modifier = copy.deepcopy(raw)
        resolve(modifier, mapping)
        modifier["modifier_data"]["modifier_list_id"] = stored_list["id"]
        stored = _stored(session, modifier, mapping, version, gates)
        stored["modifier_data"].setdefault("ordinal", ordinal)
        staged.append(stored)
        kept.add(str(stored["id"]))
    for old in session.variations(str(stored_list["id"])):
        if str(old["id"]) not in kept and not old.get("is_deleted"):
            staged.append(_deleted(old, version))


def _stored(
    session: CatalogSession,
    obj: Json,
    mapping: dict[str, str],
    version: int,
    gates: Gates,
    ordinal: Ordinals | int = 0,
) -> Json:
    """The object as it will be stored: server id, the request's version, defaults filled in.

    A variation keeps its ordinal on update; a new one takes `ordinal` (its place in its item's
    list) or, upserted on its own, the next free one of its item."""
    kind = str(obj["type"])
    data_key = DATA_KEYS[kind]
    client_id = str(obj["id"])
    server_id = mapping.get(client_id, client_id)
    kept_ordinal = None
    if not client_id.startswith("#"):
        existing = session.get(server_id)
        if existing is None or existing.get("is_deleted") or existing["type"] != kind:
            raise by_code(gates.missing_code)(
                f"Invalid Object with Id: {server_id} [object_id={server_id}] "
                f"Received request to update nonexistent object {server_id}.",
                field="id",
            )
        if gates.check_versions and obj.get("version") != existing.get("version"):
            raise by_code(gates.mismatch_code)(VERSION_MISMATCH_DETAIL, field="version")
        kept_ordinal = (existing.get("item_variation_data") or {}).get("ordinal")
    data = copy.deepcopy(obj[data_key])
    if kind == "ITEM":
        data.pop("variations", None)
    if kind == "MODIFIER_LIST":
        data.pop("modifiers", None)
    if kind == "TIME_PERIOD":
        data["event"] = vevent(str(data["event"]))
    if kind == "PRICING_RULE" and not gates.groups_field:
        data.pop("customer_group_ids_any", None)  # not part of the rule under this version
    known = {"discount_data": gates.cap_field, "pricing_rule_data": gates.minimum_field}
    if data_key in GATED and not known[data_key]:
        data.pop(GATED[data_key], None)  # not part of the object under this version
    if kind == "ITEM_VARIATION":
        if isinstance(ordinal, Ordinals):
            ordinal = kept_ordinal or ordinal.next(str(data.get("item_id")))
        data["ordinal"] = ordinal
    return {
        "type": kind,
        "id": server_id,
        "updated_at": stamp_of(version),
        "version": version,
        "is_deleted": False,
        "present_at_all_locations": obj.get("present_at_all_locations", True),
        data_key: data,
    }


class Ordinals:
    """The next free ordinal of each item a request adds variations to on their own, read once
    per item and request (reading the siblings for each new variation is quadratic)."""

    def __init__(self, session: CatalogSession) -> None:
        self._session = session
        self._next: dict[str, int] = {}

    def next(self, item_id: str) -> int:
        if item_id not in self._next:
            self._next[item_id] = len(live_variations(self._session, item_id)) + 1
        ordinal = self._next[item_id]
        self._next[item_id] = ordinal + 1
        return ordinal


def _deleted(obj: Json, version: int) -> Json:
    gone = copy.deepcopy(obj)
    gone.update(is_deleted=True, version=version, updated_at=stamp_of(version))
    return gone


def live_variations(session: CatalogSession, item_id: str) -> list[Json]:
    """The item's variations that are not deleted, by ordinal (stored objects: read only)."""
    found = [o for o in session.variations(item_id) if not o.get("is_deleted")]
    return sorted(found, key=lambda o: o["item_variation_data"].get("ordinal") or 0)


def render(session: CatalogSession, obj: Json, groups_field: bool) -> Json:
    """An object as a response shows it: an item with its live variations embedded."""
    shown = copy.deepcopy(obj)
    if shown["type"] == "ITEM" and not shown.get("is_deleted"):
        variations = live_variations(session, str(shown["id"]))
        if variations:
            shown["item_data"]["variations"] = copy.deepcopy(variations)
    if shown["type"] == "MODIFIER_LIST" and not shown.get("is_deleted"):
        modifiers = [m for m in session.variations(str(shown["id"])) if not m.get("is_deleted")]
        if modifiers:
            shown["modifier_list_data"]["modifiers"] = copy.deepcopy(modifiers)
    if shown["type"] == "PRICING_RULE" and not groups_field:
        shown["pricing_rule_data"].pop("customer_group_ids_any", None)
    return shown


def live(session: CatalogSession, object_id: str, gone_code: str = "NOT_FOUND") -> Json:
    """The live object of `object_id`; unknown or deleted is the error of behaviour
    catalog-retrieve-deleted."""
    obj = session.get(object_id)
    if obj is None or obj.get("is_deleted"):
        detail = f"Catalog object with id '{object_id}' not found."
        raise by_code(gone_code)(detail, field="object_id")
    return obj


def refuse_if_referenced(session: CatalogSession, object_id: str, gates: Gates) -> None:
    """With the table's code, a DISCOUNT or PRODUCT_SET a live rule uses cannot be deleted."""
    if gates.referenced_code is None:
        return
    for rule in session.of_type(["PRICING_RULE"], live=True):
        data = rule.get("pricing_rule_data") or {}
        uses = [data.get(k) for k in ("discount_id", "match_products_id", "exclude_products_id")]
        if object_id in uses or object_id in (data.get("time_period_ids") or []):
            raise by_code(gates.referenced_code)(
                f"Catalog object '{object_id}' is used by pricing rule '{rule['id']}'.",
                field="object_id",
            )


def delete(session: CatalogSession, object_ids: list[str], gates: Gates) -> tuple[list[str], str]:
    """Delete the live objects among `object_ids`, an item's variations with it."""
    version = session.next_version()
    deleted: list[str] = []
    for object_id in object_ids:
        obj = session.get(object_id)
        if obj is None or obj.get("is_deleted") or object_id in deleted:
            continue
        doomed = [obj]
        if obj["type"] == "ITEM" and gates.cascade:
            doomed += live_variations(session, object_id)
        if obj["type"] == "MODIFIER_LIST" and gates.cascade:
            doomed += [m for m in session.variations(object_id) if not m.get("is_deleted")]
        for gone in doomed:
            session.put(_deleted(gone, version))
            deleted.append(str(gone["id"]))
    return deleted, stamp_of(version)
