"""Against targets that hang, trickle, rate-limit forever or never end a body, a run ends on
time, within its memory, with exit 3 and complete reports (small deadlines keep this quick)."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from squarecheck import results
from squarecheck.paths import suites_dir
from tests.support.hostile import (
    Behaviour,
    Bounded,
    RawTarget,
    after_probe,
    endless_body,
    hang,
    rate_limited,
    run_bounded,
    trickle_body,
    trickle_head,
)
from tests.support.suites import LocalServer, clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

TOKEN = "sqcHostileToken4Kq9"
MEMORY_BOUND = 1024**3  # bytes of peak RSS
WALL_BOUND = 90.0  # seconds, with the small deadline below; the same run took hours before
SMALL = {"SQUARECHECK_TOKEN": TOKEN, "SQUARECHECK_REQUEST_DEADLINE": "1"}
BREAKER = 3


@cache
def default_selection_size() -> int:
    """How many checks a default run has (collected by pytest, nothing sent)."""
    suites = suites_dir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suites), "-c", str(suites / "pytest.ini")]
        + ["--rootdir", str(suites), "--collect-only", "-q", "-p", "no:cacheprovider"]
        + ["--target", "http://127.0.0.1:9", "--token", "t"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return sum(1 for line in done.stdout.splitlines() if "::" in line)


def assert_complete(run: Bounded, checks: int) -> dict[str, Any]:
    """Every report exists and is whole: results.json valid, one junit case per check."""
    assert not run.timed_out, f"killed after {run.wall:.0f}s\n{run.stdout[-3000:]}"
    doc = results.load(run.run_dir / "results.json")
    assert len(doc["checks"]) == checks
    assert sum(doc["run"]["counts"].values()) == checks
    junit = ET.parse(run.run_dir / "junit.xml")
    assert len(junit.findall(".//testcase")) == checks
    report = (run.run_dir / "report.html").read_text()
    assert report.rstrip().endswith("</html>") and "data-jsonblob" in report
    index = (run.run_dir / "index.html").read_text()
    assert index.rstrip().endswith("</html>") and doc["run"]["id"] in index
    return doc


def assert_breaker(doc: dict[str, Any], cause: str) -> None:
    """The first checks errored for `cause`; the breaker made every later one an error."""
    checks = doc["checks"]
    assert {c["outcome"] for c in checks} == {"error"}
    messages = [str(c["message"]) for c in checks]
    caused = [m for m in messages if re.search(cause, m)]
    stopped = [m for m in messages if "circuit breaker" in m]
    assert len(caused) == BREAKER, caused[:5]
    assert len(stopped) == len(checks) - BREAKER
    assert "circuit breaker" in str(doc["run"].get("stopped"))


def _run_against(behave: Behaviour, tmp_path: Path, **env: str) -> Bounded:
    with RawTarget(behave) as target:
        return run_bounded(tmp_path, "--target", target.url, env={**SMALL, **env}, timeout=100)


def _bounded(run: Bounded) -> None:
    assert run.code == 3, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.wall < WALL_BOUND
    assert run.peak_rss < MEMORY_BOUND


def test_target_that_hangs_after_the_probe(tmp_path: Path) -> None:
    """A target that answers the probe and then never again: exit 3 in seconds, whole reports."""
    run = _run_against(after_probe(hang), tmp_path)
    _bounded(run)
    assert_breaker(assert_complete(run, default_selection_size()), r"deadline of 1s")


def test_permanent_429(tmp_path: Path) -> None:
    """A target that answers 429 forever: each request gives up within its deadline; exit 3."""
    run = _run_against(rate_limited, tmp_path)
    _bounded(run)
    assert_breaker(assert_complete(run, default_selection_size()), r"rate limited")


def test_endless_body(tmp_path: Path) -> None:
    """A body that never ends is read up to the 1 MiB cap, then a tool error; memory bounded."""
    run = _run_against(after_probe(endless_body), tmp_path, SQUARECHECK_REQUEST_DEADLINE="30")
    _bounded(run)
    assert run.peak_rss < 512 * 1024**2
    assert_breaker(assert_complete(run, default_selection_size()), r"more than 1048576 bytes")


@pytest.mark.parametrize("trickle", [trickle_head, trickle_body], ids=["headers", "body"])
def test_trickle_a_byte_at_a_time(tmp_path: Path, trickle: Behaviour) -> None:
    """Headers or a body trickled a byte at a time meet the deadline like a hang does."""
    run = _run_against(after_probe(trickle), tmp_path)
    _bounded(run)
    assert_breaker(assert_complete(run, default_selection_size()), r"deadline of 1s")


def test_breaker_threshold_is_an_option(tmp_path: Path) -> None:
    """--max-errors 1 stops after the first tool error."""
    with RawTarget(after_probe(hang)) as target:
        run = run_bounded(tmp_path, "--target", target.url, "--max-errors", "1", env=SMALL)
    _bounded(run)
    doc = assert_complete(run, default_selection_size())
    assert sum("deadline of 1s" in str(c["message"]) for c in doc["checks"]) == 1


def test_search_that_never_converges_costs_one_timeout(
    proxy: Callable[..., LocalServer], tmp_path: Path
) -> None:
    """Search that never shows a write: one probe waits --search-timeout, the checks do not."""

    def empty_search(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        return status, headers, (b"{}" if path == "/v2/customers/search" else body)

    server = proxy(on_response=empty_search)
    timeout = 3.0
    selection = "(search or membership) and not fuzz"
    run = run_bounded(
        tmp_path,
        *("--target", server.url, "-m", selection, "--search-timeout", str(timeout)),
        env={"SQUARECHECK_TOKEN": TOKEN, "SQUARECHECK_SECOND_TOKEN": "sqcOtherSeller"},
    )
    assert run.code == 1, run.stdout[-3000:]
    polled = [c for c in run.results["checks"] if "converge" in str(c["message"])]
    assert len(polled) >= 10
    assert all("within --search-timeout 3s" in str(c["message"]) for c in polled)
    # every check but the one that ran the probe judged at once
    assert sum(c["duration"] for c in polled) < 2 * timeout + len(polled) * 1.0
    assert sorted(c["duration"] for c in polled)[-2] < timeout
