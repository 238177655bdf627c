"""What one pytest process knows about the run: settings, connection, ledger, records."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from squarecheck.checks import Check
from squarecheck.checks.convergence import Convergence
from squarecheck.errors import ToolError
from squarecheck.options import Settings
from squarecheck.results import JUDGED, CheckRecord, Outcome, now_iso
from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from squarecheck.target.resolve import Target


@dataclass(repr=False)
class RunState:
    """Per-process state: the connection, the ledger, the emulator's tokens, collected records,
    and the circuit breaker (see `pytest_plugin.breaker`): tool errors in a row with no answer
    from the target between them, tool errors per check, and why the run stopped, if it did."""

    settings: Settings
    redactor: Redactor
    records: list[CheckRecord] = field(default_factory=list)
    leftovers: int = 0
    target: Target | None = None
    conn: Connection | None = None
    ledger: Ledger | None = None
    token: str | None = None
    second_token: str | None = None
    search_timeout: float = 0.0
    convergence: Convergence | None = None
    started_at: str = field(default_factory=now_iso)
    started: float = field(default_factory=time.monotonic)
    errors_in_a_row: int = 0
    #: the target's answers when the last tool error was counted
    answers_at_error: int = 0
    #: tool errors by check key ("operation > name"), across versions
    errors_by_check: dict[str, int] = field(default_factory=dict)
    stopped: str | None = None
    #: the preflight's diagnosis when it stopped the run before any check
    preflight_failed: str | None = None
    #: lines the preflight had to say without stopping the run
    notes: list[str] = field(default_factory=list)
    #: the verdict's lines, printed after the progress (`reports.terminal`)
    verdict: list[str] = field(default_factory=list)
    #: the exit code squarecheck decided at the end of the session (None: pytest's stands)
    exit_code: int | None = None
    #: the signal that interrupted the run (see `pytest_plugin.interrupts`)
    interrupted_by: str | None = None
    #: a signal may raise Interrupted here: a check's own work, or a cleanup that catches it
    in_flight: bool = False
    #: results.json's run part is decided: a later signal changes nothing
    reported: bool = False

    def __repr__(self) -> str:
        # pytest shows a failing fixture's arguments; the records must not make that grow
        return f"RunState({self.settings.run_id}, {len(self.records)} records, {self.stopped})"

    def stop(self, reason: str) -> None:
        """No further request: every remaining check is an error naming `reason`."""
        self.stopped = self.stopped or reason
        if self.conn is not None:
            self.conn.halt(self.stopped)

    def interrupt(self, signal_name: str) -> None:
        """A signal stopped the run: nothing more is sent, and results.json says so."""
        self.interrupted_by = self.interrupted_by or signal_name
        self.stop(f"interrupted by {self.interrupted_by}")
        if self.conn is not None:
            self.conn.interrupt(self.interrupted_by)

    @contextlib.contextmanager
    def cut_short(self) -> Iterator[None]:
        """A stretch (a cleanup that catches Interrupted) a signal may cut short."""
        self.in_flight = True
        try:
            yield
        finally:
            self.in_flight = False

    def count(self, outcome: Outcome, key: str) -> None:
        """Count a check's outcome for the circuit breaker: a judged check ends a streak of
        tool errors, and so does any answer from the target since the last one; at
        --max-errors silent ones in a row, the breaker opens unless the target answers a probe."""
        if outcome in JUDGED:
            self.errors_in_a_row = 0
            return
        if outcome != "error":
            return
        self.errors_by_check[key] = self.errors_by_check.get(key, 0) + 1
        answers = self.conn.answers if self.conn is not None else 0
        silent = answers == self.answers_at_error
        self.errors_in_a_row = self.errors_in_a_row + 1 if silent else 1
        self.answers_at_error = answers
        limit = self.settings.max_errors
        if self.errors_in_a_row < limit:
            return
        if self.target_answers():
            self.errors_in_a_row = 0
            self.answers_at_error = self.conn.answers if self.conn is not None else 0
            return
        self.stop(
            f"circuit breaker: {limit} tool errors in a row without an answer from the target, "
            f"and no answer to a probe either (--max-errors {limit}); the remaining checks "
            "were not run"
        )

    def target_answers(self) -> bool:
        """Whether the target answers at all: a page of one group, within the deadline."""
        if self.conn is None or self.conn.halted:
            return False
        probe = Client(self.conn, self.token, None, [], guard=False, validate=False)
        try:
            probe.list_groups(limit=1)
        except (ToolError, AssertionError):
            return False
        return True

    def not_run(self, key: str) -> str | None:
        """Why the check `key` is not run (an open breaker, or its own tool errors), or None."""
        if self.stopped:
            return f"not run: {self.stopped}"
        limit = self.settings.max_errors
        errors = self.errors_by_check.get(key, 0)
        if errors >= limit:
            return (
                f"not run: this check ended in a tool error under {errors} versions already "
                f"(--max-errors {limit}); the target answers other checks"
            )
        return None


STATE = pytest.StashKey[RunState]()
ACTIVE = pytest.StashKey[bool]()
CHECK = pytest.StashKey[Check]()
