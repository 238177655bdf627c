"""`Check`: one running check, its version, behaviour, client, names and observations.

The pytest plugin builds one per test and version; suites receive it as the `check` fixture.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import pytest

from squarecheck.checks.convergence import Convergence, Kind
from squarecheck.errors import ConformanceFailure
from squarecheck.spec.table import BASES, Basis, Behaviour, Expect, load_table
from squarecheck.target.client import Client, Response
from squarecheck.target.ledger import Ledger

T = TypeVar("T")
EVIDENCE_LIMIT = 12  # exchanges kept per check in results.json


class Facts(NamedTuple):
    """What a check saw, for its record: the judged status and code, observations, evidence."""

    status: int | None
    error_code: str | None
    observed: dict[str, Any]
    evidence: list[dict[str, Any]]


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
    convergence: Convergence | None = None
    observed: dict[str, Any] = field(default_factory=dict)
    judged: Response | None = None
    warning: str | None = None
    relied_on: list[str] = field(default_factory=list)
    _counter: int = 0

    @property
    def basis(self) -> Basis:
        """How sure the verdict is: the row's basis, or that of a row the check relied on
        (`expect_of`) when that one is less sure. A check is enforced no further than the
        weakest expectation it read."""
        table = load_table()
        bases = [self.behaviour.basis_at(self.version)]
        bases += [table[b].basis_at(self.version) for b in self.relied_on]
        return max(bases, key=BASES.index)

    @property
    def expect(self) -> Expect:
        """The table's expectation for this check's behaviour under its version."""
        return self.behaviour.expect(self.version)

    def expect_of(self, behaviour_id: str) -> Expect:
        """The expectation of another behaviour the check relies on, same version (its basis
        counts towards the check's: `basis`)."""
        if behaviour_id not in self.relied_on:
            self.relied_on.append(behaviour_id)
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

    def poll(
        self, fetch: Callable[[], T], done: Callable[[T], bool], what: str, kind: Kind = "search"
    ) -> T:
        """Repeat `fetch` until `done` (eventually consistent search) or the timeout passes.

        Where the run's convergence probe saw the target never converge, one look decides.
        """
        wait = self.search_timeout
        if self.convergence is not None:
            wait = self.convergence.wait_for(kind, self.client)
        deadline = time.monotonic() + wait
        delay = 0.05
        while True:
            value = fetch()
            if done(value):
                return value
            if time.monotonic() >= deadline:
                probed = (
                    " (nor in the run's convergence probe)" if wait < self.search_timeout else ""
                )
                noun = "search" if kind == "search" else "the listing"
                raise ConformanceFailure(
                    f"{noun} did not converge within --search-timeout {self.search_timeout:g}s"
                    f"{probed}: {what}",
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

    def facts(self) -> Facts:
        """The record fields this check fills in: status, code, observed, evidence."""
        status, code = None, None
        if self.judged is not None:
            status, code = self.judged.status, self.judged.error_code
        elif self.client.transcript:
            status = self.client.transcript[-1].response.get("status")
        evidence = [e.to_json() for e in self.client.transcript[-EVIDENCE_LIMIT:]]
        return Facts(status, code, dict(self.observed), evidence)
