"""Real runs of the suites against the emulator and a version-ignoring proxy, then the reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from squarecheck import results
from squarecheck.cli import main
from squarecheck.emulator.server import EmulatorServer
from squarecheck.reports import matrix as mx
from squarecheck.spec.table import load_table
from tests.support.version_proxy import VersionStrippingProxy

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

SEEDS = {"unrecognized-field", "idempotency-key-reuse"}
OLD, NEW = "2022-02-16", "2022-03-16"


def run_suites(target: str, folder: Path) -> Path:
    """`squarecheck run` of the seed families against `target`; returns the run folder."""
    folder.mkdir(parents=True)
    command = [
        sys.executable,
        "-m",
        "squarecheck",
        "run",
        "--target",
        target,
        "--token",
        "sqc-test-token",
        "--report-dir",
        str(folder),
        "--workers",
        "1",
        "-m",
        "unrecognized_fields or idempotency",
        "--upgrade",
        OLD,
        NEW,
        "--summary-md",
        str(folder / "summary.md"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=300)
    found = sorted(p for p in folder.glob("*/results.json") if not p.parent.is_symlink())
    assert len(found) == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.returncode == results.load(found[0])["run"]["exit_code"]
    return found[0].parent


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An emulator run and a run through a proxy that drops Square-Version."""
    root = tmp_path_factory.mktemp("real")
    with EmulatorServer(port=0) as server:
        good = run_suites(server.url, root / "emulator")
        with VersionStrippingProxy(server.url) as proxy:
            bad = run_suites(proxy.url, root / "ignoring")
    return good, bad


def test_real_runs_show_seed_changes_and_regressions(
    real_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    """Emulator: seeds observed; stripped header: seeds not observed; diff lists the regressions."""
    good, bad = real_runs
    assert results.load(good)["run"]["failing"] == 0
    assert results.load(bad)["run"]["failing"] > 0
    assert results.load(bad)["run"]["exit_code"] == 1
    table = load_table()
    good_rows = mx.build(results.load(good), table).rows
    bad_rows = mx.build(results.load(bad), table).rows
    for rows, wanted in ((good_rows, mx.DOC_OBSERVED), (bad_rows, mx.DOC_NOT_OBSERVED)):
        seeds = [r for r in rows if r.behaviour_id in SEEDS]
        assert seeds
        assert {f for r in seeds for f in r.findings} == {wanted}
        # every row of a behaviour that changes between the versions reads the same way
        changing_rows = [r for r in rows if table[r.behaviour_id].changes_between(OLD, NEW)]
        assert {f for r in changing_rows for f in r.findings} == {wanted}
    out = tmp_path / "diff.json"
    assert main(["diff", str(good), str(bad), "--json", str(out)]) == 1
    regressed = json.loads(out.read_text(encoding="utf-8"))["regressions"]
    failed_now = {c["id"] for c in results.load(bad)["checks"] if c["outcome"] == "failed"}
    assert {c["id"] for c in regressed} == failed_now
    assert {c["version"] for c in regressed} == {OLD}
    changing = {b.id for b in table.behaviours.values() if b.changes_between(OLD, NEW)}
    assert SEEDS <= {c["behaviour"] for c in regressed} <= changing
    assert "documented change not observed" in (bad / "index.html").read_text(encoding="utf-8")
    for folder, wanted in ((good, "observed"), (bad, "not observed")):
        report = json.loads((folder / "upgrade.json").read_text(encoding="utf-8"))
        status = {d["behaviour"]: d["status"] for d in report["documented"]}
        assert {status[b] for b in SEEDS} == {wanted}
    summary = (bad.parent / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## squarecheck FAIL")
