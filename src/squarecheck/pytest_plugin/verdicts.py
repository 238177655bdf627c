"""From a test's outcome to a check's verdict: evidence on failures, warnings for assumed rows,
tool errors kept apart (and counted for the circuit breaker), and what a target said kept out
of harm's way: the token out of every report text, every target text cut to --max-text,
control characters shown as escapes wherever pytest prints or writes a message.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest

from squarecheck.checks import Check
from squarecheck.errors import ConformanceFailure, ToolError
from squarecheck.pytest_plugin.markers import check_marker
from squarecheck.pytest_plugin.recording import bounded, build_record
from squarecheck.pytest_plugin.state import CHECK, STATE
from squarecheck.results import Outcome
from squarecheck.spec.table import Basis, load_table
from squarecheck.target.bounds import Limits, clip, printable
from squarecheck.target.redaction import Redactor


def _failure_basis(ctx: Check, exc: BaseException) -> Basis:
    behaviour_id = getattr(exc, "behaviour", None)
    if behaviour_id:
        return load_table()[behaviour_id].basis_at(ctx.version)
    return ctx.basis


def _safe(text: str, redactor: Redactor, limits: Limits, factor: int = 1) -> str:
    """Redacted, control characters escaped (line breaks kept), cut to size."""
    return clip(printable(redactor.text(text), newlines=True), limits.max_message * factor)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, Any, Any]:
    """Attach evidence to failures; turn failures of assumed behaviours into warnings."""
    try:
        return (yield)
    except AssertionError as exc:
        ctx = pyfuncitem.stash.get(CHECK, None)
        if ctx is None:
            raise
        state = pyfuncitem.config.stash[STATE]
        message = _safe(str(exc), state.redactor, state.settings.limits)
        if _failure_basis(ctx, exc) == "assumed" and not state.settings.strict:
            ctx.warning = message
            pyfuncitem.user_properties.append(("squarecheck_warning", message))
            return True
        exc.args = (_safe(ctx.with_evidence(message), state.redactor, state.settings.limits),)
        if isinstance(exc, ConformanceFailure):
            exc.message = exc.args[0]
        raise
    except ToolError as exc:
        ctx = pyfuncitem.stash.get(CHECK, None)
        if ctx is not None:
            state = pyfuncitem.config.stash[STATE]
            safe = _safe(str(exc), state.redactor, state.settings.limits)
            exc.args = (_safe(ctx.with_evidence(safe), state.redactor, state.settings.limits),)
        raise


def _redact_report(report: pytest.TestReport, redact: Callable[[str], str]) -> None:
    """The token must not reach any report, whatever text the exception or output carries."""
    if isinstance(report.longrepr, tuple):
        path, line, text = report.longrepr
        report.longrepr = (path, line, redact(text))
    elif report.longrepr is not None:
        report.longrepr = redact(str(report.longrepr))
    report.sections = [(k, redact(v)) for k, v in report.sections]


def _verdict(
    report: pytest.TestReport,
    call: pytest.CallInfo[None],
    ctx: Check | None,
    redact: Callable[[str], str],
) -> tuple[Outcome, str | None]:
    if report.skipped:
        longrepr = report.longrepr
        message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        return "skipped", message.removeprefix("Skipped: ")
    if report.failed:
        excinfo = call.excinfo
        is_failure = excinfo is not None and excinfo.errisinstance(AssertionError)
        outcome: Outcome = "failed" if is_failure and call.when == "call" else "error"
        message = redact(str(excinfo.value) if excinfo is not None else str(report.longrepr))
        if outcome == "error" and call.when == "call":
            report.when = "setup"  # junit and the terminal show a tool error as an error
        return outcome, message
    if ctx is not None and ctx.warning:
        report.sections.append(("squarecheck warning (assumed behaviour)", ctx.warning))
        return "warned", ctx.warning
    return "passed", None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    found = check_marker(item)
    if found is None or STATE not in item.config.stash:
        return report
    ctx = item.stash.get(CHECK, None)
    state = item.config.stash[STATE]
    limits = state.settings.limits

    def redact(text: str) -> str:
        return _safe(text, state.redactor, limits, factor=2)

    _redact_report(report, redact)
    if call.when == "call" or (call.when == "setup" and not report.passed):
        outcome, message = _verdict(report, call, ctx, redact)
        record = build_record(item, found, ctx, outcome, message, report.duration)
        report.squarecheck = bounded(record, state.redactor, limits)  # type: ignore[attr-defined]
        state.count(outcome, record["key"])
    return report
