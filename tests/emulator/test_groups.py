"""Customer group lifecycle, listing and pagination over HTTP, under both versions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.emulator import NEW, OLD, Api, error_of

ID = re.compile(r"^[A-Z0-9]{26}$")
CREATED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_create_returns_a_group_with_id_and_timestamps(api: Api) -> None:
    """CreateCustomerGroup returns the group with a Square-like id and RFC 3339 UTC timestamps."""
    group = api.group("Loyal")
    assert ID.match(group["id"])
    assert group["name"] == "Loyal"
    assert CREATED_AT.match(group["created_at"])
    assert CREATED_AT.match(group["updated_at"])
    assert set(group) == {"id", "name", "created_at", "updated_at"}


def test_retrieve_update_delete(api: Api) -> None:
    """A group can be retrieved, renamed and deleted; afterwards it is 404 NOT_FOUND."""
    group = api.group("Before")
    path = f"/v2/customers/groups/{group['id']}"
    assert api.ok("GET", path) == {"group": group}
    updated = api.ok("PUT", path, json={"group": {"name": "After"}})["group"]
    assert updated["name"] == "After"
    assert updated["id"] == group["id"] and updated["created_at"] == group["created_at"]
    assert updated["updated_at"] >= group["updated_at"]
    assert api.ok("DELETE", path) == {}
    cases: tuple[tuple[str, dict[str, Any]], ...] = (
        ("GET", {}),
        ("PUT", {"json": {"group": {"name": "x"}}}),
        ("DELETE", {}),
    )
    for method, kwargs in cases:
        response = api.request(method, path, **kwargs)
        assert response.status_code == 404
        assert error_of(response)["code"] == "NOT_FOUND"
        assert error_of(response)["category"] == "INVALID_REQUEST_ERROR"


def test_list_is_empty_object_without_groups(api: Api) -> None:
    """ListCustomerGroups returns {} when the seller has no groups."""
    assert api.ok("GET", "/v2/customers/groups") == {}


def test_list_pages_in_creation_order(api: Api) -> None:
    """Pages of `limit` groups come in creation order; the last page has no cursor."""
    created = [api.group(f"g{i}")["id"] for i in range(5)]
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    pages = 0
    while True:
        body = api.ok("GET", "/v2/customers/groups", params=params)
        seen += [g["id"] for g in body["groups"]]
        pages += 1
        if "cursor" not in body:
            break
        params = {"limit": 2, "cursor": body["cursor"]}
    assert seen == created
    assert pages == 3


def test_list_default_page_size_is_50(api: Api) -> None:
    """Without a limit, a page holds 50 groups."""
    for i in range(51):
        api.group(f"g{i}")
    body = api.ok("GET", "/v2/customers/groups")
    assert len(body["groups"]) == 50 and "cursor" in body
    rest = api.ok("GET", "/v2/customers/groups", params={"cursor": body["cursor"]})
    assert len(rest["groups"]) == 1 and "cursor" not in rest


@pytest.mark.parametrize(("limit", "code"), [(0, "VALUE_TOO_LOW"), (51, "VALUE_TOO_HIGH")])
def test_out_of_range_limit(api: Api, version: str, limit: int, code: str) -> None:
    """An out-of-range limit is ignored before 2022-03-16 and 400 VALUE_TOO_LOW/HIGH from then."""
    api.group()
    response = api.request("GET", "/v2/customers/groups", params={"limit": limit})
    if version == OLD:
        assert response.status_code == 200
        assert len(response.json()["groups"]) == 1
    else:
        assert response.status_code == 400
        error = error_of(response)
        assert (error["code"], error["field"]) == (code, "limit")


def test_non_integer_limit(api: Api) -> None:
    """A limit that is not an integer is 400 INVALID_VALUE on field limit."""
    for value in ("ten", "", "1.5"):
        response = api.request("GET", "/v2/customers/groups", params={"limit": value})
        assert response.status_code == 400
        assert (error_of(response)["code"], error_of(response)["field"]) == (
            "INVALID_VALUE",
            "limit",
        )


def test_unknown_cursor(api: Api) -> None:
    """A cursor the emulator never issued is 400 INVALID_CURSOR."""
    response = api.request("GET", "/v2/customers/groups", params={"cursor": "bogus"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "INVALID_CURSOR"


def test_cursor_is_bound_to_seller_and_endpoint(api: Api, server: object) -> None:
    """A cursor from one seller or endpoint is INVALID_CURSOR elsewhere."""
    for i in range(3):
        api.group(f"g{i}")
        api.customer(given_name=f"c{i}")
    cursor = api.ok("GET", "/v2/customers/groups", params={"limit": 1})["cursor"]
    other = Api(str(api.http.base_url).rstrip("/"), NEW)
    assert (
        other.request("GET", "/v2/customers/groups", params={"cursor": cursor}).status_code == 400
    )
    response = api.request("GET", "/v2/customers", params={"cursor": cursor})
    assert error_of(response)["code"] == "INVALID_CURSOR"
    other.close()


def test_name_type_and_presence(api: Api) -> None:
    """Missing group/name is MISSING_REQUIRED_PARAMETER, "" VALUE_EMPTY, 5 EXPECTED_STRING."""
    cases = [
        ({}, "MISSING_REQUIRED_PARAMETER", "group"),
        ({"group": None}, "MISSING_REQUIRED_PARAMETER", "group"),
        ({"group": {}}, "MISSING_REQUIRED_PARAMETER", "group.name"),
        ({"group": {"name": ""}}, "VALUE_EMPTY", "group.name"),
        ({"group": {"name": 5}}, "EXPECTED_STRING", "group.name"),
        ({"group": "x"}, "EXPECTED_OBJECT", "group"),
        ({"group": {"name": "x"}, "idempotency_key": 1}, "EXPECTED_STRING", "idempotency_key"),
    ]
    group_id = api.group()["id"]
    for body, code, field in cases:
        for method, path in (
            ("POST", "/v2/customers/groups"),
            ("PUT", f"/v2/customers/groups/{group_id}"),
        ):
            if method == "PUT" and field == "idempotency_key":
                continue
            response = api.request(method, path, json=body)
            assert response.status_code == 400, (method, body)
            error = error_of(response)
            assert (error["code"], error["field"], error["category"]) == (
                code,
                field,
                "INVALID_REQUEST_ERROR",
            )
    assert len(api.ok("GET", "/v2/customers/groups")["groups"]) == 1
