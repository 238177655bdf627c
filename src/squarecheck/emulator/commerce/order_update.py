"""UpdateOrder's merge: a stored order back to its request form, a sparse order merged in.

"To update an order, your request should only include the properties that you want to add,
update, or clear. This is known as a sparse order request. Unchanged and immutable properties
are ignored by the update." (https://developer.squareup.com/docs/orders-api/manage-orders/update-orders);
`fields_to_clear` holds "dot notation paths ... For example, line_items[uid].note" (spec-head
UpdateOrderRequest; its example clears `discounts` and adds a line). Entries of a list are told
apart by `uid`: a sparse line (discount, tax, modifier) with a known uid changes that entry, one
with a new uid or none is added. Clearing happens before merging, and references to cleared
discounts or taxes go with them. What Square computes (money, rule discounts, automatic taxes)
is not kept: the merged order is priced again (row update-order-repricing).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from squarecheck.emulator.core.errors import InvalidValue

Json = dict[str, Any]
_SEGMENT = re.compile(r"\A([a-z_]+)(?:\[([^\]]+)\])?\Z")
LINE_FIELDS = (
    "uid", "name", "quantity", "note", "catalog_object_id", "base_price_money", "modifiers",
    "applied_discounts", "applied_taxes", "pricing_blocklists",
)  # fmt: skip
ENTRY_FIELDS = ("uid", "catalog_object_id", "name", "type", "percentage", "amount_money", "scope")
MODIFIER_FIELDS = ("uid", "catalog_object_id", "name", "quantity", "base_price_money")
REQUIRED = frozenset({"location_id", "version"})


def _pick(obj: Json, names: tuple[str, ...]) -> Json:
    return {k: copy.deepcopy(obj[k]) for k in names if obj.get(k) is not None}


def source_of(order: Json) -> Json:
    """The request that would make `order` again: what was sent, not what Square computed."""
    explicit = [d for d in order.get("discounts") or [] if not d.get("pricing_rule_id")]
    taxes = [t for t in order.get("taxes") or [] if not t.get("auto_applied")]
    line_scoped = {e["uid"] for e in explicit + taxes if e.get("scope") == "LINE_ITEM"}
    source: Json = _pick(order, ("location_id", "reference_id", "customer_id", "pricing_options"))
    source["line_items"] = []
    for line in order.get("line_items") or []:
        kept = _pick(line, LINE_FIELDS)
        kept["modifiers"] = [_pick(m, MODIFIER_FIELDS) for m in line.get("modifiers") or []]
        for key, member in (("applied_discounts", "discount_uid"), ("applied_taxes", "tax_uid")):
            kept[key] = [
                {"uid": a["uid"], member: a[member]}
                for a in line.get(key) or []
                if a.get(member) in line_scoped
            ]
        source["line_items"].append({k: v for k, v in kept.items() if v not in ([], None)})
    source["discounts"] = [_pick(d, ENTRY_FIELDS) for d in explicit]
    source["taxes"] = [_pick(t, ENTRY_FIELDS) for t in taxes]
    for entry in source["discounts"]:
        if "amount_money" in entry:
            entry.pop("percentage", None)
    return source


def _path(text: str) -> list[tuple[str, str | None]]:
    segments = []
    for part in text.split("."):
        match = _SEGMENT.match(part)
        if not match:
            raise InvalidValue(
                f"`{text}` is not a field path such as line_items[uid].note.",
                field="fields_to_clear",
            )
        segments.append((match.group(1), match.group(2)))
    return segments


def clear(order: Json, text: str) -> None:
    """Remove the field (or list entry) `text` names; a path to nothing changes nothing."""
    segments = _path(text)
    if segments[0][0] in REQUIRED and len(segments) == 1:
        raise InvalidValue(f"`{text}` is required and cannot be cleared.", field="fields_to_clear")
    node: Any = order
    for index, (name, uid) in enumerate(segments):
        last = index == len(segments) - 1
        if not isinstance(node, dict) or name not in node:
            return
        if uid is None:
            if last:
                del node[name]
                return
            node = node[name]
            continue
        entries = node[name] if isinstance(node[name], list) else []
        found = next((e for e in entries if isinstance(e, dict) and e.get("uid") == uid), None)
        if found is None:
            return
        if last:
            entries.remove(found)
            return
        node = found


def _merge(into: Any, sparse: Any) -> Any:
    """`sparse` merged into `into`: objects field by field, lists of uid'd entries by uid."""
    if isinstance(into, dict) and isinstance(sparse, dict):
        out = dict(into)
        for key, value in sparse.items():
            out[key] = _merge(into.get(key), value) if key in into else copy.deepcopy(value)
        return out
    if (
        isinstance(into, list)
        and isinstance(sparse, list)
        and all(isinstance(e, dict) for e in sparse)
    ):
        out_list = list(into)
        for entry in sparse:
            uid = entry.get("uid")
            at = next((i for i, e in enumerate(out_list) if uid and e.get("uid") == uid), None)
            if at is None:
                out_list.append(copy.deepcopy(entry))
            else:
                out_list[at] = _merge(out_list[at], entry)
        return out_list
    return copy.deepcopy(sparse)


def _drop_dangling(order: Json) -> None:
    """References to discounts and taxes the order no longer has go with them."""
    discounts = {d.get("uid") for d in order.get("discounts") or []}
    taxes = {t.get("uid") for t in order.get("taxes") or []}
    for line in order.get("line_items") or []:
        if "applied_discounts" in line:
            line["applied_discounts"] = [
                a for a in line["applied_discounts"] if a.get("discount_uid") in discounts
            ]
        if "applied_taxes" in line:
            line["applied_taxes"] = [a for a in line["applied_taxes"] if a.get("tax_uid") in taxes]


def merged(source: Json, sparse: Json, clears: list[str]) -> Json:
    """The order after clearing `clears` from `source` and merging `sparse` into it."""
    order = copy.deepcopy(source)
    for text in clears:
        clear(order, text)
    _drop_dangling(order)
    changes = {k: v for k, v in sparse.items() if k not in ("version", "id")}
    result: Json = _merge(order, changes)
    return result
