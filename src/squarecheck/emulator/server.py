"""`EmulatorServer`: the emulator on a real loopback socket, served by uvicorn in a thread.

    with EmulatorServer(port=0) as server:
        httpx.get(server.url + "/v2/customers/groups", headers=...)

The socket is bound before `start()` returns, so `url` carries the real port even for port 0.
A request's head (request line and headers) is bounded where it is read (`BoundedHttpTools`):
MAX_HEAD_BYTES in all and MAX_HEADERS headers, as a front end such as Envoy bounds it by
default (`max_request_headers_kb` 60, `max_headers_count` 100); beyond either the answer is 431
with a Square error envelope and the connection is closed, before the head is held in memory.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import httptools
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from squarecheck.emulator.app import create_app
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.errors import BadRequest
from squarecheck.emulator.core.responses import json_bytes
from squarecheck.emulator.faults.catalogue import CATALOGUE

_START_TIMEOUT = 15.0
#: Bytes of a request's head (request line, header lines and their line ends), and headers.
MAX_HEAD_BYTES = 60 * 1024
MAX_HEADERS = 100
#: After a refusal, how long the rest of the request is read and dropped (so the client, still
#: sending, gets the 431 instead of a reset) before the connection is closed.
LINGER_SECONDS = 2.0
TOO_LARGE = f"The request headers must not exceed {MAX_HEAD_BYTES} bytes."


class _HeadRefused(Exception):
    """Raised in a parser callback to stop the parser at once."""


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head.

    httptools holds a header until its line ends, so a 64 MiB header would be held whole
    before a callback could refuse it. Instead the head's bytes are counted as they arrive and
    the parser is fed no further than MAX_HEAD_BYTES of them: a head that has not ended there
    is answered 431 and the connection closed (after LINGER_SECONDS of reading and dropping
    whatever else the client sends), and so is a head of more than MAX_HEADERS headers. A
    head that begins in the read that ended the request before it (pipelining) is not wholly
    counted, so its parsed size (target, names and values) is checked when it ends.
    Every request passes here, so the common case (a head that fits in what is left) adds a
    few comparisons and two short calls: about 2% of a GET's instructions (docs/benchmarks.md).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = True
        self._head_bytes = 0  # of the head being read, as received
        self._uncounted = False  # the head began in the read that ended the request before it
        self._finished: list[tuple[bytes, bytes]] | None = None  # headers of the last request
        self._refusal = ""
        self._refused = False

    def data_received(self, data: bytes) -> None:
        """`HttpToolsProtocol.data_received`, counting a head's bytes and feeding none past
        MAX_HEAD_BYTES; a refusal from a callback is answered 431."""
        if self._refused:
            return
        if self._reading_head:
            room = MAX_HEAD_BYTES - self._head_bytes
            if len(data) > room:  # the head reaches its limit here: the rest waits
                self.data_received(data[:room])
                if not self._refused:
                    self.data_received(data[room:])
                return
            self._head_bytes += len(data)
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self._refusal:
                self._refuse(self._refusal)
                return
            message = "Invalid HTTP request received."
            self.logger.warning(message)
            self.send_400_response(message)
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if self._reading_head:
            if self._uncounted and self.headers is self._finished:
                self._uncounted = False  # the last request ended with this read: a fresh count
            if self._head_bytes >= MAX_HEAD_BYTES and not self._refused:
                self._refuse(TOO_LARGE)

    def _stop(self, detail: str) -> None:
        """Stop the parser at once (inside a callback); `data_received` answers the refusal."""
        self._refusal = detail
        raise _HeadRefused(detail)

    def on_headers_complete(self) -> None:
        if len(self.headers) > MAX_HEADERS:
            self._stop(f"A request must not carry more than {MAX_HEADERS} headers.")
        if self._uncounted:
            parsed = len(self.url) + sum(len(name) + len(value) for name, value in self.headers)
            if parsed > MAX_HEAD_BYTES:
                self._stop(TOO_LARGE)
        self._reading_head = False
        HttpToolsProtocol.on_headers_complete(self)

    def on_message_complete(self) -> None:
        self._reading_head, self._head_bytes, self._uncounted = True, 0, True
        self._finished = self.headers
        HttpToolsProtocol.on_message_complete(self)

    def _refuse(self, detail: str) -> None:
        """431 with a Square error envelope, then close: the rest of the head is never parsed.

        Behind a pipelined request still being answered, that answer goes first and then the
        connection closes (a 431 written now would cut into it)."""
        self._refused = True
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False
            return
        body = json_bytes(BadRequest(detail).to_body())
        lines = [b"HTTP/1.1 431 Request Header Fields Too Large\r\n"]
        lines += [
            name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
        ]
        lines += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]
        self.transport.write(b"".join(lines))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) and listening, as the emulator serves on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by accepted sockets: without it, small responses wait ~40 ms (Nagle).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(512)
    except BaseException:
        sock.close()
        raise
    return sock


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
        sock = listening_socket(self.host, self.port)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            http=BoundedHttpTools,
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
