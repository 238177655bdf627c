"""The embedded emulator in a process of its own, for a run with several workers.

In one process the emulator's thread shares the interpreter lock with whatever else the process
does. With one worker that is the checks themselves, which wait for each answer anyway. With
several, the process is pytest-xdist's controller, which turns the workers' reports into
records while they wait for answers; a request that arrives then waits for the lock. So the
emulator is forked and serves a socket the parent bound, so its URL is known before the child
starts. The parent never loads the HTTP server (uvicorn, starlette, the app): the child imports
it while the parent goes on starting the run (`launch`), and the run waits for it (`wait_ready`)
only when checks are about to be sent; until then a request would wait in the socket's backlog.

The child leaves the run's signals to the parent: Ctrl-C reaches the whole process group, and
the parent still needs the emulator while it stops in order and cleans up. It ends when the
parent asks (SIGUSR1), or when the parent is gone (SIGKILL on Linux through prctl's parent
death signal, and a check of its parent every fraction of a second everywhere), never outliving
the run. Forking needs a process with one thread and `os.fork`; elsewhere `fork_possible` says
no and the emulator runs in a thread as with one worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable
from types import TracebackType

from squarecheck.emulator.sockets import listening_socket

_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 5.0
_PARENT_CHECK = 0.2  # seconds between the child's looks at its parent
_PR_SET_PDEATHSIG = 1


def fork_possible(threads: int | None = None) -> bool:
    """True where the emulator can be forked safely: `os.fork` exists and this process runs
    one thread (`threads`, default the live count; forking a threaded process may copy a lock
    some thread held)."""
    count = threading.active_count() if threads is None else threads
    return hasattr(os, "fork") and count == 1


class ForkedEmulator:
    """The emulator (with `faults`) serving 127.0.0.1 in a forked child; a context manager."""

    def __init__(self, faults: Iterable[str] = ()) -> None:
        self.faults = tuple(faults)
        self.pid: int | None = None
        self.url = ""
        self._ready: int | None = None  # the pipe the child writes to once it serves

    def start(self) -> ForkedEmulator:
        """Fork the child and return once it accepts requests (RuntimeError if it cannot)."""
        return self.launch().wait_ready()

    def launch(self) -> ForkedEmulator:
        """Fork the child and return at once: `url` is known, `wait_ready` says when it serves."""
        sock = listening_socket("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        ready_read, ready_write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: serve until asked to stop or orphaned; never return
            code = 1
            try:
                os.close(ready_read)
                code = _serve(sock, self.faults, ready_write, parent)
            finally:
                os._exit(code)
        self.pid = pid
        self._ready = ready_read
        sock.close()
        os.close(ready_write)
        return self

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> ForkedEmulator:
        """Return once the child accepts requests; stop it and raise RuntimeError if it does not
        within `timeout` (it failed to start). Idempotent."""
        ready, self._ready = self._ready, None
        if ready is None:
            return self
        try:
            readable, _, _ = select.select([ready], [], [], timeout)
            started = bool(readable) and os.read(ready, 1) == b"1"
        finally:
            os.close(ready)
        if not started:
            self.stop()
            raise RuntimeError(f"the emulator could not start on {self.url}")
        return self

    def stop_soon(self) -> None:
        """Ask the child to stop without waiting for it (`stop` waits): for a caller with
        other work meanwhile."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGUSR1)

    def stop(self) -> None:
        """Ask the child to stop, wait for it (kill it after _STOP_TIMEOUT); idempotent."""
        self.stop_soon()
        pid, self.pid = self.pid, None
        ready, self._ready = self._ready, None
        if ready is not None:
            os.close(ready)
        if pid is None:
            return
        deadline = time.monotonic() + _STOP_TIMEOUT
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return
            time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

    def __enter__(self) -> ForkedEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _serve(sock: socket.socket, faults: tuple[str, ...], ready: int, parent: int) -> int:
    """The child's life: serve `sock` until SIGUSR1 or the parent's end; its exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stop = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: stop.set())
    _die_with_parent()
    from squarecheck.emulator.server import EmulatorServer  # the child's own import

    server = EmulatorServer(host="127.0.0.1", port=0, faults=faults, listening=sock).start()
    try:
        os.write(ready, b"1")
        os.close(ready)
        while not stop.wait(_PARENT_CHECK):
            if os.getppid() != parent:
                break
    finally:
        server.stop()
    return 0


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this process when its parent ends (prctl)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
