"""The fuzz suite judges by Square's own schema: a request breaking only squarecheck's own
constraints may be accepted, and a valid request refused as malformed is a failure.

The empty catalog id of BatchDeleteCatalogObjects once failed every default run of a server
that follows Square's schema (`minLength: 1` was squarecheck's own); a server that refuses
valid requests once passed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
import schemathesis
from requests.structures import CaseInsensitiveDict

from squarecheck.fuzz import Fuzzer
from squarecheck.fuzz.conformance import business_codes
from squarecheck.fuzz.runner import failures_of, schema_for
from squarecheck.fuzz.square import square_problems
from tests.support.selftest import Seller

NEW = "2022-03-16"


def _case(operation_id: str, version: str, **parts: Any) -> Any:
    operation = schema_for(version).find_operation_by_id(operation_id)  # type: ignore[attr-defined]
    return operation.Case(media_type="application/json", **parts)


BATCHES = ["BatchDeleteCatalogObjects", "BatchRetrieveCatalogObjects"]


@pytest.mark.parametrize("operation_id", BATCHES)
def test_an_empty_catalog_id_is_no_violation_of_squares_schema(operation_id: str) -> None:
    """`object_ids: [""]` and `[]` break only squarecheck's own constraints; a number does not."""
    assert square_problems(_case(operation_id, NEW, body={"object_ids": [""]}), NEW) == []
    assert square_problems(_case(operation_id, NEW, body={"object_ids": []}), NEW) == []
    assert square_problems(_case(operation_id, NEW, body={"object_ids": [5]}), NEW)
    assert square_problems(_case(operation_id, NEW, body={}), NEW)


def test_version_bounds_are_squares_int64_not_a_minimum() -> None:
    """A negative `version` is Square-valid (int64); one beyond int64 is not."""
    case = _case("DeleteCustomer", NEW, path_parameters={"customer_id": "C"})
    case.query = {"version": -1}
    assert square_problems(case, NEW) == []
    case.query = {"version": 2**63}
    assert square_problems(case, NEW)
    case.query = {"version": "x"}
    assert square_problems(case, NEW)


def test_limits_are_squares_from_2022_03_16_only() -> None:
    """An out-of-range limit is no violation before 2022-03-16 (it was ignored), one after."""
    case = _case("ListCustomerGroups", NEW)
    case.query = {"limit": 0}
    assert square_problems(case, NEW)
    assert square_problems(case, "2021-08-18") == []


def test_business_answers_are_known_per_operation() -> None:
    """NOT_FOUND everywhere; a stale version for UpdateCustomer; INVALID_CURSOR for lists."""
    assert "NOT_FOUND" in business_codes("CreateCustomerGroup", NEW)
    assert "VERSION_MISMATCH" in business_codes("UpdateCustomer", NEW)
    assert "INVALID_CURSOR" in business_codes("ListCustomers", NEW)
    assert "VALUE_TOO_LONG" not in business_codes("CreateCustomerGroup", NEW)
    # a pricing rule naming no discount, a stale order, a reused key: answers about the world
    assert "INVALID_VALUE" in business_codes("BatchUpsertCatalogObjects", NEW)
    assert "VERSION_MISMATCH" in business_codes("UpdateOrder", NEW)
    assert "IDEMPOTENCY_KEY_REUSED" in business_codes("CreateOrder", NEW)


def _findings(seller: Seller, operation_id: str, examples: int = 2) -> list[Any]:
    return Fuzzer(seller.client(NEW), examples).run_operation(operation_id).findings


def test_a_server_refusing_valid_requests_is_caught(seller_on: Callable[..., Seller]) -> None:
    """With fault group-name-strict, generated valid CreateCustomerGroup requests (their names
    carry the run's prefix, hyphens and all) are refused and the fuzz suite says so; the clean
    emulator takes them."""
    assert _findings(seller_on(), "CreateCustomerGroup") == []
    found = _findings(seller_on("group-name-strict"), "CreateCustomerGroup")
    assert found and all(f.mode == "positive" for f in found)
    assert all("valid_request_accepted" in f.message for f in found)
    assert "INVALID_VALUE" in found[0].message


def _answer(case: Any, status: int, body: Any) -> schemathesis.Response:
    sent = requests.PreparedRequest()
    sent.method, sent.url = "POST", "http://127.0.0.1/v2/customers/groups"
    sent.body = json.dumps(case.body).encode()
    sent.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
    return schemathesis.Response(
        status_code=status,
        headers={"content-type": ["application/json"]},
        content=json.dumps(body).encode(),
        request=sent,
        elapsed=0.0,
        verify=True,
    )


def test_an_answer_is_judged_in_one_pass_unless_it_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check runs in one pass; only a failing answer is judged again, versionless checks
    apart from versioned ones, so that each failure says whether versions may compare it."""
    case = _case("CreateCustomerGroup", NEW, body={"group": {"name": "VIP"}})
    passes: list[object] = []
    validate = type(case).validate_response

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        passes.append(kwargs.get("checks"))
        validate(self, *args, **kwargs)

    monkeypatch.setattr(type(case), "validate_response", counted)
    stamp = "2022-03-16T00:00:00Z"
    group = {"id": "G1", "name": "VIP", "created_at": stamp, "updated_at": stamp}
    assert failures_of(case, _answer(case, 200, {"group": group})) == []
    assert len(passes) == 1
    passes.clear()
    error = {"errors": [{"category": "API_ERROR", "code": "INTERNAL_SERVER_ERROR"}]}
    found = failures_of(case, _answer(case, 500, error))
    assert len(passes) == 3
    assert {f.title for f, _ in found} == {"Server error", "Undocumented status code"}
    assert all(versionless for _, versionless in found)
