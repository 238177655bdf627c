"""Fixtures for the tests of fuzzing and selftest: an emulator (clean or with one fault) and a
connection like the plugin's, with its own ledger, so what a fuzz run created can be inspected.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from squarecheck.client import Client, Connection, Redactor
from squarecheck.emulator.server import EmulatorServer
from squarecheck.ledger import Ledger


@dataclass
class Seller:
    """A fresh seller on an emulator: its connection, ledger and token."""

    conn: Connection
    ledger: Ledger
    token: str

    def client(self, version: str) -> Client:
        return Client(self.conn, self.token, version, [])


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


def clean_env() -> dict[str, str]:
    """The environment without any SQUARECHECK_/SQUARE_ setting of the caller."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("SQUARECHECK_", "SQUARE_"))}


@dataclass
class Cli:
    """A finished `squarecheck selftest` subprocess."""

    code: int
    stdout: str
    stderr: str


@pytest.fixture
def selftest_cli(tmp_path: Path) -> Callable[..., Cli]:
    """Run `squarecheck selftest <args>` in a subprocess from a scratch folder."""

    def run(*args: str) -> Cli:
        argv = [sys.executable, "-m", "squarecheck", "selftest", *args]
        done = subprocess.run(
            argv, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=600
        )
        return Cli(done.returncode, done.stdout, done.stderr)

    return run
