"""Client ids (`#...`) of an upsert request: new server ids, id_mappings, resolved references.

"When a new CatalogObject is inserted, the client should set the id to a temporary identifier
starting with a '#' character. Other objects being inserted or updated within the same request
may use this identifier to refer to the new object." (spec-head CatalogObject.id; behaviour
catalog-id-mappings). Nested item variations get mappings of their own.
"""

from __future__ import annotations

import copy
import secrets
import string
from collections.abc import Callable, Iterator
from typing import Any

from squarecheck.emulator.core.errors import InvalidValue

Json = dict[str, Any]
_ALPHABET = string.ascii_uppercase + string.digits

#: data field -> the members that hold ids of other catalog objects (lists end in "[]").
REFERENCES: dict[str, tuple[str, ...]] = {
    "item_data": ("category_id", "categories[].id", "tax_ids[]"),
    "item_variation_data": ("item_id",),
    "product_set_data": ("product_ids_any[]", "product_ids_all[]"),
    "pricing_rule_data": (
        "discount_id", "match_products_id", "exclude_products_id", "apply_products_id",
        "time_period_ids[]",
    ),
    "modifier_data": ("modifier_list_id",),
}  # fmt: skip
#: container type -> (data field, member holding nested objects written with it)
NESTED = {"ITEM": ("item_data", "variations"), "MODIFIER_LIST": ("modifier_list_data", "modifiers")}


def new_object_id() -> str:
    """24 upper-case alphanumerics, like "R2TA2FOBUGCJZNIWJSOSNAI4" in Square's examples."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(24))


def with_variations(objects: list[Json]) -> Iterator[Json]:
    """Each object of a request, and after an item (a modifier list), the variations (the
    modifiers) nested in it."""
    for obj in objects:
        yield obj
        nested = NESTED.get(str(obj.get("type")))
        if nested is not None:
            yield from (obj.get(nested[0]) or {}).get(nested[1]) or []


def assign(objects: list[Json]) -> dict[str, str]:
    """A new server id for every `#` id of the request (nested ones too), in request order."""
    mapping: dict[str, str] = {}
    for obj in with_variations(objects):
        client_id = str(obj.get("id"))
        if not client_id.startswith("#"):
            continue
        if client_id in mapping:
            raise InvalidValue(f"Duplicate client object id {client_id}.", field="id")
        mapping[client_id] = new_object_id()
    return mapping


def _walk(data: Json, member: str, replace: Callable[[str], str]) -> None:
    """Apply `replace` to the id(s) at `member` (e.g. `categories[].id`) of one data object."""
    head, _, rest = member.partition(".")
    if head.endswith("[]"):
        items = data.get(head[:-2])
        if not isinstance(items, list):
            return
        for index, item in enumerate(items):
            if rest and isinstance(item, dict):
                _walk(item, rest, replace)
            elif not rest and isinstance(item, str):
                items[index] = replace(item)
    elif rest:
        inner = data.get(head)
        if isinstance(inner, dict):
            _walk(inner, rest, replace)
    elif isinstance(data.get(head), str):
        data[head] = replace(data[head])


def references(obj: Json) -> list[str]:
    """The ids of the other objects `obj` refers to (for include_related_objects)."""
    found: list[str] = []

    def note(ref: str) -> str:
        found.append(ref)
        return ref

    for data_key, members in REFERENCES.items():
        data = obj.get(data_key)
        if isinstance(data, dict):
            for member in members:
                _walk(copy.deepcopy(data), member, note)
    return list(dict.fromkeys(found))


def resolve(obj: Json, mapping: dict[str, str]) -> None:
    """Replace the `#` ids `obj` refers to by their server ids; an unknown one is INVALID_VALUE."""

    def replace(ref: str) -> str:
        if not ref.startswith("#"):
            return ref
        if ref not in mapping:
            raise InvalidValue(
                f"Object `{obj.get('id')}` refers to {ref}, which no object of this request has.",
                field="id",
            )
        return mapping[ref]

    for data_key, members in REFERENCES.items():
        data = obj.get(data_key)
        if isinstance(data, dict):
            for member in members:
                _walk(data, member, replace)
