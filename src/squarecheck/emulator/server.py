"""`EmulatorServer`: the emulator on a real loopback socket, served by uvicorn in a thread.

    with EmulatorServer(port=0) as server:
        httpx.get(server.url + "/v2/customers/groups", headers=...)

The socket is bound before `start()` returns, so `url` carries the real port even for port 0.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterable
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from squarecheck.emulator.app import create_app
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.faults.catalogue import CATALOGUE

_START_TIMEOUT = 15.0


class EmulatorServer:
    """A running emulator; a context manager, or call `start()` / `stop()` yourself."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        default_version: str | None = None,
        search_lag: float = 0.0,
        faults: Iterable[str] = (),
        data: str | os.PathLike[str] | None = None,
    ) -> None:
        chosen = frozenset(faults)
        unknown = sorted(chosen - set(CATALOGUE))
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(unknown)}")
        self.host = host
        self.port = port
        self.config = EmulatorConfig(
            default_version=default_version,
            search_lag=search_lag,
            faults=chosen,
            data=None if data is None else os.fspath(data),
        )
        self.app: Starlette | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:54321" (the real port once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        """Open the store, bind the socket and serve in a daemon thread until `stop()`.

        Returns once requests are accepted. A `data` file that cannot be used raises
        `DataFileError` before anything is bound.
        """
        if self._thread is not None:
            return self
        self.app = create_app(self.config)
        try:
            self._serve(self.app)
        except BaseException:
            self.stop()
            raise
        return self

    def _serve(self, app: Starlette) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by accepted sockets: without it, small responses wait ~40 ms (Nagle).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self.port))
        sock.listen(512)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="squarecheck-emulator",
            daemon=True,
        )
        self._thread.start()
        started = threading.Event()
        while not self._server.started and self._thread.is_alive():
            started.wait(0.01)
        if not self._server.started:
            raise RuntimeError(f"the emulator could not start on {self.url}")

    def stop(self) -> None:
        """Ask uvicorn to exit, wait for the thread and close the store; idempotent."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_START_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        if self.app is not None:
            self.app.state.store.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
