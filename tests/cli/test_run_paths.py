"""Paths and timing a CI job relies on: --run-name, reports/latest, --wait-for-target."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.suites import RunResult, clean_env, closed_port


@pytest.fixture
def late_server(tmp_path: Path) -> Iterator[tuple[int, threading.Event]]:
    """`squarecheck serve` on a free port, started 5 s from now; stopped at the end."""
    port, started = closed_port(), threading.Event()
    procs: list[subprocess.Popen[str]] = []

    def start() -> None:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "squarecheck", "serve", "--port", str(port)],
                cwd=tmp_path,
                env=clean_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        )
        started.set()

    timer = threading.Timer(5.0, start)
    timer.start()
    try:
        yield port, started
    finally:
        timer.cancel()
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)


def test_waiting_for_a_target_that_starts_late(
    run_cli: Callable[..., RunResult], late_server: tuple[int, threading.Event]
) -> None:
    """--wait-for-target 30 against a server that starts after 5 s runs and passes."""
    port, started = late_server
    began = time.monotonic()
    run = run_cli(
        "--target",
        f"http://127.0.0.1:{port}",
        "--wait-for-target",
        "30",
        "-k",
        "echo",
        env=clean_env(SQUARECHECK_TOKEN="sqc-emu-late"),
    )
    assert started.is_set() and time.monotonic() - began >= 5
    assert run.code == 0, run.stdout[-2000:] + run.stderr
    assert {c["outcome"] for c in run.results["checks"]} == {"passed"}


def test_a_target_that_never_answers_ends_the_wait(run_cli: Callable[..., RunResult]) -> None:
    """When the wait runs out: exit 3 and one line saying how long it waited."""
    began = time.monotonic()
    run = run_cli(
        "--target",
        f"http://127.0.0.1:{closed_port()}",
        "--wait-for-target",
        "2",
        "-k",
        "echo",
        env=clean_env(SQUARECHECK_TOKEN="t"),
    )
    assert run.code == 3 and time.monotonic() - began >= 2
    said = [x for x in (run.stdout + run.stderr).splitlines() if "after waiting 2 s" in x]
    assert len(said) == 1 and "nothing listens" in said[0], run.stdout + run.stderr


def test_a_named_run_folder_and_latest(run_cli: Callable[..., RunResult]) -> None:
    """--run-name names the folder, latest follows the newest run, a used name is refused."""
    first = run_cli("-k", "echo", "--run-name", "pr-17")
    assert first.code == 0 and first.run_dir == first.report_dir / "pr-17"
    assert first.results["run"]["name"] == "pr-17"
    latest = first.report_dir / "latest"
    assert latest.is_symlink() and latest.resolve() == first.run_dir.resolve()
    second = run_cli("-k", "echo")
    assert latest.resolve() == second.run_dir.resolve()
    again = run_cli("-k", "echo", "--run-name", "pr-17")
    assert again.code == 2 and "already holds a run" in again.stderr
    for bad in ("latest", "../up", ".hidden"):
        refused = run_cli("-k", "echo", "--run-name", bad)
        assert refused.code == 2 and len(refused.stderr.strip().splitlines()) == 1
