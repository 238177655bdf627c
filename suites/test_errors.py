"""Error envelopes, request bodies and routing (behaviour family errors).

behaviour error-shape; https://developer.squareup.com/docs/build-basics/handling-errors
invalid-json-body, content-type-ignored; https://github.com/square/in-app-payments-flutter-plugin/issues/104
and (a 415 for text/plain) https://github.com/square/square-php-sdk/issues/105
wrong-value-type; https://github.com/square/connect-nodejs-sdk/issues/71
unknown-route, unsupported-method; a real 404 quoted in
https://github.com/StevenMMortimer/modernr/blob/master/apis-coding-against-the-web/apis-coding-against-the-web.md
Each check judges one row, so it carries that row's basis: that a body which is no JSON object
is refused at all is inferred (malformed-body-refused), which code it gets is assumed
(body-not-object).
"""

from __future__ import annotations

import json

import pytest

from squarecheck.checks import (
    Check,
    acceptance,
    expect_equal,
    expect_error,
    expect_match,
    expect_status,
    expect_true,
    group_names,
)
from squarecheck.checks.discounts import Shop
from squarecheck.target.client import Response

GROUPS = "/v2/customers/groups"
FORM = "application/x-www-form-urlencoded"


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


def _post(check: Check, content: str | bytes, content_type: str | None) -> Response:
    headers = {"Content-Type": content_type} if content_type else None
    return check.judge(check.client.request(
        "CreateCustomerGroup", "POST", GROUPS, content=content, headers=headers,
    ))  # fmt: skip


INVALID_JSON = {
    "truncated JSON": ('{"group": {"name": ', "application/json"),
    "form-encoded body": ("cardholder_name=NAME", FORM),
}


@pytest.mark.check("invalid-json-body", "CreateCustomerGroup", "{case}")
@pytest.mark.parametrize("case", list(INVALID_JSON))
def test_invalid_json(check: Check, case: str) -> None:
    """A body that is not JSON is 400 BAD_REQUEST naming the line and character, whatever its type."""  # noqa: E501
    content, content_type = INVALID_JSON[case]
    resp = _post(check, content.replace("NAME", check.new_name()), content_type)
    expect = check.expect
    first = expect_error(
        resp, status=expect["status"], code=expect["code"], category=expect["category"]
    )
    expect_match("errors[0].detail", expect["detail_pattern"], first.get("detail"), resp)


@pytest.mark.check("content-type-ignored", "CreateCustomerGroup", "JSON sent as {content_type}")
@pytest.mark.parametrize("content_type", ["text/plain", FORM])
def test_content_type_ignored(check: Check, content_type: str) -> None:
    """A valid JSON body sent as another Content-Type is processed as JSON, or refused with
    415 and nothing created: Square has given both answers."""
    name = check.new_name()
    resp = _post(check, f'{{"group": {{"name": "{name}"}}}}', content_type)
    expect = check.expect
    refused = expect.get("refused_status")
    check.observe(outcome=acceptance(resp))
    if refused is not None and resp.status == refused:
        expect_true(bool(resp.first_error()), "the refusal has no errors[] envelope", resp)
        expect_true(name not in group_names(check.client), "the refused group was created", resp)
        return
    also = f" or {refused}" if refused is not None else ""
    expect_status(resp, expect["status"], f"{also} (the body is JSON, sent as {content_type})")
    expect_equal("group.name", name, (resp.get("group") or {}).get("name"), resp)


@pytest.mark.check("wrong-value-type", "CreateCustomerGroup", "name not a string")
def test_wrong_value_type(check: Check) -> None:
    """A non-string group name is 400 EXPECTED_STRING."""
    resp = _post(check, '{"group": {"name": 7}}', "application/json")
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


NOT_OBJECTS = {"an array": '["a group"]', "a string": '"a group"', "empty": ""}


@pytest.mark.check("malformed-body-refused", "CreateCustomerGroup", "body is {case}")
@pytest.mark.parametrize("case", list(NOT_OBJECTS))
def test_not_an_object_is_refused(check: Check, case: str) -> None:
    """A body that is no JSON object gets a 4xx Square error."""
    resp = _post(check, NOT_OBJECTS[case], "application/json")
    check.observe(outcome=acceptance(resp))
    expect_true(400 <= resp.status < 500, f"{resp.operation} answered {resp.status}", resp)
    expect_true(bool(resp.first_error()), "the refusal has no errors[] envelope", resp)


@pytest.mark.check("body-not-object", "CreateCustomerGroup", "error for a body that is {case}")
@pytest.mark.parametrize("case", list(NOT_OBJECTS))
def test_not_an_object_code(check: Check, case: str) -> None:
    """A body that is no JSON object is 400 EXPECTED_JSON_BODY."""
    resp = _post(check, NOT_OBJECTS[case], "application/json")
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("body-too-large", "CreateCustomerGroup", "body one byte over the limit")
def test_body_too_large(check: Check) -> None:
    """A body one byte over 1 MiB is 413 REQUEST_ENTITY_TOO_LARGE and creates nothing.

    The body is padded with JSON whitespace, not a long name: a target that takes it creates
    a group of a short name, where a 1 MiB name would swell a listing that another check
    (another worker) reads meanwhile past --max-body."""
    expect = check.expect
    name = check.new_name("big")
    frame = '{"group": {"name": "' + name + '"}}'
    padding = int(expect["max_body_bytes"]) + 1 - len(frame)
    content = frame[:-1] + " " * padding + frame[-1:]
    resp = _post(check, content.encode("utf-8"), "application/json")
    check.observe(outcome=acceptance(resp))
    created = (resp.get("group") or {}).get("id") if resp.status < 300 else None
    if created:
        check.client.delete_group(str(created))
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
    expect_true(name not in group_names(check.client), "the group was created")


@pytest.mark.check("integral-numbers", "SearchCustomers", "limit written as 2.0")
def test_integral_number(check: Check) -> None:
    """An integer body field written 2.0 is taken as 2."""
    resp = check.judge(check.client.request(
        "SearchCustomers", "POST", "/v2/customers/search", content='{"limit": 2.0}',
    ))  # fmt: skip
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "accepted":
        expect_status(resp, expect["status"], "(2.0 is the integer 2)")
    else:
        expect_error(resp, status=expect["status"], code=expect["code"])


@pytest.mark.check("integral-numbers", "UpsertCatalogObject", "a price written as 1.5e3")
def test_integral_number_in_exponent_form(check: Check) -> None:
    """A variation's price written 1.5e3 is taken as 1500 and answered as the integer 1500."""
    item = Shop.open(check).item("#item", 1500)
    text = json.dumps({"idempotency_key": check.new_key(), "object": item})
    text = text.replace('"amount": 1500', '"amount": 1.5e3')
    resp = check.judge(check.client.request(
        "UpsertCatalogObject", "POST", "/v2/catalog/object", content=text,
    ))  # fmt: skip
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] != "accepted":
        expect_error(resp, status=expect["status"], code=expect["code"])
        return
    expect_status(resp, expect["status"], "(1.5e3 is the integer 1500)")
    variations = resp.body["catalog_object"]["item_data"].get("variations") or [{}]
    price = (variations[0].get("item_variation_data") or {}).get("price_money") or {}
    answered = price.get("amount")
    exact = isinstance(answered, int) and not isinstance(answered, bool) and answered == 1500
    expect_true(exact, f"the price is answered as {answered!r}, not as the integer 1500", resp)


def _route_miss(check: Check, method: str, path: str) -> None:
    resp = check.judge(check.client.request("UnknownRoute", method, path, validate=False))
    expect = check.expect
    first = expect_error(
        resp, status=expect["status"], code=expect["code"], category=expect["category"]
    )
    match = expect_match("errors[0].detail", expect["detail_pattern"], first.get("detail"), resp)
    expect_equal("path named in the detail", path, match.group("path"), resp)
    expect_equal("method named in the detail", method, match.group("method"), resp)


@pytest.mark.check("unknown-route", "UnknownRoute", "unknown path")
def test_unknown_path(check: Check) -> None:
    """An unknown path is 404 NOT_FOUND naming the path and method."""
    _route_miss(check, "GET", "/v2/customers/groups-sqc-nowhere/x")


@pytest.mark.check("unsupported-method", "UnknownRoute", "{method} on a known path")
@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_unsupported_method(check: Check, method: str) -> None:
    """A known path with a method it does not serve is 404 NOT_FOUND, like an unknown path."""
    path = GROUPS if method == "PATCH" else f"{GROUPS}/{check.unknown_id()}"
    _route_miss(check, method, path)
