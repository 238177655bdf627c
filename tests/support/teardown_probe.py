"""A pytest plugin for the tests of a distributed run's end: just before pytest-xdist's
controller starts its teardown (waiting for the worker processes), it notes which reports exist
already and how many workers are not yet told to exit, in the file SQUARECHECK_TEST_PROBE names."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPORTS = ("results.json", "junit.xml", "index.html", "timeline.html")


class _BeforeTeardown:
    """Registered after xdist's `dsession`, so pytest calls it just before (LIFO order)."""

    def __init__(self, dsession: Any, run_dir: Path) -> None:
        self.dsession, self.run_dir = dsession, run_dir

    def pytest_sessionfinish(self) -> None:
        group = getattr(getattr(self.dsession, "nodemanager", None), "group", None)
        seen = {
            "reports": [name for name in REPORTS if (self.run_dir / name).is_file()],
            "workers_not_told_to_exit": len(list(group or ())),
        }
        Path(os.environ["SQUARECHECK_TEST_PROBE"]).write_text(json.dumps(seen), "utf-8")


def pytest_sessionstart(session: pytest.Session) -> None:
    dsession = session.config.pluginmanager.get_plugin("dsession")
    if dsession is None:
        return
    from squarecheck.pytest_plugin.state import STATE

    run_dir = session.config.stash[STATE].settings.run_dir
    session.config.pluginmanager.register(_BeforeTeardown(dsession, run_dir), "teardown-probe")
