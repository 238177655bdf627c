"""Hostile catalog requests cost what they carry: no quadratic update, no state per reader.

The cost of an update is counted, not timed: Python calls (`sys.setprofile`) and SQLite virtual
machine steps (`set_progress_handler`) while the real handler runs on the real stores, so a
busy machine cannot move the figure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest

from squarecheck.emulator.call import Call
from squarecheck.emulator.commerce import catalog_handlers
from squarecheck.emulator.commerce.store import MAX_SCRATCH, CommerceStore
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.bodyparse import parse
from squarecheck.emulator.core.versioning import context_for
from squarecheck.emulator.customers.store import CustomerStore
from squarecheck.emulator.server import EmulatorServer
from tests.support.commerce import CATALOG, batch_upsert
from tests.support.emulator import Api, error_of

NEW = "2022-03-16"
SQLITE_STEPS_PER_TICK = 100


@pytest.fixture
def stores() -> Iterator[tuple[CustomerStore, CommerceStore]]:
    customers = CustomerStore(EmulatorConfig())
    yield customers, CommerceStore(customers)
    customers.close()


def _call(stores: tuple[CustomerStore, CommerceStore], token: str, body: Any) -> Call:
    customers, commerce = stores
    version = context_for(NEW, customers.config)
    parsed = parse(json.dumps(body))
    return Call(customers, commerce, token, version, {}, {}, parsed)


def _item(count: int) -> dict[str, Any]:
    variations = [
        {
            "type": "ITEM_VARIATION",
            "id": f"#v{index}",
            "item_variation_data": {
                "name": f"v{index}",
                "pricing_type": "FIXED_PRICING",
                "price_money": {"amount": 100 + index, "currency": "USD"},
            },
        }
        for index in range(count)
    ]
    return {"type": "ITEM", "id": "#item", "item_data": {"name": "Tea", "variations": variations}}


def _operations(stores: tuple[CustomerStore, CommerceStore], count: int) -> int:
    """Python calls plus SQLite steps (in hundreds) of updating an item with `count` variations."""
    token = f"seller{count}"
    created = catalog_handlers.upsert_catalog_object(
        _call(stores, token, {"idempotency_key": "create", "object": _item(count)})
    )["catalog_object"]
    update = _call(stores, token, {"idempotency_key": "update", "object": created})
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 0

    database = stores[0]._db  # the counter goes on the store's own connection
    database.set_progress_handler(tick, SQLITE_STEPS_PER_TICK)
    sys.setprofile(profile)
    try:
        answer = catalog_handlers.upsert_catalog_object(update)
    finally:
        sys.setprofile(None)
        database.set_progress_handler(None, 0)
    assert len(answer["catalog_object"]["item_data"]["variations"]) == count
    return calls + ticks


def test_updating_an_item_costs_linear_operations_in_its_variations(
    stores: tuple[CustomerStore, CommerceStore],
) -> None:
    """Updating an item with 4x the variations costs under 5x the operations (16x is quadratic)."""
    small, large = _operations(stores, 100), _operations(stores, 400)
    assert large < 5 * small, (small, large, large / small)


@pytest.fixture(scope="module")
def own_server() -> Iterator[EmulatorServer]:
    """A server of this module's own, so no other test's sellers are counted."""
    with EmulatorServer(port=0) as running:
        yield running


def test_catalog_reads_keep_nothing_per_token(own_server: EmulatorServer) -> None:
    """Catalog reads and a customerless CalculateOrder under fresh tokens leave no state behind."""
    assert own_server.app is not None
    commerce: CommerceStore = own_server.app.state.commerce
    for index in range(40):
        api = Api(own_server.url, NEW)
        api.token = f"reader{index}-" + "t" * 2000
        assert api.request("GET", f"{CATALOG}/list").status_code == 200
        assert api.request("POST", f"{CATALOG}/search", json={}).status_code == 200
        assert api.request("GET", f"{CATALOG}/object/NOPE").status_code == 404
        batch = {"object_ids": ["NOPE"]}
        assert api.request("POST", f"{CATALOG}/batch-retrieve", json=batch).status_code == 200
        location = api.ok("GET", "/v2/locations")["locations"][0]["id"]
        order = {"location_id": location, "line_items": [{"name": "x", "quantity": "1",
                 "base_price_money": {"amount": 100, "currency": "USD"}}]}  # fmt: skip
        assert api.request("POST", "/v2/orders/calculate", json={"order": order}).status_code == 200
        api.close()
    assert commerce.scratch_count() == 0
    assert own_server.app.state.store.seller_count() == 0


def test_faults_scratch_state_is_bounded(stores: tuple[CustomerStore, CommerceStore]) -> None:
    """Scratch state is kept for the most recent MAX_SCRATCH tokens only, whatever their count."""
    commerce = stores[1]
    for index in range(MAX_SCRATCH + 50):
        with commerce.session(f"writer{index}") as session:
            session.memo["seen"] = index
    assert commerce.scratch_count() == MAX_SCRATCH
    with commerce.session(f"writer{MAX_SCRATCH + 49}") as session:
        assert session.memo["seen"] == MAX_SCRATCH + 49
    with commerce.session("writer0") as session:
        assert session.memo == {}


def test_a_search_cursor_keeps_a_digest_of_a_huge_request(own_server: EmulatorServer) -> None:
    """A SearchCatalogObjects cursor of a 256 KiB request is stored in under 200 bytes, and is
    still bound to that request."""
    api = Api(own_server.url, NEW)
    categories = [{"type": "CATEGORY", "id": f"#c{i}", "category_data": {"name": f"c{i}"}}
                  for i in range(3)]  # fmt: skip
    batch_upsert(api, *categories)
    types = ["CATEGORY"] * (256 * 1024 // len('"CATEGORY", '))
    body: dict[str, Any] = {"object_types": types, "limit": 1}
    first = api.ok("POST", f"{CATALOG}/search", json=body)
    assert len(json.dumps(body)) > 256 * 1024 and "cursor" in first
    assert own_server.app is not None
    with own_server.app.state.store.transaction() as db:
        (largest,) = db.execute("SELECT max(length(scope)) FROM commerce_cursors").fetchone()
    assert largest < 200
    second = api.ok("POST", f"{CATALOG}/search", json={**body, "cursor": first["cursor"]})
    assert second["objects"][0]["id"] != first["objects"][0]["id"]
    other = {"object_types": types[:-1], "limit": 1, "cursor": first["cursor"]}
    refused = api.request("POST", f"{CATALOG}/search", json=other)
    assert refused.status_code == 400 and error_of(refused)["field"] == "cursor"
    api.close()
