"""The Square-Version header (behaviour family versioning).

https://developer.squareup.com/docs/build-basics/versioning-overview
https://developer.squareup.com/forums/t/support-for-api-versions/2896 ("Requesting an API version
that does not exist returns an error"; successful responses carry the header)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from squarecheck.checks import Check, expect_equal, expect_error, expect_status, expect_true
from squarecheck.spec.table import is_well_formed, load_table
from squarecheck.target.client import OMIT, Response


@pytest.mark.check("square-version-echo", "ListCustomerGroups", "response echoes the version")
def test_echo(check: Check) -> None:
    """A successful response carries the Square-Version the request asked for."""
    resp = check.judge(check.client.list_groups())
    expect_status(resp, 200)
    echoed = resp.headers.get("square-version")
    check.observe(echo="same" if echoed == check.version else "absent" if not echoed else "other")
    expect_equal("Square-Version response header", check.version, echoed, resp)


@pytest.mark.check("square-version-default", "ListCustomerGroups", "no Square-Version header")
def test_absent(check: Check) -> None:
    """Without the header the request succeeds under a well-formed default version."""
    resp = check.judge(check.client.request(
        "ListCustomerGroups", "GET", "/v2/customers/groups", version=OMIT
    ))  # fmt: skip
    expect_status(resp, check.expect["status"])
    echoed = resp.headers.get("square-version") or ""
    check.observe(header="well-formed" if is_well_formed(echoed) else "missing or malformed")
    expect_true(is_well_formed(echoed), f"Square-Version response header is {echoed!r}", resp)


def _list_under(check: Check, version: str) -> Response:
    return check.judge(check.client.request(
        "ListCustomerGroups", "GET", "/v2/customers/groups", version=version
    ))  # fmt: skip


MALFORMED = ("slashes", "a word", "impossible date")


@pytest.mark.check("square-version-malformed", "ListCustomerGroups", "malformed version ({bad})")
@pytest.mark.parametrize("bad", MALFORMED)
def test_malformed(check: Check, bad: str) -> None:
    """A Square-Version that is no YYYY-MM-DD date (2022-02-30 included) is 400 INVALID_SQUARE_VERSION_FORMAT."""  # noqa: E501
    sent = {
        "slashes": check.version.replace("-", "/"),
        "a word": "yesterday",
        "impossible date": f"{check.version[:4]}-02-30",
    }[bad]
    resp = _list_under(check, sent)
    expect = check.expect
    expect_error(resp, status=expect["status"], code=expect["code"], category=expect["category"])


def unreleased_near(version: str) -> str:
    """The first date after `version` that is no Square release the table knows."""
    table = load_table()
    day = date.fromisoformat(version)
    while True:
        day += timedelta(days=1)
        if not table.is_known(day.isoformat()):
            return day.isoformat()


@pytest.mark.check("square-version-unreleased", "ListCustomerGroups", "a date that is no release")
def test_unreleased_is_refused(check: Check) -> None:
    """A well-formed date Square never released is refused with a 4xx error."""
    resp = _list_under(check, unreleased_near(check.version))
    check.observe(refused=400 <= resp.status < 500)
    expect_true(400 <= resp.status < 500, f"{resp.operation} answered {resp.status}", resp)
    expect_true(bool(resp.first_error()), "the refusal has no errors[] envelope", resp)


@pytest.mark.check(
    "square-version-unreleased-code", "ListCustomerGroups", "error for a date that is no release"
)  # noqa: E501
def test_unreleased_code(check: Check) -> None:
    """A date Square never released is 400 BAD_REQUEST on field Square-Version."""
    resp = _list_under(check, unreleased_near(check.version))
    expect = check.expect
    expect_error(
        resp,
        status=expect["status"],
        code=expect["code"],
        category=expect["category"],
        field=expect["field"],
    )


@pytest.mark.check("square-version-on-errors", "RetrieveCustomerGroup", "header on an error")
def test_header_on_errors(check: Check) -> None:
    """An error response carries no Square-Version header."""
    resp = check.judge(check.client.retrieve_group(check.unknown_id()))
    expect_error(resp, status=404)
    echoed = resp.headers.get("square-version")
    check.observe(echo="absent" if echoed is None else "present")
    if check.expect["echo"]:
        expect_equal("Square-Version response header", check.version, echoed, resp)
    else:
        expect_true(echoed is None, f"the error response carries Square-Version {echoed}", resp)
