"""Authentication and seller isolation (behaviour family auth).

behaviour auth-required, seller-isolation; https://developer.squareup.com/docs/build-basics/handling-errors
"""

from __future__ import annotations

import pytest

from squarecheck.checks import Check, all_pages, expect_error, expect_status, expect_true


@pytest.mark.check("auth-required", "{op}", "no access token")
@pytest.mark.parametrize("op", ["ListCustomerGroups", "CreateCustomerGroup"])
def test_missing_token(check: Check, op: str) -> None:
    """A request without an Authorization header is 401 UNAUTHORIZED."""
    anonymous = check.anonymous()
    if op == "ListCustomerGroups":
        resp = anonymous.list_groups(limit=1)
    else:
        resp = anonymous.create_group(check.new_name(), key=check.new_key())
    check.judge(resp)
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


@pytest.mark.check("seller-isolation", "RetrieveCustomerGroup", "another seller's group")
def test_retrieve_isolated(check: Check) -> None:
    """A second seller cannot retrieve the first seller's group (404)."""
    other = check.other_seller()
    resp = check.client.create_group(check.new_name(), key=check.new_key())
    expect_status(resp, 200, "creating a group")
    seen = check.judge(other.retrieve_group(resp.body["group"]["id"]))
    expect_error(seen, status=check.expect["status"], code=check.expect["code"])


@pytest.mark.check("seller-isolation", "ListCustomerGroups", "another seller's list")
def test_list_isolated(check: Check) -> None:
    """A second seller's group list does not contain the first seller's group."""
    other = check.other_seller()
    resp = check.client.create_group(check.new_name(), key=check.new_key())
    expect_status(resp, 200, "creating a group")
    gid = resp.body["group"]["id"]
    groups = all_pages(other, "ListCustomerGroups", "groups", 50)
    leaked = any(g.get("id") == gid for g in groups)
    check.observe(isolated=not leaked)
    expect_true(not leaked, f"the second seller's list contains group {gid}")
