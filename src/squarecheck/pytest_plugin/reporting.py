"""The plugin as the same tool as `squarecheck run`: the same preflight, the same reports in
the run folder, the same terminal verdict and the same exit codes.

- configure: report.html and junit.xml go to the run folder unless given; pytest's own
  tracebacks and short summary give way to squarecheck's verdict (`-v` brings them back);
  against a remote target the preflight runs once, in the controller, before any worker starts.
- a failed preflight collects nothing; the verdict names the fix and the run exits 3.
- session end (controller): results.json, then the report stage (`reports.stage.post_run`);
  its exit code replaces pytest's where pytest only said "tests failed" or "all passed".

Where pytest owns the exit code it stays pytest's: 4 (pytest refused an option), 5 (nothing
collected), 2 (interrupted), 3 (pytest's internal error); docs/running.md maps them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from squarecheck import exitcodes
from squarecheck.emulator.embedded import EMBEDDED_TARGET
from squarecheck.errors import ReportError
from squarecheck.options import Settings
from squarecheck.pytest_plugin.state import RunState
from squarecheck.reports.folders import point_latest
from squarecheck.spec.table import load_table
from squarecheck.target.bounds import printable
from squarecheck.target.preflight import Preflight, preflight
from squarecheck.target.resolve import Target

PYTEST_OK, PYTEST_FAILED, PYTEST_NO_TESTS = 0, 1, 5


def is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def configure_outputs(config: pytest.Config, run_dir: Path) -> None:
    """report.html into the run folder (the report stage writes junit.xml from results.json);
    squarecheck's verdict instead of pytest's tracebacks and short summary, unless -v."""
    option = config.option
    if config.pluginmanager.hasplugin("html") and getattr(option, "htmlpath", None) is None:
        option.htmlpath = str(run_dir / "report.html")
        option.self_contained_html = True
    if config.get_verbosity() <= 0:
        option.tbstyle = "no"
        option.reportchars = ""


def wait_for(target: Target, settings: Settings) -> Preflight:
    """The preflight, asked again every second while the target does not answer at all, for up
    to --wait-for-target seconds (a service starting beside the job)."""
    waited = settings.wait_for_target or 0.0
    deadline = time.monotonic() + waited
    version, limit = settings.versions[-1], settings.request_deadline
    found = preflight(target, settings.token, version, limit)
    while not found.answered and time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        found = preflight(target, settings.token, version, limit)
    if not found.answered and waited:
        found.diagnosis = f"{found.diagnosis} (still after waiting {waited:g} s)"
    return found


def run_preflight(config: pytest.Config, state: RunState) -> None:
    """Probe a remote target once; on a diagnosis no check is collected and no worker starts."""
    settings, target = state.settings, state.settings.target
    if target is None or target.kind == "emulator" or config.getoption("collectonly"):
        return
    if not is_controller(config):
        return
    found = wait_for(target, settings)
    state.notes += found.notes
    if found.diagnosis is not None:
        state.preflight_failed = f"preflight: {found.diagnosis}"
        state.stopped = state.preflight_failed
        config.option.dist, config.option.tx = "no", []


class RunReporter:
    """The run-level hooks: warned checks counted as such, the banner, no collection after a
    failed preflight, and the verdict in the terminal."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.bannered = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> Any:
        record = getattr(report, "squarecheck", None)
        if record is not None and record.get("outcome") == "warned":
            return "warned", "w", "WARNED"
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> bool | None:
        return True if self.state.preflight_failed else None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if is_controller(session.config):
            self._banner(session.config, len(session.items))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self._banner(node.config, len(ids))

    def _banner(self, config: pytest.Config, checks: int) -> None:
        if self.bannered or self.state.preflight_failed or not checks:
            return
        self.bannered = True
        settings = self.state.settings
        target = settings.target.display if settings.target else EMBEDDED_TARGET
        workers = getattr(config.option, "numprocesses", None) or 1
        line = (
            f"squarecheck: {checks} checks against {target} under {', '.join(settings.versions)}"
            f"; {workers} worker{'s' if workers != 1 else ''}; reports in {settings.run_dir}/"
        )
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(printable(line))
            for note in self.state.notes:
                reporter.write_line(printable(note))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.state.verdict:
            terminalreporter.write_line(line)


def sweep_advice(settings: Settings, leftovers: int) -> str:
    """The command that removes what a run could not delete; none against the embedded
    emulator, which ended with the run."""
    target = settings.target or Target("", "emulator")
    if not leftovers or target.kind == "emulator":
        return ""
    return (
        f"{leftovers} created resources could not be deleted; remove them with: "
        f"squarecheck sweep --prefix {settings.run_prefix} --target {target.display}"
    )


def finish(session: pytest.Session, state: RunState, written: dict[str, Any]) -> None:
    """The report stage after results.json (`written`: the document as written there); the
    verdict lines; squarecheck's exit code."""
    # the report builders (Jinja2 and every page) load here, in the controller at the end only
    from squarecheck.reports.compare.baseline import BaselineError
    from squarecheck.reports.stage import post_run
    from squarecheck.reports.terminal import render

    settings = state.settings
    run_dir = settings.run_dir
    pytest_code = int(session.exitstatus)
    try:
        outcome = post_run(
            run_dir,
            baseline=settings.baseline,
            summary_md=settings.summary_md,
            upgrade=(settings.upgrade[0], settings.upgrade[1]) if settings.upgrade else None,
            stopped=bool(state.stopped),
            name=settings.run_name,
            written=written,
        )
    except BaselineError as exc:
        print(printable(f"squarecheck: {exc}"), file=sys.stderr)  # a usage error: one line
        session.exitstatus = state.exit_code = exitcodes.USAGE
        return
    except ReportError as exc:
        print(printable(f"squarecheck: reports not written: {exc}"), file=sys.stderr)
        session.exitstatus = state.exit_code = exitcodes.TOOL_ERROR
        return
    point_latest(run_dir)
    results = outcome.results
    leftovers = sweep_advice(settings, outcome.leftovers)
    if pytest_code == PYTEST_NO_TESTS and not state.preflight_failed:
        return  # nothing selected: pytest says so, and `squarecheck run` names the fix
    state.verdict = render(results, load_table(), run_dir, outcome.messages, leftovers)
    if state.preflight_failed or pytest_code in (PYTEST_OK, PYTEST_FAILED):
        session.exitstatus = state.exit_code = outcome.exit_code
