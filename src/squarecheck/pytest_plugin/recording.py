"""Turning test reports into check records, collecting them (from xdist workers too), and
writing results.json once at the end of the session through `squarecheck.results`, also when
the circuit breaker opened or a signal interrupted the run.
"""

from __future__ import annotations

import html
import time
from typing import Any

import pytest

from squarecheck import __version__
from squarecheck.checks import Check
from squarecheck.emulator.embedded import EMBEDDED_TARGET
from squarecheck.pytest_plugin.reporting import finish
from squarecheck.pytest_plugin.state import RunState
from squarecheck.results import (
    CheckRecord,
    Outcome,
    RunInfo,
    count,
    exit_code,
    now_iso,
    storable,
    write,
)
from squarecheck.spec.table import Behaviour, load_table, valid_texts
from squarecheck.target.bounds import Limits, clip
from squarecheck.target.redaction import Redactor

#: record fields that hold a whole message (a few target texts and a curl line), not one text
_MESSAGES = frozenset({"message", "curl"})


def bounded(value: Any, redactor: Redactor, limits: Limits, key: str = "") -> Any:
    """`value` with every string redacted (decoded facts too), storable in every report file
    (`results.storable`) and cut to size, keys included: target text enters a record here."""
    if isinstance(value, str):
        limit = limits.max_message if key in _MESSAGES else limits.max_text
        return clip(storable(redactor.text(value)), limit)
    if isinstance(value, dict):
        return {
            bounded(k, redactor, limits): bounded(v, redactor, limits, str(k))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [bounded(v, redactor, limits, key) for v in value]
    return value


def build_record(
    item: pytest.Item,
    found: tuple[Behaviour, str, str],
    ctx: Check | None,
    outcome: Outcome,
    message: str | None,
    duration: float,
) -> CheckRecord:
    """One check's results.json record."""
    behaviour, operation, name = found
    version = item.callspec.params["square_version"]  # type: ignore[attr-defined]
    table = load_table()
    status, code, observed, evidence = ctx.facts() if ctx is not None else (None, None, {}, [])
    return CheckRecord(
        id=f"{version} > {operation} > {name}",
        key=f"{operation} > {name}",
        nodeid=item.nodeid,
        behaviour=behaviour.id,
        family=behaviour.family,
        operation=operation,
        version=version,
        resolved_version=table.resolve(version),
        outcome=outcome,
        basis=ctx.basis if ctx is not None else behaviour.basis_at(version),
        source=table.source_url(behaviour.source_at(version)),
        expected_summary=" ".join(behaviour.summary(version).split()),
        duration=round(duration, 4),
        status=status,
        error_code=code,
        observed=observed,
        message=message,
        evidence=evidence,
    )


class Recorder:
    """Collects check records (from workers too) and writes results.json at the end."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = getattr(report, "squarecheck", None)
        if record is not None:
            self.state.records.append(record)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["squarecheck_run_id"] = self.state.settings.run_id
        node.workerinput["squarecheck_valid_tables"] = valid_texts()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        self.state.leftovers += int(output.get("squarecheck_leftovers", 0))
        if output.get("squarecheck_stopped"):
            self.state.stopped = self.state.stopped or str(output["squarecheck_stopped"])

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """SIGINT or SIGTERM (`pytest_plugin.interrupts`): send nothing more, so that cleanup
        and the reports of what ran finish at once."""
        name = str(excinfo.value.args[0]) if excinfo.value.args else "SIGINT"
        self.state.interrupt(name.removeprefix("interrupted by "))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """results.json in the run folder (and at --results-json), then the report stage,
        unless `WhileWorkersExit` wrote them already."""
        if hasattr(session.config, "workerinput") or self.state.reported:
            return
        self.report(session)

    def report(self, session: pytest.Session) -> None:
        """results.json in the run folder (and at --results-json), then the report stage."""
        settings = self.state.settings
        self.state.reported = True  # from here on a signal changes nothing in what is written
        doc = {"run": self.run_info(), "checks": self.state.records}
        written = write(settings.run_dir / "results.json", doc)
        if settings.results_json is not None:
            write(settings.results_json, doc)
        finish(session, self.state, written)

    def run_info(self) -> RunInfo:
        state, settings = self.state, self.state.settings
        counts = count(state.records)
        info = RunInfo(
            id=settings.run_id,
            target=settings.target.display if settings.target else EMBEDDED_TARGET,
            target_kind=settings.target.kind if settings.target else "emulator",
            versions=settings.versions,
            upgrade=None,
            started_at=state.started_at,
            finished_at=now_iso(),
            duration=round(time.monotonic() - state.started, 3),
            strict=settings.strict,
            squarecheck_version=__version__,
            prefix=settings.run_prefix,
            leftovers=state.leftovers,
            counts=counts,
            exit_code=exit_code(counts, stopped=bool(state.stopped)),
        )
        if state.stopped:
            info["stopped"] = state.stopped
        if settings.shard:
            info["shard"] = "{}/{}".format(*settings.shard)
        if settings.narrowed:
            info["narrowed"] = {v: sorted(ids) for v, ids in sorted(settings.narrowed.items())}
        return info


class WhileWorkersExit:
    """The pytest-xdist controller, once every worker has finished its checks and clean-up and
    sent its last word (leftovers, why it stopped): the workers are told to exit (execnet's
    `Gateway.exit`, which leaves the waiting to xdist's own teardown) and the reports are
    written while they do, not after. A session that ended any other way (interrupted, a
    worker lost) keeps the usual order: `Recorder` reports last.

    Registered before `distribution.Sharding`, whose exit status fix runs first."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        dsession = session.config.pluginmanager.get_plugin("dsession")
        if dsession is None or not getattr(dsession, "session_finished", False):
            return
        group = getattr(getattr(dsession, "nodemanager", None), "group", None)
        for gateway in list(group or ()):
            gateway.exit()
        self.recorder.report(session)


class HtmlColumns:
    """report.html: the human check id and the squarecheck outcome next to pytest's."""

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells.insert(1, "<th>Check</th>")
        cells.insert(2, "<th>squarecheck</th>")

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        record = getattr(report, "squarecheck", None) or {}
        check_id = html.escape(str(record.get("id", "")))
        outcome = html.escape(str(record.get("outcome", "")))
        cells.insert(1, f"<td>{check_id}</td>")
        cells.insert(2, f"<td>{outcome}</td>")
