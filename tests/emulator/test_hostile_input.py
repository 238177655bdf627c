"""Hostile input gets a Square-shaped 4xx from the emulator, never a 500 or a silent yes."""

from __future__ import annotations

import httpx
import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, Api, error_of

GROUPS = "/v2/customers/groups"
SEARCH = "/v2/customers/search"


def _square_4xx(response: httpx.Response, status: int, code: str) -> None:
    """The response is `status` with a Square error envelope whose first code is `code`."""
    assert response.status_code == status, response.text[:500]
    error = error_of(response)
    assert error["code"] == code
    assert error["category"] in ("INVALID_REQUEST_ERROR", "AUTHENTICATION_ERROR")
    assert error.get("detail")


@pytest.mark.parametrize("digits", [4301, 20_000])
@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("POST", SEARCH, '{"limit": %s}'),
        ("POST", GROUPS, '{"group": {"name": "g"}, "idempotency_key": %s}'),
        ("POST", "/v2/customers", '{"given_name": "Ann", "birthday": [-%s]}'),
    ],
)
def test_integer_literal_beyond_the_digit_limit(
    new_api: Api, method: str, path: str, template: str, digits: int
) -> None:
    """A JSON integer of more than 4,300 digits is 400 BAD_REQUEST, not 500."""
    body = template % ("9" * digits)
    response = new_api.request(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )
    _square_4xx(response, 400, "BAD_REQUEST")
    assert "digits" in error_of(response)["detail"]


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00.000+00:01",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59.999-00:01",
    ],
)
@pytest.mark.parametrize("bound", ["created_at", "updated_at"])
@pytest.mark.parametrize("end", ["start_at", "end_at"])
def test_search_time_bound_outside_the_representable_range(
    new_api: Api, moment: str, bound: str, end: str
) -> None:
    """A TimeRange bound that leaves years 1-9999 once in UTC is 400 INVALID_TIME, not 500."""
    body = {"query": {"filter": {bound: {end: moment}}}}
    response = new_api.request("POST", SEARCH, json=body)
    _square_4xx(response, 400, "INVALID_TIME")
    assert error_of(response)["field"] == f"query.filter.{bound}.{end}"


@pytest.mark.parametrize("token", [b"abc\tdef", b"t\xc3\xb6k\xc3\xa9n-123", b"abc,def", b"=abc"])
def test_token_outside_the_bearer_grammar_is_401(server: EmulatorServer, token: bytes) -> None:
    """A bearer token with a tab, non-ASCII or a character outside RFC 6750 is 401."""
    for method, path in (("GET", GROUPS), ("POST", GROUPS)):
        with httpx.Client(base_url=server.url, timeout=10) as http:
            response = http.request(
                method,
                path,
                headers=[(b"Authorization", b"Bearer " + token), (b"Square-Version", NEW.encode())],
                json={"group": {"name": "x"}},
            )
        _square_4xx(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("token", [b"abc\x7fdef", b"abc\x01def"])
def test_token_with_a_control_character_is_refused(server: EmulatorServer, token: bytes) -> None:
    """A header with DEL or another control character is 400 from the HTTP parser (httptools)."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        response = http.post(
            GROUPS,
            headers=[(b"Authorization", b"Bearer " + token), (b"Square-Version", NEW.encode())],
            json={"group": {"name": "x"}},
        )
    assert response.status_code == 400


@pytest.mark.parametrize("token", ["EAAAl-_.~+/x==", "sqc-emu-0a1b", "T" * 300])
def test_token_inside_the_bearer_grammar_is_a_seller(server: EmulatorServer, token: str) -> None:
    """Tokens made of RFC 6750 b64token characters stay valid sellers."""
    response = httpx.get(
        server.url + GROUPS,
        headers={"Authorization": f"Bearer {token}", "Square-Version": NEW},
        timeout=10,
    )
    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["1_0", "%D9%A3", "%20%205%20", "+5", "5%0A", "0x10", "%EF%BC%95"])
@pytest.mark.parametrize("path", [GROUPS, "/v2/customers"])
def test_limit_that_is_not_plain_ascii_digits(new_api: Api, raw: str, path: str) -> None:
    """`limit` must be ASCII digits: `1_0`, an Arabic-Indic 3, padded or signed values are 400."""
    response = new_api.request("GET", f"{path}?limit={raw}")
    _square_4xx(response, 400, "INVALID_VALUE")
    assert error_of(response)["field"] == "limit"


@pytest.mark.parametrize("path", [GROUPS, "/v2/customers"])
def test_plain_limit_still_pages(new_api: Api, path: str) -> None:
    """`limit=5` and `limit=-1` still parse as integers (the range is the table's business)."""
    assert new_api.request("GET", f"{path}?limit=5").status_code == 200
    assert new_api.request("GET", f"{path}?limit=-1").status_code in (200, 400)
