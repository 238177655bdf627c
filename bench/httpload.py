"""Lean HTTP/1.1 keep-alive clients for the benchmarks: latency and throughput.

A general client (httpx) costs more per request than the server being measured, so its own
time would dominate both a latency and a requests-per-second figure. These send prepared
request bytes over plain sockets and read each response by its Content-Length: one blocking
connection for latencies, many asyncio connections (uvloop when installed) for throughput,
like `wrk -c N`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
from typing import Any, cast
from urllib.parse import urlsplit


def request_bytes(
    method: str, url_or_path: str, token: str, body: dict[str, Any] | None = None, host: str = "x"
) -> bytes:
    """The bytes of one request with a bearer token (and a JSON body)."""
    path = urlsplit(url_or_path).path or url_or_path
    query = urlsplit(url_or_path).query
    target = f"{path}?{query}" if query else path
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}"]
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def _split(buffer: bytes) -> tuple[int, int] | None:
    """(status, total response length) once the head is complete, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("latin-1").lower()
    status = int(head[9:12])
    length = 0
    for line in head.split("\r\n")[1:]:
        if line.startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    return status, end + 4 + length


class Connection:
    """One blocking keep-alive connection."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request; (status, body) of its response."""
        self.sock.sendall(raw)
        while True:
            split = _split(self.buffer)
            if split is not None and len(self.buffer) >= split[1]:
                status, total = split
                response, self.buffer = self.buffer[:total], self.buffer[total:]
                return status, response[response.find(b"\r\n\r\n") + 4 :]
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk

    def json(self, raw: bytes) -> Any:
        status, body = self.send(raw)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
        return json.loads(body)

    def close(self) -> None:
        self.sock.close()


def timed(connection: Connection, raws: list[bytes]) -> list[float]:
    """Seconds per request, sending each prepared request in turn (each must answer 200)."""
    spent = []
    for raw in raws:
        start = time.perf_counter()
        status, body = connection.send(raw)
        spent.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return spent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


class _Loop(asyncio.Protocol):
    """One connection sending the same request again as soon as the previous one answered."""

    def __init__(self, raw: bytes, until: float, finished: asyncio.Future[None]) -> None:
        self.raw, self.until, self.finished = raw, until, finished
        self.buffer = b""
        self.done = self.failed = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.raw)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        assert self.transport is not None
        while (split := _split(self.buffer)) is not None and len(self.buffer) >= split[1]:
            self.buffer = self.buffer[split[1] :]
            self.done += 1
            self.failed += split[0] != 200
            if time.monotonic() >= self.until:
                self.transport.close()
                return
            self.transport.write(self.raw)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.finished.done():
            self.finished.set_result(None)


async def _load(url: str, raw: bytes, connections: int, seconds: float) -> tuple[int, int]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    loop = asyncio.get_running_loop()
    until = time.monotonic() + seconds
    workers = []
    for _ in range(connections):
        finished: asyncio.Future[None] = loop.create_future()
        _, worker = await loop.create_connection(
            lambda f=finished: _Loop(raw, until, f),  # type: ignore[misc]
            host,
            port,
        )
        workers.append(worker)
    await asyncio.wait_for(asyncio.gather(*(worker.finished for worker in workers)), seconds + 30)
    return sum(w.done for w in workers), sum(w.failed for w in workers)


def throughput(url: str, raw: bytes, connections: int = 16, seconds: float = 5.0) -> float:
    """Requests per second with `connections` keep-alive connections for `seconds`."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    start = time.monotonic()
    done, failed = cast(tuple[int, int], runner(_load(url, raw, connections, seconds)))
    if failed:
        raise RuntimeError(f"{failed} of {done} requests did not answer 200")
    return done / (time.monotonic() - start)
