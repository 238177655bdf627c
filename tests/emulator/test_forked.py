"""The embedded emulator in a forked process: it answers, leaves the run's signals to the run,
and never outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from squarecheck.emulator.forked import ForkedEmulator, fork_possible
from tests.support.interpreter import run_python

HEADERS = {"Authorization": "Bearer sqc-emu-forked", "Square-Version": "2022-03-16"}


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for a reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _refuses(url: str) -> bool:
    try:
        httpx.get(url + "/v2/customers/groups", headers=HEADERS, timeout=2)
    except httpx.TransportError:
        return True
    return False


pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_the_forked_emulator_answers_from_its_own_process() -> None:
    """Created in one request and listed in the next, by a process other than this one, which
    is gone (and its port closed) once stopped."""
    with ForkedEmulator() as forked:
        assert forked.pid is not None and forked.pid != os.getpid()
        pid = forked.pid
        made = httpx.post(
            forked.url + "/v2/customers/groups", headers=HEADERS, json={"group": {"name": "VIP"}}
        )
        assert made.status_code == 200
        listed = httpx.get(forked.url + "/v2/customers/groups", headers=HEADERS).json()
        assert [g["name"] for g in listed["groups"]] == ["VIP"]
    assert not _alive(pid) and _refuses(forked.url)


def test_the_run_signals_are_left_to_the_run() -> None:
    """SIGINT and SIGTERM (Ctrl-C reaches the whole process group) do not stop the emulator:
    the run still needs it to stop in order and clean up."""
    with ForkedEmulator() as forked:
        assert forked.pid is not None
        for sig in (signal.SIGINT, signal.SIGTERM):
            os.kill(forked.pid, sig)
        time.sleep(0.3)
        answer = httpx.get(forked.url + "/v2/customers/groups", headers=HEADERS)
        assert answer.status_code == 200


def test_the_emulator_ends_with_the_process_that_forked_it(tmp_path: Path) -> None:
    """A run killed outright (SIGKILL) leaves no emulator behind."""
    script = (
        "import sys, time\n"
        "from squarecheck.emulator.forked import ForkedEmulator\n"
        "forked = ForkedEmulator().start()\n"
        "print(forked.pid, forked.url, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        pid_text, url = parent.stdout.readline().split()
        pid = int(pid_text)
        assert _alive(pid) and not _refuses(url)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid) and _refuses(url)


def test_a_process_with_threads_is_not_forked() -> None:
    """Forking copies only the forking thread: a process running another thread runs the
    emulator in a thread instead."""
    assert fork_possible(threads=1) and not fork_possible(threads=2)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not fork_possible()
    finally:
        release.set()
        other.join()


def test_the_parent_never_loads_the_server_and_waits_only_when_asked() -> None:
    """A run's embedded emulator, forked: the parent knows its URL at once, never imports the
    HTTP server (the child does, while the parent goes on), and a request sent before the child
    serves waits for it in the socket's backlog."""
    script = (
        "import sys\n"
        "from squarecheck.emulator.embedded import embedded_emulator\n"
        "import httpx\n"
        "with embedded_emulator(own_process=True) as emu:\n"
        "    loaded = sorted(m for m in ('uvicorn', 'starlette', 'squarecheck.emulator.app')\n"
        "                    if m in sys.modules)\n"
        "    headers = {'Authorization': 'Bearer ' + emu.token}\n"
        "    early = httpx.get(emu.url + '/v2/customers/groups', headers=headers, timeout=15)\n"
        "    emu.wait_ready()\n"
        "    print(loaded, early.status_code)\n"
    )
    done = run_python(script, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "200"]


def test_a_child_that_cannot_start_is_an_error_when_waited_for() -> None:
    """A child that fails to start (here an unknown fault) is a RuntimeError naming the URL
    when the parent waits for it, and leaves no process behind."""
    forked = ForkedEmulator(faults=["no-such-fault"]).launch()
    pid = forked.pid
    assert pid is not None
    with pytest.raises(RuntimeError, match="could not start on http://127.0.0.1:"):
        forked.wait_ready()
    assert forked.pid is None and not _alive(pid)
