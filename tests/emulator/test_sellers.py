"""Sellers in the store: reads never create one, and nothing of one is reachable by another."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, Api, error_of

SEARCH = "/v2/customers/search"


@pytest.fixture
def own_server() -> Iterator[EmulatorServer]:
    """A server of its own, so the seller count is this test's alone."""
    with EmulatorServer(port=0) as running:
        yield running


def _sellers(server: EmulatorServer) -> int:
    assert server.app is not None
    count: int = server.app.state.store.seller_count()
    return count


def test_reads_and_failed_writes_create_no_seller(own_server: EmulatorServer) -> None:
    """GETs, searches and writes that fail with a token never seen before leave no seller."""
    for _ in range(20):
        api = Api(own_server.url, NEW)
        assert api.ok("GET", "/v2/customers/groups") == {}
        assert api.ok("GET", "/v2/customers", params={"count": "true"}) == {"count": 0}
        assert (
            api.ok("POST", SEARCH, json={"query": {"filter": {"group_ids": {"any": ["G"]}}}}) == {}
        )
        assert api.ok("POST", SEARCH, json={"count": True}) == {"count": 0}
        for method, path in (
            ("GET", "/v2/customers/groups/G"),
            ("GET", "/v2/customers/C"),
            ("DELETE", "/v2/customers/groups/G"),
            ("PUT", "/v2/customers/C/groups/G"),
            ("DELETE", "/v2/customers/C"),
        ):
            assert api.request(method, path).status_code == 404
        response = api.request("GET", "/v2/customers", params={"cursor": "c"})
        assert error_of(response)["code"] == "INVALID_CURSOR"
        api.close()
    assert _sellers(own_server) == 0
    writer = Api(own_server.url, NEW)
    writer.group()
    assert _sellers(own_server) == 1
    writer.close()


def test_cursors_are_bound_to_seller_operation_and_query(server: EmulatorServer) -> None:
    """A cursor works only for the seller, operation and query (filter and sort) it came from."""
    alice, bob = Api(server.url, NEW), Api(server.url, NEW)
    group = alice.group()["id"]
    for index in range(3):
        customer = alice.customer(given_name=f"n{index}")["id"]
        alice.ok("PUT", f"/v2/customers/{customer}/groups/{group}")
    query = {"filter": {"group_ids": {"any": [group]}}, "sort": {"field": "CREATED_AT"}}
    cursor = alice.ok("POST", SEARCH, json={"query": query, "limit": 1})["cursor"]
    listing = alice.ok("GET", "/v2/customers", params={"limit": 1})["cursor"]
    # Bob has no such group, so his search is {} (search-unknown-group) whatever the cursor.
    assert bob.ok("POST", SEARCH, json={"query": query, "cursor": cursor}) == {}
    other_sort = {**query, "sort": {"field": "DEFAULT"}}
    for who, method, path, body in (
        (bob, "GET", f"/v2/customers?cursor={listing}", None),
        (bob, "POST", SEARCH, {"cursor": cursor}),
        (alice, "GET", f"/v2/customers?cursor={listing}&sort_order=DESC", None),
        (alice, "POST", SEARCH, {"query": other_sort, "cursor": cursor}),
        (alice, "POST", SEARCH, {"cursor": cursor}),
        (alice, "GET", f"/v2/customers?cursor={cursor}", None),
        (alice, "GET", f"/v2/customers/groups?cursor={cursor}", None),
    ):
        response = who.request(method, path, json=body)
        assert (response.status_code, error_of(response)["code"]) == (400, "INVALID_CURSOR")
    rest = alice.ok("POST", SEARCH, json={"query": query, "limit": 5, "cursor": cursor})
    assert len(rest["customers"]) == 2
    alice.close()
    bob.close()


def test_another_sellers_ids_are_unknown(server: EmulatorServer) -> None:
    """Ids of one seller's groups and profiles are unknown to another, in every operation."""
    alice, bob = Api(server.url, NEW), Api(server.url, NEW)
    group, customer = alice.group("a")["id"], alice.customer()["id"]
    alice.ok("PUT", f"/v2/customers/{customer}/groups/{group}")
    bobs_group, bobs_customer = bob.group("b")["id"], bob.customer()["id"]
    for method, path, body in (
        ("PUT", f"/v2/customers/groups/{group}", {"group": {"name": "x"}}),
        ("PUT", f"/v2/customers/{customer}", {"given_name": "x"}),
        ("PUT", f"/v2/customers/{bobs_customer}/groups/{group}", None),
        ("PUT", f"/v2/customers/{customer}/groups/{bobs_group}", None),
        ("DELETE", f"/v2/customers/{customer}/groups/{group}", None),
        ("DELETE", f"/v2/customers/{customer}", None),
    ):
        response = bob.request(method, path, json=body)
        assert (response.status_code, error_of(response)["code"]) == (404, "NOT_FOUND")
    any_of_alices = {"query": {"filter": {"group_ids": {"any": [group]}}}}
    assert bob.ok("POST", SEARCH, json=any_of_alices) == {}
    assert alice.ok("GET", f"/v2/customers/{customer}")["customer"]["group_ids"] == [group]
    assert alice.ok("GET", f"/v2/customers/groups/{group}")["group"]["name"] == "a"
    alice.close()
    bob.close()


def test_a_token_with_another_sellers_prefix_is_another_seller(server: EmulatorServer) -> None:
    """Tokens that share a prefix, or differ in case, are separate sellers."""
    base = "T" + secrets.token_hex(8)
    first = Api(server.url, NEW)
    first.token = base
    group = first.group()["id"]
    for token in (base + "x", base.lower(), base[:-1]):
        other = Api(server.url, NEW)
        other.token = token
        assert other.request("GET", f"/v2/customers/groups/{group}").status_code == 404
        other.close()
    first.close()
