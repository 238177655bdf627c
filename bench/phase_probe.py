"""A pytest plugin for the benchmarks: when the first check of a run started and the last one
ended (wall clock, from pytest's reports, the workers' too), written as JSON at the end of the
session to the file `SQUARECHECK_BENCH_PHASES` names. `bench_ci.py` loads it with `-p`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_SEEN: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _SEEN["first_start"] = min(_SEEN.get("first_start", report.start), report.start)
    _SEEN["last_stop"] = max(_SEEN.get("last_stop", report.stop), report.stop)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    target = os.environ.get("SQUARECHECK_BENCH_PHASES")
    if target and not hasattr(config, "workerinput") and _SEEN:
        Path(target).write_text(json.dumps(_SEEN), encoding="utf-8")
