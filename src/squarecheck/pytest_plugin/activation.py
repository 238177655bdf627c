"""Turning the plugin on: options resolved from the one table, state created, recorder on."""

from __future__ import annotations

from pathlib import Path

import pytest

from squarecheck import exitcodes
from squarecheck.errors import UsageError
from squarecheck.options import Settings, options_for, require_target_access, resolve
from squarecheck.paths import suites_dir
from squarecheck.pytest_plugin.distribution import CheckScheduling, Sharding
from squarecheck.pytest_plugin.interrupts import SignalGuard
from squarecheck.pytest_plugin.recording import HtmlColumns, Recorder, WhileWorkersExit
from squarecheck.pytest_plugin.reporting import (
    RunReporter,
    configure_outputs,
    is_controller,
    run_preflight,
)
from squarecheck.pytest_plugin.state import STATE, RunState
from squarecheck.spec.table import TableError
from squarecheck.target.redaction import Redactor

#: `pytest --pyargs squarecheck.suites` names the suites by this name from any folder
SUITES_NAME = "squarecheck.suites"


def given(config: pytest.Config) -> dict[str, object]:
    """The squarecheck options pytest parsed, keyed by option name."""
    return {o.name: config.getoption(o.dest_for("pytest")) for o in options_for("pytest")}


def point_at_suites(config: pytest.Config) -> None:
    """`--pyargs squarecheck.suites` or `--squarecheck-suites`: collect the suites' folder,
    wherever squarecheck is installed (they are data of the package, not a module)."""
    if config.getoption("squarecheck_suites"):
        config.args[:] = [str(suites_dir())]
    elif config.option.pyargs and SUITES_NAME in config.args:
        config.args[:] = [str(suites_dir()) if a == SUITES_NAME else a for a in config.args]
        config.option.pyargs = False


def is_active(config: pytest.Config) -> bool:
    """True when a squarecheck option is given or the suites are collected."""
    if any(value not in (None, []) for value in given(config).values()):
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


def settings_for(config: pytest.Config) -> Settings:
    """Options and env twins -> Settings; a bad value or a broken behaviour table stops pytest
    with one line and squarecheck's exit code 2, as under `squarecheck run`."""
    try:
        settings = resolve("pytest", given(config))
        require_target_access(settings)
    except (UsageError, TableError) as exc:
        pytest.exit(f"squarecheck: {exc}", returncode=exitcodes.USAGE)
    return settings


def activate(config: pytest.Config) -> RunState:
    """Resolve the settings and start recording."""
    settings = settings_for(config)
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "squarecheck_run_id" in workerinput:
        settings.run_id = workerinput["squarecheck_run_id"]
    redactor = Redactor([settings.token, settings.second_token])
    state = config.stash[STATE] = RunState(settings, redactor)
    recorder = Recorder(state)
    config.pluginmanager.register(recorder, "squarecheck-recorder")
    # before Sharding: of two tryfirst hooks pytest calls the one registered later first
    config.pluginmanager.register(WhileWorkersExit(recorder), "squarecheck-early-reports")
    config.pluginmanager.register(RunReporter(state), "squarecheck-reporter")
    config.pluginmanager.register(CheckScheduling(), "squarecheck-scheduling")
    if settings.shard:
        config.pluginmanager.register(Sharding(*settings.shard), "squarecheck-shard")
    _guard_signals(config)
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(HtmlColumns(), "squarecheck-html")
    if is_controller(config):
        configure_outputs(config, settings.run_dir)
    run_preflight(config, state)
    return state


def _guard_signals(config: pytest.Config) -> None:
    """SIGINT and SIGTERM stop the run in order (`interrupts`), unless `squarecheck run`
    guards them already; not in pytest-xdist workers, whose controller is signalled."""
    plugins = config.pluginmanager.get_plugins()
    if hasattr(config, "workerinput") or any(isinstance(p, SignalGuard) for p in plugins):
        return
    guard = SignalGuard()
    if guard.install():
        config.pluginmanager.register(guard, "squarecheck-signals")
        config.add_cleanup(guard.restore)
