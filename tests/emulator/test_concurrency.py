"""Concurrent writes against a file-backed store keep every invariant.

Threads add and remove memberships while others delete the groups; afterwards no profile names
a deleted group, each group's search results are exactly the profiles that list it, and counts
agree with the results. Racing creates with one key make one group.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, Api

SEARCH = "/v2/customers/search"


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, data=tmp_path / "state.sqlite3") as running:
        yield running


def test_membership_races_never_leave_a_deleted_group(file_server: EmulatorServer) -> None:
    """Adds, removes and group deletions in parallel leave group_ids, search, counts consistent."""
    api = Api(file_server.url, NEW)
    groups = [api.group(f"g{i}")["id"] for i in range(6)]
    customers = [api.customer(given_name=f"c{i}")["id"] for i in range(30)]
    doomed = set(groups[:3])

    def churn(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(60):
            path = f"/v2/customers/{rng.choice(customers)}/groups/{rng.choice(groups)}"
            status = api.request(rng.choice(("PUT", "DELETE")), path).status_code
            assert status in (200, 404)

    def delete(group: str) -> None:
        assert api.request("DELETE", f"/v2/customers/groups/{group}").status_code == 200

    with ThreadPoolExecutor(8) as pool:
        work = [pool.submit(churn, seed) for seed in range(6)]
        work += [pool.submit(delete, group) for group in doomed]
        for done in work:
            done.result()
    listed = {
        c: api.ok("GET", f"/v2/customers/{c}")["customer"].get("group_ids", []) for c in customers
    }
    assert not any(doomed & set(ids) for ids in listed.values())
    for group in groups:
        body = {"query": {"filter": {"group_ids": {"any": [group]}}}, "count": True}
        found = api.ok("POST", SEARCH, json=body)
        if group in doomed:
            assert found == {}
            continue
        ids = {c["id"] for c in found.get("customers", [])}
        assert ids == {c for c, names in listed.items() if group in names}
        assert found["count"] == len(ids)
    api.close()


def test_racing_creates_with_one_key_make_one_group(file_server: EmulatorServer) -> None:
    """Sixteen threads racing one idempotency key against a data file make one group."""
    api = Api(file_server.url, NEW)
    barrier = threading.Barrier(16)

    def create(index: int) -> str:
        barrier.wait()
        body = {"idempotency_key": "race", "group": {"name": f"n{index}"}}
        group: str = api.ok("POST", "/v2/customers/groups", json=body)["group"]["id"]
        return group

    with ThreadPoolExecutor(16) as pool:
        made = set(pool.map(create, range(16)))
    assert len(made) == 1
    assert [g["id"] for g in api.ok("GET", "/v2/customers/groups")["groups"]] == list(made)
    api.close()
