"""Error envelopes, malformed bodies and unknown routes (behaviour family errors).

behaviour error-shape; https://developer.squareup.com/docs/build-basics/handling-errors
bad-request-body and unknown-route are assumed: Square documents the codes, not the triggers.
"""

from __future__ import annotations

from typing import Literal

import pytest

from squarecheck.checks import Check, ConformanceFailure, expect_error, expect_status, expect_true
from squarecheck.target.client import Response


@pytest.mark.check("error-shape", "{op}", "error envelope")
@pytest.mark.parametrize("op", ["RetrieveCustomerGroup", "UpdateCustomerGroup"])
def test_envelope(check: Check, op: str) -> None:
    """An error body is {"errors": [...]} whose first error's status matches the response."""
    unknown = check.unknown_id()
    if op == "RetrieveCustomerGroup":
        resp = check.client.retrieve_group(unknown)
    else:
        resp = check.client.update_group(unknown, check.new_name())
    check.judge(resp)
    first = expect_error(resp, status=404)  # the body itself was validated by the client
    expect_true(bool(first.get("category")), "errors[0].category is missing", resp)


BodyCode = Literal[
    "code_invalid_json", "code_not_object", "code_wrong_type_string", "code_content_type"
]
BAD_BODIES: dict[str, tuple[str, str, BodyCode]] = {
    "invalid JSON": ('{"group": {"name": ', "application/json", "code_invalid_json"),
    "not an object": ('["a group"]', "application/json", "code_not_object"),
    "name not a string": ('{"group": {"name": 7}}', "application/json", "code_wrong_type_string"),
    "text content type": ('{"group": {"name": "NAME"}}', "text/plain", "code_content_type"),
}


@pytest.mark.check("bad-request-body", "CreateCustomerGroup", "{case}")
@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_body(check: Check, case: str) -> None:
    """A malformed or ill-typed body is a Square-shaped 400 with the table's code."""
    content, content_type, code_key = BAD_BODIES[case]
    content = content.replace("NAME", check.new_name())  # should it be accepted: a run's name
    resp = check.judge(
        check.client.request(
            "CreateCustomerGroup",
            "POST",
            "/v2/customers/groups",
            content=content,
            headers={"Content-Type": content_type},
        )
    )
    # Enforced whatever the basis (see the table's note): a Square-shaped client error.
    if not 400 <= resp.status < 500:
        raise ConformanceFailure(
            f"a malformed body must be a 4xx client error; {resp.operation} answered {resp.status}",
            operation=resp.operation,
            version=check.version,
            behaviour="error-shape",
        )
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect[code_key], category=expect["category"])


def _raw(check: Check, method: str, path: str) -> Response:
    return check.client.request("UnknownRoute", method, path, validate=False)


@pytest.mark.check("unknown-route", "UnknownRoute", "unknown path")
def test_unknown_path(check: Check) -> None:
    """An unknown path is 404 NOT_FOUND."""
    resp = check.judge(_raw(check, "GET", "/v2/customers/groups-sqc-nowhere/x"))
    expect_status(resp, check.expect["status_path"])
    expect_error(resp, status=check.expect["status_path"], code=check.expect["code_path"])


@pytest.mark.check("unknown-route", "UnknownRoute", "unsupported method")
def test_unknown_method(check: Check) -> None:
    """A known path with an unsupported method is 405 METHOD_NOT_ALLOWED."""
    resp = check.judge(_raw(check, "PATCH", "/v2/customers/groups"))
    expect_error(resp, status=check.expect["status_method"], code=check.expect["code_method"])
