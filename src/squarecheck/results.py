"""results.json: one record per check and version (format: specs/results.schema.json).

Also the plugin's per-process run state and the pytest plugin objects that collect records
(from xdist workers too) and write the file at the end of the session.
"""

from __future__ import annotations

import html
import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from squarecheck import __version__, behaviours
from squarecheck.checks import Check
from squarecheck.client import Connection
from squarecheck.ledger import Ledger
from squarecheck.paths import specs_dir
from squarecheck.target import Target

OUTCOMES = ("passed", "failed", "warned", "error", "skipped")


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id; also the report folder name and part of the name prefix."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def prefix_for(run_id: str) -> str:
    """The name prefix of every resource a run creates."""
    return f"sqc-{run_id.lower()}-"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def counts(checks: list[dict[str, Any]]) -> dict[str, int]:
    """Checks by outcome, every outcome present (0 when none)."""
    found = Counter(c["outcome"] for c in checks)
    return {o: found.get(o, 0) for o in OUTCOMES}


def exit_code_for(checks: list[dict[str, Any]]) -> int:
    """1 if any check failed, else 3 if any tool error, else 0."""
    c = counts(checks)
    if c["failed"]:
        return 1
    if c["error"]:
        return 3
    return 0


def write(path: Path, run: dict[str, Any], checks: list[dict[str, Any]]) -> None:
    """Write results.json (checks sorted by key and version so runs diff cleanly)."""
    ordered = sorted(checks, key=lambda c: (c["key"], c["version"], c.get("nodeid", "")))
    doc = {"format": 1, "run": run, "checks": ordered}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (specs_dir() / "results.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def problems(doc: dict[str, Any]) -> list[str]:
    """Where `doc` departs from specs/results.schema.json (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


@dataclass
class Settings:
    """The plugin's resolved configuration (config.stash)."""

    target: Target | None
    versions: list[str]
    token: str | None
    second_token: str | None
    search_timeout: float
    strict: bool
    results_json: Path | None
    run_id: str
    fuzz_examples: int = 10
    started_at: str = field(default_factory=now_iso)
    started: float = field(default_factory=time.monotonic)

    @property
    def prefix(self) -> str:
        return prefix_for(self.run_id)


@dataclass
class RunState:
    """Per-process state: the connection, the ledger, the emulator, collected records."""

    settings: Settings
    records: list[dict[str, Any]] = field(default_factory=list)
    leftovers: int = 0
    target: Target | None = None
    conn: Connection | None = None
    ledger: Ledger | None = None
    token: str | None = None
    second_token: str | None = None


def build_record(
    item: pytest.Item,
    found: tuple[behaviours.Behaviour, str, str],
    ctx: Check | None,
    outcome: str,
    message: str | None,
    duration: float,
) -> dict[str, Any]:
    """One check's results.json record."""
    behaviour, operation, name = found
    version = item.callspec.params["square_version"]  # type: ignore[attr-defined]
    table = behaviours.load_table()
    record: dict[str, Any] = {
        "id": f"{version} > {operation} > {name}",
        "key": f"{operation} > {name}",
        "nodeid": item.nodeid,
        "behaviour": behaviour.id,
        "family": behaviour.family,
        "operation": operation,
        "version": version,
        "resolved_version": table.resolve(version),
        "outcome": outcome,
        "basis": behaviour.basis_at(version),
        "source": table.source_url(behaviour.source_at(version)),
        "expected_summary": " ".join(behaviour.summary(version).split()),
        "duration": round(duration, 4),
        "status": None,
        "error_code": None,
        "observed": {},
        "message": message,
        "evidence": [],
    }
    if ctx is not None:
        record.update(ctx.facts())
    return record


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

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        self.state.leftovers += int(output.get("squarecheck_leftovers", 0))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        state = self.state
        settings = state.settings
        if hasattr(session.config, "workerinput") or settings.results_json is None:
            return
        target = settings.target
        run = {
            "id": settings.run_id,
            "target": target.display if target else "emulator",
            "target_kind": target.kind if target else "emulator",
            "versions": settings.versions,
            "upgrade": None,
            "started_at": settings.started_at,
            "finished_at": now_iso(),
            "duration": round(time.monotonic() - settings.started, 3),
            "strict": settings.strict,
            "squarecheck_version": __version__,
            "prefix": settings.prefix,
            "leftovers": state.leftovers,
            "counts": counts(state.records),
            "exit_code": exit_code_for(state.records),
        }
        write(settings.results_json, run, state.records)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        records = self.state.records
        if not records:
            return
        terminalreporter.section("squarecheck")
        for record in records:
            if record["outcome"] in ("failed", "warned", "error"):
                terminalreporter.write_line(
                    f"{record['outcome'].upper():7} {record['id']} "
                    f"[{record['behaviour']}, {record['basis']}]"
                )
        shown = ", ".join(f"{v} {k}" for k, v in counts(records).items() if v)
        terminalreporter.write_line(
            f"{len(records)} checks: {shown}; prefix {self.state.settings.prefix}; "
            f"leftovers {self.state.leftovers}"
        )


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
