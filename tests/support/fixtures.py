"""Fixtures shared by the test folders: a clean emulator, bending proxies in front of it, a fresh
seller on an emulator with faults, and `squarecheck run` / `selftest` in a subprocess.

The root conftest imports them, so every folder has them; a test that asks for `run_cli` or
`selftest_cli` runs squarecheck end to end and belongs to the e2e tier (see `tests/conftest.py`).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from squarecheck.emulator.server import EmulatorServer
from squarecheck.target.client import Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from tests.support.selftest import Cli, Seller
from tests.support.suites import LocalServer, Proxy, RunResult, clean_env


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


@pytest.fixture
def seller_on() -> Iterator[Callable[..., Seller]]:
    """Start an emulator (optionally with faults) and return a fresh seller on it."""
    started: list[tuple[EmulatorServer, Connection]] = []

    def start(*faults: str) -> Seller:
        server = EmulatorServer(host="127.0.0.1", port=0, faults=faults).start()
        token = f"sqc-emu-{secrets.token_hex(8)}"
        ledger = Ledger(f"sqc-test-{secrets.token_hex(3)}-")
        conn = Connection(server.url, Redactor([token]), ledger)
        started.append((server, conn))
        return Seller(conn, ledger, token)

    yield start
    for server, conn in started:
        conn.close()
        server.stop()


@pytest.fixture
def selftest_cli(tmp_path: Path) -> Callable[..., Cli]:
    """Run `squarecheck selftest <args>` in a subprocess from a scratch folder."""

    def run(*args: str) -> Cli:
        argv = [sys.executable, "-m", "squarecheck", "selftest", *args]
        # the whole catalogue (every fault, each a run of every suite) takes many CPU-minutes:
        # room for a busy shared machine
        done = subprocess.run(
            argv, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=5400
        )
        return Cli(done.returncode, done.stdout, done.stderr)

    return run
