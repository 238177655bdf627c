"""SIGINT and SIGTERM, one or several, at any moment of a run: the run stops at once and leaves
either whole reports that say it was interrupted, or none; never a report that calls it clean.
Exit code 3 (a run stopped before its end is a tool error, not a verdict)."""

from __future__ import annotations

import os
import signal
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import Response

from squarecheck import results
from squarecheck.emulator.server import EmulatorServer
from squarecheck.options import resolve
from squarecheck.pytest_plugin.reporting import sweep_advice
from squarecheck.target.resolve import Target
from tests.support.hostile import Bounded, start_bounded, wait_bounded
from tests.support.suites import LocalServer, Proxy

TOKEN = "sqcSignalToken7Rm"
STOPS_WITHIN = 2.0  # seconds from the first signal to the end of the run's checks


def run_folder(run: Bounded) -> Path | None:
    """The run's folder, whether or not the run printed it."""
    found = sorted(run.report_dir.glob("*")) if run.report_dir.exists() else []
    return found[0] if found else None


def assert_whole_or_none(run: Bounded) -> dict[str, Any] | None:
    """Exit 3, and either no report at all or every report whole and saying `interrupted`."""
    assert run.code == 3, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    folder = run_folder(run)
    names = {p.name for p in folder.iterdir()} if folder else set()
    assert not {n for n in names if n.endswith((".tmp", ".partial"))} and ".writing" not in names
    if "results.json" not in names:
        assert not names & {"junit.xml", "report.html", "index.html", "timeline.html"}, names
        return None
    assert folder is not None
    doc = results.load(folder / "results.json")
    assert "interrupted by SIG" in str(doc["run"].get("stopped")), doc["run"]
    assert doc["run"]["exit_code"] == 3
    cases = ET.parse(folder / "junit.xml").findall(".//testcase[@name]")
    assert len(cases) == len(doc["checks"])
    for page in ("report.html", "index.html", "timeline.html"):
        assert (folder / page).read_text().rstrip().endswith("</html>"), page
    assert doc["run"]["id"] in (folder / "index.html").read_text()
    return doc


@pytest.fixture
def hanging_at(emulator: EmulatorServer) -> Iterator[tuple[LocalServer, Proxy]]:
    """A proxy to the emulator whose 41st request, and every later one, never gets an answer."""
    release = threading.Event()

    def intercept(count: int, method: str, path: str) -> Response | None:
        if count > 40:
            release.wait(120)
        return None

    spec = Proxy(emulator.url, intercept=intercept)
    with LocalServer(spec.app()) as server:
        yield server, spec
        release.set()


def _send(process: Any, sequence: list[tuple[signal.Signals, float]]) -> float:
    """Send each signal after its delay (from the first); when the first was sent."""
    first = time.monotonic()
    for sig, delay in sequence:
        time.sleep(max(0.0, first + delay - time.monotonic()))
        os.kill(process.pid, sig)  # not Popen's: it would reap the child wait_bounded measures
    return first


SEQUENCES = {
    "SIGTERM twice, 0.5 s apart": [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.5)],
    "SIGINT twice, 0.5 s apart": [(signal.SIGINT, 0.0), (signal.SIGINT, 0.5)],
    "SIGINT, SIGTERM, SIGINT within 0.1 s": [
        (signal.SIGINT, 0.0),
        (signal.SIGTERM, 0.05),
        (signal.SIGINT, 0.1),
    ],
    "SIGTERM, then one every 0.2 s": [(signal.SIGTERM, 0.2 * n) for n in range(8)],
}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_signals_while_a_request_hangs(
    hanging_at: tuple[LocalServer, Proxy], tmp_path: Path, name: str
) -> None:
    """Any sequence of signals while a request hangs: whole reports saying interrupted, exit 3."""
    server, spec = hanging_at
    started = start_bounded(
        tmp_path, ["--target", server.url, "-m", "not fuzz"], {"SQUARECHECK_TOKEN": TOKEN}
    )
    while len(spec.seen) <= 40 and time.monotonic() - started[-1] < 120:
        time.sleep(0.05)
    time.sleep(0.5)  # the 41st request hangs now
    first = _send(started[0], SEQUENCES[name])
    run = wait_bounded(*started, timeout=time.monotonic() - started[-1] + 60)
    doc = assert_whole_or_none(run)
    assert doc is not None and doc["checks"]
    assert time.monotonic() - first < 30


@pytest.mark.parametrize("delay", [4.0, 8.0, 12.0])
def test_two_sigterms_at_any_moment_against_the_emulator(tmp_path: Path, delay: float) -> None:
    """Two SIGTERMs 0.5 s apart, early or late in a whole run against the embedded emulator:
    whole reports saying interrupted (or none, before the first check), no sweep advice."""
    # every cutover: a run that lasts a minute or more, so that every delay falls inside it
    # however fast runs become (four versions once did, until a run took 12 s)
    started = start_bounded(tmp_path, ["--square-version", "cutovers"], {})
    time.sleep(delay)
    _send(started[0], [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.5)])
    run = wait_bounded(*started, timeout=120)
    assert_whole_or_none(run)
    assert "squarecheck sweep" not in run.stdout + run.stderr


def test_two_sigterms_in_a_two_worker_run_leave_no_emulator_behind(tmp_path: Path) -> None:
    """With two workers each runs an emulator of its own beside its checks: two SIGTERMs in the
    middle of the run still give whole reports saying interrupted, and every worker, with its
    emulator, ends with the run."""
    args = ["--workers", "2", "--square-version", "cutovers"]  # a run that outlasts the wait
    started = start_bounded(tmp_path, args, {})
    while "checks against" not in started[2].read_text():
        assert time.monotonic() - started[-1] < 60, started[2].read_text()
        time.sleep(0.1)
    time.sleep(2.0)
    workers = children_of(started[0].pid)
    assert len(workers) >= 2, workers
    _send(started[0], [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.5)])
    run = wait_bounded(*started, timeout=120)
    doc = assert_whole_or_none(run)
    assert doc is not None and doc["checks"]
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    served = {e["request"]["url"].split("/v2/")[0] for c in doc["checks"] for e in c["evidence"]}
    assert len(served) == 2, served  # one emulator per worker, each gone with it
    for url in served:
        with pytest.raises(httpx.TransportError):
            httpx.get(url + "/v2/customers/groups", timeout=2)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux: /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("kind", ["emulator", "url"])
def test_sweep_advice_only_for_a_target_that_outlives_the_run(kind: str) -> None:
    """Leftovers on a remote target come with the sweep command; on the embedded emulator,
    which ended with the run, with none."""
    settings = resolve("run", {"token": TOKEN})
    settings.target = Target(url="http://127.0.0.1:9", kind=kind)  # type: ignore[arg-type]
    advice = sweep_advice(settings, 3)
    assert ("squarecheck sweep --prefix" in advice) is (kind == "url"), advice


def test_sigint_during_fuzzing_stops_within_two_seconds(proxy: Any, tmp_path: Path) -> None:
    """Ctrl-C while the fuzz suite sends generated requests: nothing more is sent, and within
    2 s every report of the fuzz checks that finished is written whole."""
    server = proxy()
    spec: Proxy = server.proxy
    env = {"SQUARECHECK_TOKEN": TOKEN, "SQUARECHECK_FUZZ_EXAMPLES": "10"}
    started = start_bounded(tmp_path, ["--target", server.url, "-m", "fuzz"], env)
    while len(spec.seen) < 150 and time.monotonic() - started[-1] < 180:
        time.sleep(0.02)
    assert os.waitpid(started[0].pid, os.WNOHANG) == (0, 0), "the fuzz suite ended already"
    signalled = time.time()
    _send(started[0], [(signal.SIGINT, 0.0)])
    seen_at_signal = len(spec.seen)
    run = wait_bounded(*started, timeout=time.monotonic() - started[-1] + 60)
    doc = assert_whole_or_none(run)
    assert doc is not None and "interrupted by SIGINT" in doc["run"]["stopped"]
    assert len(spec.seen) <= seen_at_signal + 1  # only the request in flight, if any
    folder = run_folder(run)
    assert folder is not None
    written = max(path.stat().st_mtime for path in folder.iterdir())
    assert written - signalled < STOPS_WITHIN, written - signalled


def catches_sigterm(pid: int) -> bool:
    """Whether process `pid` has a handler for SIGTERM (Linux: SigCgt in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(
        next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16
    )
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def test_signal_before_any_check_leaves_no_reports(tmp_path: Path) -> None:
    """A SIGTERM as soon as the run handles signals, before any check: exit 3, no reports."""
    started = start_bounded(tmp_path, ["-m", "not fuzz"], {})
    while not catches_sigterm(started[0].pid) and time.monotonic() - started[-1] < 60:
        time.sleep(0.01)
    _send(started[0], [(signal.SIGTERM, 0.0), (signal.SIGINT, 0.3)])
    run = wait_bounded(*started, timeout=60)
    assert assert_whole_or_none(run) is None


def test_an_interrupt_in_a_gc_callback_is_not_raised_and_still_stops_the_run(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGINT that arrives inside a garbage-collector callback (hypothesis registers one)
    raises nothing there, where Python would print it as an unraisable traceback and drop it,
    and still stops everything: the next request, the next drawn case, and pytest's loop."""
    import gc
    import sys
    from types import SimpleNamespace

    from hypothesis import strategies as st

    from squarecheck.errors import Interrupted
    from squarecheck.fuzz.drawn import drawn
    from squarecheck.pytest_plugin.interrupts import SignalGuard
    from squarecheck.pytest_plugin.state import RunState
    from squarecheck.target.client import Client, Connection
    from squarecheck.target.ledger import Ledger
    from squarecheck.target.redaction import Redactor

    state = RunState(resolve("pytest", {"token": TOKEN}), Redactor([TOKEN]))
    state.conn = Connection(emulator.url, state.redactor, Ledger("sqc-t-"))
    guard, session = SignalGuard(), SimpleNamespace(shouldstop=False)
    guard.state, guard.session = state, session  # type: ignore[assignment]
    swallowed: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: swallowed.append(u.exc_value))

    def in_a_gc_callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and not guard.received:
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(1000))  # the handler runs here, inside the callback

    assert guard.install()
    gc.callbacks.append(in_a_gc_callback)
    try:
        state.in_flight = True  # a check is running
        gc.collect()
    finally:
        gc.callbacks.remove(in_a_gc_callback)
        guard.restore()
    assert guard.received == ["SIGINT"]
    assert swallowed == []  # nothing printed and dropped
    assert session.shouldstop == "interrupted by SIGINT"
    assert state.stopped == "interrupted by SIGINT"
    client = Client(state.conn, TOKEN, "2022-03-16")
    with pytest.raises(Interrupted):
        client.list_groups()
    cases = st.integers()
    with pytest.raises(Interrupted):
        drawn(("swallowed", "positive", 5), lambda: cases, 5, state.conn.checkpoint)
    state.conn.close()
