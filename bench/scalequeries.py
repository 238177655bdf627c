"""The requests bench_scale times, per seeded seller: label -> the request bytes to send.

Groups: "half" (50% of profiles), "fifth" (20%), "hundredth" (1%), drawn independently.
Every search and list asks for a full page (the default 100; 10 for the 1% group, so the
page is full at 1k profiles too), so a larger seller means a larger index, not a larger page.
"""

from __future__ import annotations

from typing import Any

from httpload import Connection, request_bytes
from scaleload import Seller

TOKEN = "bench-seller"
SORTS = (("DEFAULT", "ASC"), ("DEFAULT", "DESC"), ("CREATED_AT", "ASC"), ("CREATED_AT", "DESC"))


def _search(flt: dict[str, Any], field: str, order: str, **extra: Any) -> bytes:
    query = {"filter": {"group_ids": flt}, "sort": {"field": field, "order": order}}
    return request_bytes("POST", "/v2/customers/search", TOKEN, {"query": query, **extra})


def _searches(seller: Seller) -> dict[str, bytes]:
    half, fifth, hundredth = (seller.groups[name] for name in ("half", "fifth", "hundredth"))
    found = {f"search any[20%] {f} {o}": _search({"any": [fifth]}, f, o) for f, o in SORTS}
    for field, order in (SORTS[0], SORTS[3]):
        found.update(
            {
                f"search all[50%,20%] {field} {order}": _search(
                    {"all": [half, fifth]}, field, order
                ),
                f"search none[50%] {field} {order}": _search({"none": [half]}, field, order),
                f"search any[50%]+none[20%] {field} {order}": _search(
                    {"any": [half], "none": [fifth]}, field, order
                ),
                f"search any[20%,1%] {field} {order}": _search(
                    {"any": [fifth, hundredth]}, field, order
                ),
            }
        )
    found["search any[20%] count"] = _search({"any": [fifth]}, "DEFAULT", "ASC", count=True)
    found["search any[1%] limit 10"] = _search({"any": [hundredth]}, "DEFAULT", "ASC", limit=10)
    return found


def requests_for(seller: Seller, connection: Connection, samples: int) -> dict[str, list[bytes]]:
    """Every timed query for one seller (a list cycles; CreateCustomer makes new profiles)."""
    found = {label: [raw] for label, raw in _searches(seller).items()}
    first = connection.json(request_bytes("GET", "/v2/customers", TOKEN))
    listing = {
        "ListCustomers DEFAULT ASC": "/v2/customers",
        "ListCustomers CREATED_AT DESC": "/v2/customers?sort_field=CREATED_AT&sort_order=DESC",
        "ListCustomers count": "/v2/customers?count=true",
        "ListCustomers page 2 (cursor)": f"/v2/customers?cursor={first['cursor']}",
        "ListCustomerGroups": "/v2/customers/groups",
        "RetrieveCustomerGroup": f"/v2/customers/groups/{seller.groups['fifth']}",
    }
    found.update({label: [request_bytes("GET", path, TOKEN)] for label, path in listing.items()})
    ids = seller.sample_ids
    found["RetrieveCustomer"] = [
        request_bytes("GET", f"/v2/customers/{ids[i % len(ids)]}", TOKEN) for i in range(samples)
    ]
    found["CreateCustomer"] = [
        request_bytes("POST", "/v2/customers", TOKEN, {"given_name": f"New{i}"})
        for i in range(samples + samples // 10)
    ]
    return found
