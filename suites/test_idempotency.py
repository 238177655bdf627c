"""Idempotency keys on CreateCustomerGroup (behaviour family idempotency).

behaviour idempotency-key-reuse; https://developer.squareup.com/docs/customer-groups-api/what-it-does#migration-notes
behaviour idempotency-distinct-keys; https://developer.squareup.com/docs/build-basics/common-api-patterns/idempotency
"""

from __future__ import annotations

import pytest

from squarecheck.checks import (
    Check,
    expect_equal,
    expect_error,
    expect_status,
    expect_true,
    group_names,
    settled,
)

CASES = {"same body": False, "another name": True}


@pytest.mark.check("idempotency-key-reuse", "CreateCustomerGroup", "key reused with {case}")
@pytest.mark.parametrize("case", list(CASES))
def test_key_reuse(check: Check, case: str) -> None:
    """A reused idempotency key replays the original group or is refused, per version."""
    key, first_name = check.new_key(), check.new_name()
    first = check.client.create_group(first_name, key=key)
    expect_status(first, 200, "for the first use of the key")
    original = first.body["group"]
    second_name = check.new_name() if CASES[case] else first_name
    again = check.judge(check.client.create_group(second_name, key=key))
    expect = check.expect
    if expect["outcome"] == "replay":
        check.observe(outcome="replayed" if again.status == 200 else "error")
        expect_status(again, expect["status"], "with the original group")
        group = again.body.get("group") or {}
        for field in ("id", "name", "created_at"):
            expect_equal(f"replayed group.{field}", original.get(field), group.get(field), again)
    else:
        check.observe(outcome="error" if again.status >= 400 else "replayed")
        first_error = expect_error(
            again, status=expect["status"], code=expect["code"], category=expect["category"]
        )
        expect_equal("errors[0].detail", expect["detail"], first_error.get("detail"), again)

    def counted() -> None:
        names = group_names(check.client)
        expect_equal(f"groups named {first_name!r}", 1, names.count(first_name))
        if CASES[case]:
            expect_true(second_name not in names, f"a second group {second_name!r} was created")

    settled(counted)


@pytest.mark.check("idempotency-distinct-keys", "CreateCustomerGroup", "distinct keys")
def test_distinct_keys(check: Check) -> None:
    """Two creates with different keys and the same name make two distinct groups."""
    name = check.new_name()
    one = check.client.create_group(name, key=check.new_key())
    two = check.judge(check.client.create_group(name, key=check.new_key()))
    expect_status(one, check.expect["status"])
    expect_status(two, check.expect["status"])
    ids = {one.body["group"]["id"], two.body["group"]["id"]}
    check.observe(outcome="created" if len(ids) == 2 else "replayed")
    expect_equal("distinct group ids", 2, len(ids), two)
    settled(
        lambda: expect_equal(f"groups named {name!r}", 2, group_names(check.client).count(name))
    )


@pytest.mark.check("idempotency-distinct-keys", "CreateCustomerGroup", "no key")
def test_no_key(check: Check) -> None:
    """Two creates without any key make two distinct groups."""
    name = check.new_name()
    one = check.client.create_group(name)
    two = check.judge(check.client.create_group(name))
    expect_status(one, check.expect["status"])
    expect_status(two, check.expect["status"])
    same = one.body["group"]["id"] == two.body["group"]["id"]
    check.observe(outcome="replayed" if same else "created")
    expect_true(not same, "two creates without a key returned the same group", two)


@pytest.mark.check(
    "idempotency-replay-after-delete", "CreateCustomerGroup", "key of a deleted group"
)
def test_key_after_delete(check: Check) -> None:
    """A key whose group was deleted still counts: an error before 2022-03-16, a replay after."""
    key, first_name = check.new_key(), check.new_name()
    first = check.client.create_group(first_name, key=key)
    expect_status(first, 200, "for the first use of the key")
    original = first.body["group"]
    expect_status(check.client.delete_group(original["id"]), 200, "deleting the group")
    again = check.judge(check.client.create_group(check.new_name(), key=key))
    expect = check.expect
    replayed = again.status == 200 and (again.get("group") or {}).get("id") == original["id"]
    check.observe(outcome="replayed" if replayed else "error" if again.status >= 400 else "created")
    if expect["outcome"] == "replay":
        expect_status(again, expect["status"], "with the original response")
        expect_equal("replayed group.id", original["id"], again.body["group"].get("id"), again)
    elif expect["outcome"] == "error":
        expect_error(again, status=expect["status"], code=expect["code"])
    else:
        expect_status(again, expect["status"], "(the key was released with its group)")
        expect_true(not replayed, "the deleted group was replayed", again)


@pytest.mark.check("create-customer-idempotency", "CreateCustomer", "key reused with another name")
def test_customer_key_reuse(check: Check) -> None:
    """A reused CreateCustomer key returns the first profile, even for another name."""
    key = check.new_key()
    first = check.client.create_customer(check.new_name("c"), {"idempotency_key": key})
    expect_status(first, 200, "for the first use of the key")
    original = first.body["customer"]
    again = check.judge(check.client.create_customer(check.new_name("c"), {"idempotency_key": key}))
    expect = check.expect
    same = again.status == 200 and (again.get("customer") or {}).get("id") == original["id"]
    check.observe(outcome="replayed" if same else "error" if again.status >= 400 else "created")
    if expect["outcome"] == "replay":
        expect_status(again, expect["status"], "with the first profile")
        for field in ("id", "given_name", "created_at"):
            got = again.body["customer"].get(field)
            expect_equal(f"replayed customer.{field}", original.get(field), got, again)
    else:
        expect_error(again, status=expect["status"], code=expect["code"])
