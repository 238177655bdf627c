"""Generated Catalog bodies made to keep the rules no schema can say (`fuzz.rules` has the rest).

Square refuses a request whose client ids (`#...`) repeat, and a pricing rule valid from a
later day than it is valid until (spec-head CatalogObject.id, CatalogPricingRule). Neither is
a JSON Schema constraint, so a generated valid request can break them and be rightly refused.
`keep_rules` changes a body in place so it keeps them: a repeated client id gets a suffix, and
reversed dates swap. A generated invalid request stays as invalid as it was generated.
"""

from __future__ import annotations

from typing import Any

from squarecheck.fuzz.commerce import MAX_ID, UPSERTS, upserted_objects

Json = dict[str, Any]


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
    if operation not in UPSERTS or not isinstance(body, dict):
        return
    objects = list(upserted_objects(operation, body))
    _distinct_client_ids(objects)
    _dates_in_order(objects)
