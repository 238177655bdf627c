"""Customers endpoints: profile CRUD, versions, listing and sorting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import OLD, Api, error_of

CUSTOMERS = "/v2/customers"
PROFILES = "2022-10-19"  # the version from which every documented profile constraint holds


@pytest.fixture
def profile_api(server: EmulatorServer) -> Iterator[Api]:
    """A fresh seller under 2022-10-19, when lengths, phone digits and MM-DD birthdays apply."""
    client = Api(server.url, PROFILES)
    yield client
    client.close()


def test_create_returns_a_third_party_profile_at_version_0(api: Api) -> None:
    """CreateCustomer returns the profile with creation_source THIRD_PARTY and version 0."""
    customer = api.customer(given_name="Ann", email_address="ann@example.com")
    assert customer["given_name"] == "Ann"
    assert customer["creation_source"] == "THIRD_PARTY"
    assert customer["version"] == 0
    assert "group_ids" not in customer
    assert api.ok("GET", f"{CUSTOMERS}/{customer['id']}") == {"customer": customer}


def test_create_needs_a_public_field(api: Api) -> None:
    """A profile without a name, company, email or phone is 400 BAD_REQUEST."""
    response = api.request("POST", CUSTOMERS, json={"note": "nobody"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"


def test_create_type_errors(api: Api) -> None:
    """A non-string name is EXPECTED_STRING and a non-object address EXPECTED_OBJECT."""
    response = api.request("POST", CUSTOMERS, json={"given_name": 3})
    assert (error_of(response)["code"], error_of(response)["field"]) == (
        "EXPECTED_STRING",
        "given_name",
    )
    response = api.request("POST", CUSTOMERS, json={"given_name": "a", "address": "x"})
    assert (error_of(response)["code"], error_of(response)["field"]) == (
        "EXPECTED_OBJECT",
        "address",
    )


def test_create_unrecognized_field(api: Api, version: str) -> None:
    """CreateCustomer ignores unknown fields before 2022-03-16 and rejects them after."""
    text = '{"given_name": "a", "favourite": "tea"}'
    headers = {"Content-Type": "application/json"}
    response = api.request("POST", CUSTOMERS, content=text.encode(), headers=headers)
    if version == OLD:
        assert response.status_code == 200
        assert "favourite" not in response.json()["customer"]
    else:
        assert response.status_code == 400
        error = error_of(response)
        assert (error["code"], error["field"]) == ("BAD_REQUEST", "favourite")
        assert (
            error["detail"] == "The field named 'favourite' is unrecognized (line 1, character 21)"
        )
        assert api.ok("GET", CUSTOMERS) == {}


def test_create_with_reused_key_replays(api: Api) -> None:
    """A reused CreateCustomer idempotency key returns the original profile."""
    first = api.ok("POST", CUSTOMERS, json={"idempotency_key": "k", "given_name": "A"})
    again = api.ok("POST", CUSTOMERS, json={"idempotency_key": "k", "given_name": "B"})
    assert again == first
    assert len(api.ok("GET", CUSTOMERS)["customers"]) == 1


def test_update_is_sparse_and_null_removes(api: Api) -> None:
    """UpdateCustomer changes given fields, removes null ones, keeps others, bumps version."""
    customer = api.customer(given_name="Ann", family_name="Lee", note="n")
    path = f"{CUSTOMERS}/{customer['id']}"
    updated = api.ok("PUT", path, json={"family_name": "Kim", "note": None})["customer"]
    assert updated["given_name"] == "Ann" and updated["family_name"] == "Kim"
    assert "note" not in updated
    assert updated["version"] == 1
    assert api.ok("GET", path)["customer"] == updated


def test_update_with_stale_version_conflicts(api: Api) -> None:
    """An UpdateCustomer naming an old version is 400 VERSION_MISMATCH and changes nothing."""
    customer = api.customer()
    path = f"{CUSTOMERS}/{customer['id']}"
    api.ok("PUT", path, json={"note": "one", "version": 0})
    response = api.request("PUT", path, json={"note": "two", "version": 0})
    assert response.status_code == 400
    assert error_of(response)["code"] == "VERSION_MISMATCH"
    assert api.ok("GET", path)["customer"]["note"] == "one"


def test_update_with_empty_body(api: Api) -> None:
    """An empty UpdateCustomer body is 400 BAD_REQUEST."""
    customer = api.customer()
    response = api.request("PUT", f"{CUSTOMERS}/{customer['id']}", json={})
    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"


def test_delete_with_and_without_version(api: Api) -> None:
    """DeleteCustomer returns {}; a stale version query is VERSION_MISMATCH; afterwards 404."""
    customer = api.customer()
    path = f"{CUSTOMERS}/{customer['id']}"
    stale = api.request("DELETE", path, params={"version": 5})
    assert (stale.status_code, error_of(stale)["code"]) == (400, "VERSION_MISMATCH")
    assert api.ok("DELETE", path, params={"version": 0}) == {}
    assert api.request("GET", path).status_code == 404
    assert api.request("DELETE", path).status_code == 404


def test_list_pages_and_counts(api: Api) -> None:
    """ListCustomers pages with limit and cursor and counts all profiles on request."""
    ids = [api.customer(given_name=f"n{i}")["id"] for i in range(5)]
    body = api.ok("GET", CUSTOMERS, params={"limit": 3, "count": "true"})
    assert body["count"] == 5 and len(body["customers"]) == 3
    rest = api.ok("GET", CUSTOMERS, params={"limit": 3, "cursor": body["cursor"]})
    assert "cursor" not in rest
    assert [c["id"] for c in body["customers"] + rest["customers"]] == ids


@pytest.mark.parametrize(("limit", "code"), [(0, "VALUE_TOO_LOW"), (101, "VALUE_TOO_HIGH")])
def test_list_out_of_range_limit(api: Api, version: str, limit: int, code: str) -> None:
    """ListCustomers ignores (old) or rejects (new) a limit outside 1-100."""
    api.customer()
    response = api.request("GET", CUSTOMERS, params={"limit": limit})
    if version == OLD:
        assert response.status_code == 200
    else:
        assert (response.status_code, error_of(response)["code"]) == (400, code)


def test_list_sorting(api: Api) -> None:
    """DEFAULT sorts by name with company/email fallbacks; CREATED_AT by creation; DESC reverses."""
    made = [
        api.customer(given_name="Zed")["id"],
        api.customer(company_name="Acme")["id"],
        api.customer(given_name="Bob", family_name="Young")["id"],
        api.customer(email_address="m@example.com")["id"],
    ]

    def order(**params: str) -> list[str]:
        return [c["id"] for c in api.ok("GET", CUSTOMERS, params=params)["customers"]]

    assert order() == [made[1], made[2], made[0], made[3]]
    assert order(sort_order="DESC") == [made[3], made[0], made[2], made[1]]
    assert order(sort_field="CREATED_AT") == made
    assert order(sort_field="CREATED_AT", sort_order="DESC") == made[::-1]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"sort_field": "NAME"}, "INVALID_ENUM_VALUE"),
        ({"sort_order": "UP"}, "INVALID_SORT_ORDER"),
        ({"count": "maybe"}, "INVALID_VALUE"),
        ({"count": ""}, "INVALID_VALUE"),
    ],
)
def test_list_bad_query_values(api: Api, params: dict[str, str], code: str) -> None:
    """Bad sort_field, sort_order or count values are 400 with a Square code."""
    response = api.request("GET", CUSTOMERS, params=params)
    assert (response.status_code, error_of(response)["code"]) == (400, code)


def test_profile_without_public_fields_is_not_listed(api: Api) -> None:
    """A profile whose public fields were all removed disappears from ListCustomers."""
    customer = api.customer(given_name="Gone")
    api.ok("PUT", f"{CUSTOMERS}/{customer['id']}", json={"given_name": None, "note": "x"})
    assert api.ok("GET", CUSTOMERS) == {}


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"given_name": "x" * 301}, "VALUE_TOO_LONG", "given_name"),
        ({"given_name": "a", "phone_number": "12"}, "INVALID_PHONE_NUMBER", "phone_number"),
        ({"email_address": "no-at-sign"}, "INVALID_EMAIL_ADDRESS", "email_address"),
        ({"given_name": "a", "birthday": "1990-13-01"}, "INVALID_VALUE", "birthday"),
        (
            {"given_name": "a", "address": {"country": "us"}},
            "INVALID_ENUM_VALUE",
            "address.country",
        ),
        ({"given_name": "a", "tax_ids": {"eu_vat": "X" * 21}}, "VALUE_TOO_LONG", "tax_ids.eu_vat"),
        ({"given_name": None, "family_name": "b"}, "EXPECTED_STRING", "given_name"),
        ({"given_name": "a", "idempotency_key": None}, "EXPECTED_STRING", "idempotency_key"),
    ],
)
def test_create_field_constraints(
    profile_api: Api, fields: dict[str, object], code: str, field: str
) -> None:
    """Documented lengths, formats and types are enforced with Square's codes."""
    response = profile_api.request("POST", CUSTOMERS, json=fields)
    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["field"]) == (code, field)


def test_birthday_without_year_is_returned_with_0000(profile_api: Api) -> None:
    """A MM-DD birthday comes back as 0000-MM-DD."""
    assert profile_api.customer(given_name="a", birthday="05-31")["birthday"] == "0000-05-31"


def test_nested_unrecognized_field(api: Api, version: str) -> None:
    """Unknown address members are dropped (old) or rejected by name (new)."""
    body = {"given_name": "a", "address": {"locality": "Paris", "planet": "Earth"}}
    response = api.request("POST", CUSTOMERS, json=body)
    if version == OLD:
        assert response.json()["customer"]["address"] == {"locality": "Paris"}
    else:
        assert (response.status_code, error_of(response)["field"]) == (400, "planet")


def test_update_validates_version_and_fields(profile_api: Api) -> None:
    """UpdateCustomer refuses a negative version and an invalid email."""
    api = profile_api
    path = f"{CUSTOMERS}/{api.customer()['id']}"
    response = api.request("PUT", path, json={"note": "x", "version": -1})
    assert (error_of(response)["code"], error_of(response)["field"]) == ("VALUE_TOO_LOW", "version")
    response = api.request("PUT", path, json={"email_address": "bad"})
    assert error_of(response)["code"] == "INVALID_EMAIL_ADDRESS"
