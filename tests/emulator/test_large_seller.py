"""Paging through a large seller while other writes happen: every profile exactly once.

A cursor marks where the last page ended (keyset), so profiles created, deleted, renamed or
re-grouped elsewhere while a client pages never shift a page boundary: each profile that
exists throughout is seen exactly once, and none twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, Api

PROFILES = 1200
SEARCH = "/v2/customers/search"


@pytest.fixture(scope="module")
def large(server: EmulatorServer) -> Iterator[tuple[Api, dict[str, str], set[str], set[str]]]:
    """A seller with PROFILES profiles, every third in group G; (api, groups, all ids, G ids)."""
    api = Api(server.url, NEW)
    groups = {name: api.group(name)["id"] for name in ("G", "H")}

    def make(index: int) -> tuple[str, bool]:  # httpx clients are thread-safe
        customer = api.customer(given_name=f"M{index % 97:02d}", family_name=str(index))["id"]
        member = index % 3 == 0
        if member:
            api.ok("PUT", f"/v2/customers/{customer}/groups/{groups['G']}")
        return customer, member

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(make, range(PROFILES)))
    yield api, groups, {c for c, _ in made}, {c for c, member in made if member}
    api.close()


def _churn(api: Api, groups: dict[str, str], old: list[str], stop: threading.Event) -> None:
    """Add profiles sorting first and last, group, rename, delete them; re-group old ones."""
    index = 0
    while not stop.is_set():
        index += 1
        early = api.customer(given_name=f"A{index:05d}")["id"]
        late = api.customer(given_name=f"Z{index:05d}")["id"]
        api.ok("PUT", f"/v2/customers/{early}/groups/{groups['G']}")
        api.ok("PUT", f"/v2/customers/{late}/groups/{groups['G']}")
        api.ok("PUT", f"/v2/customers/{old[index % len(old)]}/groups/{groups['H']}")
        api.ok("PUT", f"/v2/customers/{late}", json={"given_name": f"B{index:05d}"})
        if index % 2:
            api.ok("DELETE", f"/v2/customers/{early}")


def _pages(fetch: Callable[[str | None], dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        body = fetch(cursor)
        seen += [customer["id"] for customer in body.get("customers", [])]
        cursor = body.get("cursor")
        if not cursor:
            return seen


@pytest.mark.parametrize(
    ("operation", "sort"),
    [
        ("list", "DEFAULT:ASC"),
        ("list", "CREATED_AT:DESC"),
        ("search", "DEFAULT:DESC"),
        ("search", "CREATED_AT:ASC"),
    ],
)
def test_every_profile_once_while_others_write(
    large: tuple[Api, dict[str, str], set[str], set[str]], operation: str, sort: str
) -> None:
    """Pages of 50 show each existing profile exactly once while another client keeps writing."""
    api, groups, everyone, members = large
    field, order = sort.split(":")
    reader = Api(str(api.http.base_url), NEW)
    reader.token = api.token

    def fetch(cursor: str | None) -> dict[str, Any]:
        if operation == "list":
            params = {"limit": 50, "sort_field": field, "sort_order": order}
            return reader.ok("GET", "/v2/customers", params={**params, "cursor": cursor or ""})
        query = {
            "filter": {"group_ids": {"any": [groups["G"]]}},
            "sort": {"field": field, "order": order},
        }
        body = {"query": query, "limit": 50, **({"cursor": cursor} if cursor else {})}
        return reader.ok("POST", SEARCH, json=body)

    stop = threading.Event()
    writer = Api(str(api.http.base_url), NEW)
    writer.token = api.token
    churn = threading.Thread(target=_churn, args=(writer, groups, sorted(everyone), stop))
    churn.start()
    try:
        seen = _pages(fetch)
    finally:
        stop.set()
        churn.join(30)
        writer.close()
        reader.close()
    counts = Counter(seen)
    # A profile the writer adds as "Z..." and renames to "B..." may show on both sides of the
    # reader's position (keyset pages); the profiles that existed before must show once.
    assert [c for c, n in counts.items() if n > 1 and c in everyone] == []
    expected = everyone if operation == "list" else members
    assert expected - set(seen) == set()
