"""Waiting out eventual consistency and stale pages before judging."""

from __future__ import annotations

from collections.abc import Callable

from squarecheck.checks.context import Check
from squarecheck.errors import ConformanceFailure
from squarecheck.target.client import Response


def search_for_member(check: Check, customer_id: str, group_id: str, what: str) -> Response:
    """Poll SearchCustomers by `group_ids.any = [group_id]` until `customer_id` shows up.

    Search is eventually consistent, so a check that needs a member in the results waits for
    it; a non-200 ends the wait so the caller judges it.
    """
    body = {"query": {"filter": {"group_ids": {"any": [group_id]}}}}
    return check.poll(
        lambda: check.judge(check.client.search_customers(body)),
        lambda r: (
            r.status != 200 or any(c.get("id") == customer_id for c in r.get("customers") or [])
        ),
        what,
    )


def settled(attempt: Callable[[], None], attempts: int = 3) -> None:
    """Run a listing judgement again if it fails, up to `attempts` times.

    Pages go stale while records change (https://developer.squareup.com/docs/build-basics/
    common-api-patterns/pagination), e.g. through other work on the same account, so one
    listing that misses or repeats an item is not yet a verdict; a target that pages wrongly
    fails every attempt.
    """
    for number in range(1, attempts + 1):
        try:
            attempt()
            return
        except ConformanceFailure:
            if number == attempts:
                raise
