"""Generated Catalog and Orders requests made safe to send: prefixed names, fresh keys, own ids.

Every catalog object a generated upsert creates carries the run's prefix in its name, followed
by a mark of its request: a batch that fails does not say what the request's other batches
wrote, so the runner finds those by that mark and puts them in the ledger (`adopt`). An
upserted id the run did not create becomes a `#` client id (a create: random ids would only
ever be refused as updates of nothing), a batch-deleted one an id no resource can have;
idempotency keys are distinct, so key reuse is left to its own checks. A case
stays as valid or invalid as it was generated: an empty or missing name where the schema
requires one, an empty key or an over-long value are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from squarecheck.target.client import Client
from squarecheck.target.ledger import Ledger

Json = dict[str, Any]
UPSERTS = ("UpsertCatalogObject", "BatchUpsertCatalogObjects")
KEYED = (*UPSERTS, "CreateOrder", "UpdateOrder")
#: data members whose `name` the schema requires (minLength 1); others may be added or empty
NAME_REQUIRED = ("item_data", "category_data")
MAX_ID = 255
TYPES = ["ITEM", "ITEM_VARIATION", "CATEGORY", "DISCOUNT", "PRODUCT_SET", "PRICING_RULE"]


def upserted_objects(operation: str, body: Json) -> Iterator[Json]:
    """The catalog objects of an upsert body, nested item variations included."""
    if operation == "UpsertCatalogObject":
        found: list[Any] = [body.get("object")]
    else:
        batches = body.get("batches")
        batches = batches if isinstance(batches, list) else []
        found = [
            obj
            for batch in batches
            if isinstance(batch, dict) and isinstance(batch.get("objects"), list)
            for obj in batch["objects"]
        ]
    for obj in found:
        if not isinstance(obj, dict):
            continue
        yield obj
        data = obj.get("item_data")
        variations = data.get("variations") if isinstance(data, dict) else None
        if isinstance(variations, list):
            yield from (v for v in variations if isinstance(v, dict))


def with_prefix(value: str, prefix: str) -> str:
    """`value` starting with `prefix`, the same length when possible (so over-long stays so)."""
    return prefix + value[len(prefix) :] if len(value) >= len(prefix) else prefix + value


def _name(obj: Json, prefix: str) -> None:
    for key, data in obj.items():
        if not key.endswith("_data") or not isinstance(data, dict):
            continue
        name = data.get("name")
        if isinstance(name, str) and (name or key not in NAME_REQUIRED):
            data["name"] = with_prefix(name, prefix)
        elif "name" not in data and key not in NAME_REQUIRED:
            data["name"] = prefix


def _foreign(value: Any, ledger: Ledger) -> bool:
    """An id some object may have, which the run did not create (schema-invalid ids are not)."""
    plausible = isinstance(value, str) and 0 < len(value) <= MAX_ID and not value.startswith("#")
    return plausible and not ledger.owns(str(value))


def prepare(operation: str, body: Any, ledger: Ledger, unique: Callable[[], str]) -> str | None:
    """Make one generated Catalog or Orders body safe to send (in place).

    Returns the name prefix of the request's catalog objects (None when it upserts nothing).
    """
    if not isinstance(body, dict):
        return None
    marked = None
    if operation in UPSERTS:
        marked = f"{ledger.prefix}{unique()}-"
        for obj in upserted_objects(operation, body):
            _name(obj, marked)
            if _foreign(obj.get("id"), ledger):
                obj["id"] = "#" + str(obj["id"])[: MAX_ID - 1]
    if operation == "BatchDeleteCatalogObjects" and isinstance(body.get("object_ids"), list):
        body["object_ids"] = [
            ledger.unknown_id() if _foreign(i, ledger) else i for i in body["object_ids"]
        ]
    key = body.get("idempotency_key")
    if operation in KEYED and isinstance(key, str) and key:
        body["idempotency_key"] = with_prefix(key, f"{ledger.prefix}{unique()}-")
    return marked


def adopt(client: Client, marked: str) -> None:
    """Put the catalog objects named `marked...` into the ledger (what a failed batch's request
    wrote in its other batches)."""
    query = {"prefix_query": {"attribute_name": "name", "attribute_prefix": marked}}
    body = {"object_types": TYPES, "query": query}
    path = "/v2/catalog/search"
    resp = client.request("SearchCatalogObjects", "POST", path, json_body=body, validate=False)
    for obj in resp.get("objects") or [] if resp.status == 200 else []:
        data = next((v for k, v in obj.items() if k.endswith("_data")), None)
        name = str(data.get("name")) if isinstance(data, dict) else marked
        client.conn.ledger.add("catalog", str(obj["id"]), name, client.token)
