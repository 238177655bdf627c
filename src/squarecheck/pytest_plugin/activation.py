"""Turning the plugin on: options resolved from the one table, state created, recorder on."""

from __future__ import annotations

from pathlib import Path

import pytest

from squarecheck.errors import UsageError
from squarecheck.options import Settings, options_for, require_target_access, resolve
from squarecheck.paths import suites_dir
from squarecheck.pytest_plugin.interrupts import SignalGuard
from squarecheck.pytest_plugin.recording import HtmlColumns, Recorder
from squarecheck.pytest_plugin.state import STATE, RunState
from squarecheck.target.redaction import Redactor


def given(config: pytest.Config) -> dict[str, object]:
    """The squarecheck options pytest parsed, keyed by option name."""
    return {o.name: config.getoption(o.dest_for("pytest")) for o in options_for("pytest")}


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
    """Options and env twins -> Settings; a bad value stops pytest as a usage error."""
    try:
        settings = resolve("pytest", given(config))
        require_target_access(settings)
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    return settings


def activate(config: pytest.Config) -> RunState:
    """Resolve the settings and start recording."""
    settings = settings_for(config)
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "squarecheck_run_id" in workerinput:
        settings.run_id = workerinput["squarecheck_run_id"]
    redactor = Redactor([settings.token, settings.second_token])
    state = config.stash[STATE] = RunState(settings, redactor)
    config.pluginmanager.register(Recorder(state), "squarecheck-recorder")
    _guard_signals(config)
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(HtmlColumns(), "squarecheck-html")
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
