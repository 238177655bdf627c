"""The squarecheck pytest plugin (registered through the `pytest11` entry point).

It runs the suites in `suites/` against a target under each selected Square-Version and turns
each test into one check record (results.json). The plugin loads in every pytest run, so it is
inert unless its options are given or the suites are collected: servers start only when a suite
asks for the `check` fixture, and results are written only when asked for.
"""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from squarecheck import behaviours, results
from squarecheck.checks import Check, ConformanceFailure, ToolError, UsageError
from squarecheck.client import Client, Connection, Redactor
from squarecheck.ledger import Ledger, cleanup
from squarecheck.paths import suites_dir
from squarecheck.target import Target, refuse_production, resolve_target, resolve_token

# (option, env twin, help); every option is also read from SQUARECHECK_<NAME>.
OPTIONS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "--target",
        "SQUARECHECK_TARGET",
        {"help": "base URL of the target, or 'sandbox' (default: start the embedded emulator)"},
    ),
    (
        "--square-version",
        "SQUARECHECK_SQUARE_VERSION",
        {
            "action": "append",
            "help": "a Square-Version to run under (repeatable; default: "
            "the table's default selection)",
        },
    ),
    (
        "--token",
        "SQUARECHECK_TOKEN",
        {"help": "access token (else SQUARECHECK_TOKEN, then SQUARE_TOKEN); never printed"},
    ),
    (
        "--second-token",
        "SQUARECHECK_SECOND_TOKEN",
        {"help": "a second seller's token, for the seller-isolation checks"},
    ),
    (
        "--search-timeout",
        "SQUARECHECK_SEARCH_TIMEOUT",
        {
            "type": float,
            "help": "seconds to poll eventually consistent search "
            "(default 60 against a remote target, 5 against the emulator)",
        },
    ),
    (
        "--allow-production",
        "SQUARECHECK_ALLOW_PRODUCTION",
        {"action": "store_true", "default": None, "help": "allow Square's production host"},
    ),
    # pytest owns `--strict` (an alias of --strict-markers), hence the longer name here;
    # `squarecheck run --strict` maps onto it.
    (
        "--strict-assumed",
        "SQUARECHECK_STRICT",
        {
            "action": "store_true",
            "default": None,
            "help": "checks of assumed behaviours fail instead of warning",
        },
    ),
    ("--results-json", "SQUARECHECK_RESULTS_JSON", {"help": "write results.json here"}),
    ("--run-id", "SQUARECHECK_RUN_ID", {"help": "run id (names the resources' prefix)"}),
    (
        "--target-kind",
        "SQUARECHECK_TARGET_KIND",
        {"help": "override the target kind (emulator, url, sandbox, production)"},
    ),
    (
        "--fuzz-examples",
        "SQUARECHECK_FUZZ_EXAMPLES",
        {
            "help": "generated cases per operation and mode in the fuzz suite (default 10 "
            "for one or two versions, 20 spread over more, at least 2 each)"
        },
    ),
]
TRUE = ("1", "true", "yes", "on")


STATE = pytest.StashKey[results.RunState]()
ACTIVE = pytest.StashKey[bool]()
CHECK = pytest.StashKey[Check]()


def _raw(config: pytest.Config, option: str, env: str) -> Any:
    value = config.getoption(option.lstrip("-").replace("-", "_"))
    if value in (None, []):
        value = os.environ.get(env) or None
        if value is not None and option == "--square-version":
            value = [v for v in value.replace(",", " ").split() if v]
    return value


def resolve_settings(config: pytest.Config) -> results.Settings:
    """Options and env twins -> Settings; a bad value is a UsageError."""
    get = {opt: _raw(config, opt, env) for opt, env, _ in OPTIONS}
    table = behaviours.load_table()
    versions = list(get["--square-version"] or table.default_selection)
    for version in versions:
        problem = table.version_problem(version)
        if problem:
            raise UsageError(f"--square-version {problem}")
    target = None
    if get["--target"]:
        target = resolve_target(str(get["--target"]), kind=get["--target-kind"])
        refuse_production(target, str(get["--allow-production"]).lower() in TRUE)
        if target.kind != "emulator" and not resolve_token(get["--token"]):
            raise UsageError("a token is needed: --token, SQUARECHECK_TOKEN or SQUARE_TOKEN")
    timeout = get["--search-timeout"]
    if timeout is not None:
        try:
            timeout = float(timeout)
        except ValueError:
            raise UsageError(f"--search-timeout must be a number, not {timeout!r}") from None
        if timeout <= 0:
            raise UsageError("--search-timeout must be positive")
    remote = target is not None and target.kind != "emulator"
    fuzz_examples = _fuzz_examples(get["--fuzz-examples"], len(set(versions)))
    return results.Settings(
        target=target,
        versions=list(dict.fromkeys(versions)),
        token=resolve_token(get["--token"]),
        second_token=get["--second-token"],
        search_timeout=timeout if timeout is not None else (60.0 if remote else 5.0),
        strict=str(get["--strict-assumed"]).lower() in TRUE,
        results_json=Path(get["--results-json"]) if get["--results-json"] else None,
        run_id=get["--run-id"] or results.new_run_id(),
        fuzz_examples=fuzz_examples,
    )


FUZZ_BUDGET = 20  # default generated cases per operation and mode, spread over the versions


def _fuzz_examples(raw: Any, versions: int = 1) -> int:
    """--fuzz-examples: a positive whole number; by default 10 per generation mode for one or
    two versions, and FUZZ_BUDGET spread over more (at least 2 each), so a matrix of many
    versions does not multiply the generation time."""
    if raw is None:
        return max(2, min(10, FUZZ_BUDGET // max(versions, 1)))
    try:
        value = int(str(raw))
    except ValueError:
        raise UsageError(f"--fuzz-examples must be a whole number, not {raw!r}") from None
    if value < 1:
        raise UsageError("--fuzz-examples must be at least 1")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("squarecheck", "squarecheck conformance suites")
    for option, env, kwargs in OPTIONS:
        kw = dict(kwargs)
        kw["help"] = f"{kw['help']} [env {env}]"
        group.addoption(option, dest=option.lstrip("-").replace("-", "_"), **kw)


def _is_active(config: pytest.Config) -> bool:
    if any(config.getoption(o.lstrip("-").replace("-", "_")) for o, _, _ in OPTIONS):
        return True
    try:
        suites = suites_dir().resolve()
    except FileNotFoundError:
        return False
    for arg in config.args:
        path = Path(str(arg).split("::")[0]).resolve()
        if path == suites or suites in path.parents:
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    table = behaviours.load_table()
    config.addinivalue_line("markers", "check(behaviour, operation, name): a conformance check")
    for family in sorted({b.family for b in table.behaviours.values()}):
        marker = family.replace("-", "_")
        config.addinivalue_line("markers", f"{marker}: behaviour family {family}")
    for basis in behaviours.BASES:
        config.addinivalue_line("markers", f"{basis}: checks whose expectation is {basis}")
    config.addinivalue_line("markers", "fuzz: generated requests from the OpenAPI document")
    config.stash[ACTIVE] = _is_active(config)
    if config.stash[ACTIVE]:
        _activate(config)


def _activate(config: pytest.Config) -> results.RunState:
    """Resolve the settings and start recording; a bad option stops pytest (usage error)."""
    try:
        settings = resolve_settings(config)
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "squarecheck_run_id" in workerinput:
        settings.run_id = workerinput["squarecheck_run_id"]
    state = config.stash[STATE] = results.RunState(settings)
    config.pluginmanager.register(results.Recorder(state), "squarecheck-recorder")
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(results.HtmlColumns(), "squarecheck-html")
    return state


def _state(config: pytest.Config) -> results.RunState:
    """The run state; suites collected from an unexpected folder activate the plugin here."""
    if STATE not in config.stash:
        return _activate(config)
    return config.stash[STATE]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "square_version" in metafunc.fixturenames:
        versions = _state(metafunc.config).settings.versions
        metafunc.parametrize("square_version", versions, ids=versions, scope="function")


def _check_marker(item: pytest.Item) -> tuple[behaviours.Behaviour, str, str] | None:
    marker = item.get_closest_marker("check")
    if marker is None or not hasattr(item, "callspec"):
        return None
    behaviour_id, operation, name = marker.args
    params = {k: v for k, v in item.callspec.params.items() if k != "square_version"}
    text = {k: getattr(v, "__name__", str(v)) for k, v in params.items()}
    fmt_name, fmt_op = name.format(**text), operation.format(**text)
    used = {f for _, f, _, _ in string.Formatter().parse(name + operation) if f}
    unused = [v for k, v in text.items() if k not in used]
    if unused:
        fmt_name = f"{fmt_name} ({', '.join(unused)})"
    return behaviours.load_table()[behaviour_id], fmt_op, fmt_name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        found = _check_marker(item)
        if found is None:
            continue
        behaviour, operation, _ = found
        version = item.callspec.params["square_version"]  # type: ignore[attr-defined]
        item.add_marker(behaviour.family.replace("-", "_"))
        item.add_marker(behaviour.basis_at(version))
        item.extra_keyword_matches.update({behaviour.id, operation})


@pytest.fixture(scope="session")
def squarecheck_state(request: pytest.FixtureRequest) -> Iterator[results.RunState]:
    """Connect to the target (starting the embedded emulator when there is none)."""
    state = _state(request.config)
    settings = state.settings
    emulator = None
    if settings.target is None:
        from squarecheck.emulator.server import EmulatorServer

        emulator = EmulatorServer(host="127.0.0.1", port=0)
        emulator.__enter__()
        state.target = Target(url=emulator.url, kind="emulator")
    else:
        state.target = settings.target
    on_emulator = state.target.kind == "emulator"
    state.token = settings.token or (f"sqc-emu-{secrets.token_hex(8)}" if on_emulator else None)
    if state.token is None:
        raise pytest.UsageError("a token is needed: --token, SQUARECHECK_TOKEN or SQUARE_TOKEN")
    state.second_token = settings.second_token or (
        f"sqc-emu2-{secrets.token_hex(8)}" if on_emulator else None
    )
    state.ledger = Ledger(settings.prefix)
    redactor = Redactor([state.token, state.second_token])
    state.conn = Connection(state.target.url, redactor, state.ledger)
    try:
        yield state
    finally:
        state.leftovers += cleanup(state.ledger.pending(), _cleanup_client(state))
        workeroutput = getattr(request.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["squarecheck_leftovers"] = state.leftovers
            state.leftovers = 0
        state.conn.close()
        if emulator is not None:
            emulator.__exit__(None, None, None)


def _cleanup_client(state: results.RunState) -> Any:
    def client_for(token: str | None) -> Client:
        assert state.conn is not None
        return Client(state.conn, token, None, [], validate=False)

    return client_for


@pytest.fixture
def check(
    request: pytest.FixtureRequest, squarecheck_state: results.RunState, square_version: str
) -> Iterator[Check]:
    """One check: a client bound to the version, a name namespace, cleanup afterwards."""
    found = _check_marker(request.node)
    if found is None:
        raise ToolError(f"{request.node.nodeid} has no @pytest.mark.check(...) marker")
    behaviour, operation, name = found
    state = squarecheck_state
    assert state.conn is not None and state.ledger is not None
    ctx = Check(
        version=square_version,
        behaviour=behaviour,
        operation=operation,
        name=name,
        client=Client(state.conn, state.token, square_version),
        ledger=state.ledger,
        second_token=state.second_token,
        search_timeout=state.settings.search_timeout,
        nodeid=request.node.nodeid,
    )
    request.node.stash[CHECK] = ctx
    table = behaviours.load_table()
    request.node.user_properties.extend(
        [
            ("check", f"{square_version} > {operation} > {name}"),
            ("behaviour", behaviour.id),
            ("basis", ctx.basis),
            ("source", table.source_url(behaviour.source_at(square_version))),
        ]
    )
    mark = state.ledger.mark()
    try:
        yield ctx
    finally:
        # what fails to go here is retried by the session's final sweep, which counts leftovers
        cleanup(state.ledger.since(mark), _cleanup_client(state))


@pytest.fixture
def fuzz_examples(request: pytest.FixtureRequest) -> int:
    """Generated cases per operation and mode for the fuzz suite (--fuzz-examples)."""
    return _state(request.config).settings.fuzz_examples


def _failure_basis(ctx: Check, exc: BaseException) -> str:
    behaviour_id = getattr(exc, "behaviour", None)
    if behaviour_id:
        return behaviours.load_table()[behaviour_id].basis_at(ctx.version)
    return ctx.basis


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, Any, Any]:
    """Attach evidence to failures; turn failures of assumed behaviours into warnings."""
    try:
        return (yield)
    except AssertionError as exc:
        ctx = pyfuncitem.stash.get(CHECK, None)
        if ctx is None:
            raise
        message = ctx.redact(str(exc))
        settings = pyfuncitem.config.stash[STATE].settings
        if _failure_basis(ctx, exc) == "assumed" and not settings.strict:
            ctx.warning = message
            pyfuncitem.user_properties.append(("squarecheck_warning", message))
            return True
        exc.args = (ctx.with_evidence(message),)
        if isinstance(exc, ConformanceFailure):
            exc.message = exc.args[0]
        raise
    except ToolError as exc:
        ctx = pyfuncitem.stash.get(CHECK, None)
        if ctx is not None:
            exc.args = (ctx.with_evidence(ctx.redact(str(exc))),)
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    found = _check_marker(item)
    if found is None or STATE not in item.config.stash:
        return report
    ctx = item.stash.get(CHECK, None)
    conn = item.config.stash[STATE].conn
    redact = conn.redactor.text if conn is not None else str
    # the token must not reach any report, whatever text the exception or output carries
    if isinstance(report.longrepr, tuple):
        path, line, text = report.longrepr
        report.longrepr = (path, line, redact(text))
    elif report.longrepr is not None:
        report.longrepr = redact(str(report.longrepr))
    report.sections = [(k, redact(v)) for k, v in report.sections]
    decides = call.when == "call" or (call.when == "setup" and not report.passed)
    if not decides:
        return report
    outcome = "passed"
    message = None
    if report.skipped:
        outcome = "skipped"
        longrepr = report.longrepr
        message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        message = message.removeprefix("Skipped: ")
    elif report.failed:
        excinfo = call.excinfo
        is_failure = excinfo is not None and excinfo.errisinstance(AssertionError)
        outcome = "failed" if is_failure and call.when == "call" else "error"
        message = redact(str(excinfo.value) if excinfo is not None else str(report.longrepr))
        if outcome == "error" and call.when == "call":
            report.when = "setup"  # junit and the terminal show a tool error as an error
    elif ctx is not None and ctx.warning:
        outcome, message = "warned", ctx.warning
        report.sections.append(("squarecheck warning (assumed behaviour)", message))
    report.squarecheck = results.build_record(item, found, ctx, outcome, message, report.duration)  # type: ignore[attr-defined]
    return report
