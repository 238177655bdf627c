"""Bad input, auth, routing and isolation: always a Square error envelope, never a traceback."""

from __future__ import annotations

import httpx
import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, Api, error_of

GROUPS = "/v2/customers/groups"
JSON = {"Content-Type": "application/json"}
BODY_ROUTES = [
    ("POST", GROUPS),
    ("POST", "/v2/customers"),
    ("POST", "/v2/customers/search"),
]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_malformed_json_says_where(new_api: Api, method: str, path: str) -> None:
    """Invalid JSON is 400 BAD_REQUEST whose detail names the line and character."""
    response = new_api.request(method, path, content=b'{\n  "group": {"name": }\n}', headers=JSON)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["category"]) == ("BAD_REQUEST", "INVALID_REQUEST_ERROR")
    assert "line 2, character 21" in error["detail"]


@pytest.mark.parametrize("text", ["[]", '"x"', "3", "null", "", "   "])
def test_body_that_is_not_an_object(new_api: Api, text: str) -> None:
    """A JSON body that is not an object (or is empty) is 400 EXPECTED_JSON_BODY."""
    response = new_api.request("POST", GROUPS, content=text.encode(), headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (400, "EXPECTED_JSON_BODY")


def test_invalid_utf8_is_bad_request(new_api: Api) -> None:
    """A body that is not UTF-8 is 400 BAD_REQUEST."""
    response = new_api.request("POST", GROUPS, content=b'{"group": {"name": "\xff"}}', headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_content_type_is_not_looked_at(new_api: Api, content_type: str | None) -> None:
    """A valid JSON body is processed whatever Content-Type it is declared with."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = new_api.request("POST", GROUPS, content=b'{"group": {"name": "x"}}', headers=headers)
    assert response.status_code == 200
    assert response.json()["group"]["name"] == "x"


def test_form_body_is_parsed_as_json(new_api: Api) -> None:
    """A form-encoded body is read as JSON: 400 BAD_REQUEST with the Go decoder's detail."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = new_api.request("POST", GROUPS, content=b"cardholder_name=Ann", headers=headers)
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "BAD_REQUEST",
        "detail": "invalid character 'c' looking for beginning of value (line 1, character 1)",
        "category": "INVALID_REQUEST_ERROR",
    }


def test_body_over_one_mebibyte(new_api: Api) -> None:
    """A body over 1 MiB is 413 REQUEST_ENTITY_TOO_LARGE; exactly 1 MiB is processed."""
    padding = 1024 * 1024 - len('{"group": {"name": ""}}')
    exact = ('{"group": {"name": "' + "x" * padding + '"}}').encode()
    assert len(exact) == 1024 * 1024
    assert new_api.request("POST", GROUPS, content=exact, headers=JSON).status_code == 200
    response = new_api.request("POST", GROUPS, content=exact + b" ", headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (413, "REQUEST_ENTITY_TOO_LARGE")

    def chunks() -> object:
        yield b'{"group": {"name": "'
        for _ in range(33):
            yield b"y" * 32768
        yield b'"}}'

    response = new_api.request("POST", GROUPS, content=chunks(), headers=JSON)
    assert (response.status_code, error_of(response)["code"]) == (413, "REQUEST_ENTITY_TOO_LARGE")


def _route_detail(method: str, path: str) -> str:
    return f"API endpoint for URL path `{path}` and HTTP method `{method}` is not found."


def test_unknown_path(new_api: Api) -> None:
    """An unknown path is 404 NOT_FOUND naming the path and method."""
    for path in ("/v2/nothing", "/", "/v2/customers/groups/a/b", "/v2/customers/groups/"):
        response = new_api.request("GET", path)
        assert response.status_code == 404, path
        assert error_of(response) == {
            "code": "NOT_FOUND",
            "detail": _route_detail("GET", path),
            "category": "INVALID_REQUEST_ERROR",
        }


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", GROUPS), ("POST", f"{GROUPS}/X"), ("PATCH", "/v2/customers/X/groups/Y"),
     ("POST", "/v2/customers/X"), ("OPTIONS", GROUPS), ("PURGE", GROUPS)],
)  # fmt: skip
def test_known_path_with_another_method_is_not_found(new_api: Api, method: str, path: str) -> None:
    """Routing is on method and path together: another method is 404 NOT_FOUND, not 405."""
    response = new_api.request(method, path)
    assert response.status_code == 404
    assert error_of(response)["detail"] == _route_detail(method, path)
    assert "Allow" not in response.headers


def test_encoded_slash_does_not_reach_another_route(new_api: Api) -> None:
    """`/v2/customers/groups%2F<id>` is RetrieveCustomer of id "groups/<id>", not the group."""
    group = new_api.group("hidden")
    for encoded in ("%2F", "%2f"):
        response = new_api.request("GET", f"{GROUPS}{encoded}{group['id']}")
        assert response.status_code == 404
        assert error_of(response)["code"] == "NOT_FOUND"
        assert group["id"] not in response.text.replace(f"groups/{group['id']}", "")
        assert "group" not in response.json()
    assert new_api.ok("GET", f"{GROUPS}/{group['id']}")["group"] == group


def test_encoded_characters_in_an_id_are_decoded(new_api: Api) -> None:
    """A percent-encoded id segment is decoded before lookup (%41 is A)."""
    group = new_api.group("plain")
    encoded = "%" + format(ord(group["id"][0]), "02X") + group["id"][1:]
    assert new_api.ok("GET", f"{GROUPS}/{encoded}")["group"] == group


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "bearer", "Basic abc", "Bearer a b", "token"]
)
def test_missing_or_malformed_authorization(
    server: EmulatorServer, authorization: str | None
) -> None:
    """Without `Bearer <token>` every endpoint is 401 UNAUTHORIZED, AUTHENTICATION_ERROR."""
    headers = {"Square-Version": NEW}
    if authorization is not None:
        headers["Authorization"] = authorization
    for method, path in (("GET", GROUPS), ("POST", GROUPS), ("GET", "/v2/customers/X")):
        response = httpx.request(
            method, server.url + path, headers=headers, json={"group": {"name": "x"}}
        )
        assert response.status_code == 401
        assert error_of(response) == {
            "code": "UNAUTHORIZED",
            "detail": "This request could not be authorized.",
            "category": "AUTHENTICATION_ERROR",
        }


def test_sellers_are_isolated(server: EmulatorServer) -> None:
    """One seller never sees another seller's groups or customers."""
    alice, bob = Api(server.url, NEW), Api(server.url, NEW)
    group, customer = alice.group("mine"), alice.customer()
    assert bob.ok("GET", GROUPS) == {}
    assert bob.ok("GET", "/v2/customers") == {}
    assert bob.ok("POST", "/v2/customers/search", json={}) == {}
    for method, path in (
        ("GET", f"{GROUPS}/{group['id']}"),
        ("DELETE", f"{GROUPS}/{group['id']}"),
        ("GET", f"/v2/customers/{customer['id']}"),
        ("PUT", f"/v2/customers/{customer['id']}/groups/{group['id']}"),
    ):
        response = bob.request(method, path)
        assert (response.status_code, error_of(response)["code"]) == (404, "NOT_FOUND")
    assert alice.ok("GET", f"{GROUPS}/{group['id']}")["group"] == group
    alice.close()
    bob.close()


def test_unexpected_exception_is_a_square_500(monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal failure is 500 INTERNAL_SERVER_ERROR in a Square envelope, no traceback."""
    with EmulatorServer(port=0) as server:
        assert server.app is not None

        def broken(*args: object) -> None:
            raise RuntimeError("boom")

        # No request can provoke an internal error, so one store method is replaced.
        monkeypatch.setattr(server.app.state.store, "list_groups", broken)
        api = Api(server.url, NEW)
        response = api.request("GET", GROUPS)
        assert response.status_code == 500
        assert error_of(response) == {
            "code": "INTERNAL_SERVER_ERROR",
            "detail": "An internal error occurred.",
            "category": "API_ERROR",
        }
        assert "boom" not in response.text and "Traceback" not in response.text
        assert api.ok("POST", GROUPS, json={"group": {"name": "still fine"}})
        api.close()


@pytest.mark.parametrize(("limit", "status"), [(2.0, 200), (2.5, 400), ("2", 400)])
def test_integral_number_counts_as_integer(new_api: Api, limit: object, status: int) -> None:
    """A body integer may be written 2.0; 2.5 or "2" is 400 EXPECTED_INTEGER."""
    response = new_api.request("POST", "/v2/customers/search", json={"limit": limit})
    assert response.status_code == status
    if status == 400:
        assert error_of(response)["code"] == "EXPECTED_INTEGER"
