"""A loopback proxy that forwards to a target but drops the Square-Version request header.

It stands in for a broken gateway or a server that ignores the version: every request is then
processed under the upstream's default version.
"""

from __future__ import annotations

import http.server
import threading
from types import TracebackType
from typing import Any

import httpx

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each small response waits for a delayed ACK
    upstream: httpx.Client

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in _HOP and k.lower() != "square-version"
        }
        response = self.upstream.request(self.command, self.path, headers=headers, content=body)
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in _HOP and key.lower() != "content-encoding":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep test output clean."""


class VersionStrippingProxy:
    """`with VersionStrippingProxy(upstream_url) as proxy:` then send requests to `proxy.url`."""

    def __init__(self, upstream: str) -> None:
        client = httpx.Client(base_url=upstream, timeout=30)
        handler = type("Handler", (_Handler,), {"upstream": client})
        self._client = client
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> VersionStrippingProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()
