"""Customer profiles across their history (behaviour family profiles).

Customer.version (2021-04-21), the empty UpdateCustomer body (2021-10-20; both from the
square/square-python-sdk CHANGELOG.md release notes), contact error codes (2022-03-16,
https://developer.squareup.com/docs/changelog/connect-logs/2022-03-16), phone digits, lengths and
birthdays (2022-10-19, https://developer.squareup.com/docs/changelog/connect-logs/2022-10-19),
tax_ids (2021-10-20), sparse address updates and X-Clear-Null (2022-11-16,
https://developer.squareup.com/docs/changelog/connect-logs/2022-11-16), the retired `cards`
(2025-01-23) and `count` (2023-07-20, every version).
"""

from __future__ import annotations

import re
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

CUSTOMERS = "/v2/customers"


def _create(check: Check, **fields: Any) -> Response:
    """CreateCustomer with a run-prefixed given_name unless the fields name one."""
    given = fields.pop("given_name", check.new_name("c"))
    return check.client.create_customer(given, extra=fields)


def _created(check: Check, **fields: Any) -> dict[str, Any]:
    resp = _create(check, **fields)
    expect_status(resp, 200, "creating a customer")
    customer: dict[str, Any] = resp.body["customer"]
    return customer


def _retrieved(check: Check, customer_id: str) -> dict[str, Any]:
    resp = check.client.retrieve_customer(customer_id)
    expect_status(resp, 200, "retrieving the customer")
    customer: dict[str, Any] = resp.body["customer"]
    return customer


@pytest.mark.check("customer-version-field", "CreateCustomer", "a new profile's version")
def test_new_version(check: Check) -> None:
    """A new profile has version 0 (from 2021-04-21) or no version at all (before)."""
    resp = check.judge(_create(check))
    expect_status(resp, 200, "creating a customer")
    version = resp.body["customer"].get("version")
    check.observe(version="absent" if version is None else version)
    if check.expect["outcome"] == "absent":
        expect_true(version is None, f"the profile has a version ({version}) before it exists")
    else:
        expect_equal("customer.version", check.expect["initial_value"], version, resp)


@pytest.mark.check("customer-version-field", "UpdateCustomer", "version after an update")
def test_updated_version(check: Check) -> None:
    """An update adds one to the version (where there is one)."""
    customer = _created(check)
    resp = check.judge(check.client.update_customer(customer["id"], {"note": "sqc note"}))
    expect_status(resp, 200, "updating the customer")
    before, after = customer.get("version"), resp.body["customer"].get("version")
    check.observe(version="absent" if after is None else "present")
    if check.expect["outcome"] == "absent":
        expect_true(after is None, f"the profile has a version ({after}) before it exists")
    else:
        expect_equal("customer.version after one update", (before or 0) + 1, after, resp)


@pytest.mark.check("customer-version-mismatch", "{op}", "stale version")
@pytest.mark.parametrize("op", ["UpdateCustomer", "DeleteCustomer"])
def test_stale_version(check: Check, op: str) -> None:
    """A request naming a stale version is refused and changes nothing (or, before the field
    existed, goes through)."""
    customer = _created(check)
    bumped = check.client.update_customer(customer["id"], {"note": "one"})
    expect_status(bumped, 200, "updating the customer once")
    if op == "UpdateCustomer":
        resp = check.client.update_customer(customer["id"], {"note": "two", "version": 0})
    else:
        resp = check.client.delete_customer(customer["id"], version=0)
    check.judge(resp)
    check.observe(outcome=acceptance(resp))
    expect = check.expect
    if expect["outcome"] == "rejected":
        expect_error(resp, status=expect["status"], code=expect["code"])
        note = _retrieved(check, customer["id"]).get("note")
        expect_equal("note after the refused request", "one", note)
    else:
        expect_status(resp, expect["status"], "(`version` is no field yet)")


@pytest.mark.check(
    "create-customer-needs-a-field", "CreateCustomer", "no name, company, email or phone"
)  # noqa: E501
def test_needs_a_field(check: Check) -> None:
    """A profile without a name, company, email or phone is refused with 400 BAD_REQUEST."""
    resp = check.judge(check.client.request(
        "CreateCustomer", "POST", CUSTOMERS, json_body={"note": check.new_name("nobody")}
    ))  # fmt: skip
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("update-customer-empty-body", "UpdateCustomer", "empty body")
def test_empty_update(check: Check) -> None:
    """An empty body is 400 BAD_REQUEST from 2021-10-20; before, 200 with the unchanged profile."""
    customer = _created(check)
    resp = check.judge(check.client.update_customer(customer["id"], {}))
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        expect_error(
            resp, status=expect["status"], code=expect["code"], category=expect["category"]
        )
        return
    expect_status(resp, expect["status"], "(an empty update was accepted until 2021-10-20)")
    shown = resp.get("customer") or {}
    expect_equal("customer.id", customer["id"], shown.get("id"), resp)
    expect_equal("customer.given_name", customer["given_name"], shown.get("given_name"), resp)


INVALID_CONTACTS: dict[str, tuple[str, str, Literal["code_email", "code_phone"]]] = {
    "email": ("email_address", "no-at-sign.example.com", "code_email"),
    "phone": ("phone_number", "555-CALL-NOW%", "code_phone"),
}


@pytest.mark.check("customer-contact-validation", "{op}", "invalid {which}")
@pytest.mark.parametrize("which", list(INVALID_CONTACTS))
@pytest.mark.parametrize("op", ["CreateCustomer", "UpdateCustomer"])
def test_invalid_contact(check: Check, op: str, which: str) -> None:
    """An invalid email or phone is 400 with the version's code (no source says which `field`
    the error names, so that is not judged)."""
    field, value, code_key = INVALID_CONTACTS[which]
    if op == "CreateCustomer":
        resp = _create(check, **{field: value})
    else:
        resp = check.client.update_customer(_created(check)["id"], {field: value})
    check.judge(resp)
    expect = check.expect
    first = expect_error(resp, status=expect["status"], code=expect[code_key])
    check.observe(field=first.get("field"))


@pytest.mark.check("customer-phone-validity", "{op}", "a two-digit phone number")
@pytest.mark.parametrize("op", ["CreateCustomer", "UpdateCustomer"])
def test_phone_digits(check: Check, op: str) -> None:
    """A phone number of two digits is refused from 2022-10-19 and kept as sent before."""
    if op == "CreateCustomer":
        resp = _create(check, phone_number="12")
    else:
        resp = check.client.update_customer(_created(check)["id"], {"phone_number": "12"})
    check.judge(resp)
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":  # no source says which `field` the error names
        first = expect_error(resp, status=expect["status"], code=expect["code"])
        check.observe(field=first.get("field"))
    else:
        expect_status(resp, expect["status"], "(the digits were not counted before 2022-10-19)")
        expect_equal("phone_number", "12", (resp.get("customer") or {}).get("phone_number"), resp)


def _email(length: int) -> str:
    """A plausible address of exactly `length` characters: a local part of at most 64
    characters and domain labels of at most 63 (RFC 5321), ending in example.com."""
    domain = "example.com"
    local = min(64, length - 1 - len(domain))
    rest = length - 1 - local - len(domain)
    labels = []
    while rest > 0:
        if rest == 1:  # no room for a label and its dot: move one character to it
            local, rest = local - 1, rest + 1
            continue
        size = min(63, rest - 1)
        labels.append("x" * size + ".")
        rest -= size + 1
    return "s" * local + "@" + "".join(labels) + domain


def _of_length(check: Check, field: str, length: int) -> str:
    """A valid value for `field` of exactly `length` characters (a run-prefixed name)."""
    if field == "email_address":
        return _email(length)
    base = check.new_name("long")
    return (base + "x" * length)[:length] if length >= len(base) else "x" * length


LIMITED = ("given_name", "family_name", "company_name", "nickname", "email_address", "reference_id")


@pytest.mark.check("customer-field-lengths", "CreateCustomer", "{field} over its maximum")
@pytest.mark.parametrize("field", LIMITED)
def test_field_length(check: Check, field: str) -> None:
    """A value one character over the documented maximum is 400 VALUE_TOO_LONG from 2022-10-19
    and kept as sent before."""
    maximum = int(check.behaviour.newest_expect()["max"][field])
    value = _of_length(check, field, maximum + 1)
    resp = check.judge(_create(check, **{field: value}))
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        expect_error(resp, status=expect["status"], code=expect["code"], field=field)
        return
    expect_status(resp, 200, f"for a {field} of {len(value)} characters")
    expect_equal(field, value, (resp.get("customer") or {}).get(field), resp)


#: RFC 3339 midnight with a zero offset: the spec's examples write -00:00, Z and +00:00 say
#: the same (behaviour customer-birthday-output)
MIDNIGHT = r"T00:00:00(\.0+)?(Z|[+-]00:00)"


def _birthday_shown_as(check: Check, stored: str, shown: Any, resp: Response) -> None:
    """`shown` is how the version shows a stored YYYY-MM-DD birthday: the date itself, or
    before 2022-10-19 that date at midnight (behaviour customer-birthday-output)."""
    if check.expect_of("customer-birthday-output")["format"] == "date":
        expect_equal("birthday", stored, shown, resp)
        return
    ok = isinstance(shown, str) and re.fullmatch(re.escape(stored) + MIDNIGHT, shown) is not None
    expect_true(ok, f"birthday {resp.shown(shown)} is not {stored} at midnight (RFC 3339)", resp)


@pytest.mark.check("customer-birthday-input", "CreateCustomer", "birthday without a year")
def test_birthday_without_year(check: Check) -> None:
    """MM-DD is accepted (year 0000) from 2022-10-19 and refused before."""
    resp = check.judge(_create(check, birthday="09-21"))
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        expect_error(resp, status=expect["status"], code=expect["code"], field="birthday")
        return
    expect_status(resp, expect["status"], "(MM-DD is a birthday without a year)")
    shown = (resp.get("customer") or {}).get("birthday")
    _birthday_shown_as(check, "0000-09-21", shown, resp)


@pytest.mark.check("customer-birthday-output", "{op}", "birthday format")
@pytest.mark.parametrize("op", ["CreateCustomer", "RetrieveCustomer"])
def test_birthday_format(check: Check, op: str) -> None:
    """The birthday comes back as YYYY-MM-DD, or before 2022-10-19 with a midnight time."""
    resp = _create(check, birthday="1998-09-21")
    if op == "RetrieveCustomer":
        expect_status(resp, 200, "creating the customer")
        resp = check.client.retrieve_customer(resp.body["customer"]["id"])
    check.judge(resp)
    expect_status(resp, 200)
    shown = str((resp.get("customer") or {}).get("birthday"))
    check.observe(format="date" if len(shown) == 10 else "timestamp" if "T" in shown else "other")
    _birthday_shown_as(check, "1998-09-21", shown, resp)


@pytest.mark.check("customer-cards-field", "RetrieveCustomer", "a profile without cards")
def test_no_cards(check: Check) -> None:
    """A profile without cards on file has no `cards` field."""
    resp = check.judge(check.client.retrieve_customer(_created(check)["id"]))
    expect_status(resp, 200)
    cards = (resp.get("customer") or {}).get("cards", "absent")
    check.observe(cards="absent" if cards == "absent" else "empty list" if cards == [] else "some")
    if check.expect["outcome"] == "empty-list":
        expect_equal("cards", [], cards, resp)
    else:
        expect_equal("cards", "absent", cards, resp)


@pytest.mark.check("customer-count", "ListCustomers", "count of profiles")
def test_count(check: Check) -> None:
    """ListCustomers with count=true answers the number of profiles in `count`."""
    _created(check)
    resp = check.poll(
        lambda: check.judge(
            check.client.request("ListCustomers", "GET", CUSTOMERS, params={"count": "true"})
        ),  # fmt: skip
        lambda r: r.status != 200 or (isinstance(r.get("count"), int) and r.get("count") >= 1),
        "ListCustomers never counted the new profile",
    )
    expect_status(resp, check.expect["status"])
    count = resp.get("count")
    check.observe(count="present" if isinstance(count, int) else "absent")
    expect_true(isinstance(count, int) and count >= 1, f"count is {count!r}", resp)


HOME = {"address_line_1": "1 Main St", "locality": "Springfield", "postal_code": "12345"}


@pytest.mark.check("customer-address-update", "UpdateCustomer", "an address with one field")
def test_address_update(check: Check) -> None:
    """An address sent to UpdateCustomer replaces the stored one (before 2022-11-16) or is
    merged into it (sparse, from 2022-11-16)."""
    customer = _created(check, address=HOME)
    resp = check.judge(
        check.client.update_customer(customer["id"], {"address": {"locality": "Shelbyville"}})
    )
    expect_status(resp, check.expect["status"], "updating one address field")
    address = (resp.get("customer") or {}).get("address") or {}
    merged = address.get("address_line_1") == HOME["address_line_1"]
    check.observe(outcome="merged" if merged else "replaced")
    expected = {**HOME, "locality": "Shelbyville"}
    if check.expect["outcome"] != "merged":
        expected = {"locality": "Shelbyville"}
    expect_equal("address", expected, {k: address.get(k) for k in expected}, resp)
    if check.expect["outcome"] != "merged":
        expect_true(not merged, "the fields left out of the new address were kept", resp)


@pytest.mark.check("customer-address-clear", "UpdateCustomer", "remove the address")
def test_address_clear(check: Check) -> None:
    """The documented way to remove an address removes it: an empty object before 2022-11-16,
    null with `X-Clear-Null: true` from 2022-11-16."""
    customer = _created(check, address=HOME)
    path = f"{CUSTOMERS}/{customer['id']}"
    if check.expect["clear_with"] == "empty-object":
        body, headers = '{"address": {}}', None
    else:
        body, headers = '{"address": null}', {"X-Clear-Null": "true"}
    resp = check.judge(check.client.request(
        "UpdateCustomer", "PUT", path, content=body, headers=headers
    ))  # fmt: skip
    expect_status(resp, check.expect["status"], f"for {body}")
    address = (resp.get("customer") or {}).get("address")
    check.observe(outcome="cleared" if not address else "kept")
    expect_true(not address, f"the address is still there after {body}: {address!r}", resp)


@pytest.mark.check("customer-tax-ids", "CreateCustomer", "a profile with tax_ids")
def test_tax_ids(check: Check) -> None:
    """tax_ids sent with CreateCustomer is kept and returned from 2021-10-20; before, it is
    ignored."""
    tax_ids = {"eu_vat": "IE3426675K"}
    resp = check.judge(_create(check, tax_ids=tax_ids))
    expect_status(resp, check.expect["status"], "creating a customer with tax_ids")
    shown = (resp.get("customer") or {}).get("tax_ids")
    check.observe(outcome="stored" if shown else "ignored")
    if check.expect["outcome"] == "stored":
        expect_equal("tax_ids", tax_ids, shown, resp)
    else:
        expect_true(shown is None, f"tax_ids {resp.shown(shown)} before the field exists", resp)
