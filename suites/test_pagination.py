"""Paging through lists: limit, cursor, out-of-range limits (behaviour family pagination).

behaviour list-groups-pagination (spec-head); limit-out-of-range (spec 2022-02-16 vs 2022-03-16);
list-limit-parameter (2021-08-18 release notes); cursor-lifetime (2022-12-14 changelog);
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


def _has_limit(check: Check) -> bool:
    """Whether the list operations take a `limit` under the check's version."""
    return bool(check.expect_of("list-limit-parameter")["outcome"] == "applied")


def _page_through(check: Check, created: set[str]) -> None:
    """Follow cursors (with limit PAGE where there is a limit); every own group shows up once."""
    seen: Counter[str] = Counter()
    cursor, pages = None, 0
    size = PAGE if _has_limit(check) else check.expect["default_limit"]
    while True:
        limit = PAGE if size == PAGE else None
        resp = check.judge(check.client.list_groups(limit=limit, cursor=cursor))
        expect_status(resp, 200)
        groups = resp.get("groups") or []
        expect_true(len(groups) <= size, f"a page holds {len(groups)} groups, limit {size}", resp)
        ids = [g.get("id") for g in groups]
        # a cursor promises more results: an empty page, or one of groups already listed
        # (a cursor leading back), breaks that promise; said at once, not after 10,000 pages
        expect_true(pages == 0 or bool(groups), "a cursor led to an empty page", resp)
        own = [i for i in ids if i in created]
        repeated = bool(own) and all(seen[i] for i in own)
        expect_true(not repeated, "a cursor led back to groups already listed", resp)
        seen.update(own)
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
    """Paging with a small limit (where there is one) and the cursor shows every own group once."""
    created = set()
    for _ in range(OWN_GROUPS):
        resp = check.client.create_group(check.new_name(), key=check.new_key())
        expect_status(resp, 200, "creating the groups to page through")
        created.add(resp.body["group"]["id"])
    settled(lambda: _page_through(check, created))
    check.observe(each_once=True, last_page_cursor="absent")


@pytest.mark.check("list-limit-parameter", "{op}", "limit 1")
@pytest.mark.parametrize("op", ["ListCustomerGroups", "ListCustomers"])
def test_limit_one(check: Check, op: str) -> None:
    """`limit=1` caps the page at one item with a cursor; before the parameter, it is ignored."""
    for _ in range(2):
        if op == "ListCustomerGroups":
            made = check.client.create_group(check.new_name())
        else:
            made = check.client.create_customer(check.new_name("c"))
        expect_status(made, 200, "creating items to list")
    resp = check.judge(_list(check.client, op, 1))
    expect = check.expect
    expect_status(resp, expect["status"])
    items = resp.get("groups" if op == "ListCustomerGroups" else "customers") or []
    check.observe(page_size="one" if len(items) == 1 else "more")
    if expect["outcome"] == "applied":
        # the limit "is advisory" (fewer may come back) but caps the page
        expect_true(len(items) <= 1, f"limit=1 returned {len(items)} items", resp)
        expect_true(bool(resp.get("cursor")), "no cursor although more items exist", resp)
    else:
        expect_true(len(items) >= 2, f"limit=1 was applied: {len(items)} items", resp)


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


@pytest.mark.check("cursor-lifetime", "SearchCustomers", "cursor used within its lifetime")
def test_cursor_within_lifetime(check: Check) -> None:
    """A cursor used within its lifetime continues the search (its expiry takes minutes)."""
    reference = check.new_name("ref")
    for _ in range(2):
        made = check.client.create_customer(check.new_name("c"), {"reference_id": reference})
        expect_status(made, 200, "creating customers to page through")
    body = {"limit": 1, "query": {"filter": {"reference_id": {"exact": reference}}}}
    first = check.poll(
        lambda: check.client.search_customers(body),
        lambda r: r.status != 200 or bool(r.get("cursor")),
        "SearchCustomers never returned a first page with a cursor",
    )
    expect_status(first, 200, "searching the first page")
    resp = check.judge(check.client.search_customers({**body, "cursor": first.get("cursor")}))
    check.observe(cursor="accepted" if resp.status == 200 else "refused")
    expect_status(resp, 200, "for a cursor just issued")
    expect_true(bool(resp.get("customers")), "the second page is empty", resp)
