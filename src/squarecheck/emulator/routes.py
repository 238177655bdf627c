"""The path table: method, path, operation name, handler, and whether a JSON body is expected.

Paths and methods from spec-head (square-facts §2). Routing is on method and path together
(behaviours unknown-route, unsupported-method): the first operation, in table order, whose
method and path template both match serves the request. The path is matched as sent, segment
by segment, and each segment is percent-decoded only afterwards, so an encoded slash (%2F)
stays inside one path parameter instead of reaching another route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from squarecheck.emulator.call import Handler
from squarecheck.emulator.commerce import catalog_handlers as cat
from squarecheck.emulator.commerce import order_handlers as orders
from squarecheck.emulator.customers import group_handlers as h
from squarecheck.emulator.customers import profile_handlers as c
from squarecheck.emulator.locations import location_handlers as loc


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    handler: Handler
    has_body: bool = False
    #: runs in a worker thread: its long work (pricing) happens outside the store's lock, so
    #: other sellers are served meanwhile; every other handler holds the lock throughout
    threaded: bool = False
    segments: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(self.path.split("/")))  # split once

    def match(self, method: str, sent: list[str]) -> dict[str, str] | None:
        """The decoded path parameters if `method` and the raw path split at "/" (`sent`) are
        this operation, else None."""
        if method != self.method and not (method == "HEAD" and self.method == "GET"):
            return None
        template = self.segments
        if len(sent) != len(template):
            return None
        params: dict[str, str] = {}
        for segment, pattern in zip(sent, template, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                if not segment:
                    return None
                params[pattern[1:-1]] = unquote(segment)
            elif segment != pattern:
                return None
        return params


OPERATIONS: tuple[Operation, ...] = (
    Operation("ListCustomerGroups", "GET", "/v2/customers/groups", h.list_customer_groups),
    Operation("CreateCustomerGroup", "POST", "/v2/customers/groups", h.create_customer_group, True),
    Operation(
        "RetrieveCustomerGroup", "GET", "/v2/customers/groups/{group_id}", h.retrieve_customer_group
    ),
    Operation(
        "UpdateCustomerGroup",
        "PUT",
        "/v2/customers/groups/{group_id}",
        h.update_customer_group,
        True,
    ),
    Operation(
        "DeleteCustomerGroup", "DELETE", "/v2/customers/groups/{group_id}", h.delete_customer_group
    ),
    Operation("SearchCustomers", "POST", "/v2/customers/search", c.search_customers, True),
    Operation(
        "AddGroupToCustomer",
        "PUT",
        "/v2/customers/{customer_id}/groups/{group_id}",
        h.add_group_to_customer,
    ),
    Operation(
        "RemoveGroupFromCustomer",
        "DELETE",
        "/v2/customers/{customer_id}/groups/{group_id}",
        h.remove_group_from_customer,
    ),
    Operation("ListCustomers", "GET", "/v2/customers", c.list_customers),
    Operation("CreateCustomer", "POST", "/v2/customers", c.create_customer, True),
    Operation("RetrieveCustomer", "GET", "/v2/customers/{customer_id}", c.retrieve_customer),
    Operation("UpdateCustomer", "PUT", "/v2/customers/{customer_id}", c.update_customer, True),
    Operation("DeleteCustomer", "DELETE", "/v2/customers/{customer_id}", c.delete_customer),
    # --- Locations, Catalog and Orders (group discounts); /v2/orders/calculate before {order_id}
    Operation("ListLocations", "GET", "/v2/locations", loc.list_locations),
    Operation("RetrieveLocation", "GET", "/v2/locations/{location_id}", loc.retrieve_location),
    Operation("UpsertCatalogObject", "POST", "/v2/catalog/object", cat.upsert_catalog_object, True),
    Operation(
        "RetrieveCatalogObject",
        "GET",
        "/v2/catalog/object/{object_id}",
        cat.retrieve_catalog_object,
    ),
    Operation(
        "DeleteCatalogObject", "DELETE", "/v2/catalog/object/{object_id}", cat.delete_catalog_object
    ),
    Operation(
        "BatchUpsertCatalogObjects",
        "POST",
        "/v2/catalog/batch-upsert",
        cat.batch_upsert_catalog_objects,
        True,
    ),
    Operation(
        "BatchRetrieveCatalogObjects",
        "POST",
        "/v2/catalog/batch-retrieve",
        cat.batch_retrieve_catalog_objects,
        True,
    ),
    Operation(
        "BatchDeleteCatalogObjects",
        "POST",
        "/v2/catalog/batch-delete",
        cat.batch_delete_catalog_objects,
        True,
    ),
    Operation("ListCatalog", "GET", "/v2/catalog/list", cat.list_catalog),
    Operation(
        "SearchCatalogObjects", "POST", "/v2/catalog/search", cat.search_catalog_objects, True
    ),
    Operation("CalculateOrder", "POST", "/v2/orders/calculate", orders.calculate_order, True, True),
    Operation("CreateOrder", "POST", "/v2/orders", orders.create_order, True, True),
    Operation("RetrieveOrder", "GET", "/v2/orders/{order_id}", orders.retrieve_order),
    Operation("UpdateOrder", "PUT", "/v2/orders/{order_id}", orders.update_order, True, True),
)


def route(method: str, raw_path: str) -> tuple[Operation, Mapping[str, str]] | None:
    """The operation serving `method raw_path` and its path parameters, or None (404)."""
    sent = raw_path.split("/")
    for operation in OPERATIONS:
        params = operation.match(method, sent)
        if params is not None:
            return operation, params
    return None
