"""SearchCustomers by group membership and other filters (behaviour family search).

behaviour search-group-filter, search-unknown-group, search-eventual-consistency (spec-head,
SearchCustomers and CustomerQuery descriptions); search-text-filters (2020-05-28 release notes),
search-segment-filter and search-custom-attribute-filter (2022-12-14 changelog). Search is
eventually consistent, so each check polls until the result equals the expectation or
--search-timeout passes.
"""

from __future__ import annotations

from typing import Any

import pytest

from squarecheck.checks import (
    Check,
    ToolError,
    expect_equal,
    expect_error,
    expect_status,
    expect_true,
    search_for_member,
)
from squarecheck.target.client import Response

MAX_PAGES = 50  # of 100 profiles: the most a check reads where no filter keeps to its own
# Customers c1..c4 and groups A, B: c1 in A, c2 in A and B, c3 in B, c4 in none.
MEMBERS = {"c1": ["A"], "c2": ["A", "B"], "c3": ["B"], "c4": []}
CASES: dict[str, tuple[dict[str, list[str]], set[str]]] = {
    "any": ({"any": ["A"]}, {"c1", "c2"}),
    "any of two": ({"any": ["A", "B"]}, {"c1", "c2", "c3"}),
    "all": ({"all": ["A", "B"]}, {"c2"}),
    "none": ({"none": ["A", "B"]}, {"c4"}),
    "any and none": ({"any": ["A", "B"], "none": ["B"]}, {"c1"}),
    "all and none": ({"all": ["A"], "none": ["B"]}, {"c1"}),
    "any and all": ({"any": ["A", "B"], "all": ["B"]}, {"c2", "c3"}),
    "any, all and none": ({"any": ["A", "B"], "all": ["A"], "none": ["B"]}, {"c1"}),
}


def _setup(check: Check, reference: str) -> tuple[dict[str, str], dict[str, str]]:
    groups = {}
    for label in ("A", "B"):
        resp = check.client.create_group(check.new_name(label), key=check.new_key())
        expect_status(resp, 200, "creating a group")
        groups[label] = str(resp.body["group"]["id"])
    customers = {}
    for label, member_of in MEMBERS.items():
        resp = check.client.create_customer(check.new_name(label), {"reference_id": reference})
        expect_status(resp, 200, "creating a customer")
        customers[label] = cid = str(resp.body["customer"]["id"])
        for group in member_of:
            expect_status(check.client.add_group(cid, groups[group]), 200, "adding to a group")
    return groups, customers


def _own(found: list[dict[str, Any]], customers: dict[str, str]) -> set[str]:
    by_id = {cid: label for label, cid in customers.items()}
    return {by_id[c["id"]] for c in found if c.get("id") in by_id}


def _every_page(check: Check, query: dict[str, Any]) -> tuple[Response, list[dict[str, Any]]]:
    """Search with `query`, every page (the cursor with the same body); the last answer and
    every profile found. A non-200 ends the paging so the caller judges it."""
    body: dict[str, Any] = {"query": query, "limit": 100}
    found: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        resp = check.judge(check.client.search_customers(body))
        found += [c for c in resp.get("customers") or [] if isinstance(c, dict)]
        if resp.status != 200 or not resp.get("cursor"):
            return resp, found
        body = {**body, "cursor": resp.get("cursor")}
    raise ToolError(f"SearchCustomers has more than {MAX_PAGES} pages of 100 profiles to read")


def _scope(check: Check, flt: dict[str, Any], reference: str) -> dict[str, Any]:
    """`flt` kept to this check's own customers by their reference_id where the version has
    that filter (search-text-filters); before, every page is read instead."""
    if check.expect_of("search-text-filters")["outcome"] != "filter":
        return {"filter": flt}
    return {"filter": {**flt, "reference_id": {"exact": reference}}}


@pytest.mark.check("search-group-filter", "SearchCustomers", "group_ids {case}")
@pytest.mark.parametrize("case", list(CASES))
def test_group_filter(check: Check, case: str) -> None:
    """The group_ids filter returns exactly the customers the any/all/none rules select."""
    reference = check.new_name("ref")
    groups, customers = _setup(check, reference)
    spec, wanted = CASES[case]
    filter_value = {k: [groups[g] for g in v] for k, v in spec.items()}
    # reference_id keeps `none` (and every case) to this check's own customers on a real account
    query = _scope(check, {"group_ids": filter_value}, reference)
    resp, found = check.poll(
        lambda: _every_page(check, query),
        lambda r: r[0].status != 200 or _own(r[1], customers) == wanted,
        f"expected customers {sorted(wanted)} for group_ids {spec}",
    )
    expect_status(resp, check.expect["status"])
    got = _own(found, customers)
    check.observe(matched=sorted(got))
    expect_equal(f"customers matching group_ids {spec}", sorted(wanted), sorted(got), resp)


@pytest.mark.check("search-unknown-group", "SearchCustomers", "unknown group id")
def test_unknown_group(check: Check) -> None:
    """A group id that does not exist gives 200 with an empty object."""
    body = {"query": {"filter": {"group_ids": {"any": [check.unknown_id()]}}}}
    resp = check.judge(check.client.search_customers(body))
    expect = check.expect
    expect_status(resp, expect["status"])
    check.observe(body="{}" if resp.body == {} else "other")
    expect_equal("response body", expect["body"], resp.body, resp)


@pytest.mark.check("search-eventual-consistency", "SearchCustomers", "a new member shows up")
def test_converges(check: Check) -> None:
    """A customer added to a group shows up in a search by that group within the timeout."""
    resp = check.client.create_group(check.new_name(), key=check.new_key())
    expect_status(resp, 200, "creating a group")
    gid = str(resp.body["group"]["id"])
    created = check.client.create_customer(check.new_name("c"))
    expect_status(created, 200, "creating a customer")
    cid = str(created.body["customer"]["id"])
    expect_status(check.client.add_group(cid, gid), 200, "adding to the group")
    found = search_for_member(
        check, cid, gid, f"customer {cid} never appeared in a search by group {gid}"
    )
    expect_status(found, 200)
    check.observe(converges=True)


@pytest.mark.check("search-segment-filter", "SearchCustomers", "segment_ids with an unknown id")
def test_segment_filter(check: Check) -> None:
    """segment_ids is ignored, then an unrecognized field, then (2022-12-14) a filter that
    names the unknown segment."""
    segment = "SQCNOSEGMENT"
    body = {"query": {"filter": {"segment_ids": {"any": [segment]}}}, "limit": 1}
    resp = check.judge(check.client.search_customers(body))
    expect = check.expect
    detail = str(resp.first_error().get("detail") or "")
    check.observe(outcome="ignored" if resp.status == 200 else
                  "names the segment" if segment in detail else "refused")  # fmt: skip
    if expect["outcome"] == "ignored":
        expect_status(resp, expect["status"], "(segment_ids is no filter yet)")
        return
    first = expect_error(
        resp, status=expect["status"], code=expect["code"], category=expect["category"]
    )
    named = str(first.get("detail") or "")
    if expect["outcome"] == "unrecognized":
        expect_true("segment_ids" in named, f"the detail {named!r} does not name segment_ids", resp)
    else:
        expect_true(segment in named, f"the detail {named!r} does not name {segment}", resp)


@pytest.mark.check("search-text-filters", "SearchCustomers", "reference_id exact")
def test_reference_id_filter(check: Check) -> None:
    """A reference_id filter selects the profiles with that reference id (from 2020-05-28);
    before, it is ignored."""
    reference = check.new_name("ref")
    customers = {}
    for label, ref in (("match", reference), ("other", reference + "-other")):
        resp = check.client.create_customer(check.new_name(label), {"reference_id": ref})
        expect_status(resp, 200, "creating a customer")
        customers[label] = str(resp.body["customer"]["id"])
    query = {"filter": {"reference_id": {"exact": reference}}}
    wanted = {"match"} if check.expect["outcome"] == "filter" else {"match", "other"}
    resp, found = check.poll(
        lambda: _every_page(check, query),
        lambda r: r[0].status != 200 or _own(r[1], customers) == wanted,
        f"expected customers {sorted(wanted)} for reference_id {reference!r}",
    )
    expect_status(resp, check.expect["status"])
    got = _own(found, customers)
    check.observe(matched=sorted(got))
    expect_equal(f"customers matching reference_id {reference!r}", sorted(wanted), sorted(got))


@pytest.mark.check(
    "search-custom-attribute-filter", "SearchCustomers", "custom_attribute with no filters"
)
def test_custom_attribute_filter(check: Check) -> None:
    """custom_attribute is ignored, then an unrecognized field, then (2022-12-14) a filter."""
    body = {"query": {"filter": {"custom_attribute": {"filters": []}}}, "limit": 1}
    resp = check.judge(check.client.search_customers(body))
    expect = check.expect
    check.observe(outcome="accepted" if resp.status == 200 else f"status {resp.status}")
    if expect["outcome"] != "unrecognized":
        expect_status(resp, expect["status"], "(an empty custom_attribute filter)")
        return
    first = expect_error(
        resp, status=expect["status"], code=expect["code"], category=expect["category"]
    )
    named = str(first.get("detail") or "")
    expect_true("custom_attribute" in named, f"the detail {named!r} does not name it", resp)
