"""What loading the plugin costs a process that only runs checks (a pytest-xdist worker): not
the emulator's HTTP server, which the run's controller starts, nor the report builders, which
only the controller runs at the end."""

from __future__ import annotations

from tests.support.interpreter import run_python

#: modules a worker never needs at start: the HTTP server and the report pages
NOT_AT_START = ("uvicorn", "starlette", "jinja2", "squarecheck.emulator.server")


def test_loading_the_plugin_loads_neither_the_emulator_server_nor_the_reports() -> None:
    """Importing squarecheck.pytest_plugin leaves uvicorn, starlette and Jinja2 unloaded."""
    probe = (
        "import sys, squarecheck.pytest_plugin; "
        f"print(','.join(m for m in {NOT_AT_START!r} if m in sys.modules))"
    )
    done = run_python(probe)
    assert done.stdout.strip() == ""
