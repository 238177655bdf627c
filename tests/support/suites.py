"""Helpers for the tests of the suites, plugin and `run`/`sweep` commands.

Broken targets are built as small reverse proxies in front of a real EmulatorServer, each
bending one behaviour; everything listens on 127.0.0.1 with port 0.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

RequestHook = Callable[[str, str, bytes], bytes]
ResponseHook = Callable[[str, str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]
Interceptor = Callable[[int, str, str], Response | None]


class LocalServer:
    """A starlette app served by uvicorn in a thread on a free loopback port."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalServer:
        sock = socket.socket()
        # without TCP_NODELAY small responses wait for the peer's delayed ACK (~40 ms each)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        while not self._server.started and self._thread.is_alive():
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(10)


@dataclass
class Proxy:
    """A reverse proxy to `upstream` that can bend requests and responses."""

    upstream: str
    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None
    intercept: Interceptor | None = None
    seen: list[tuple[str, str]] = field(default_factory=list)
    client: httpx.AsyncClient | None = None

    def app(self) -> Starlette:
        async def forward(request: Request) -> Response:
            method, path = request.method, request.url.path
            self.seen.append((method, path))
            if self.intercept is not None:
                early = self.intercept(len(self.seen), method, path)
                if early is not None:
                    return early
            body = await request.body()
            if self.on_request is not None:
                body = self.on_request(method, path, body)
            headers = {
                k: v
                for k, v in request.headers.items()
                if k.lower() not in ("host", "content-length")
            }
            if self.client is None:  # one pool per proxy: building a client costs an SSL context
                # idle connections are dropped before uvicorn's 5 s keep-alive closes them, so a
                # request after a pause (a run's pytest starting up) never meets a closed socket
                keepalive = httpx.Limits(keepalive_expiry=2.0)
                self.client = httpx.AsyncClient(base_url=self.upstream, limits=keepalive)
            raw = request.scope.get("raw_path") or path.encode()
            query = request.scope.get("query_string") or b""
            target = raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
            upstream = await self.client.request(method, target, headers=headers, content=body)
            out_headers = {
                k: v
                for k, v in upstream.headers.items()
                if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
            }
            status, content = upstream.status_code, upstream.content
            if self.on_response is not None:
                status, out_headers, content = self.on_response(
                    method, path, status, out_headers, content
                )
            return Response(content, status_code=status, headers=out_headers)

        methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        return Starlette(routes=[Route("/{path:path}", forward, methods=methods)])


@dataclass
class RunResult:
    """A finished `squarecheck run`: exit code, output, and the run folder if any."""

    code: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def run_dir(self) -> Path:
        match = re.search(r"^reports: (.+)/ \(", self.stdout, re.MULTILINE)
        assert match, self.stdout[-2000:] + self.stderr
        return Path(match.group(1))

    @property
    def results(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.run_dir / "results.json").read_text())
        return loaded

    def outcomes(self, outcome: str) -> list[dict[str, Any]]:
        return [c for c in self.results["checks"] if c["outcome"] == outcome]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any SQUARECHECK_/SQUARE_ setting of the caller; each run a
    test starts takes one process (SQUARECHECK_WORKERS=1) unless `extra` says otherwise: the
    test tiers already spread the tests over the cores."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SQUARECHECK_", "SQUARE_"))}
    env["SQUARECHECK_WORKERS"] = "1"
    env.update(extra)
    return env


def closed_port() -> int:
    """A loopback port nothing listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


def rewrite_json(transform: Callable[[Any], Any]) -> Callable[[bytes], bytes]:
    """Apply `transform` to a JSON body (non-JSON bodies pass through)."""

    def apply(content: bytes) -> bytes:
        try:
            doc = json.loads(content)
        except ValueError:
            return content
        return json.dumps(transform(doc)).encode()

    return apply


def drop_version_echo(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """A proxy response hook: the target forgets to echo Square-Version."""
    return status, {k: v for k, v in headers.items() if k.lower() != "square-version"}, body
