"""Unrecognized fields in request bodies (behaviour family unrecognized-fields).

behaviour unrecognized-field; https://developer.squareup.com/docs/customer-groups-api/what-it-does#migration-notes
behaviour customers-unrecognized-field; https://developer.squareup.com/docs/changelog/connect-logs/2022-03-16
Where the error points (unrecognized-field-position, inferred) and which of several fields it
names (unrecognized-field-order, assumed) are checks of their own, each with its row's basis.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from squarecheck.checks import (
    Check,
    acceptance,
    expect_equal,
    expect_error,
    expect_match,
    expect_status,
    expect_true,
    fail,
    group_names,
    key_positions,
)
from squarecheck.spec.table import load_table
from squarecheck.target.client import Response

VALUES: dict[str, Any] = {
    "string": "surprise",
    "number": 42,
    "object": {"nested": True},
    "array": [1, "two"],
    "null": None,
    "bool": True,
}
GROUP_OPS = ["CreateCustomerGroup", "UpdateCustomerGroup"]


def _send(
    check: Check, op: str, unknown: dict[str, Any], nested: dict[str, Any]
) -> tuple[Response, str, str | None]:
    """Send Create or Update with unknown fields; returns (response, name sent, group id)."""
    name = check.new_name()
    if op == "CreateCustomerGroup":
        resp = check.client.create_group(
            name, key=check.new_key(), extra=unknown, group_extra=nested
        )
        return resp, name, None
    original = check.client.create_group(check.new_name("orig"))
    expect_status(original, 200, "creating the group to update")
    gid = str(original.body["group"]["id"])
    resp = check.client.update_group(gid, name, extra=unknown, group_extra=nested)
    return resp, name, gid


def _judge(check: Check, op: str, unknown: dict[str, Any], nested: dict[str, Any]) -> None:
    """Send the body and judge it against the table's expectation for this version."""
    resp, name, gid = _send(check, op, unknown, nested)
    check.judge(resp)
    names = list(unknown) + list(nested)
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        first = expect_error(
            resp, status=expect["status"], code=expect["code"], category=expect["category"]
        )
        match = expect_match(
            "errors[0].detail", expect["detail_pattern"], first.get("detail"), resp
        )
        field = match.group("field")
        # the field's own name; a dotted path to it (group.x) would name it as well
        bare = field.rsplit(".", 1)[-1]
        check.observe(field=bare)
        expect_true(bare in names, f"detail names {field!r}, which was not sent as unknown", resp)
        expect_equal("errors[0].field", field, first.get("field"), resp)
        _expect_nothing_changed(check, op, name, gid)
    else:
        expect_status(resp, expect["status"], "(unrecognized fields are ignored)")
        group = resp.get("group") or {}
        for unknown_name in names:
            expect_true(
                unknown_name not in group and unknown_name not in (resp.body or {}),
                f"the unknown field {unknown_name!r} is echoed in the response",
                resp,
            )
        expect_equal("group.name", name, group.get("name"), resp)


def _expect_nothing_changed(check: Check, op: str, name: str, gid: str | None) -> None:
    """A rejected body neither created a group nor changed the one addressed."""
    if gid is None:
        expect_true(name not in group_names(check.client), f"a group named {name!r} was created")
        return
    current = check.client.retrieve_group(gid)
    expect_status(current, 200, "retrieving the group after the rejected update")
    if current.body["group"].get("name") == name:
        raise fail("the rejected update changed the group's name", current)


@pytest.mark.check("unrecognized-field", "{op}", "unrecognized top-level field ({kind})")
@pytest.mark.parametrize("kind", list(VALUES))
@pytest.mark.parametrize("op", GROUP_OPS)
def test_top_level_field(check: Check, op: str, kind: str) -> None:
    """The target handles an unknown top-level field of each JSON type as the version says."""
    _judge(check, op, {"sqc_unknown": VALUES[kind]}, {})


@pytest.mark.check("unrecognized-field", "{op}", "unrecognized field in group ({kind})")
@pytest.mark.parametrize("kind", ["string", "object", "null"])
@pytest.mark.parametrize("op", GROUP_OPS)
def test_nested_field(check: Check, op: str, kind: str) -> None:
    """The target handles an unknown field inside `group` as the version says."""
    _judge(check, op, {}, {"sqc_unknown": VALUES[kind]})


@pytest.mark.check("unrecognized-field", "{op}", "several unrecognized fields")
@pytest.mark.parametrize("op", GROUP_OPS)
def test_several_fields(check: Check, op: str) -> None:
    """The target handles several unknown fields at once as the version says."""
    _judge(check, op, {"sqc_alpha": 1, "sqc_beta": [True]}, {"sqc_gamma": "x"})


def _newest_pattern() -> str:
    """The error format as the table documents it, whichever version a check runs under."""
    return str(load_table()["unrecognized-field"].newest_expect()["detail_pattern"])


PLACES = {"top level": ({"sqc_unknown": 1}, {}), "inside group": ({}, {"sqc_unknown": 1})}


@pytest.mark.check("unrecognized-field-position", "{op}", "error position ({place})")
@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("op", GROUP_OPS)
def test_exact_position(check: Check, op: str, place: str) -> None:
    """The error gives the 1-based line and character of the unknown field's opening quote."""
    expect = check.expect
    unknown, nested = PLACES[place]
    resp, _, _ = _send(check, op, unknown, nested)
    check.judge(resp)
    pattern = _newest_pattern()
    body = resp.exchange.request["body"] or ""
    line, col, name = key_positions(body, ["sqc_unknown"])[0]
    check.observe(outcome=_position_reported(resp, pattern, (name, line, col)))
    if expect["outcome"] == "none":
        expect_status(resp, 200, "(no position: unrecognized fields are ignored)")
        return
    first = expect_error(resp, status=400)
    match = expect_match("errors[0].detail", pattern, first.get("detail"), resp)
    got = (int(match.group("line")), int(match.group("character")))
    expect_equal("line and character of the field's opening quote", (line, col), got, resp)


@pytest.mark.check("unrecognized-field-order", "{op}", "which of several fields is named")
@pytest.mark.parametrize("op", GROUP_OPS)
def test_first_field_in_body_order(check: Check, op: str) -> None:
    """Of several unknown fields, one error names the first in body order."""
    expect = check.expect
    resp, _, _ = _send(check, op, {"sqc_late": 1}, {"sqc_early": 2})
    check.judge(resp)
    pattern = _newest_pattern()
    body = resp.exchange.request["body"] or ""
    line, col, name = key_positions(body, ["sqc_late", "sqc_early"])[0]
    errors = resp.body.get("errors") if isinstance(resp.body, dict) else None
    check.observe(named=str(resp.first_error().get("field") or "none"))
    if expect["outcome"] == "none":
        expect_status(resp, 200, "(no field named: unrecognized fields are ignored)")
        return
    first = expect_error(resp, status=400)
    match = expect_match("errors[0].detail", pattern, first.get("detail"), resp)
    expect_equal("the field named", name, match.group("field").rsplit(".", 1)[-1], resp)
    expect_equal("number of errors", expect["errors"], len(errors or []), resp)


def _position_reported(resp: Response, pattern: str, first: tuple[str, int, int]) -> str:
    """What the response says about the position, whatever the version expects."""
    if 200 <= resp.status < 300:
        return "none"
    match = re.match(pattern, str(resp.first_error().get("detail") or "")) if pattern else None
    if match is None:
        return "unparsed"
    field = match.group("field").rsplit(".", 1)[-1]
    got = (field, int(match.group("line")), int(match.group("character")))
    return "exact" if got == first else "inexact"


@pytest.mark.check("customers-unrecognized-field", "{op}", "unrecognized top-level field")
@pytest.mark.parametrize("op", ["CreateCustomer", "SearchCustomers"])
def test_customers_field(check: Check, op: str) -> None:
    """CreateCustomer and SearchCustomers handle an unknown field as the version says."""
    expect = check.expect
    unknown = {"sqc_unknown": "surprise"}
    if op == "CreateCustomer":
        given = check.new_name("c")
        resp = check.client.create_customer(given, extra=unknown)
    else:
        resp = check.client.search_customers({"limit": 1, **unknown})
    check.judge(resp)
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        first = expect_error(
            resp, status=expect["status"], code=expect["code"], category=expect["category"]
        )
        match = expect_match(
            "errors[0].detail", expect["detail_pattern"], first.get("detail"), resp
        )
        expect_equal("the field named", "sqc_unknown", match.group("field"), resp)
        expect_equal("errors[0].field", "sqc_unknown", first.get("field"), resp)
    else:
        expect_status(resp, expect["status"], "(unrecognized fields are ignored)")
        echoed = resp.get("customer") or {}
        expect_true("sqc_unknown" not in echoed, "the unknown field is echoed", resp)


@pytest.mark.check(
    "update-customer-unrecognized-field", "UpdateCustomer", "unrecognized top-level field"
)  # noqa: E501
def test_update_customer_field(check: Check) -> None:
    """UpdateCustomer ignores an unknown top-level field and applies the rest of the body."""
    created = check.client.create_customer(check.new_name("c"))
    expect_status(created, 200, "creating the customer to update")
    customer_id = str(created.body["customer"]["id"])
    resp = check.judge(check.client.update_customer(
        customer_id, {"note": "sqc note", "sqc_unknown": "surprise"}
    ))  # fmt: skip
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        expect_error(resp, status=expect["status"], code=expect["code"])
        return
    expect_status(resp, expect["status"], "(unrecognized fields are ignored)")
    customer = resp.get("customer") or {}
    expect_true("sqc_unknown" not in customer, "the unknown field is echoed", resp)
    expect_equal("customer.note", "sqc note", customer.get("note"), resp)
