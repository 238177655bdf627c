"""Fixtures for the tests of the suites, plugin and `run`/`sweep` commands."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from suite_support import LocalServer, Proxy, RunResult, clean_env

from squarecheck.emulator.server import EmulatorServer


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A clean emulator on a free port."""
    with EmulatorServer(host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def proxy(emulator: EmulatorServer) -> Iterator[Callable[..., LocalServer]]:
    """Start a bending proxy in front of the emulator: proxy(on_response=..., ...)."""
    servers: list[LocalServer] = []

    def start(**hooks: Any) -> LocalServer:
        spec = Proxy(emulator.url, **hooks)
        server = LocalServer(spec.app()).__enter__()
        server.proxy = spec  # type: ignore[attr-defined]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., RunResult]:
    """Run `squarecheck <args>` in a subprocess from a scratch folder (not the checkout)."""

    def run(*args: str, env: dict[str, str] | None = None, command: str = "run") -> RunResult:
        reports = tmp_path / "reports"
        argv = [sys.executable, "-m", "squarecheck", command, *args]
        if command == "run":
            argv += ["--report-dir", str(reports)]
        done = subprocess.run(
            argv, cwd=tmp_path, env=env or clean_env(), capture_output=True, text=True, timeout=900
        )
        return RunResult(done.returncode, done.stdout, done.stderr, reports)

    return run
