"""The circuit breaker's side of each check: one the breaker rules out is recorded at once.

A run against a dead target must cost little per remaining check whatever the selection, so
such a check is not set up, called or given a traceback: its protocol is replaced by one
`error` report (a one-line message) and the teardown of what the check before it left that
the next one does not need: the same few hooks for every check, however many came before.
Which checks are ruled out, and when the breaker opens, is `RunState.not_run` and
`RunState.count`: the run stops when tool errors come in a row with no answer from the target
between them and a probe gets none either; a check that keeps failing while the target
answers others is given up alone, after --max-errors versions.
"""

from __future__ import annotations

import time

import pytest

from squarecheck.pytest_plugin.markers import check_marker
from squarecheck.pytest_plugin.recording import bounded, build_record
from squarecheck.pytest_plugin.state import STATE
from squarecheck.spec.table import load_table


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Record a check the breaker rules out as an error, without running any of it."""
    state = item.config.stash.get(STATE, None)
    found = check_marker(item) if state is not None else None
    if state is None or found is None:
        return None
    behaviour, operation, name = found
    reason = state.not_run(f"{operation} > {name}")
    # pytest's own setup state: no public hook tears down what the check before left without
    # setting this one up (where a later pytest renames it, checks take the full protocol)
    setup_state = getattr(item.session, "_setupstate", None)
    if reason is None or not hasattr(setup_state, "teardown_exact"):
        return None
    ihook, now = item.ihook, time.time()
    ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    version = item.callspec.params["square_version"]  # type: ignore[attr-defined]
    source = load_table().source_url(behaviour.source_at(version))
    item.user_properties += [
        ("check", f"{version} > {operation} > {name}"),
        ("behaviour", behaviour.id),
        ("basis", behaviour.basis_at(version)),
        ("source", source),
    ]
    report = pytest.TestReport(
        item.nodeid,
        item.location,
        keywords=dict.fromkeys(item.keywords, 1),
        outcome="failed",
        longrepr=reason,
        when="setup",
        start=now,
        stop=now,
        user_properties=item.user_properties,
    )
    record = build_record(item, found, None, "error", reason, 0.0)
    report.squarecheck = bounded(record, state.redactor, state.settings.limits)  # type: ignore[attr-defined]
    ihook.pytest_runtest_logreport(report=report)
    # what the check before this one left set up, and the next does not need, goes as usual
    after = None if item.session.shouldstop else nextitem
    teardown = pytest.CallInfo.from_call(
        lambda: setup_state.teardown_exact(after),  # type: ignore[union-attr]
        when="teardown",
    )
    ihook.pytest_runtest_logreport(report=ihook.pytest_runtest_makereport(item=item, call=teardown))
    ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True
