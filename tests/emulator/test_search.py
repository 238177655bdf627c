"""SearchCustomers: group filters, other filters, sorting, paging and search lag."""

from __future__ import annotations

import time
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, OLD, Api, error_of

SEARCH = "/v2/customers/search"


def _ids(api: Api, query: dict[str, Any], **extra: Any) -> list[str]:
    body = api.ok("POST", SEARCH, json={"query": query, **extra})
    return [c["id"] for c in body.get("customers", [])]


@pytest.fixture
def world(api: Api) -> dict[str, str]:
    """Groups A, B and customers in none, A, B, and both."""
    a, b = api.group("A")["id"], api.group("B")["id"]
    people = {name: api.customer(given_name=name)["id"] for name in ("n", "a", "b", "ab")}
    for name, groups in (("a", [a]), ("b", [b]), ("ab", [a, b])):
        for group in groups:
            api.ok("PUT", f"/v2/customers/{people[name]}/groups/{group}")
    return {"A": a, "B": b, **people}


def test_group_filters(api: Api, world: dict[str, str]) -> None:
    """any, all and none select members of some, every, and none of the listed groups."""
    a, b = world["A"], world["B"]
    assert set(_ids(api, {"filter": {"group_ids": {"any": [a, b]}}})) == {
        world["a"],
        world["b"],
        world["ab"],
    }
    assert _ids(api, {"filter": {"group_ids": {"all": [a, b]}}}) == [world["ab"]]
    assert _ids(api, {"filter": {"group_ids": {"none": [a]}}}) == [world["b"], world["n"]]


def test_group_filters_combine_with_and(api: Api, world: dict[str, str]) -> None:
    """Several group conditions must all hold."""
    flt = {"group_ids": {"any": [world["A"]], "none": [world["B"]]}}
    assert _ids(api, {"filter": flt}) == [world["a"]]


def test_unknown_group_gives_empty_object(api: Api, world: dict[str, str]) -> None:
    """A non-existent group id in the filter gives {} (no error)."""
    body = {"query": {"filter": {"group_ids": {"any": [world["A"], "MISSING"]}}}, "count": True}
    assert api.ok("POST", SEARCH, json=body) == {}


def test_other_filters(api: Api) -> None:
    """creation_source, created_at, email, phone and reference_id filters narrow the result."""
    one = api.customer(given_name="x", email_address="one@example.com", reference_id="r1")["id"]
    two = api.customer(given_name="y", phone_number="+1 555 010 0199", reference_id="r2")["id"]
    assert _ids(api, {"filter": {"email_address": {"exact": "one@example.com"}}}) == [one]
    assert _ids(api, {"filter": {"email_address": {"fuzzy": "ONE@"}}}) == [one]
    assert _ids(api, {"filter": {"phone_number": {"fuzzy": "5550100199"}}}) == [two]
    assert _ids(api, {"filter": {"reference_id": {"exact": "r2"}}}) == [two]
    source = {"values": ["THIRD_PARTY"], "rule": "INCLUDE"}
    assert _ids(api, {"filter": {"creation_source": source}}) == [one, two]
    excluded = {"values": ["THIRD_PARTY"], "rule": "EXCLUDE"}
    assert _ids(api, {"filter": {"creation_source": excluded}}) == []
    future = {"start_at": "2999-01-01T00:00:00Z"}
    assert _ids(api, {"filter": {"created_at": future}}) == []
    past = {"start_at": "2000-01-01T00:00:00Z", "end_at": "2999-01-01T00:00:00+00:00"}
    assert _ids(api, {"filter": {"updated_at": past}}) == [one, two]


def test_sort_and_page(api: Api) -> None:
    """Search sorts like ListCustomers and pages with limit, cursor and count."""
    made = [api.customer(given_name=name)["id"] for name in ("c", "a", "b")]
    body = api.ok("POST", SEARCH, json={"limit": 2, "count": True})
    assert body["count"] == 3
    assert [c["id"] for c in body["customers"]] == [made[1], made[2]]
    rest = api.ok("POST", SEARCH, json={"limit": 2, "cursor": body["cursor"]})
    assert [c["id"] for c in rest["customers"]] == [made[0]] and "cursor" not in rest
    created = {"sort": {"field": "CREATED_AT", "order": "DESC"}}
    assert _ids(api, created) == made[::-1]


@pytest.mark.parametrize(("limit", "code"), [(0, "VALUE_TOO_LOW"), (101, "VALUE_TOO_HIGH")])
def test_out_of_range_limit(api: Api, version: str, limit: int, code: str) -> None:
    """SearchCustomers ignores (old) or rejects (new) a limit outside 1-100."""
    api.customer()
    response = api.request("POST", SEARCH, json={"limit": limit})
    if version == OLD:
        assert len(response.json()["customers"]) == 1
    else:
        assert (response.status_code, error_of(response)["code"]) == (400, code)


def test_unrecognized_top_level_field(api: Api, version: str) -> None:
    """SearchCustomers ignores unknown top-level fields before 2022-03-16 and rejects them after."""
    api.customer()
    response = api.request("POST", SEARCH, json={"limit": 5, "page_size": 5})
    if version == OLD:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert error_of(response)["field"] == "page_size"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"limit": "5"}, "EXPECTED_INTEGER", "limit"),
        ({"count": "yes"}, "EXPECTED_BOOLEAN", "count"),
        ({"query": []}, "EXPECTED_OBJECT", "query"),
        (
            {"query": {"filter": {"group_ids": {"any": "x"}}}},
            "EXPECTED_ARRAY",
            "query.filter.group_ids.any",
        ),
        (
            {"query": {"filter": {"created_at": {"start_at": "yesterday"}}}},
            "INVALID_TIME",
            "query.filter.created_at.start_at",
        ),
        ({"query": {"sort": {"field": "NAME"}}}, "INVALID_ENUM_VALUE", "query.sort.field"),
        ({"cursor": "nope"}, "INVALID_CURSOR", "cursor"),
        ({"cursor": None}, "EXPECTED_STRING", "cursor"),
        (
            {"query": {"filter": {"creation_source": {"values": ["ROBOT"]}}}},
            "INVALID_ENUM_VALUE",
            "query.filter.creation_source.values",
        ),
        ({"query": {"filter": {"segment_ids": {"any": ["SEG"]}}}}, "BAD_REQUEST", "segment_ids"),
    ],
)
def test_bad_search_bodies(new_api: Api, body: dict[str, Any], code: str, field: str) -> None:
    """Ill-typed or invalid search values are 400 with a Square code and field."""
    response = new_api.request("POST", SEARCH, json=body)
    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["field"]) == (code, field)


def test_nested_unrecognized_field(api: Api, version: str) -> None:
    """Unknown members inside query.filter are ignored (old) or rejected by name (new)."""
    api.customer()
    body: dict[str, Any] = {"query": {"filter": {"group_ids": {"any": [], "some": []}}}}
    response = api.request("POST", SEARCH, json=body)
    if version == OLD:
        assert response.status_code == 200
    else:
        assert (response.status_code, error_of(response)["field"]) == (400, "some")


def test_custom_attribute_filter_matches_nobody(server: EmulatorServer) -> None:
    """No profile has custom attributes, so an attribute filter finds nothing (2022-12-14 on)."""
    api = Api(server.url, "2022-12-14")
    api.customer()
    flt = {"custom_attribute": {"filters": [{"key": "colour"}]}}
    assert _ids(api, {"filter": flt}) == []
    api.close()


def test_search_lags_behind_writes(lagged_server: EmulatorServer) -> None:
    """With search_lag, profiles and membership changes reach search only after the lag."""
    api = Api(lagged_server.url, NEW)
    customer = api.customer(given_name="late")["id"]
    group = api.group()["id"]
    api.ok("PUT", f"/v2/customers/{customer}/groups/{group}")
    only_members = {"filter": {"group_ids": {"all": [group]}}}
    assert api.ok("POST", SEARCH, json={}) == {}
    assert api.ok("GET", f"/v2/customers/{customer}")["customer"]["group_ids"] == [group]
    deadline = time.monotonic() + 20
    while not _ids(api, only_members) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ids(api, only_members) == [customer]
    api.ok("DELETE", f"/v2/customers/{customer}/groups/{group}")
    assert _ids(api, only_members) == [customer]
    api.close()
