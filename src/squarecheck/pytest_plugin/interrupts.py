"""SIGINT and SIGTERM during a run: the first stops it in order, every later one is noted only.

A signal is handled in three steps, so that any sequence of them leaves whole reports of what
ran and never a report that calls an interrupted run clean:

- it is recorded (`received`); before the session starts nothing else happens, and a session
  that starts after one ends at once, with no reports;
- while the run's results are still open (`RunState.reported` is false) it interrupts the run:
  `RunState.interrupt` (no further request: each raises `Interrupted`; results.json says
  `interrupted by SIGTERM`) and pytest's `shouldstop`, which ends the session after the check
  in flight, whatever swallowed the exception below;
- it raises `Interrupted`, to cut short a request that waits on the target, only where that
  loses nothing: inside a check's setup, call and verdict, and in a cleanup that catches it
  (`RunState.in_flight`). Never while pytest or a plugin records a report or writes a file,
  which would cut that file short. The pytest-xdist controller runs no check: it raises while
  it waits for its workers, and otherwise looks again every tenth of a second (SIGALRM).

It never raises where Python cannot pass the exception on: inside a garbage-collector callback
(hypothesis registers one) or a finalizer, Python would print it as an "unraisable" traceback and
drop it. There, and wherever a library swallows it, the run still stops at the next request, at
the next generated case drawn, or after the check.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from squarecheck.errors import Interrupted
from squarecheck.pytest_plugin.state import STATE, RunState

SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Where the pytest-xdist controller waits for its workers' events: nothing is being written.
WAITING = frozenset({"threading.py", "queue.py"})
#: Functions Python calls where an exception cannot propagate, only be printed and dropped.
FINALIZERS = frozenset({"__del__"})
#: How far up the stack to look for such a function: a callback runs near the top of it.
UNRAISABLE_DEPTH = 64


def unraisable_here(frame: FrameType | None) -> bool:
    """Whether an exception raised in `frame` would be printed and dropped, not propagated:
    the frame runs inside a garbage-collector callback or a finalizer."""
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    depth = 0
    while frame is not None and depth < UNRAISABLE_DEPTH:
        if frame.f_code in callbacks or frame.f_code.co_name in FINALIZERS:
            return True
        frame, depth = frame.f_back, depth + 1
    return False


class SignalGuard:
    """Handlers for SIGINT and SIGTERM, and the pytest hooks that tell them what runs."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.state: RunState | None = None
        self.session: pytest.Session | None = None
        self.controller = False  # the pytest-xdist controller: it runs no check itself
        self.finishing = False
        self.raised = False  # the controller raised already: never twice
        self._previous: dict[int, Any] = {}

    # -- the handlers -----------------------------------------------------------------------
    def install(self) -> bool:
        """Handle both signals from now on (only the main thread may); False if not installed."""
        if threading.current_thread() is not threading.main_thread() or self._previous:
            return False
        self._previous = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}
        return True

    def restore(self, *, ignore: bool = False) -> None:
        """Give both signals back to the handlers they had before `install`; with `ignore`,
        ignore them instead: a process ending because of a signal ends whole, and Python
        itself would give a handler back to the default (death) while it shuts down."""
        self.finishing = True
        if self.controller:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, previous in self._previous.items():
            ignored = ignore and sig in SIGNALS
            signal.signal(sig, signal.SIG_IGN if ignored else previous)
        self._previous = {}

    @property
    def first(self) -> str | None:
        """The first signal received, if any."""
        return self.received[0] if self.received else None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        self.received.append(name)
        state = self.state
        if state is None or state.reported:
            return
        state.interrupt(name)
        reason = f"interrupted by {state.interrupted_by}"
        if self.session is not None:
            self.session.shouldstop = reason
        if state.in_flight and not unraisable_here(frame):
            state.in_flight = False  # once per stretch: never again in its own clean-up
            raise Interrupted(name)
        if self.controller:
            dsession = (
                self.session.config.pluginmanager.getplugin("dsession") if self.session else None
            )
            if dsession is not None and not dsession.shouldstop:
                dsession.shouldstop = reason
            self._controller_stop(signal.SIGALRM, frame)

    def _controller_stop(self, signum: int, frame: FrameType | None) -> None:
        """Raise where the controller waits for its workers, else look again shortly."""
        state = self.state
        if self.finishing or self.raised or state is None or state.interrupted_by is None:
            return
        if frame is not None and Path(frame.f_code.co_filename).name in WAITING:
            self.raised = True
            raise Interrupted(state.interrupted_by)
        signal.signal(signal.SIGALRM, self._controller_stop)
        signal.setitimer(signal.ITIMER_REAL, 0.1)

    # -- what pytest tells the handlers -------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session
        self.state = session.config.stash.get(STATE, None)
        self.controller = session.config.pluginmanager.hasplugin("dsession")
        if self.controller:
            self._previous.setdefault(signal.SIGALRM, signal.getsignal(signal.SIGALRM))
        if self.first is not None:  # before any check: no check runs, no report is written
            raise Interrupted(self.first)

    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """Keep only where the signal arrived: pytest's terminal formats the whole traceback
        with every frame's arguments (seconds, deep in a generated request) to show one line."""
        if isinstance(excinfo.value, Interrupted) and len(excinfo.traceback) > 1:
            excinfo.traceback = excinfo.traceback[-1:]

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self) -> Generator[None, Any, Any]:
        self.finishing = True
        return (yield)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_setup(self) -> Generator[None, Any, Any]:
        return (yield from self._in_flight())

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_call(self) -> Generator[None, Any, Any]:
        return (yield from self._in_flight())

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        # a teardown's report is what makes pytest-html show the check: it is never cut short
        return (yield from self._in_flight(call.when != "teardown"))

    def _in_flight(self, cut_short: bool = True) -> Generator[None, Any, Any]:
        state = self.state
        if state is None or not cut_short:
            return (yield)
        state.in_flight = True
        try:
            return (yield)
        finally:
            state.in_flight = False
