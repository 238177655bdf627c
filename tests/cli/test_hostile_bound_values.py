"""Bounds given as values no clock can use (`nan`, `inf`, a number past what a socket timeout
holds) are one line and exit 2, from the command line, its environment twin and under pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from squarecheck.paths import suites_dir
from tests.support.hostile import run_bounded
from tests.support.suites import clean_env

TOKEN = "sqcBoundValues5Tz"
UNUSABLE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "1e300", "86401"]


@pytest.mark.parametrize("value", UNUSABLE)
@pytest.mark.parametrize("flag", ["--request-deadline", "--search-timeout"])
def test_unusable_seconds_are_a_usage_error(tmp_path: Path, flag: str, value: str) -> None:
    """`run FLAG nan` (or inf, or past a day) exits 2 with one line naming the flag."""
    run = run_bounded(
        tmp_path, "--target", "http://127.0.0.1:9", flag, value, env={"SQUARECHECK_TOKEN": TOKEN}
    )
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0], lines
    assert "Traceback" not in run.stdout + run.stderr


def test_unusable_deadline_from_the_environment(tmp_path: Path) -> None:
    """SQUARECHECK_REQUEST_DEADLINE=inf is refused like the flag."""
    env = {"SQUARECHECK_TOKEN": TOKEN, "SQUARECHECK_REQUEST_DEADLINE": "inf"}
    run = run_bounded(tmp_path, "--target", "http://127.0.0.1:9", env=env)
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert "--request-deadline" in run.stderr and "Traceback" not in run.stderr


def test_unusable_deadline_under_pytest(tmp_path: Path) -> None:
    """The plugin refuses --request-deadline nan as a usage error (exit 2, as the CLI does)."""
    suites = suites_dir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suites), "-c", str(suites / "pytest.ini")]
        + ["--rootdir", str(suites), "-q", "--target", "http://127.0.0.1:9"]
        + ["--token", TOKEN, "--request-deadline", "nan"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]  # as from the CLI
    assert "--request-deadline must be a finite number" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_day_is_still_accepted(tmp_path: Path) -> None:
    """The largest accepted deadline (a day) passes option checks: the run goes on to probe."""
    run = run_bounded(
        tmp_path,
        *("--target", "http://127.0.0.1:9", "--request-deadline", "86400"),
        env={"SQUARECHECK_TOKEN": TOKEN},
    )
    said = run.stdout + run.stderr
    assert run.code == 3 and "nothing listens" in said, said[-2000:]  # the preflight's verdict
