"""Square-Version handling and the two 2022-03-16 changes: unrecognized fields and idempotency."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from squarecheck.spec.table import load_table
from tests.support.emulator import NEW, OLD, Api, error_of

GROUPS = "/v2/customers/groups"


def _raw(api: Api, method: str, path: str, text: str) -> tuple[int, dict[str, Any]]:
    response = api.request(
        method, path, content=text.encode(), headers={"Content-Type": "application/json"}
    )
    return response.status_code, response.json()


def test_success_echoes_the_requested_version(api: Api, version: str) -> None:
    """A successful response carries the Square-Version it was processed under."""
    response = api.request("GET", GROUPS)
    assert response.headers["Square-Version"] == version


def test_a_release_between_cutovers_is_accepted(new_api: Api) -> None:
    """A released version between two cutovers is accepted and echoed."""
    response = new_api.request("GET", GROUPS, version="2023-05-17")
    assert response.status_code == 200
    assert response.headers["Square-Version"] == "2023-05-17"


@pytest.mark.parametrize("value", ["2022-03-17", "2019-03-13", "2030-01-01"])
def test_a_version_square_never_released_is_refused(new_api: Api, value: str) -> None:
    """A well-formed date that is no known release is 400 BAD_REQUEST on field Square-Version."""
    response = new_api.request("GET", GROUPS, headers={"Square-Version": value})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["category"], error["field"]) == (
        "BAD_REQUEST", "INVALID_REQUEST_ERROR", "Square-Version",
    )  # fmt: skip
    assert value in error["detail"] and load_table().newest_version in error["detail"]
    assert "Square-Version" not in response.headers


def test_missing_header_uses_the_newest_version(new_api: Api) -> None:
    """Without Square-Version the newest known version applies and is echoed."""
    response = new_api.request("GET", GROUPS, version=None)
    assert response.status_code == 200
    assert response.headers["Square-Version"] == load_table().newest_version


def test_missing_header_uses_the_configured_default() -> None:
    """With a default version configured, a request without the header runs under it."""
    with EmulatorServer(port=0, default_version=OLD) as server:
        api = Api(server.url, None)
        response = api.request("POST", GROUPS, json={"group": {"name": "a", "bogus": 1}})
        assert response.status_code == 200
        assert response.headers["Square-Version"] == OLD
        api.close()


@pytest.mark.parametrize(
    "value", ["2022-3-16", "latest", "2022-13-01", "20220316", "", "2022-02-30", "2023-02-29"]
)
def test_malformed_header(new_api: Api, value: str) -> None:
    """A malformed Square-Version is 400 INVALID_SQUARE_VERSION_FORMAT on field Square-Version."""
    response = new_api.request("GET", GROUPS, headers={"Square-Version": value})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["category"], error["field"]) == (
        "INVALID_SQUARE_VERSION_FORMAT", "INVALID_REQUEST_ERROR", "Square-Version",
    )  # fmt: skip


# --- unrecognized fields -------------------------------------------------------------------------

CREATE_CASES = [
    ({"group": {"name": "a"}, "bogus": 1}, "bogus"),
    ({"group": {"name": "a", "bogus": 1}}, "bogus"),
    ({"group": {"name": "a", "first": 1}, "second": 2}, "first"),
    ({"second": 2, "group": {"name": "a", "first": 1}}, "second"),
]


@pytest.mark.parametrize(("body", "field"), CREATE_CASES)
@pytest.mark.parametrize("indent", [None, 4])
def test_unrecognized_field_on_create(
    api: Api, version: str, body: dict[str, object], field: str, indent: int | None
) -> None:
    """Old versions ignore unknown fields; new ones reject the first with its line and character."""
    text = json.dumps(body, indent=indent)
    status, answer = _raw(api, "POST", GROUPS, text)
    if version == OLD:
        assert status == 200
        assert set(answer["group"]) == {"id", "name", "created_at", "updated_at"}
        return
    offset = text.index(f'"{field}"')
    line = text.count("\n", 0, offset) + 1
    character = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert status == 400
    assert answer == {
        "errors": [
            {
                "code": "BAD_REQUEST",
                "detail": f"The field named '{field}' is unrecognized "
                f"(line {line}, character {character})",
                "field": field,
                "category": "INVALID_REQUEST_ERROR",
            }
        ]
    }
    assert api.ok("GET", GROUPS) == {}


def test_square_example_position(new_api: Api) -> None:
    """A four-space-indented body with the unknown field on line 4 gives "line 4, character 9"."""
    text = '{\n    "group": {\n        "name": "x",\n        "bogus": true\n    }\n}'
    status, answer = _raw(new_api, "POST", GROUPS, text)
    assert status == 400
    assert "(line 4, character 9)" in answer["errors"][0]["detail"]


def test_position_counts_characters_after_non_ascii(new_api: Api) -> None:
    """Characters, not bytes: a non-ASCII name before the field does not inflate the column."""
    text = '{"group": {"name": "Café ☕", "bogus": 1}}'
    status, answer = _raw(new_api, "POST", GROUPS, text)
    assert status == 400
    assert answer["errors"][0]["detail"].endswith("(line 1, character 30)")


def test_unrecognized_field_on_update(api: Api, version: str) -> None:
    """UpdateCustomerGroup ignores (old) or rejects without change (new) unknown fields."""
    group = api.group("Before")
    path = f"{GROUPS}/{group['id']}"
    response = api.request("PUT", path, json={"group": {"name": "After", "colour": "red"}})
    if version == OLD:
        assert response.status_code == 200
        assert "colour" not in response.json()["group"]
        assert api.ok("GET", path)["group"]["name"] == "After"
    else:
        assert response.status_code == 400
        assert error_of(response)["field"] == "colour"
        assert api.ok("GET", path)["group"]["name"] == "Before"


def test_known_read_only_fields_are_accepted(api: Api) -> None:
    """id, created_at and updated_at inside group are recognized under every version."""
    body = {"group": {"name": "a", "id": "X", "created_at": "y", "updated_at": "z"}}
    assert api.ok("POST", GROUPS, json=body)["group"]["id"] != "X"


# --- idempotency ------------------------------------------------------------------------------


def test_reused_key(api: Api, version: str) -> None:
    """A reused key is 400 INVALID_VALUE "name" (old) or replays the original group (new)."""
    body = {"idempotency_key": "k1", "group": {"name": "First"}}
    first = api.ok("POST", GROUPS, json=body)["group"]
    response = api.request(
        "POST", GROUPS, json={"idempotency_key": "k1", "group": {"name": "Other"}}
    )
    if version == OLD:
        assert response.status_code == 400
        assert response.json() == {
            "errors": [
                {"code": "INVALID_VALUE", "detail": "name", "category": "INVALID_REQUEST_ERROR"}
            ]
        }
    else:
        assert response.status_code == 200
        assert response.json() == {"group": first}
    assert [g["id"] for g in api.ok("GET", GROUPS)["groups"]] == [first["id"]]


def test_replay_returns_the_group_as_created(new_api: Api) -> None:
    """A replay after a rename still returns the group as the first response had it."""
    body = {"idempotency_key": "k", "group": {"name": "Orig"}}
    first = new_api.ok("POST", GROUPS, json=body)["group"]
    new_api.ok("PUT", f"{GROUPS}/{first['id']}", json={"group": {"name": "Renamed"}})
    assert new_api.ok("POST", GROUPS, json=body)["group"] == first


def test_replay_after_delete_returns_the_original_response(new_api: Api) -> None:
    """A replay after the group was deleted returns the original response and creates nothing."""
    body = {"idempotency_key": "k", "group": {"name": "Orig"}}
    first = new_api.ok("POST", GROUPS, json=body)["group"]
    new_api.ok("DELETE", f"{GROUPS}/{first['id']}")
    assert new_api.ok("POST", GROUPS, json=body)["group"] == first
    assert new_api.ok("GET", GROUPS) == {}


def test_distinct_keys_and_no_key_create_distinct_groups(api: Api) -> None:
    """Each distinct key, and each request without a key, creates a new group."""
    ids = {
        api.ok("POST", GROUPS, json={"idempotency_key": key, "group": {"name": "n"}})["group"]["id"]
        for key in ("a", "b")
    }
    ids |= {api.group("n")["id"], api.group("n")["id"]}
    assert len(ids) == 4


def test_keys_are_per_seller(server: EmulatorServer) -> None:
    """The same key used by two sellers creates a group for each."""
    one, two = Api(server.url, NEW), Api(server.url, NEW)
    body = {"idempotency_key": "shared", "group": {"name": "n"}}
    assert (
        one.ok("POST", GROUPS, json=body)["group"]["id"]
        != two.ok("POST", GROUPS, json=body)["group"]["id"]
    )
    one.close()
    two.close()


def test_concurrent_requests_with_one_key_create_one_group(api: Api) -> None:
    """Twenty threads racing with one key create exactly one group."""
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        client = Api(str(api.http.base_url).rstrip("/"), api.version)
        client.token = api.token
        barrier.wait()
        body = {"idempotency_key": "race", "group": {"name": f"n{index}"}}
        status = client.request("POST", GROUPS, json=body).status_code
        with lock:
            statuses.append(status)
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(api.ok("GET", GROUPS)["groups"]) == 1
    expected_ok = 20 if api.version == NEW else 1
    assert statuses.count(200) == expected_ok
