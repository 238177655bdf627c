"""What a check concludes, and the assert helpers the suites judge responses with.

Exception hierarchy (drawn once, here):

    AssertionError
      ConformanceFailure   the target misbehaved: outcome `failed` (or `warned` for an
                           assumed behaviour without --strict), exit code 1
    Exception
      ToolError            squarecheck could not judge: unreachable target, exhausted 429
                           retries, broken spec file; outcome `error`, exit code 3
        UsageError         a bad option or configuration; exit code 2
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from squarecheck.behaviours import Behaviour, load_table

if TYPE_CHECKING:
    from squarecheck.client import Client, Response
    from squarecheck.ledger import Ledger

T = TypeVar("T")
EVIDENCE_LIMIT = 12  # exchanges kept per check in results.json


class ConformanceFailure(AssertionError):
    """The target answered, and the answer is not what the behaviour table expects."""

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        version: str = "",
        expected: Any = None,
        observed: Any = None,
        behaviour: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.version = version
        self.expected = expected
        self.observed = observed
        # A failure may belong to another behaviour than the check's own (e.g. a body that
        # breaks the schema is behaviour `error-shape`, whatever the check was about).
        self.behaviour = behaviour


class ToolError(Exception):
    """squarecheck could not reach a verdict; never a statement about the target."""


class UsageError(ToolError):
    """A bad option or configuration; the CLI prints it as one line and exits 2."""


def _describe(resp: Response) -> str:
    return f"{resp.operation} answered {resp.status}"


def fail(message: str, resp: Response | None = None, **kw: Any) -> ConformanceFailure:
    """Build a ConformanceFailure carrying the response's operation and version."""
    if resp is not None:
        kw.setdefault("operation", resp.operation)
        kw.setdefault("version", resp.version or "")
    return ConformanceFailure(message, **kw)


def expect_status(resp: Response, status: int, why: str = "") -> None:
    """The response has exactly `status`."""
    if resp.status != status:
        first = resp.first_error()
        extra = f" ({first.get('code')}: {first.get('detail')})" if first else ""
        reason = f" {why}" if why else ""
        raise fail(
            f"expected {status}{reason}; {_describe(resp)}{extra}",
            resp,
            expected=status,
            observed=resp.status,
        )


def expect_error(
    resp: Response,
    *,
    status: int,
    code: str | None = None,
    category: str | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    """The response is a Square error envelope whose first error matches; returns that error."""
    expect_status(resp, status)
    first = resp.first_error()
    if not first:
        raise fail(f"expected an errors[] envelope; {_describe(resp)} without one", resp)
    for key, want in (("code", code), ("category", category), ("field", field)):
        if want is not None and first.get(key) != want:
            raise fail(
                f"expected errors[0].{key} {want!r}; got {first.get(key)!r}",
                resp,
                expected=want,
                observed=first.get(key),
            )
    return first


def expect_equal(what: str, expected: Any, observed: Any, resp: Response | None = None) -> None:
    """`observed` equals `expected`; `what` names the fact in the failure message."""
    if expected != observed:
        raise fail(
            f"{what}: expected {expected!r}, observed {observed!r}",
            resp,
            expected=expected,
            observed=observed,
        )


def expect_true(condition: bool, message: str, resp: Response | None = None) -> None:
    """A free-form expectation; `message` says what the target did instead."""
    if not condition:
        raise fail(message, resp)


def expect_match(what: str, pattern: str, text: str | None, resp: Response) -> re.Match[str]:
    """`text` matches the table's regular expression; returns the match for its groups."""
    match = re.match(pattern, text or "")
    if match is None:
        raise fail(f"{what} {text!r} does not match {pattern!r}", resp, expected=pattern)
    return match


@dataclass
class Check:
    """One running check: its version and behaviour, a client, names, and what it observed."""

    version: str
    behaviour: Behaviour
    operation: str
    name: str
    client: Client
    ledger: Ledger
    second_token: str | None
    search_timeout: float
    nodeid: str
    observed: dict[str, Any] = field(default_factory=dict)
    judged: Response | None = None
    warning: str | None = None
    _counter: int = 0

    @property
    def basis(self) -> str:
        return self.behaviour.basis_at(self.version)

    @property
    def expect(self) -> dict[str, Any]:
        """The table's expectation for this check's behaviour under its version."""
        return self.behaviour.expect(self.version)

    def expect_of(self, behaviour_id: str) -> dict[str, Any]:
        """The expectation of another behaviour the check relies on, same version."""
        return load_table()[behaviour_id].expect(self.version)

    @property
    def _tag(self) -> str:
        return hashlib.sha1(f"{self.nodeid}".encode()).hexdigest()[:6]

    def new_name(self, label: str = "g") -> str:
        """A name unique to this run and check, starting with the run's prefix."""
        self._counter += 1
        return f"{self.ledger.prefix}{self._tag}-{label}{self._counter}"

    def new_key(self) -> str:
        """A fresh idempotency key."""
        return f"{self.new_name('key')}-{secrets.token_hex(4)}"

    def unknown_id(self) -> str:
        return self.ledger.unknown_id()

    def observe(self, **facts: Any) -> None:
        """Record response facts for the version matrix (never ids, timestamps or cursors)."""
        self.observed.update(facts)

    def judge(self, resp: Response) -> Response:
        """Mark `resp` as the response this check's verdict rests on."""
        self.judged = resp
        self.observed.setdefault("status", resp.status)
        if resp.error_code:
            self.observed.setdefault("code", resp.error_code)
        return resp

    def other_seller(self) -> Client:
        """A client acting for a second seller; skipped when the target offers none."""
        if not self.second_token:
            pytest.skip("needs --second-token")
        return self.client.with_token(self.second_token)

    def anonymous(self) -> Client:
        """A client that sends no Authorization header."""
        return self.client.with_token(None)

    def poll(self, fetch: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
        """Repeat `fetch` until `done` (eventually consistent search) or the timeout passes."""
        deadline = time.monotonic() + self.search_timeout
        delay = 0.05
        while True:
            value = fetch()
            if done(value):
                return value
            if time.monotonic() >= deadline:
                raise ConformanceFailure(
                    f"search did not converge within --search-timeout {self.search_timeout:g}s: "
                    f"{what}",
                    operation=self.operation,
                    version=self.version,
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def redact(self, text: str) -> str:
        return self.client.conn.redactor.text(text)

    def with_evidence(self, message: str) -> str:
        """The failure text plus the judged (or last) exchange and its curl command."""
        exchange = self.judged.exchange if self.judged else None
        if exchange is None and self.client.transcript:
            exchange = self.client.transcript[-1]
        if exchange is None or "\nreproduce: " in message:
            return message
        return f"{message}\n{exchange.render()}"

    def facts(self) -> dict[str, Any]:
        """The record fields this check fills in: status, code, observed, evidence."""
        status, code = None, None
        if self.judged is not None:
            status, code = self.judged.status, self.judged.error_code
        elif self.client.transcript:
            status = self.client.transcript[-1].response.get("status")
        return {
            "status": status,
            "error_code": code,
            "observed": dict(self.observed),
            "evidence": [e.to_json() for e in self.client.transcript[-EVIDENCE_LIMIT:]],
        }


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


def all_pages(client: Client, operation: str, key: str, limit: int) -> list[dict[str, Any]]:
    """Every item of a listing, following cursors (a failing page is a conformance failure)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(2_000):
        if operation == "ListCustomerGroups":
            resp = client.list_groups(limit=limit, cursor=cursor)
        else:
            resp = client.list_customers(limit=limit, cursor=cursor)
        expect_status(resp, 200, f"while listing every page of {operation}")
        items += [i for i in resp.get(key) or [] if isinstance(i, dict)]
        cursor = resp.get("cursor")
        if not cursor:
            return items
    raise ToolError(f"{operation} kept returning cursors after 2000 pages")


def group_names(client: Client) -> list[str]:
    """Names of every group the client's seller has."""
    return [str(g.get("name")) for g in all_pages(client, "ListCustomerGroups", "groups", 50)]


def token_span(body: str, name: str, line: int, character: int) -> tuple[int, int] | None:
    """If (line, character), 1-based, falls on a `"name":` key token of `body`, its span.

    Returns the 1-based columns of the opening and closing quote of that token, else None.
    """
    lines = body.split("\n")
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    for match in re.finditer(rf'"{re.escape(name)}"\s*:', text):
        start, end = match.start() + 1, match.start() + len(name) + 2
        if start <= character <= end:
            return start, end
    return None


def key_positions(body: str, names: list[str]) -> list[tuple[int, int, str]]:
    """(line, opening-quote column, name) of each `"name":` key in `body`, in body order."""
    found = []
    for number, text in enumerate(body.split("\n"), start=1):
        for name in names:
            for match in re.finditer(rf'"{re.escape(name)}"\s*:', text):
                found.append((number, match.start() + 1, name))
    return sorted(found)


def acceptance(resp: Response) -> str:
    """How the target took a request, in words that do not depend on what was expected.

    Observations must read the same whichever version's expectation a check judged, so that
    the version matrix compares like with like.
    """
    if 200 <= resp.status < 300:
        return "ignored"
    return "rejected" if resp.status == 400 else f"status {resp.status}"


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
