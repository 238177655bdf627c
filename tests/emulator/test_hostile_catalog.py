"""Hostile catalog requests cost what they carry: no quadratic update.

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
from squarecheck.emulator.commerce.store import CommerceStore
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.bodyparse import parse
from squarecheck.emulator.core.versioning import context_for
from squarecheck.emulator.customers.store import CustomerStore

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
