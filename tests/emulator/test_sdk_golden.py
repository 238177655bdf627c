"""Square's own Orders examples, sent through the official SDK, come back with their amounts.

The examples are the `example`s of Square's spec (specs/examples/orders.json): the
CalculateOrder request (an ORDER 50% discount on two ad-hoc lines), the CreateOrder request (an
ad-hoc 5% and a catalog 0.5% ORDER discount, a $1 LINE_ITEM discount, a catalog line with a
catalog modifier, a 9% ORDER tax) and the UpdateOrder request (a line added, discounts cleared).
The SDK does not send CalculateOrder's `idempotency_key`, which is no field of its schema.
"""

from __future__ import annotations

from typing import Any

import square

from squarecheck.checks.examples import (
    example,
    example_catalog,
    same_amounts,
    sent_uids,
    with_ids,
)
from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table

Json = dict[str, Any]


def _client(server: EmulatorServer, seller: str) -> square.Square:
    return square.Square(base_url=server.url, token=seller, version=load_table().newest_version)


def _location(client: square.Square) -> str:
    location = client.locations.get(location_id="main").location
    assert location is not None and location.id
    return str(location.id)


def _plain(model: Any) -> Json:
    dumped: Json = model.model_dump(mode="json", exclude_none=True)
    return dumped


def test_calculate_order_example_reproduces(server: EmulatorServer) -> None:
    """CalculateOrder answers Square's example amounts line by line (250 + 300 = 550)."""
    client = _client(server, "golden-calculate")
    case = example("CalculateOrder")
    request = with_ids(case["request"], _location(client), {})
    answer = client.orders.calculate(order=request["order"]).order
    assert answer is not None
    observed, expected = same_amounts(_plain(answer), case["response"]["order"], sent_uids(request))
    assert observed == expected


def test_create_order_example_reproduces(server: EmulatorServer) -> None:
    """CreateOrder answers Square's example amounts line by line (30, 303, 100; 510 tax; 6176)."""
    client = _client(server, "golden-create")
    upserted = client.catalog.batch_upsert(
        idempotency_key="golden-catalog", batches=[{"objects": example_catalog()}]
    )
    mapped = {m.client_object_id or "": m.object_id or "" for m in upserted.id_mappings or []}
    case = example("CreateOrder")
    request = with_ids(case["request"], _location(client), mapped)
    created = client.orders.create(order=request["order"], idempotency_key="golden-order").order
    assert created is not None
    observed, expected = same_amounts(
        _plain(created), case["response"]["order"], sent_uids(request)
    )
    assert expected["discounts"] == {"membership-discount": 30, "labor-day-sale": 303,
                                     "one-dollar-off": 100}  # fmt: skip
    assert observed == expected


def test_update_order_example_reproduces(server: EmulatorServer) -> None:
    """UpdateOrder with Square's example (a COOKIE line added, discounts cleared) answers its
    amounts and version 2."""
    client = _client(server, "golden-update")
    location = _location(client)
    case = example("UpdateOrder")
    coffee = {"name": "Small Coffee", "quantity": "1",
              "base_price_money": {"amount": 500, "currency": "USD"}}  # fmt: skip
    sale = {"uid": "sale", "name": "Sale", "percentage": "10", "scope": "ORDER"}
    first = client.orders.create(
        order={"location_id": location, "line_items": [coffee], "discounts": [sale]},
        idempotency_key="golden-first",
    ).order
    assert first is not None and first.id and first.total_money is not None
    assert first.total_money.amount == 450
    request = case["request"]
    updated = client.orders.update(
        first.id,
        order=request["order"],
        fields_to_clear=request["fields_to_clear"],
        idempotency_key="golden-update",
    ).order
    assert updated is not None
    observed, expected = same_amounts(_plain(updated), case["response"]["order"], set())
    assert observed == expected
    assert updated.version == case["response"]["order"]["version"]
    assert [line.uid for line in updated.line_items or []][1] == "cookie_uid"
