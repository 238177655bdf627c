"""The emulator on both sides of every cutover of the behaviour table, 2021-04-21 to 2024-12-18."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from squarecheck.emulator.core import clock
from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import Api, error_of

GROUPS = "/v2/customers/groups"
CUSTOMERS = "/v2/customers"


@pytest.fixture
def seller(server: EmulatorServer) -> Iterator[Api]:
    """A fresh seller; each request names its own version."""
    client = Api(server.url, None)
    yield client
    client.close()


def _member(api: Api, version: str) -> tuple[dict[str, object], dict[str, object]]:
    group = api.group("Regulars", version=version)
    customer = api.ok("POST", CUSTOMERS, json={"given_name": "Ann"}, version=version)["customer"]
    api.ok("PUT", f"{CUSTOMERS}/{customer['id']}/groups/{group['id']}", version=version)
    return group, customer


@pytest.mark.parametrize(("version", "legacy"), [("2021-03-17", True), ("2021-04-21", False)])
def test_legacy_groups_field(seller: Api, version: str, legacy: bool) -> None:
    """Before 2021-04-21 a member's profile lists {id, name} in `groups`; from it on, not."""
    group, customer = _member(seller, version)
    shown = seller.ok("GET", f"{CUSTOMERS}/{customer['id']}", version=version)["customer"]
    assert shown["group_ids"] == [group["id"]]
    if legacy:
        assert shown["groups"] == [{"id": group["id"], "name": "Regulars"}]
    else:
        assert "groups" not in shown


@pytest.mark.parametrize(("version", "present"), [("2021-03-17", False), ("2021-04-21", True)])
def test_customer_version_field(seller: Api, version: str, present: bool) -> None:
    """Customer.version exists from 2021-04-21 (0, then +1 per update); before, it is absent."""
    customer = seller.ok("POST", CUSTOMERS, json={"given_name": "A"}, version=version)["customer"]
    updated = seller.ok(
        "PUT", f"{CUSTOMERS}/{customer['id']}", json={"note": "n"}, version=version
    )["customer"]
    if present:
        assert (customer["version"], updated["version"]) == (0, 1)
    else:
        assert "version" not in customer and "version" not in updated


@pytest.mark.parametrize(("version", "status"), [("2021-03-17", 200), ("2021-04-21", 400)])
def test_stale_version_before_and_after_2021_04_21(seller: Api, version: str, status: int) -> None:
    """A stale `version` is ignored before the field exists, and 400 VERSION_MISMATCH once it
    does."""
    customer = seller.ok("POST", CUSTOMERS, json={"given_name": "A"}, version=version)["customer"]
    path = f"{CUSTOMERS}/{customer['id']}"
    seller.ok("PUT", path, json={"note": "one"}, version=version)
    response = seller.request("PUT", path, json={"note": "two", "version": 0}, version=version)
    assert response.status_code == status
    response = seller.request("DELETE", path, params={"version": "0"}, version=version)
    assert response.status_code == status


@pytest.mark.parametrize(("version", "page"), [("2021-07-21", 3), ("2021-08-18", 1)])
def test_list_limit_is_a_parameter_from_2021_08_18(seller: Api, version: str, page: int) -> None:
    """Before 2021-08-18 `limit` is ignored by ListCustomerGroups and ListCustomers."""
    for name in "abc":
        seller.group(name, version=version)
        seller.ok("POST", CUSTOMERS, json={"given_name": name}, version=version)
    groups = seller.ok("GET", GROUPS, params={"limit": 1}, version=version)["groups"]
    customers = seller.ok("GET", CUSTOMERS, params={"limit": "x"}, version="2021-07-21")
    assert len(groups) == page
    assert len(customers["customers"]) == 3


@pytest.mark.parametrize(("version", "status"), [("2021-09-15", 200), ("2021-10-20", 400)])
def test_empty_update_body(seller: Api, version: str, status: int) -> None:
    """An empty UpdateCustomer body is 200 with the profile until 2021-10-20, then 400."""
    customer = seller.ok("POST", CUSTOMERS, json={"given_name": "A"}, version=version)["customer"]
    response = seller.request("PUT", f"{CUSTOMERS}/{customer['id']}", json={}, version=version)
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"customer": customer}
    else:
        assert error_of(response)["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("version", "email", "phone"),
    [("2022-02-16", "INVALID_VALUE", "INVALID_VALUE"),
     ("2022-03-16", "INVALID_EMAIL_ADDRESS", "INVALID_PHONE_NUMBER")],
)  # fmt: skip
def test_contact_error_codes(seller: Api, version: str, email: str, phone: str) -> None:
    """An invalid email or phone gets the specific codes from 2022-03-16, INVALID_VALUE before."""
    for body, code, field in (
        ({"given_name": "a", "email_address": "no-at-sign"}, email, "email_address"),
        ({"given_name": "a", "phone_number": "555-CALL-NOW%"}, phone, "phone_number"),
    ):
        response = seller.request("POST", CUSTOMERS, json=body, version=version)
        assert (response.status_code, error_of(response)["code"]) == (400, code)
        assert error_of(response)["field"] == field


@pytest.mark.parametrize(("version", "enforced"), [("2022-09-21", False), ("2022-10-19", True)])
def test_profile_constraints_of_2022_10_19(seller: Api, version: str, enforced: bool) -> None:
    """Phone digits, maximum lengths and MM-DD birthdays take effect in 2022-10-19."""
    cases = [
        ({"given_name": "a", "phone_number": "12"}, "INVALID_PHONE_NUMBER"),
        ({"given_name": "x" * 301}, "VALUE_TOO_LONG"),
        ({"company_name": "x" * 501}, "VALUE_TOO_LONG"),
        ({"given_name": "a", "reference_id": "r" * 101}, "VALUE_TOO_LONG"),
    ]
    for body, code in cases:
        response = seller.request("POST", CUSTOMERS, json=body, version=version)
        if enforced:
            assert (response.status_code, error_of(response)["code"]) == (400, code)
        else:
            assert response.status_code == 200
    response = seller.request(
        "POST", CUSTOMERS, json={"given_name": "a", "birthday": "09-21"}, version=version
    )
    if enforced:
        assert response.json()["customer"]["birthday"] == "0000-09-21"
    else:
        assert (response.status_code, error_of(response)["field"]) == (400, "birthday")


@pytest.mark.parametrize(
    ("version", "shown"),
    [("2022-09-21", "1998-09-21T00:00:00-00:00"), ("2022-10-19", "1998-09-21")],
)
def test_birthday_output(seller: Api, version: str, shown: str) -> None:
    """A birthday comes back as RFC 3339 with a midnight time before 2022-10-19, then as a date."""
    created = seller.ok(
        "POST", CUSTOMERS, json={"given_name": "a", "birthday": "1998-09-21"}, version=version
    )["customer"]
    assert created["birthday"] == shown
    listed = seller.ok("GET", CUSTOMERS, version=version)["customers"]
    searched = seller.ok("POST", f"{CUSTOMERS}/search", json={}, version=version)["customers"]
    assert [c["birthday"] for c in listed + searched] == [shown, shown]


@pytest.mark.parametrize(
    ("version", "status", "named"),
    [("2022-02-16", 200, None), ("2022-11-16", 400, "segment_ids"), ("2022-12-14", 400, "SEG1")],
)
def test_segment_filter(seller: Api, version: str, status: int, named: str | None) -> None:
    """segment_ids is ignored, then unrecognized, then (2022-12-14) a filter naming unknown ids."""
    body = {"query": {"filter": {"segment_ids": {"any": ["SEG1"]}}}}
    response = seller.request("POST", f"{CUSTOMERS}/search", json=body, version=version)
    assert response.status_code == status
    if named is not None:
        assert named in error_of(response)["detail"]


@pytest.mark.parametrize("version", ["2021-08-18", "2022-11-16", "2022-12-14"])
def test_cursor_lifetime(seller: Api, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under every version a cursor older than five minutes is 400 INVALID_CURSOR (the
    2022-12-14 note documents the lifetime; it dates no change)."""
    for name in "ab":
        seller.group(name, version=version)
    cursor = seller.ok("GET", GROUPS, params={"limit": 1}, version=version)["cursor"]
    assert seller.ok("GET", GROUPS, params={"cursor": cursor}, version=version)["groups"]
    later = clock.now() + timedelta(seconds=301)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = seller.request("GET", GROUPS, params={"cursor": cursor}, version=version)
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID_CURSOR")


@pytest.mark.parametrize("cursor", ["plain", "x.", ".123", "abc.12a", "abc.١٢"])
def test_forged_cursors_are_invalid(seller: Api, cursor: str) -> None:
    """A cursor the emulator never issued is 400 INVALID_CURSOR, whatever its shape."""
    response = seller.request("GET", GROUPS, params={"cursor": cursor}, version="2022-12-14")
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID_CURSOR")


def test_no_cards_field_on_either_side_of_2024_12_18(seller: Api) -> None:
    """A profile without cards on file has no `cards` field before or after its retirement."""
    for version in ("2024-11-20", "2024-12-18"):
        customer = seller.ok("POST", CUSTOMERS, json={"given_name": "a"}, version=version)
        assert "cards" not in customer["customer"]
