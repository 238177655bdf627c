"""The commerce storage in the emulator's SQLite database: one transaction per request."""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.emulator.commerce.store import CommerceStore
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.customers.store import CustomerStore
from squarecheck.emulator.db import commerce as tables


def _discount(object_id: str, version: int) -> dict[str, Any]:
    return {
        "type": "DISCOUNT",
        "id": object_id,
        "version": version,
        "updated_at": "2026-01-01T00:00:00.000Z",
        "is_deleted": False,
        "discount_data": {"discount_type": "FIXED_PERCENTAGE", "percentage": "5"},
    }


def test_a_failure_halfway_through_a_write_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the second put of a request fails, the first is rolled back with it."""
    store = CustomerStore(EmulatorConfig())
    commerce = CommerceStore(store)
    real_put = tables.put
    calls: list[str] = []

    def failing_put(db: Any, seller: int, obj: dict[str, Any]) -> None:
        calls.append(str(obj["id"]))
        if len(calls) == 2:
            raise OSError("disk full")
        real_put(db, seller, obj)

    monkeypatch.setattr(tables, "put", failing_put)
    with pytest.raises(OSError), commerce.session("seller") as session:
        version = session.next_version()
        session.put(_discount("A", version))
        session.put(_discount("B", version))
    monkeypatch.setattr(tables, "put", real_put)
    with commerce.session("seller") as session:
        assert session.of_type(["DISCOUNT"]) == []
    assert store.seller_count() == 0


def test_reads_create_no_seller() -> None:
    """Reading an unknown seller's catalog, orders, keys and cursors finds nothing, adds nothing."""
    store = CustomerStore(EmulatorConfig())
    with CommerceStore(store).session("nobody") as session:
        assert session.get("X") is None
        assert session.of_type(["ITEM"]) == [] and session.variations("X") == []
        assert session.order("O") is None and session.remembered("Op", "k") is None
        assert session.cursor("c", "scope") is None and len(session.view()) == 0
    assert store.seller_count() == 0
