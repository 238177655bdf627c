"""Paging through lists: limit, cursor, out-of-range limits (behaviour family pagination).

behaviour list-groups-pagination (spec-head); limit-out-of-range (spec 2022-02-16 vs 2022-03-16);
invalid-cursor (assumed). https://developer.squareup.com/docs/build-basics/common-api-patterns/pagination
"""

from __future__ import annotations

from collections import Counter

import pytest

from squarecheck.checks import (
    Check,
    acceptance,
    expect_equal,
    expect_error,
    expect_status,
    expect_true,
    settled,
)
from squarecheck.target.client import Client, Response

OWN_GROUPS = 7
PAGE = 3
# Maximum page sizes of the customer listings: ListCustomers and SearchCustomersRequest `limit`
# 1-100 (square/connect-api-specification api.json, spec-head); the groups' comes from the table.
CUSTOMER_MAX_LIMIT = 100
OPS = ["ListCustomerGroups", "ListCustomers", "SearchCustomers"]


def _list(client: Client, op: str, limit: int | None, cursor: str | None = None) -> Response:
    if op == "ListCustomerGroups":
        return client.list_groups(limit=limit, cursor=cursor)
    if op == "ListCustomers":
        return client.list_customers(limit=limit, cursor=cursor)
    body: dict[str, object] = {"limit": limit} if limit is not None else {}
    if cursor is not None:
        body["cursor"] = cursor
    return client.search_customers(body)


def _page_through(check: Check, created: set[str]) -> None:
    """Follow cursors with limit PAGE; every own group must show up exactly once."""
    seen: Counter[str] = Counter()
    cursor, pages = None, 0
    while True:
        resp = check.judge(check.client.list_groups(limit=PAGE, cursor=cursor))
        expect_status(resp, 200)
        groups = resp.get("groups") or []
        expect_true(len(groups) <= PAGE, f"a page holds {len(groups)} groups, limit {PAGE}", resp)
        seen.update(g["id"] for g in groups if g.get("id") in created)
        # a cursor promises more results: following one to an empty page breaks that promise
        expect_true(pages == 0 or bool(groups), "a cursor led to an empty page", resp)
        pages += 1
        cursor = resp.get("cursor")
        if not cursor:
            break
        expect_true(pages < 10_000, "the cursor never ends", resp)
    expect_equal("own groups seen", created, set(seen), resp)
    twice = sorted(gid for gid, n in seen.items() if n > 1)
    expect_equal("own groups seen more than once", [], twice, resp)


@pytest.mark.check("list-groups-pagination", "ListCustomerGroups", "every page with limit")
def test_pages(check: Check) -> None:
    """Paging with a small limit and the cursor shows every own group exactly once."""
    created = set()
    for _ in range(OWN_GROUPS):
        resp = check.client.create_group(check.new_name(), key=check.new_key())
        expect_status(resp, 200, "creating the groups to page through")
        created.add(resp.body["group"]["id"])
    settled(lambda: _page_through(check, created))
    check.observe(each_once=True, last_page_cursor="absent")


@pytest.mark.check("list-groups-pagination", "ListCustomerGroups", "limit caps the page")
def test_limit_one(check: Check) -> None:
    """The smallest limit returns at most that many groups and a cursor while more exist."""
    for _ in range(2):
        expect_status(check.client.create_group(check.new_name()), 200, "creating groups")
    resp = check.judge(check.client.list_groups(limit=check.expect["min_limit"]))
    expect_status(resp, 200)
    groups = resp.get("groups") or []
    # the limit "is advisory" (fewer may come back) but caps the page (list-groups-pagination)
    limit = check.expect["min_limit"]
    expect_true(len(groups) <= limit, f"limit={limit} returned {len(groups)} groups", resp)
    expect_true(bool(resp.get("cursor")), "no cursor although more groups exist", resp)
    check.observe(page_size=len(groups), cursor="present")


@pytest.mark.check("limit-out-of-range", "{op}", "limit {side}")
@pytest.mark.parametrize("side", ["too low", "too high"])
@pytest.mark.parametrize("op", OPS)
def test_limit_out_of_range(check: Check, op: str, side: str) -> None:
    """An out-of-range limit is ignored or refused with VALUE_TOO_LOW/HIGH, per version."""
    if side == "too low":
        limit = check.expect_of("list-groups-pagination")["min_limit"] - 1
    elif op == "ListCustomerGroups":
        limit = check.expect_of("list-groups-pagination")["max_limit"] + 1
    else:
        limit = CUSTOMER_MAX_LIMIT + 1
    resp = check.judge(_list(check.client, op, limit))
    expect = check.expect
    check.observe(outcome=acceptance(resp))
    if expect["outcome"] == "rejected":
        code = expect["code_low"] if side == "too low" else expect["code_high"]
        first = expect_error(resp, status=expect["status"], code=code, category=expect["category"])
        expect_equal("errors[0].field", expect["field"], first.get("field"), resp)
    else:
        expect_status(resp, expect["status"], "(an out-of-range limit is ignored)")


@pytest.mark.check("invalid-cursor", "{op}", "unknown cursor")
@pytest.mark.parametrize("op", OPS)
def test_invalid_cursor(check: Check, op: str) -> None:
    """A cursor the target never issued is 400 INVALID_CURSOR."""
    resp = check.judge(_list(check.client, op, None, cursor="sqc-not-a-cursor"))
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
