"""The fixtures suites use: the run's connection (session) and one `Check` per test.

Fixtures come in a pair: `squarecheck_state` connects once per process (starting the embedded
emulator when no target is given); `check` gives each test a client bound to its version, a name
namespace, and deletes what the test created, even when it fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

from squarecheck.checks import Check
from squarecheck.checks.convergence import Convergence
from squarecheck.emulator.embedded import embedded_emulator, mint_tokens
from squarecheck.errors import Interrupted, ToolError
from squarecheck.options import TOKEN_NEEDED
from squarecheck.pytest_plugin.activation import activate
from squarecheck.pytest_plugin.markers import check_marker
from squarecheck.pytest_plugin.state import CHECK, STATE, RunState
from squarecheck.spec.table import load_table
from squarecheck.target.client import Client, Connection
from squarecheck.target.ledger import Entry, Ledger, cleanup
from squarecheck.target.resolve import Target


def run_state(config: pytest.Config) -> RunState:
    """The run state; suites collected from an unexpected folder activate the plugin here."""
    if STATE not in config.stash:
        return activate(config)
    return config.stash[STATE]


@pytest.fixture(scope="session")
def squarecheck_state(request: pytest.FixtureRequest) -> Iterator[RunState]:
    """Connect to the target (starting the embedded emulator when there is none)."""
    state = run_state(request.config)
    settings = state.settings
    with contextlib.ExitStack() as stack:
        state.target, state.token, state.second_token = settings.target, None, None
        if settings.target is None:
            embedded = stack.enter_context(embedded_emulator())
            state.target = Target(url=embedded.url, kind="emulator")
            state.token, state.second_token = embedded.token, embedded.second_token
        yield from _connected(request, state)


def _connected(request: pytest.FixtureRequest, state: RunState) -> Iterator[RunState]:
    """Connect to the target and yield the state; clean up what the run created afterwards."""
    settings = state.settings
    assert state.target is not None
    on_emulator = state.target.kind == "emulator"
    minted = mint_tokens() if on_emulator else (None, None)  # an emulator some other run started
    state.token = settings.token or state.token or minted[0]
    state.second_token = settings.second_token or state.second_token or minted[1]
    if state.token is None:
        raise pytest.UsageError(TOKEN_NEEDED)
    state.search_timeout = settings.timeout_for(state.target.kind)
    state.convergence = Convergence(state.search_timeout, probe=not settings.no_convergence_probe)
    state.ledger = Ledger(settings.run_prefix)
    state.redactor.add(state.token)
    state.redactor.add(state.second_token)
    orders = on_emulator or settings.create_orders  # orders cannot be deleted on Square
    state.conn = Connection(
        state.target.url, state.redactor, state.ledger, limits=settings.limits, create_orders=orders
    )
    if state.interrupted_by:
        state.conn.interrupt(state.interrupted_by)
    elif state.stopped:
        state.conn.halt(state.stopped)
    try:
        yield state
    finally:
        state.leftovers += _cleanup(state, state.ledger.pending())
        workeroutput = getattr(request.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["squarecheck_leftovers"] = state.leftovers
            workeroutput["squarecheck_stopped"] = state.stopped
            state.leftovers = 0
        state.conn.close()


def _cleanup(state: RunState, entries: list[Entry]) -> int:
    """Delete `entries`; how many remain. A signal may cut a delete short (it waits on the
    target), and no further one is sent."""
    try:
        with state.cut_short():
            return cleanup(entries, _cleanup_client(state))
    except Interrupted:
        return sum(1 for entry in entries if not entry.deleted)


def _cleanup_client(state: RunState) -> Callable[[str | None], Client]:
    def client_for(token: str | None) -> Client:
        assert state.conn is not None
        return Client(state.conn, token, None, [], validate=False)

    return client_for


@pytest.fixture
def check(
    request: pytest.FixtureRequest, squarecheck_state: RunState, square_version: str
) -> Iterator[Check]:
    """One check: a client bound to the version, a name namespace, cleanup afterwards."""
    found = check_marker(request.node)
    if found is None:
        raise ToolError(f"{request.node.nodeid} has no @pytest.mark.check(...) marker")
    behaviour, operation, name = found
    state = squarecheck_state
    assert state.conn is not None and state.ledger is not None
    if state.stopped:
        raise ToolError(f"not run: {state.stopped}")
    ctx = Check(
        version=square_version,
        behaviour=behaviour,
        operation=operation,
        name=name,
        client=Client(state.conn, state.token, square_version),
        ledger=state.ledger,
        second_token=state.second_token,
        search_timeout=state.search_timeout,
        nodeid=request.node.nodeid,
        convergence=state.convergence,
    )
    request.node.stash[CHECK] = ctx
    request.node.user_properties.extend(
        [
            ("check", f"{square_version} > {operation} > {name}"),
            ("behaviour", behaviour.id),
            ("basis", ctx.basis),
            ("source", load_table().source_url(behaviour.source_at(square_version))),
        ]
    )
    mark = state.ledger.mark()
    try:
        yield ctx
    finally:
        # what fails to go here is retried by the session's final sweep, which counts leftovers
        _cleanup(state, state.ledger.since(mark))


@pytest.fixture
def fuzz_examples(request: pytest.FixtureRequest) -> int:
    """Generated cases per operation and mode for the fuzz suite (--fuzz-examples); the drawn
    cases are kept in --fuzz-cache between runs."""
    from squarecheck.fuzz.drawn import use_disk  # schemathesis loads only where fuzzing runs

    settings = run_state(request.config).settings
    use_disk(settings.fuzz_cache_dir)
    return settings.fuzz_examples
