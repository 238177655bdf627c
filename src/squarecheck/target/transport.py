"""A socket-level deadline for httpx: one request's connect, send and every read share it.

httpx's timeouts bound each socket operation on its own, so a target that trickles its headers
or its body a byte at a time never times out. Here every connect, read and write made while a
`deadline(...)` block is active waits at most the time left in that block, and none starts
once it is spent; the network backend is httpcore's own, wrapped (`network_backend` is
httpcore's public hook for this), so TLS and pooling stay httpx's; `HTTPS_PROXY` and
`NO_PROXY` are honoured as httpx does. `exchange` sends one request and reads its body up to
`--max-body` bytes, streamed, so an endless body costs that much memory and no more.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, Protocol

import httpcore
import httpx

from squarecheck.errors import ToolError
from squarecheck.target.bounds import Limits, printable
from squarecheck.target.redaction import Redactor

_state = threading.local()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation inside the block ends within `seconds` of entering it."""
    previous = getattr(_state, "until", None)
    _state.until = time.monotonic() + seconds
    try:
        yield
    finally:
        _state.until = previous


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """The operation's own timeout, shortened to what the deadline leaves."""
    until: float | None = getattr(_state, "until", None)
    if until is None:
        return timeout
    left = until - time.monotonic()
    if left <= 0:
        raise error("the request deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self.inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self.inner.connect_tcp(host, port, wait, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        wait = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self.inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport on the backend above, direct or through an HTTP(S) proxy."""

    def __init__(self, proxy: str | None = None) -> None:
        super().__init__()
        context, backend = httpx.create_ssl_context(), _Backend()
        if proxy is None:
            self._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=backend)
            return
        url = httpx.URL(proxy)
        auth = (url.username.encode(), url.password.encode()) if url.username else None
        self._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            proxy_auth=auth,
            ssl_context=context,
            network_backend=backend,
        )


def proxy_for(base_url: str) -> str | None:
    """The HTTP(S) proxy the environment names for `base_url` (`HTTPS_PROXY`, `NO_PROXY`)."""
    parts = httpx.URL(base_url)
    if urllib.request.proxy_bypass(parts.host):
        return None
    proxy = urllib.request.getproxies_environment().get(parts.scheme)
    return proxy if proxy and proxy.startswith(("http://", "https://")) else None


class Raw(NamedTuple):
    """A whole answer, read within the bounds."""

    status: int
    headers: httpx.Headers
    content: bytes
    url: str


class Pipe:
    """A target's requests handed straight to the transport below, with the headers, URL and
    timeouts an `httpx.Client` on `base_url` would give them.

    The client's own layers (a cookie jar filled from every answer, URL merging, auth and
    redirect flows, none of which a run uses: tokens travel in a header, redirects are not
    followed) cost as much CPU per request as the transport itself, and a run sends thousands.
    The answer is still httpx's `Response`, decoded as the client would decode it.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        defaults = httpx.Client(base_url=base_url, timeout=timeout)
        self.headers = defaults.headers  # Accept, Accept-Encoding, Connection, User-Agent
        self.timeout = defaults.timeout.as_dict()
        self.base = str(defaults.base_url).rstrip("/") + "/"  # as httpx merges paths onto it
        defaults.close()
        self.transport = DeadlineTransport(proxy_for(base_url))

    def send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        content: str | bytes | None,
        params: dict[str, Any],
    ) -> tuple[httpx.Request, httpx.Response]:
        """Send one request for `path` (under the base URL's path, as httpx merges it); the
        request and its answer, not yet read."""
        request = httpx.Request(
            method,
            self.base + path.lstrip("/"),
            params=params or None,
            headers={**self.headers, **headers},
            content=content,
            extensions={"timeout": self.timeout},
        )
        return request, self.transport.handle_request(request)

    def close(self) -> None:
        self.transport.close()


class Wire(Protocol):
    """What `exchange` needs of a connection (a `target.client.Connection`)."""

    base_url: str
    http: Pipe
    limits: Limits
    redactor: Redactor


def exchange(
    conn: Wire,
    method: str,
    path: str,
    headers: dict[str, str],
    content: str | bytes | None,
    params: dict[str, Any],
) -> Raw:
    """Send once and read the answer, at most --max-body bytes of it beyond the size of the
    request body (a target that accepts a large body may echo it back); failures are ToolErrors.

    Call it inside a `deadline(...)` block: a timeout here means the deadline passed.
    """
    sent = len(content.encode("utf-8") if isinstance(content, str) else content or b"")
    cap = conn.limits.max_body + sent
    try:
        request, response = conn.http.send(method, path, headers, content, params)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    beyond = f" beyond the {sent} bytes sent" if sent else ""
                    raise ToolError(
                        f"{method} {path}: the response body is more than "
                        f"{conn.limits.max_body} bytes (--max-body){beyond}; not read further"
                    )
                chunks.append(chunk)
        finally:
            response.close()
    except httpx.TimeoutException:
        raise ToolError(
            f"{method} {path}: no complete answer within the request deadline of "
            f"{conn.limits.deadline:g}s (--request-deadline)"
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        detail = conn.limits.clip(printable(conn.redactor.text(f"{type(exc).__name__}: {exc}")))
        raise ToolError(f"target unreachable at {conn.base_url}: {detail}") from None
    return Raw(response.status_code, response.headers, b"".join(chunks), str(request.url))


def client(base_url: str, timeout: float) -> httpx.Client:
    """An httpx client whose requests honour `deadline(...)` blocks."""
    transport = DeadlineTransport(proxy_for(base_url))
    return httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
