"""Group membership on customer profiles: `group_ids` (behaviour family membership).

behaviour group-ids-field; https://developer.squareup.com/docs/customer-groups-api/how-to-use-it
behaviour legacy-groups-field (Customer.groups until 2021-04-21): the release notes in
square/square-python-sdk CHANGELOG.md.
The other behaviours here (add twice, remove a non-member, unknown ids, deleting a group,
Customer.version) are assumed: no public source states them.
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import (
    Check,
    all_pages,
    expect_equal,
    expect_error,
    expect_status,
    expect_true,
    search_for_member,
)


def _group(check: Check) -> str:
    resp = check.client.create_group(check.new_name(), key=check.new_key())
    expect_status(resp, 200, "creating a group")
    return str(resp.body["group"]["id"])


def _customer(check: Check, reference: str | None = None) -> str:
    extra = {"reference_id": reference} if reference else None
    resp = check.client.create_customer(check.new_name("c"), extra=extra)
    expect_status(resp, 200, "creating a customer")
    return str(resp.body["customer"]["id"])


def _profile(check: Check, customer_id: str) -> dict[str, Any]:
    resp = check.judge(check.client.retrieve_customer(customer_id))
    expect_status(resp, 200, "retrieving the customer")
    customer: dict[str, Any] = resp.body["customer"]
    return customer


def _add(check: Check, customer_id: str, group_id: str) -> None:
    resp = check.judge(check.client.add_group(customer_id, group_id))
    expect_status(resp, 200, "from AddGroupToCustomer")
    expect_equal("AddGroupToCustomer body", {}, resp.body, resp)


@pytest.mark.check("group-ids-field", "AddGroupToCustomer", "add one group")
def test_add(check: Check) -> None:
    """After AddGroupToCustomer the group id is in the profile's group_ids."""
    cid, gid = _customer(check), _group(check)
    _add(check, cid, gid)
    ids = _profile(check, cid).get("group_ids")
    check.observe(group_ids="contains" if ids and gid in ids else "missing")
    expect_equal("group_ids", [gid], ids)


@pytest.mark.check("group-ids-field", "RetrieveCustomer", "absent when empty")
def test_absent_when_empty(check: Check) -> None:
    """A customer in no group has no group_ids field."""
    profile = _profile(check, _customer(check))
    check.observe(group_ids="absent" if "group_ids" not in profile else "present")
    expect_true("group_ids" not in profile, f"group_ids is {profile.get('group_ids')!r}")


@pytest.mark.check("group-ids-field", "AddGroupToCustomer", "several groups")
def test_several(check: Check) -> None:
    """A customer in three groups lists all three ids once each."""
    cid = _customer(check)
    gids = [_group(check) for _ in range(3)]
    for gid in gids:
        _add(check, cid, gid)
    ids = _profile(check, cid).get("group_ids") or []
    check.observe(count=len(ids))
    expect_equal("group_ids (as a set)", set(gids), set(ids))
    expect_equal("number of group_ids", 3, len(ids))


@pytest.mark.check("group-ids-field", "RemoveGroupFromCustomer", "remove a group")
def test_remove(check: Check) -> None:
    """After RemoveGroupFromCustomer the id is gone; with no group left the field is absent."""
    cid, keep, drop = _customer(check), _group(check), _group(check)
    _add(check, cid, keep)
    _add(check, cid, drop)
    resp = check.judge(check.client.remove_group(cid, drop))
    expect_status(resp, 200, "from RemoveGroupFromCustomer")
    expect_equal("group_ids after one removal", [keep], _profile(check, cid).get("group_ids"))
    expect_status(check.client.remove_group(cid, keep), 200, "removing the last group")
    profile = _profile(check, cid)
    check.observe(group_ids="absent" if "group_ids" not in profile else "present")
    expect_true("group_ids" not in profile, "group_ids stays after removing every group")


@pytest.mark.check("group-ids-field", "ListCustomers", "group_ids in list results")
def test_in_list(check: Check) -> None:
    """ListCustomers shows the customer's group_ids."""
    cid, gid = _customer(check), _group(check)
    _add(check, cid, gid)

    def mine() -> dict[str, Any] | None:
        customers = all_pages(check.client, "ListCustomers", "customers", 100)
        return next((c for c in customers if c.get("id") == cid), None)

    check.poll(
        mine,
        lambda c: c is not None and c.get("group_ids") == [gid],
        f"ListCustomers never showed customer {cid} with group_ids [{gid}]",
        kind="list",
    )
    check.observe(group_ids="contains")


@pytest.mark.check("group-ids-field", "SearchCustomers", "group_ids in search results")
def test_in_search(check: Check) -> None:
    """SearchCustomers results carry group_ids."""
    cid, gid = _customer(check), _group(check)
    _add(check, cid, gid)
    resp = search_for_member(
        check, cid, gid, f"SearchCustomers never returned customer {cid} for group {gid}"
    )
    expect_status(resp, 200)
    mine = next(c for c in resp.get("customers") or [] if c.get("id") == cid)
    check.observe(group_ids="contains" if gid in (mine.get("group_ids") or []) else "missing")
    expect_equal("group_ids in the search result", [gid], mine.get("group_ids"), resp)


@pytest.mark.check("legacy-groups-field", "RetrieveCustomer", "a member's groups field")
def test_legacy_groups(check: Check) -> None:
    """Before 2021-04-21 a member's profile lists its groups as {id, name}; later, no `groups`."""
    cid = _customer(check)
    resp = check.client.create_group(check.new_name(), key=check.new_key())
    expect_status(resp, 200, "creating a group")
    group = resp.body["group"]
    _add(check, cid, str(group["id"]))
    legacy = _profile(check, cid).get("groups")
    check.observe(groups="absent" if legacy is None else "present")
    if check.expect["outcome"] == "present":
        expect_equal("groups", [{"id": group["id"], "name": group["name"]}], legacy)
    else:
        expect_true(legacy is None, f"the retired `groups` field is there: {legacy!r}")


@pytest.mark.check("add-group-idempotent", "AddGroupToCustomer", "add the same group twice")
def test_add_twice(check: Check) -> None:
    """Adding a customer to a group twice succeeds and lists the group once."""
    cid, gid = _customer(check), _group(check)
    _add(check, cid, gid)
    again = check.judge(check.client.add_group(cid, gid))
    check.observe(second_status=again.status)
    expect = check.expect
    if expect["outcome"] == "rejected":
        expect_error(again, status=expect["status"], code=expect["code"])
    else:
        expect_status(again, expect["status"], "for the second add")
    expect_equal("group_ids", [gid], _profile(check, cid).get("group_ids"))


@pytest.mark.check("remove-group-not-member", "RemoveGroupFromCustomer", "remove a non-member")
def test_remove_not_member(check: Check) -> None:
    """Removing a customer from a group it is not in succeeds and changes nothing."""
    cid, gid = _customer(check), _group(check)
    before = _profile(check, cid)
    resp = check.judge(check.client.remove_group(cid, gid))
    expect = check.expect
    if expect["outcome"] == "rejected":
        expect_error(resp, status=expect["status"], code=expect["code"])
    else:
        expect_status(resp, expect["status"])
    after = _profile(check, cid)
    check.judge(resp)
    expect_equal("group_ids", before.get("group_ids"), after.get("group_ids"))
    expect_equal("version", before.get("version"), after.get("version"))


@pytest.mark.check("membership-unknown-ids", "{op}", "unknown {which}")
@pytest.mark.parametrize("which", ["customer", "group"])
@pytest.mark.parametrize("op", ["AddGroupToCustomer", "RemoveGroupFromCustomer"])
def test_unknown_ids(check: Check, op: str, which: str) -> None:
    """Add/Remove with an id that does not exist is 404 NOT_FOUND."""
    if which == "customer":
        cid, gid = check.unknown_id(), _group(check)
    else:
        cid, gid = _customer(check), check.unknown_id()
    if op == "AddGroupToCustomer":
        resp = check.client.add_group(cid, gid)
    else:
        resp = check.client.remove_group(cid, gid)
    check.judge(resp)
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check(
    "delete-group-removes-membership", "DeleteCustomerGroup", "delete a member's group"
)
def test_delete_group(check: Check) -> None:
    """Deleting a group removes its id from the member's group_ids."""
    cid, keep, doomed = _customer(check), _group(check), _group(check)
    _add(check, cid, keep)
    _add(check, cid, doomed)
    expect_status(check.client.delete_group(doomed), check.expect["status"], "deleting the group")
    ids = _profile(check, cid).get("group_ids")
    check.observe(group_ids="pruned" if ids == [keep] else "stale")
    expect_equal("group_ids after the group is deleted", [keep], ids)
    expect_status(check.client.delete_group(keep), 200, "deleting the last group")
    profile = _profile(check, cid)
    expect_true("group_ids" not in profile, "group_ids stays after its last group is deleted")


@pytest.mark.check("membership-bumps-version", "{op}", "Customer.version")
@pytest.mark.parametrize("op", ["AddGroupToCustomer", "RemoveGroupFromCustomer"])
def test_bumps_version(check: Check, op: str) -> None:
    """An effective add or remove increments Customer.version by one (where there is one)."""
    cid, gid = _customer(check), _group(check)
    if op == "RemoveGroupFromCustomer":
        _add(check, cid, gid)
    before = _profile(check, cid).get("version")
    if op == "AddGroupToCustomer":
        _add(check, cid, gid)
    else:
        expect_status(check.judge(check.client.remove_group(cid, gid)), 200)
    after = _profile(check, cid).get("version")
    if before is None and after is None:
        check.observe(version_change="no version")
    else:
        bumped = isinstance(before, int) and after == before + 1
        check.observe(version_change="+1" if bumped else "none")
    outcome = check.expect["outcome"]
    if outcome == "no-version":
        expect_true(after is None, f"the profile has a version ({after}) before it exists")
    elif outcome == "increments":
        expect_equal("Customer.version after the change", (before or 0) + 1, after)
    else:
        expect_equal("Customer.version after the change", before, after)
