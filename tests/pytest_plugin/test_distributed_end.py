"""The end of a run on pytest-xdist workers: the reports are written while the workers exit."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from squarecheck import results
from tests.support.suites import RunResult, clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in a subprocess

CHECKOUT = Path(__file__).resolve().parents[2]


def test_reports_are_written_before_the_workers_are_waited_for(
    run_cli: Callable[..., RunResult], tmp_path: Path
) -> None:
    """With two workers every report exists and every worker is told to exit before xdist's
    teardown waits for them; results.json holds each check once and validates."""
    probe = tmp_path / "probe.json"
    path = os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))
    env = clean_env(
        PYTHONPATH=path,
        PYTEST_ADDOPTS="-p tests.support.teardown_probe",
        SQUARECHECK_TEST_PROBE=str(probe),
    )
    run = run_cli("--workers", "2", "-m", "auth", env=env)
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-3000:]
    seen = json.loads(probe.read_text("utf-8"))
    assert seen == {
        "reports": ["results.json", "junit.xml", "index.html", "timeline.html"],
        "workers_not_told_to_exit": 0,
    }
    doc = results.load(run.run_dir)
    ids = [c["id"] for c in doc["checks"]]
    assert ids and len(ids) == len(set(ids))
    assert doc["run"]["exit_code"] == 0
