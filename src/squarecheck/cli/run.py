"""`squarecheck run`: every suite under every selected version, reports in reports/<run-id>/.

Without --target every process that runs checks (the one process, or each pytest-xdist worker)
starts the embedded emulator on a free loopback port, in a thread (`pytest_plugin.fixtures`). The
suites run through pytest and the squarecheck plugin, with a command line generated from the
options table (`options.pytest_args`); the plugin is the same tool under plain pytest: it runs
the preflight, prints the verdict, writes report.html, junit.xml, results.json and the report
stage's pages into the run folder, and decides the exit code. SIGINT and SIGTERM are guarded
from the start (`pytest_plugin.interrupts`): the first stops the checks in order, none stops
the reports being written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pytest

from squarecheck import exitcodes
from squarecheck.cli.common import declare, usage
from squarecheck.errors import UsageError
from squarecheck.options import Settings, require_target_access, resolve
from squarecheck.options.pytest_args import pytest_args
from squarecheck.pytest_plugin.state import STATE
from squarecheck.reports.folders import run_folder
from squarecheck.target.resolve import Target

if TYPE_CHECKING:
    from squarecheck.pytest_plugin.interrupts import SignalGuard

# pytest's own exit codes (pytest.ExitCode) that are not verdicts on the target
PYTEST_INTERRUPTED, PYTEST_INTERNAL_ERROR, PYTEST_USAGE, PYTEST_NO_TESTS = 2, 3, 4, 5


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options from the one options table."""
    declare(parser, "run")


@contextlib.contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    """Pass secrets to pytest (and its workers) through the environment, not argv."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(args: argparse.Namespace) -> int:
    try:
        settings = resolve("run", vars(args))
        require_target_access(settings)
        run_folder(settings.report_dir, settings.run_id, settings.run_name)
    except UsageError as exc:
        return usage("run", str(exc))
    from squarecheck.pytest_plugin.interrupts import SignalGuard

    # From here on SIGINT and SIGTERM are noted; while the checks run, the first one stops
    # them in order (pytest_plugin.interrupts); while reports are written, none stops that.
    guard = SignalGuard()
    guard.install()
    try:
        return _execute(settings, guard)
    finally:
        guard.restore(ignore=guard.first is not None)


def _execute(settings: Settings, guard: SignalGuard) -> int:
    if settings.target is None and settings.workers is None:
        settings.workers = embedded_workers()
    if settings.workers == 1:
        settings.workers = None  # one process: no xdist controller and worker
    return _run(settings, settings.target, guard)


def embedded_workers(cpus: int | None = None) -> int | None:
    """Workers for a run against the embedded emulator when --workers is not given: two where
    two CPUs are free to the run, else none (one process). Each worker then serves its checks
    from an emulator of its own, in a thread beside them (`pytest_plugin.fixtures`), and no
    process waits on another's; a remote target is left one (its rate limits, and searches
    that converge in the order they were written)."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 if (cpus or 1) >= 2 else None


class _Decided:
    """Reads back the exit code the plugin decided, which pytest's own codes overlap (2 is
    pytest's "interrupted" and squarecheck's "usage error")."""

    code: int | None = None

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        yield
        state = session.config.stash.get(STATE, None)
        self.code = state.exit_code if state is not None else None


def _run(settings: Settings, target: Target | None, guard: SignalGuard) -> int:
    """The suites through pytest and the squarecheck plugin, which runs the preflight, prints
    the verdict, writes every report and returns squarecheck's exit code; what pytest itself
    decides (a refused option, nothing selected, an interrupt) is mapped here."""
    if guard.first is not None:
        print(f"squarecheck run: interrupted by {guard.first} before any check ran; no reports")
        return exitcodes.TOOL_ERROR
    secrets_env = {
        "SQUARECHECK_TOKEN": settings.token,
        "SQUARECHECK_SECOND_TOKEN": settings.second_token,
        "SQUARE_TOKEN": None,
    }
    decided = _Decided()
    plugins: list[object] = [decided, guard]
    with _environment(secrets_env):
        try:
            code = int(pytest.main(pytest_args(settings, target), plugins=plugins))
        except KeyboardInterrupt:  # not from the guard, which pytest always catches
            code = PYTEST_INTERRUPTED
    if decided.code is not None:  # the plugin's own exit code, not one of pytest's
        return decided.code
    if code == PYTEST_USAGE:
        return usage("run", "pytest refused the options (see above)")
    if code == PYTEST_NO_TESTS:
        return usage("run", "no check matches the -k/-m selection")
    if code in (PYTEST_INTERRUPTED, PYTEST_INTERNAL_ERROR):
        return exitcodes.TOOL_ERROR
    return code
