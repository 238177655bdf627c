"""The official Python SDK drives locations, catalog and orders pricing against the emulator."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import square
from square.core.api_error import ApiError

from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table

VERSIONS = ("2022-03-16", load_table().newest_version)
LISTENING = re.compile(r"^squarecheck emulator listening on (http://\S+)$")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The base URL of a `squarecheck serve` process (stopped after the module)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "squarecheck", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        match = LISTENING.match(process.stdout.readline().strip())
        assert match, process.stderr.read() if process.stderr else ""
        yield match.group(1)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def _catalog(client: square.Square, group_id: str) -> dict[str, str]:
    """An item, a 10% discount, a product set and a rule for the group, in one batch."""
    price = {"amount": 1000, "currency": "USD"}
    variation = {
        "type": "ITEM_VARIATION",
        "id": "#coffee-regular",
        "item_variation_data": {
            "name": "Regular",
            "pricing_type": "FIXED_PRICING",
            "price_money": price,
        },
    }
    objects: list[Any] = [
        {
            "type": "ITEM",
            "id": "#coffee",
            "item_data": {"name": "Coffee", "variations": [variation]},
        },
        {
            "type": "DISCOUNT",
            "id": "#members",
            "discount_data": {
                "name": "Members",
                "discount_type": "FIXED_PERCENTAGE",
                "percentage": "10",
            },
        },
        {
            "type": "PRODUCT_SET",
            "id": "#coffees",
            "product_set_data": {"product_ids_any": ["#coffee"]},
        },
        {
            "type": "PRICING_RULE",
            "id": "#rule",
            "pricing_rule_data": {
                "name": "Members get 10% off coffee",
                "discount_id": "#members",
                "match_products_id": "#coffees",
                "customer_group_ids_any": [group_id],
            },
        },
    ]
    result = client.catalog.batch_upsert(
        idempotency_key="sdk-batch", batches=[{"objects": objects}]
    )
    return {m.client_object_id or "": m.object_id or "" for m in result.id_mappings or []}


def _group(client: square.Square) -> str:
    """A new customer group of the client's seller (a rule may name only an existing one)."""
    group = client.customers.groups.create(group={"name": "Members"}).group
    assert group is not None and group.id
    return str(group.id)


def _total(client: square.Square, location: str, variation: str, customer: str) -> int:
    order: Any = {
        "location_id": location,
        "customer_id": customer,
        "line_items": [{"catalog_object_id": variation, "quantity": "1"}],
        "pricing_options": {"auto_apply_discounts": True},
    }
    priced = client.orders.calculate(order=order).order
    assert priced is not None and priced.total_money is not None
    return int(priced.total_money.amount or 0)


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_group_discount_follows_membership(served: str, version: str) -> None:
    """Via `squarecheck serve`: a member gets 10% off; an outsider or removed member does not."""
    client = square.Square(base_url=served, token=f"sdk-discount-{version}", version=version)
    locations = client.locations.list().locations or []
    assert len(locations) == 1 and locations[0].status == "ACTIVE"
    location = locations[0].id or ""
    group = client.customers.groups.create(group={"name": "Members"}).group
    member = client.customers.create(given_name="Ann").customer
    outsider = client.customers.create(given_name="Bob").customer
    assert group is not None and member is not None and outsider is not None
    client.customers.groups.add(customer_id=member.id or "", group_id=group.id or "")
    ids = _catalog(client, group.id or "")
    variation = ids["#coffee-regular"]

    assert _total(client, location, variation, member.id or "") == 900
    assert _total(client, location, variation, outsider.id or "") == 1000
    client.customers.groups.remove(customer_id=member.id or "", group_id=group.id or "")
    assert _total(client, location, variation, member.id or "") == 1000


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_catalog_round_trip(server: EmulatorServer, version: str) -> None:
    """Upsert, get with related objects, list, search, batch get and delete through the SDK."""
    client = square.Square(base_url=server.url, token=f"sdk-catalog-{version}", version=version)
    ids = _catalog(client, _group(client))
    rule = client.catalog.object.get(object_id=ids["#rule"], include_related_objects=True)
    assert {o.id for o in rule.related_objects or []} == {ids["#members"], ids["#coffees"]}
    listed = [o.id for o in client.catalog.list(types="ITEM,DISCOUNT")]
    assert listed == [ids["#coffee"], ids["#members"]]
    found = client.catalog.search(
        object_types=["ITEM"],
        query={"prefix_query": {"attribute_name": "name", "attribute_prefix": "cof"}},
    )
    assert [o.id for o in found.objects or []] == [ids["#coffee"]]
    fetched = client.catalog.batch_get(object_ids=[ids["#members"], ids["#coffees"]])
    assert len(fetched.objects or []) == 2
    discount = client.catalog.object.upsert(
        idempotency_key="sdk-one",
        object={
            "type": "DISCOUNT",
            "id": "#five",
            "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "5"},
        },
    )
    assert discount.catalog_object is not None and discount.catalog_object.version
    deleted = client.catalog.object.delete(object_id=ids["#coffee"])
    assert sorted(deleted.deleted_object_ids or []) == sorted(
        [ids["#coffee"], ids["#coffee-regular"]]
    )
    with pytest.raises(ApiError) as missing:
        client.catalog.object.get(object_id=ids["#coffee"])
    assert missing.value.status_code == 404
    gone = client.catalog.batch_delete(object_ids=[ids["#rule"]])
    assert gone.deleted_object_ids == [ids["#rule"]]


def test_sdk_creates_and_retrieves_an_order(server: EmulatorServer) -> None:
    """orders.create prices and stores the order; orders.get reads it back."""
    client = square.Square(base_url=server.url, token="sdk-orders", version=VERSIONS[-1])
    location = client.locations.get(location_id="main").location
    assert location is not None
    ids = _catalog(client, _group(client))
    order: Any = {
        "location_id": location.id,
        "line_items": [{"catalog_object_id": ids["#coffee-regular"], "quantity": "2"}],
    }
    created = client.orders.create(order=order, idempotency_key="sdk-order").order
    assert created is not None and created.id and created.total_money is not None
    assert created.total_money.amount == 2000
    again = client.orders.get(order_id=created.id).order
    assert again is not None and again.id == created.id
