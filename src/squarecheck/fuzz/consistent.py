"""Generated Catalog bodies made to keep the rules no schema can say (`fuzz.rules` has the rest).

Square refuses a request whose client ids (`#...`) repeat, and a pricing rule valid from a
later day than it is valid until (spec-head CatalogObject.id, CatalogPricingRule). Neither is
a JSON Schema constraint, so a generated valid request can break them and be rightly refused.
`keep_rules` changes a body in place so it keeps them: a repeated client id gets a suffix, and
reversed dates swap. A generated invalid request stays as invalid as it was generated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Json = dict[str, Any]
MAX_ID = 255


def _objects(body: Json) -> Iterator[Json]:
    """Every catalog object of an upsert body, nested item variations included."""
    found: list[Any] = [body.get("object")]
    batches = body.get("batches")
    for batch in batches if isinstance(batches, list) else []:
        objects = batch.get("objects") if isinstance(batch, dict) else None
        found += objects if isinstance(objects, list) else []
    for obj in found:
        if not isinstance(obj, dict):
            continue
        yield obj
        data = obj.get("item_data")
        variations = data.get("variations") if isinstance(data, dict) else None
        if isinstance(variations, list):
            yield from (v for v in variations if isinstance(v, dict))


def _distinct_client_ids(objects: list[Json]) -> None:
    seen: set[str] = set()
    for obj in objects:
        client_id = obj.get("id")
        if not (isinstance(client_id, str) and client_id.startswith("#")):
            continue
        candidate, number = client_id, 1
        while candidate in seen:
            suffix = f"~{number}"
            candidate, number = client_id[: MAX_ID - len(suffix)] + suffix, number + 1
        obj["id"] = candidate
        seen.add(candidate)


def _dates_in_order(objects: list[Json]) -> None:
    for obj in objects:
        data = obj.get("pricing_rule_data")
        if not isinstance(data, dict):
            continue
        start, end = data.get("valid_from_date"), data.get("valid_until_date")
        if isinstance(start, str) and isinstance(end, str) and start > end:
            data["valid_from_date"], data["valid_until_date"] = end, start


def keep_rules(operation: str, body: Any) -> None:
    """Make a generated Catalog upsert body keep the rules between objects (in place)."""
    if operation not in ("UpsertCatalogObject", "BatchUpsertCatalogObjects"):
        return
    if not isinstance(body, dict):
        return
    objects = list(_objects(body))
    _distinct_client_ids(objects)
    _dates_in_order(objects)
