"""Catalog reads: related objects, ListCatalog pages, SearchCatalogObjects.

From Square's spec (spec-head ListCatalog, SearchCatalogObjects, CatalogQueryExact,
CatalogQueryPrefix): ListCatalog pages 100 live objects at a time and never returns deleted
ones; without a type filter both return the top-level types (an item's variations come inside
the item); exact and prefix queries match an attribute case-insensitively. Square matches an
exact query "partially" ("sma" finds "Small"): the emulator matches the start of any word.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from squarecheck.emulator.commerce.catalog import render
from squarecheck.emulator.commerce.catalog_ids import references
from squarecheck.emulator.commerce.store import CatalogSession
from squarecheck.emulator.core import clock
from squarecheck.emulator.core.errors import InvalidCursor, InvalidEnumValue, InvalidValue

Json = dict[str, Any]
LIST_PAGE = 100
SEARCH_DEFAULT, SEARCH_MAX = 100, 1000
TYPES = (
    "ITEM", "IMAGE", "CATEGORY", "ITEM_VARIATION", "TAX", "DISCOUNT", "MODIFIER_LIST", "MODIFIER",
    "PRICING_RULE", "PRODUCT_SET", "TIME_PERIOD", "MEASUREMENT_UNIT", "SUBSCRIPTION_PLAN_VARIATION",
    "ITEM_OPTION", "ITEM_OPTION_VAL", "CUSTOM_ATTRIBUTE_DEFINITION", "QUICK_AMOUNTS_SETTINGS",
    "SUBSCRIPTION_PLAN", "AVAILABILITY_PERIOD",
)  # fmt: skip
TOP_LEVEL = tuple(t for t in TYPES if t != "ITEM_VARIATION")
#: searchable attribute -> where its value lives
ATTRIBUTES: dict[str, Callable[[Json], Any]] = {
    "name": lambda o: next((v.get("name") for k, v in o.items() if k.endswith("_data")), None),
    "sku": lambda o: (o.get("item_variation_data") or {}).get("sku"),
    "description": lambda o: (o.get("item_data") or {}).get("description"),
}


def related(session: CatalogSession, shown: list[Json], groups_field: bool) -> list[Json]:
    """Live objects the shown ones refer to, one level deep, each once, none of the shown."""
    own = {str(o["id"]) for o in shown}
    wanted: list[str] = []
    for obj in shown:
        wanted += [r for r in references(obj) if r not in own and r not in wanted]
    view = session.view()
    found = [view.get(object_id) for object_id in wanted]
    return [render(session, o, groups_field) for o in found if o and not o.get("is_deleted")]


def _page(
    session: CatalogSession, items: list[Json], scope: str, cursor: str | None, size: int
) -> tuple[list[Json], str | None]:
    start = 0
    if cursor:
        found = session.cursor(cursor, scope)
        if found is None:
            raise InvalidCursor("The pagination cursor is invalid.", field="cursor")
        start = found
    end = start + size
    following = session.new_cursor(scope, end) if end < len(items) else None
    return items[start:end], following


def parse_types(raw: str | None) -> tuple[str, ...]:
    """ListCatalog `types`: comma-separated, case-insensitive; unknown names are 400."""
    if not raw:
        return TOP_LEVEL
    wanted = tuple(t.strip().upper() for t in raw.split(",") if t.strip())
    unknown = [t for t in wanted if t not in TYPES]
    if unknown:
        raise InvalidEnumValue(f"Unknown catalog object type {unknown[0]!r}.", field="types")
    return wanted


def list_page(
    session: CatalogSession, types: tuple[str, ...], cursor: str | None, groups_field: bool
) -> Json:
    """One page of ListCatalog: live objects of `types` in creation order."""
    items = session.of_type(types, live=True)
    page, following = _page(session, items, "ListCatalog:" + ",".join(types), cursor, LIST_PAGE)
    body: Json = {}
    if page:
        body["objects"] = [render(session, o, groups_field) for o in page]
    if following:
        body["cursor"] = following
    return body


QUERIES = (("exact_query", "attribute_value"), ("prefix_query", "attribute_prefix"))


def check_query(query: Json) -> None:
    """An unknown attribute is 400 (behaviour catalog-search-unknown-attribute)."""
    for kind, _ in QUERIES:
        name = (query.get(kind) or {}).get("attribute_name")
        if name is not None and name not in ATTRIBUTES:
            raise InvalidValue(
                f'Unknown attribute definition name "{name}".', field=f"{kind}.attribute_name"
            )


def _matches(obj: Json, query: Json) -> bool:
    for kind, value_key in QUERIES:
        part = query.get(kind)
        if part is None:
            continue
        value = ATTRIBUTES[part["attribute_name"]](obj)
        wanted = str(part[value_key]).lower()
        if not isinstance(value, str):
            return False
        text = value.lower()
        words = text.split() if kind == "exact_query" else []
        if not (text.startswith(wanted) or any(w.startswith(wanted) for w in words)):
            return False
    return True


def search(session: CatalogSession, request: Json, groups_field: bool) -> Json:
    """SearchCatalogObjects: types, deleted objects, begin_time, exact and prefix queries."""
    types = tuple(request.get("object_types") or TOP_LEVEL)
    deleted = bool(request.get("include_deleted_objects"))
    begin = clock.parse_rfc3339(str(request["begin_time"])) if "begin_time" in request else None
    query = request.get("query") or {}
    check_query(query)
    items = []
    for obj in session.of_type(types, live=not deleted):
        changed = clock.parse_rfc3339(str(obj.get("updated_at")))
        if begin is not None and changed is not None and changed <= begin:
            continue
        if _matches(obj, query):
            items.append(obj)
    limit = request.get("limit")
    size = limit if isinstance(limit, int) and 1 <= limit <= SEARCH_MAX else SEARCH_DEFAULT
    filters = {k: v for k, v in request.items() if k not in ("cursor", "limit")}
    scope = "SearchCatalogObjects:" + json.dumps(filters, sort_keys=True)
    page, following = _page(session, items, scope, request.get("cursor"), size)
    shown = [render(session, o, groups_field) for o in page]
    body: Json = {}
    if shown:
        body["objects"] = shown
    if following:
        body["cursor"] = following
    if request.get("include_related_objects") and shown:
        extra = related(session, shown, groups_field)
        if extra:
            body["related_objects"] = extra
    body["latest_time"] = clock.rfc3339(clock.now())
    return body
