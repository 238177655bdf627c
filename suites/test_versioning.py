"""The Square-Version header (behaviour family versioning).

https://developer.squareup.com/docs/build-basics/versioning-overview
"""

from __future__ import annotations

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status, expect_true
from squarecheck.spec.table import is_well_formed
from squarecheck.target.client import OMIT


@pytest.mark.check("square-version-echo", "ListCustomerGroups", "response echoes the version")
def test_echo(check: Check) -> None:
    """A successful response carries the Square-Version the request asked for."""
    resp = check.judge(check.client.list_groups(limit=1))
    expect_status(resp, 200)
    echoed = resp.headers.get("square-version")
    check.observe(echo="same" if echoed == check.version else "absent" if not echoed else "other")
    expect_equal("Square-Version response header", check.version, echoed, resp)


@pytest.mark.check("square-version-default", "ListCustomerGroups", "no Square-Version header")
def test_absent(check: Check) -> None:
    """Without the header the request succeeds under a well-formed default version."""
    resp = check.judge(
        check.client.request(
            "ListCustomerGroups", "GET", "/v2/customers/groups", params={"limit": 1}, version=OMIT
        )
    )
    expect_status(resp, check.expect["status"])
    echoed = resp.headers.get("square-version") or ""
    check.observe(header="well-formed" if is_well_formed(echoed) else "missing or malformed")
    expect_true(is_well_formed(echoed), f"Square-Version response header is {echoed!r}", resp)


@pytest.mark.check("square-version-malformed", "ListCustomerGroups", "malformed version ({bad})")
@pytest.mark.parametrize("bad", ["slashes", "a word"])
def test_malformed(check: Check, bad: str) -> None:
    """A malformed Square-Version is 400 INVALID_SQUARE_VERSION_FORMAT."""
    sent = check.version.replace("-", "/") if bad == "slashes" else "yesterday"
    resp = check.judge(
        check.client.request(
            "ListCustomerGroups", "GET", "/v2/customers/groups", params={"limit": 1}, version=sent
        )
    )
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])
