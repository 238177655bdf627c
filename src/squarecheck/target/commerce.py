"""Client operations of Locations, Catalog and Orders, and what safety needs to know of them.

`CommerceOperations` is mixed into `Client`: one method per operation, each through
`Client.request`. The functions below tell the client which existing catalog objects a request
changes (they must be ones the run created), which objects a response created (they go into the
ledger) and which it deleted. Orders cannot be deleted on Square, so CreateOrder (and
UpdateOrder, which only changes orders a run created) is refused unless the connection allows
it (the embedded emulator, or `--create-orders`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from squarecheck.errors import ToolError
from squarecheck.target.ledger import Ledger

if TYPE_CHECKING:
    from squarecheck.target.client import Response

Json = dict[str, Any]
CATALOG = "/v2/catalog"
#: Catalog operations that change or delete existing objects (ids checked against the ledger).
CATALOG_MUTATIONS = frozenset(
    {
        "UpsertCatalogObject",
        "BatchUpsertCatalogObjects",
        "DeleteCatalogObject",
        "BatchDeleteCatalogObjects",
    }
)


class _Requester(Protocol):
    """The part of `Client.request` these operations use."""

    def request(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        json_body: Any = ...,
        params: dict[str, Any] | None = ...,
        path_ids: tuple[str, ...] = ...,
        version: Any = ...,
    ) -> Response: ...


class CommerceOperations:
    """The Locations, Catalog and Orders operations of `Client`."""

    def list_locations(self: _Requester) -> Response:
        return self.request("ListLocations", "GET", "/v2/locations")

    def retrieve_location(self: _Requester, location_id: str = "main") -> Response:
        return self.request("RetrieveLocation", "GET", f"/v2/locations/{location_id}")

    def upsert_catalog_object(self: _Requester, obj: Json, key: str) -> Response:
        body = {"idempotency_key": key, "object": obj}
        return self.request("UpsertCatalogObject", "POST", f"{CATALOG}/object", json_body=body)

    def batch_upsert_catalog(
        self: _Requester, batches: list[list[Json]], key: str, version: str | None = None
    ) -> Response:
        """`version`: send this Square-Version instead of the client's own."""
        body = {"idempotency_key": key, "batches": [{"objects": b} for b in batches]}
        path = f"{CATALOG}/batch-upsert"
        return self.request(
            "BatchUpsertCatalogObjects", "POST", path, json_body=body, version=version
        )

    def retrieve_catalog_object(
        self: _Requester, object_id: str, related: bool = False
    ) -> Response:
        params = {"include_related_objects": "true"} if related else None
        path = f"{CATALOG}/object/{object_id}"
        return self.request("RetrieveCatalogObject", "GET", path, params=params)

    def batch_retrieve_catalog(self: _Requester, object_ids: list[str]) -> Response:
        body = {"object_ids": object_ids}
        return self.request(
            "BatchRetrieveCatalogObjects", "POST", f"{CATALOG}/batch-retrieve", json_body=body
        )

    def delete_catalog_object(self: _Requester, object_id: str) -> Response:
        path = f"{CATALOG}/object/{object_id}"
        return self.request("DeleteCatalogObject", "DELETE", path, path_ids=(object_id,))

    def batch_delete_catalog(self: _Requester, object_ids: list[str]) -> Response:
        body = {"object_ids": object_ids}
        return self.request(
            "BatchDeleteCatalogObjects", "POST", f"{CATALOG}/batch-delete", json_body=body
        )

    def list_catalog(
        self: _Requester, types: str | None = None, cursor: str | None = None
    ) -> Response:
        params = {"types": types, "cursor": cursor}
        return self.request("ListCatalog", "GET", f"{CATALOG}/list", params=params)

    def search_catalog(self: _Requester, body: Json) -> Response:
        return self.request("SearchCatalogObjects", "POST", f"{CATALOG}/search", json_body=body)

    def calculate_order(self: _Requester, order: Json) -> Response:
        body = {"order": order}
        return self.request("CalculateOrder", "POST", "/v2/orders/calculate", json_body=body)

    def create_order(self: _Requester, order: Json, key: str) -> Response:
        body = {"order": order, "idempotency_key": key}
        return self.request("CreateOrder", "POST", "/v2/orders", json_body=body)

    def retrieve_order(self: _Requester, order_id: str) -> Response:
        return self.request("RetrieveOrder", "GET", f"/v2/orders/{order_id}")

    def update_order(
        self: _Requester, order_id: str, order: Json, key: str, clear: list[str] | None = None
    ) -> Response:
        body: Json = {"order": order, "idempotency_key": key}
        if clear is not None:
            body["fields_to_clear"] = clear
        return self.request("UpdateOrder", "PUT", f"/v2/orders/{order_id}", json_body=body)


def _with_variations(objects: Any) -> Iterator[Json]:
    """Each object, and the variations (modifiers) nested in an item (a modifier list)."""
    for obj in objects if isinstance(objects, list) else []:
        if isinstance(obj, dict):
            yield obj
            for data_key, member in (
                ("item_data", "variations"),
                ("modifier_list_data", "modifiers"),
            ):
                data = obj.get(data_key)
                nested = data.get(member) if isinstance(data, dict) else None
                yield from (v for v in nested or [] if isinstance(v, dict))


def changed_ids(operation: str, body: Any) -> tuple[str, ...]:
    """Ids of existing catalog objects a request body updates or deletes.

    Not `#` ids (new objects), nor ids the schema refuses (no object can have them, and the
    target must refuse the request).
    """
    if not isinstance(body, dict):
        return ()
    if operation == "BatchDeleteCatalogObjects":
        ids = body.get("object_ids")
        return tuple(i for i in ids if _plausible(i)) if isinstance(ids, list) else ()
    if operation == "UpsertCatalogObject":
        objects: Any = [body.get("object")]
    elif operation == "BatchUpsertCatalogObjects":
        batches = body.get("batches")
        batches = batches if isinstance(batches, list) else []
        objects = [o for b in batches if isinstance(b, dict) for o in b.get("objects") or []]
    else:
        return ()
    return tuple(o["id"] for o in _with_variations(objects) if _plausible(o.get("id")))


def _plausible(object_id: Any) -> bool:
    """An id some object may have (not a `#` client id, not one the schema refuses)."""
    return isinstance(object_id, str) and 0 < len(object_id) <= 255 and object_id[0] != "#"


def _name(obj: Json) -> str:
    for key, value in obj.items():
        if key.endswith("_data") and isinstance(value, dict) and value.get("name"):
            return str(value["name"])
    return ""


def created_objects(operation: str, resp: Response) -> list[tuple[str, str]]:
    """(id, name) of every catalog object an upsert answer shows, nested variations included."""
    if operation == "UpsertCatalogObject":
        shown: Any = [resp.get("catalog_object")]
    elif operation == "BatchUpsertCatalogObjects":
        shown = resp.get("objects")
    else:
        return []
    return [(str(o["id"]), _name(o)) for o in _with_variations(shown) if o.get("id")]


def deleted_ids(operation: str, resp: Response, path_ids: tuple[str, ...]) -> list[str]:
    """Ids a delete answer reports deleted (a 404 means already gone)."""
    if operation not in ("DeleteCatalogObject", "BatchDeleteCatalogObjects"):
        return []
    if resp.status == 404:
        return list(path_ids)
    listed = resp.get("deleted_object_ids")
    return [str(i) for i in listed] if resp.status == 200 and isinstance(listed, list) else []


def refuse_foreign(operation: str, ids: tuple[str, ...], ledger: Ledger, orders: bool) -> None:
    """Only what the run created may change (`ids`); no order unless orders are allowed."""
    if operation in ("CreateOrder", "UpdateOrder") and not orders:
        raise ToolError(f"refusing {operation}: orders cannot be deleted (see --create-orders)")
    for rid in ids:
        if not ledger.owns(rid):
            raise ToolError(f"refusing {operation} on {rid!r}: this run did not create it")


def track_catalog(
    ledger: Ledger, token: str | None, operation: str, resp: Response, path_ids: tuple[str, ...]
) -> None:
    """Put what a catalog answer created in the ledger, and mark what it deleted."""
    for rid, name in created_objects(operation, resp):
        ledger.add("catalog", rid, name, token)
    for rid in deleted_ids(operation, resp, path_ids):
        ledger.mark_deleted(rid)
