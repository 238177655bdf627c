"""The emulator on both sides of the changes the table lacked: 2020-05-28 (a release, and the
SearchCustomers text filters), 2021-06-16 (an item needs a variation), 2021-10-20 (tax_ids),
2022-11-16 (sparse address updates, X-Clear-Null), the custom_attribute filter (2022-12-14),
and the stale-version answer and int64 query versions of DeleteCustomer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.commerce import CATALOG, key
from tests.support.emulator import Api, error_of

CUSTOMERS = "/v2/customers"
SEARCH = "/v2/customers/search"
HOME = {"address_line_1": "1 Main St", "locality": "Springfield", "postal_code": "12345"}


@pytest.fixture
def seller(server: EmulatorServer) -> Iterator[Api]:
    """A fresh seller; each request names its own version."""
    client = Api(server.url, None)
    yield client
    client.close()


def _customer(api: Api, version: str, **fields: Any) -> dict[str, Any]:
    body = {"given_name": "Ann", **fields}
    customer: dict[str, Any] = api.ok("POST", CUSTOMERS, json=body, version=version)["customer"]
    return customer


def test_2020_05_28_is_a_release(seller: Api) -> None:
    """2020-05-28 (python SDK tag 5.3.0.20200528) is served and echoed, not refused."""
    response = seller.request("GET", "/v2/customers/groups", version="2020-05-28")
    assert response.status_code == 200, response.text
    assert response.headers["square-version"] == "2020-05-28"


@pytest.mark.parametrize(("version", "filtered"), [("2020-04-22", False), ("2020-05-28", True)])
def test_reference_id_filter_from_2020_05_28(seller: Api, version: str, filtered: bool) -> None:
    """Before 2020-05-28 a reference_id filter is ignored; from it on it selects."""
    wanted = _customer(seller, version, reference_id="r-1")["id"]
    other = _customer(seller, version, reference_id="r-2")["id"]
    query = {"query": {"filter": {"reference_id": {"exact": "r-1"}}}}
    found = {c["id"] for c in seller.ok("POST", SEARCH, json=query, version=version)["customers"]}
    assert found == ({wanted} if filtered else {wanted, other})


@pytest.mark.parametrize(
    ("version", "status"), [("2022-02-16", 200), ("2022-03-16", 400), ("2022-12-14", 200)]
)
def test_custom_attribute_filter_history(seller: Api, version: str, status: int) -> None:
    """custom_attribute is ignored, then an unrecognized field, then (2022-12-14) a filter."""
    body: dict[str, Any] = {"query": {"filter": {"custom_attribute": {"filters": []}}}}
    response = seller.request("POST", SEARCH, json=body, version=version)
    assert response.status_code == status, response.text
    if status == 400:
        assert error_of(response)["field"] == "custom_attribute"


@pytest.mark.parametrize(("version", "stored"), [("2021-09-15", False), ("2021-10-20", True)])
def test_tax_ids_from_2021_10_20(seller: Api, version: str, stored: bool) -> None:
    """tax_ids is ignored and never shown before 2021-10-20, stored and returned from it on."""
    customer = _customer(seller, version, tax_ids={"eu_vat": "IE3426675K"})
    assert ("tax_ids" in customer) is stored
    again = seller.ok("GET", f"{CUSTOMERS}/{customer['id']}", version="2022-03-16")["customer"]
    assert ("tax_ids" in again) is stored


@pytest.mark.parametrize(("version", "merged"), [("2022-10-19", False), ("2022-11-16", True)])
def test_address_update_replaces_then_merges(seller: Api, version: str, merged: bool) -> None:
    """Before 2022-11-16 an address replaces the stored one; from it on it is merged."""
    customer = _customer(seller, version, address=HOME)
    path = f"{CUSTOMERS}/{customer['id']}"
    body = {"address": {"locality": "Shelbyville"}}
    updated = seller.ok("PUT", path, json=body, version=version)["customer"]
    expected = {**HOME, "locality": "Shelbyville"} if merged else {"locality": "Shelbyville"}
    assert updated["address"] == expected


def test_sparse_address_null_member_removes_it(seller: Api) -> None:
    """From 2022-11-16 a member sent as null is removed; the others stay."""
    customer = _customer(seller, "2022-11-16", address=HOME)
    body = {"address": {"postal_code": None}}
    path = f"{CUSTOMERS}/{customer['id']}"
    updated = seller.ok("PUT", path, json=body, version="2022-11-16")["customer"]
    assert updated["address"] == {"address_line_1": "1 Main St", "locality": "Springfield"}


@pytest.mark.parametrize(
    ("version", "body", "headers", "cleared"),
    [
        ("2022-10-19", {"address": {}}, {}, True),
        ("2022-10-19", {"address": None}, {}, True),
        ("2022-11-16", {"address": None}, {}, False),
        ("2022-11-16", {"address": None}, {"X-Clear-Null": "true"}, True),
        ("2022-11-16", {"address": {}}, {}, False),
    ],
)
def test_address_clear(
    seller: Api, version: str, body: dict[str, Any], headers: dict[str, str], cleared: bool
) -> None:
    """Before 2022-11-16 `{}` (or null) removes the address; from it on only null with
    `X-Clear-Null: true` does."""
    customer = _customer(seller, version, address=HOME)
    path = f"{CUSTOMERS}/{customer['id']}"
    response = seller.request("PUT", path, json=body, version=version, headers=headers)
    assert response.status_code == 200, response.text
    assert ("address" not in response.json()["customer"]) is cleared


def _bare_item(client_id: str = "#bare") -> dict[str, Any]:
    return {"type": "ITEM", "id": client_id, "item_data": {"name": "Bare"}}


@pytest.mark.parametrize(("version", "status"), [("2021-05-13", 200), ("2021-06-16", 400)])
def test_item_needs_a_variation_from_2021_06_16(seller: Api, version: str, status: int) -> None:
    """An item created without a variation is refused from 2021-06-16, accepted before."""
    body = {"idempotency_key": key(), "object": _bare_item()}
    response = seller.request("POST", f"{CATALOG}/object", json=body, version=version)
    assert response.status_code == status, response.text
    if status == 400:
        error = error_of(response)
        assert (error["code"], error["category"]) == (
            "MISSING_REQUIRED_PARAMETER",
            "INVALID_REQUEST_ERROR",
        )
        assert error["field"] == "object.item_data.variations"


def test_item_with_a_variation_of_its_batch_is_created(seller: Api) -> None:
    """A variation may come as an object of the same batch that names the item."""
    data = {"item_id": "#bare", "name": "Small", "pricing_type": "FIXED_PRICING",
            "price_money": {"amount": 100, "currency": "USD"}}  # fmt: skip
    variation = {"type": "ITEM_VARIATION", "id": "#v", "item_variation_data": data}
    body = {"idempotency_key": key(), "batches": [{"objects": [_bare_item(), variation]}]}
    response = seller.request("POST", f"{CATALOG}/batch-upsert", json=body, version="2022-03-16")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("raw", "code"),
    [("9223372036854775807", "VERSION_MISMATCH"), ("9223372036854775808", "INVALID_VALUE")],
)
def test_delete_customer_takes_every_int64_version(seller: Api, raw: str, code: str) -> None:
    """A 19-digit version within int64 is a version (here a stale one); beyond int64 it is no
    integer."""
    customer = _customer(seller, "2022-03-16")
    path = f"{CUSTOMERS}/{customer['id']}"
    response = seller.request("DELETE", path, params={"version": raw}, version="2022-03-16")
    assert (response.status_code, error_of(response)["code"]) == (400, code)
