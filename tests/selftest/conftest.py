"""Fixtures for the tests of fuzzing and selftest: an emulator (clean or with faults) with a
fresh seller whose connection has its own ledger, and a `squarecheck selftest` subprocess.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selftest_helpers import Cli, Seller, clean_env

from squarecheck.emulator.server import EmulatorServer
from squarecheck.target.client import Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor


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
