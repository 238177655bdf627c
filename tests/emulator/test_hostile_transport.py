"""Hostile requests at the transport: `serve --data ""` refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from squarecheck.emulator.server import EmulatorServer


def test_serve_with_an_empty_data_path_is_a_usage_error() -> None:
    """`serve --data ""` is one line on stderr and exit 2, not a silent in-memory store."""
    process = subprocess.run(
        [sys.executable, "-m", "squarecheck", "serve", "--port", "0", "--data", ""],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert process.stdout == ""
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr
    assert "--data" in process.stderr and "Traceback" not in process.stderr


def test_an_embedded_emulator_refuses_an_empty_data_path() -> None:
    """EmulatorServer(data="") refuses to start instead of keeping the state in memory."""
    from squarecheck.emulator.db.database import DataFileUnusable

    with pytest.raises(DataFileUnusable), EmulatorServer(port=0, data=""):
        pass
