"""Generated Catalog and Orders bodies are made safe to send, without changing their validity."""

from __future__ import annotations

import itertools
from typing import Any

from squarecheck.fuzz.commerce import prepare, with_prefix
from squarecheck.spec.schemas import validate_request
from squarecheck.target.ledger import Ledger

PREFIX = "sqc-20990101t000000-feed-"


def _prepare(operation: str, body: dict[str, Any], ledger: Ledger | None = None) -> str | None:
    counter = itertools.count(1)
    return prepare(operation, body, ledger or Ledger(PREFIX), lambda: f"t{next(counter)}")


def test_every_created_object_is_named_with_the_request_mark() -> None:
    """Names get the run prefix and a per-request mark; optional missing names are added."""
    variation = {"type": "ITEM_VARIATION", "id": "#v", "item_variation_data": {}}
    body: dict[str, Any] = {
        "idempotency_key": "k",
        "batches": [
            {
                "objects": [
                    {
                        "type": "ITEM",
                        "id": "#i",
                        "item_data": {"name": "x", "variations": [variation]},
                    },
                    {
                        "type": "DISCOUNT",
                        "id": "#d",
                        "discount_data": {"discount_type": "VARIABLE_AMOUNT"},
                    },
                ]
            }
        ],
    }
    marked = _prepare("BatchUpsertCatalogObjects", body)
    assert marked == f"{PREFIX}t1-"
    objects = body["batches"][0]["objects"]
    assert objects[0]["item_data"]["name"].startswith(marked)
    assert objects[0]["item_data"]["variations"][0]["item_variation_data"]["name"] == marked
    assert objects[1]["discount_data"]["name"] == marked
    assert body["idempotency_key"].startswith(f"{PREFIX}t2-")
    assert validate_request("BatchUpsertCatalogObjects", body) == []


def test_validity_is_kept() -> None:
    """A required name stays missing or empty; an empty key stays empty; long stays long."""
    missing: dict[str, Any] = {
        "idempotency_key": "",
        "object": {"type": "CATEGORY", "id": "#c", "category_data": {}},
    }
    empty: dict[str, Any] = {
        "idempotency_key": "k",
        "object": {"type": "ITEM", "id": "#i", "item_data": {"name": ""}},
    }
    long: dict[str, Any] = {
        "idempotency_key": "k",
        "object": {"type": "CATEGORY", "id": "#c", "category_data": {"name": "n" * 300}},
    }
    for body in (missing, empty, long):
        invalid = validate_request("UpsertCatalogObject", body)
        _prepare("UpsertCatalogObject", body)
        assert validate_request("UpsertCatalogObject", body), body
        assert bool(invalid)
    assert missing["idempotency_key"] == "" and "name" not in missing["object"]["category_data"]
    assert empty["object"]["item_data"]["name"] == ""
    assert len(long["object"]["category_data"]["name"]) == 300
    assert with_prefix("ab", "xyz-") == "xyz-ab" and with_prefix("abcdef", "xyz-") == "xyz-ef"


def test_foreign_ids_become_creates_or_unknown_ids() -> None:
    """An upserted id the run did not create turns into a '#' id; a deleted one an unknown id."""
    ledger = Ledger(PREFIX)
    ledger.add("catalog", "MINE", "n", None)
    upsert: dict[str, Any] = {
        "idempotency_key": "k",
        "object": {"type": "CATEGORY", "id": "THEIRS", "category_data": {"name": "c"}},
    }
    _prepare("UpsertCatalogObject", upsert, ledger)
    assert upsert["object"]["id"] == "#THEIRS"
    own: dict[str, Any] = {
        "idempotency_key": "k",
        "object": {"type": "CATEGORY", "id": "MINE", "category_data": {"name": "c"}},
    }
    _prepare("UpsertCatalogObject", own, ledger)
    assert own["object"]["id"] == "MINE"
    delete = {"object_ids": ["MINE", "THEIRS", ""]}
    _prepare("BatchDeleteCatalogObjects", delete, ledger)
    assert delete["object_ids"][0] == "MINE" and delete["object_ids"][2] == ""
    assert delete["object_ids"][1].startswith("SQCNOSUCH") and ledger.owns(delete["object_ids"][1])


def test_other_operations_are_left_alone() -> None:
    """CalculateOrder bodies keep everything; CreateOrder keys are made distinct."""
    calculate = {"order": {"location_id": "L", "line_items": []}}
    assert _prepare("CalculateOrder", calculate) is None
    assert calculate == {"order": {"location_id": "L", "line_items": []}}
    create: dict[str, Any] = {"order": {"location_id": "L"}, "idempotency_key": "same"}
    _prepare("CreateOrder", create)
    assert create["idempotency_key"].startswith(PREFIX)
