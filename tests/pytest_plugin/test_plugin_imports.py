"""What loading the plugin costs a process that only runs checks (a pytest-xdist worker): not
the emulator's HTTP server, which the run's controller starts, nor the report builders, which
only the controller runs at the end."""

from __future__ import annotations

import subprocess
import sys

#: modules a worker never needs at start: the HTTP server and the report pages
NOT_AT_START = ("uvicorn", "starlette", "jinja2", "squarecheck.emulator.server")


def test_loading_the_plugin_loads_neither_the_emulator_server_nor_the_reports() -> None:
    """Importing squarecheck.pytest_plugin leaves uvicorn, starlette and Jinja2 unloaded."""
    probe = (
        "import sys, squarecheck.pytest_plugin; "
        f"print(','.join(m for m in {NOT_AT_START!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""
