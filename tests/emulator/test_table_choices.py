"""The store under a table that chose otherwise on its assumed rows, in a data file.

A delete that keeps memberships, a deleted group's key that creates anew, a refused customer
key and a membership change that leaves the version alone: each holds across a restart, and
a membership kept for a deleted group never counts for a group created after it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import Table, load_table, table_from
from tests.support.emulator import NEW, Api, error_of

GROUPS = "/v2/customers/groups"
CUSTOMERS = "/v2/customers"
CHOICES: dict[str, dict[str, Any]] = {
    "delete-group-removes-membership": {"status": 200, "prunes": False},
    "idempotency-replay-after-delete": {"outcome": "created", "status": 200},
    "create-customer-idempotency": {
        "outcome": "rejected", "status": 400, "code": "IDEMPOTENCY_KEY_REUSED",
    },
    "membership-bumps-version": {"outcome": "unchanged"},
}  # fmt: skip


def _other_table() -> Table:
    """The real table with every period of the rows in CHOICES set to the other choice."""
    raw = copy.deepcopy(load_table().raw)
    for row in raw["behaviours"]:
        if row["id"] in CHOICES:
            row["initial"]["expect"] = CHOICES[row["id"]]
            for change in row["changes"]:
                change["expect"] = CHOICES[row["id"]]
    return table_from(raw)


def _start(data: Path, table: Table) -> EmulatorServer:
    server = EmulatorServer(port=0, data=data)
    server.config = dataclasses.replace(server.config, table=table)
    return server.start()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Table, EmulatorServer]]:
    table, data = _other_table(), tmp_path / "state.sqlite3"
    server = _start(data, table)
    yield data, table, server
    server.stop()


def _search_group(api: Api, group_id: str) -> dict[str, Any]:
    body = {"query": {"filter": {"group_ids": {"any": [group_id]}}}, "count": True}
    return api.ok("POST", f"{CUSTOMERS}/search", json=body)


def test_other_choices_hold_and_survive_a_restart(
    served: tuple[Path, Table, EmulatorServer],
) -> None:
    """Kept memberships, forgotten keys, refused customer keys and unbumped versions persist."""
    data, table, server = served
    api = Api(server.url, NEW)
    first = api.ok("POST", GROUPS, json={"idempotency_key": "k", "group": {"name": "A"}})["group"]
    customer = api.customer()
    api.ok("PUT", f"{CUSTOMERS}/{customer['id']}/groups/{first['id']}")
    api.ok("DELETE", f"{GROUPS}/{first['id']}")
    second = api.ok("POST", GROUPS, json={"idempotency_key": "k", "group": {"name": "B"}})["group"]
    assert second["id"] != first["id"]
    assert _search_group(api, second["id"]) == {"count": 0}  # A's member is not B's
    api.ok("PUT", f"{CUSTOMERS}/{customer['id']}/groups/{second['id']}")
    key = {"given_name": "Bo", "idempotency_key": "c"}
    api.ok("POST", CUSTOMERS, json=key)
    server.stop()
    api.close()

    restarted = _start(data, table)
    try:
        api.http = Api(restarted.url, NEW).http
        shown = api.ok("GET", f"{CUSTOMERS}/{customer['id']}")["customer"]
        assert (shown["group_ids"], shown["version"]) == ([first["id"], second["id"]], 0)
        found = _search_group(api, second["id"])
        assert ([c["id"] for c in found["customers"]], found["count"]) == ([customer["id"]], 1)
        again = api.ok("POST", GROUPS, json={"idempotency_key": "k", "group": {"name": "C"}})
        assert again["group"] == second
        refused = api.request("POST", CUSTOMERS, json=key)
        assert (refused.status_code, error_of(refused)["code"]) == (400, "IDEMPOTENCY_KEY_REUSED")
    finally:
        api.close()
        restarted.stop()
