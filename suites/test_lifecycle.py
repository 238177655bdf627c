"""Create, retrieve, update and delete a customer group (behaviour family lifecycle).

behaviour group-lifecycle (spec-head); group-not-found (handling-errors);
group-name-refused (Square's SDK sandbox tests); group-name-required (assumed: the codes)
"""

from __future__ import annotations

from typing import Any, Literal

import pytest

from squarecheck.checks import (
    Check,
    acceptance,
    expect_equal,
    expect_error,
    expect_status,
    expect_true,
)
from squarecheck.target.client import Response

GROUP_FIELDS = ("id", "name", "created_at", "updated_at")


def _created(check: Check) -> dict[str, Any]:
    resp = check.client.create_group(check.new_name(), key=check.new_key())
    expect_status(resp, 200, "creating a group")
    group: dict[str, Any] = resp.body["group"]
    return group


@pytest.mark.check("group-lifecycle", "CreateCustomerGroup", "create returns the group")
def test_create(check: Check) -> None:
    """Create returns the group with its id, name and timestamps."""
    name = check.new_name()
    resp = check.judge(check.client.create_group(name, key=check.new_key()))
    expect_status(resp, check.expect["status"])
    group = resp.get("group") or {}
    for field in GROUP_FIELDS:
        expect_true(bool(group.get(field)), f"group.{field} is missing", resp)
    expect_equal("group.name", name, group.get("name"), resp)
    check.observe(fields=sorted(k for k in group if k in GROUP_FIELDS))


@pytest.mark.check("group-lifecycle", "RetrieveCustomerGroup", "retrieve returns the group")
def test_retrieve(check: Check) -> None:
    """Retrieve returns the group exactly as created."""
    group = _created(check)
    resp = check.judge(check.client.retrieve_group(group["id"]))
    expect_status(resp, check.expect["status"])
    for field in ("id", "name", "created_at"):
        expect_equal(f"group.{field}", group[field], resp.body["group"].get(field), resp)


@pytest.mark.check("group-lifecycle", "UpdateCustomerGroup", "update renames the group")
def test_update(check: Check) -> None:
    """Update changes the name, keeps id and created_at, and a retrieve sees the new name."""
    group = _created(check)
    new_name = check.new_name("renamed")
    resp = check.judge(check.client.update_group(group["id"], new_name))
    expect_status(resp, check.expect["status"])
    updated = resp.body["group"]
    expect_equal("group.name", new_name, updated.get("name"), resp)
    expect_equal("group.id", group["id"], updated.get("id"), resp)
    expect_equal("group.created_at", group["created_at"], updated.get("created_at"), resp)
    again = check.client.retrieve_group(group["id"])
    expect_status(again, 200)
    expect_equal("retrieved name", new_name, again.body["group"].get("name"), again)


@pytest.mark.check("group-lifecycle", "DeleteCustomerGroup", "delete returns an empty object")
def test_delete(check: Check) -> None:
    """Delete answers 200 with an empty object."""
    group = _created(check)
    resp = check.judge(check.client.delete_group(group["id"]))
    expect_status(resp, check.expect["status"])
    expect_equal("delete body", {}, resp.body, resp)
    check.observe(body="{}" if resp.body == {} else "other")


def _operate(check: Check, op: str, group_id: str) -> Response:
    if op == "RetrieveCustomerGroup":
        return check.client.retrieve_group(group_id)
    if op == "UpdateCustomerGroup":
        return check.client.update_group(group_id, check.new_name())
    return check.client.delete_group(group_id)


NOT_FOUND_OPS = ["RetrieveCustomerGroup", "UpdateCustomerGroup", "DeleteCustomerGroup"]


@pytest.mark.check("group-not-found", "{op}", "deleted group")
@pytest.mark.parametrize("op", NOT_FOUND_OPS)
def test_deleted_group(check: Check, op: str) -> None:
    """A group id is 404 NOT_FOUND once the group is deleted."""
    group = _created(check)
    expect_status(check.client.delete_group(group["id"]), 200, "deleting the group")
    resp = check.judge(_operate(check, op, group["id"]))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("group-not-found", "{op}", "unknown group id")
@pytest.mark.parametrize("op", NOT_FOUND_OPS)
def test_unknown_group(check: Check, op: str) -> None:
    """An id no group ever had is 404 NOT_FOUND."""
    resp = check.judge(_operate(check, op, check.unknown_id()))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


NAMELESS: dict[str, tuple[dict[str, Any], Literal["code_missing", "code_empty"]]] = {
    "no group": ({}, "code_missing"),
    "no name": ({"group": {}}, "code_missing"),
    "empty name": ({"group": {"name": ""}}, "code_empty"),
}


def _nameless(check: Check, op: str, case: str) -> Response:
    body = NAMELESS[case][0]
    if op == "CreateCustomerGroup":
        return check.client.create_group(None, body={**body, "idempotency_key": check.new_key()})
    return check.client.update_group(_created(check)["id"], None, body=body)


@pytest.mark.check("group-name-refused", "{op}", "{case} refused")
@pytest.mark.parametrize("case", list(NAMELESS))
@pytest.mark.parametrize("op", ["CreateCustomerGroup", "UpdateCustomerGroup"])
def test_name_refused(check: Check, op: str, case: str) -> None:
    """A body without a usable group name gets a 4xx Square error."""
    resp = check.judge(_nameless(check, op, case))
    check.observe(outcome=acceptance(resp))
    expect_true(400 <= resp.status < 500, f"{resp.operation} answered {resp.status}", resp)
    expect_true(bool(resp.first_error()), "the refusal has no errors[] envelope", resp)


@pytest.mark.check("group-name-required", "{op}", "{case}")
@pytest.mark.parametrize("case", list(NAMELESS))
@pytest.mark.parametrize("op", ["CreateCustomerGroup", "UpdateCustomerGroup"])
def test_name_required(check: Check, op: str, case: str) -> None:
    """A body without a usable group name is refused with a 400."""
    code_key = NAMELESS[case][1]
    resp = check.judge(_nameless(check, op, case))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect[code_key], category=expect["category"])
