"""Hostile targets and a bounded runner for the tests of squarecheck against them.

`RawTarget` is a TCP server on a real loopback socket whose handler writes raw bytes, so it can
do what no well-behaved HTTP framework does: answer one request and then hang, trickle headers
or a body a byte at a time, or send a body that never ends. `run_bounded` runs
`squarecheck run` in a child process under a memory rlimit (so a runaway run fails the test
rather than the machine) and measures its wall time and peak RSS.
"""

from __future__ import annotations

import html
import json
import os
import re
import resource
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from tests.support.suites import clean_env

#: A child run may not map more than this; far above what a healthy run needs.
CHILD_ADDRESS_SPACE = 3 * 1024**3
Behaviour = Callable[[int, socket.socket, threading.Event], None]


def http_head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def json_answer(conn: socket.socket, status: str = "200 OK", body: bytes = b"{}") -> None:
    head = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    conn.sendall(http_head(status, {**head, "Connection": "close"}) + body)


def _read_request(conn: socket.socket) -> bool:
    """Consume one request (head and Content-Length body); False if the peer went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        rest += chunk
    return True


class RawTarget:
    """A threaded TCP server; `behave(n, conn, stop)` answers the n-th request (1-based)."""

    def __init__(self, behave: Behaviour) -> None:
        self.behave = behave
        self.count = 0
        self.stop = threading.Event()
        self._lock = threading.Lock()
        target = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                try:
                    if not _read_request(conn):
                        return
                    with target._lock:
                        target.count += 1
                        number = target.count
                    target.behave(number, conn, target.stop)
                except OSError:
                    pass  # the client gave up: exactly what these targets provoke

        socketserver.ThreadingTCPServer.daemon_threads = True
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> RawTarget:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def after_probe(then: Behaviour) -> Behaviour:
    """Answer the first request (the reachability probe) with `{}`, then behave as `then`."""

    def behave(number: int, conn: socket.socket, stop: threading.Event) -> None:
        if number == 1:
            json_answer(conn)
        else:
            then(number, conn, stop)

    return behave


def hang(number: int, conn: socket.socket, stop: threading.Event) -> None:
    """Accept the request and never answer."""
    stop.wait()


def trickle_head(number: int, conn: socket.socket, stop: threading.Event) -> None:
    """Send a status line and headers one byte every 0.2 s, forever."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 10**6:
        if stop.wait(0.2):
            return
        conn.sendall(bytes([byte]))


def trickle_body(number: int, conn: socket.socket, stop: threading.Event) -> None:
    """Send complete headers, then a body one byte every 0.2 s, forever."""
    conn.sendall(http_head("200 OK", {"Content-Type": "application/json", "Connection": "close"}))
    conn.sendall(b"{")
    while not stop.wait(0.2):
        conn.sendall(b" ")


def endless_body(number: int, conn: socket.socket, stop: threading.Event) -> None:
    """Send complete headers, then JSON whitespace as fast as the client reads, forever."""
    conn.sendall(http_head("200 OK", {"Content-Type": "application/json", "Connection": "close"}))
    conn.sendall(b'{"groups": [')
    chunk = b" " * 65536
    while not stop.is_set():
        conn.sendall(chunk)


def rate_limited(number: int, conn: socket.socket, stop: threading.Event) -> None:
    """429 with Retry-After: 1, every time."""
    body = b'{"errors": [{"code": "RATE_LIMITED", "category": "RATE_LIMIT_ERROR"}]}'
    head = {"Content-Type": "application/json", "Retry-After": "1", "Connection": "close"}
    conn.sendall(http_head("429 Too Many Requests", {**head, "Content-Length": str(len(body))}))
    conn.sendall(body)


@dataclass
class Bounded:
    """A finished (or killed) child run: exit code, output, wall time, peak RSS, reports."""

    code: int | None
    stdout: str
    stderr: str
    wall: float
    peak_rss: int  # bytes
    report_dir: Path
    timed_out: bool = False
    files: list[Path] = field(default_factory=list)

    @property
    def run_dir(self) -> Path:
        match = re.search(r"^reports: (.+)/ \(", self.stdout, re.MULTILINE)
        assert match, f"no run folder; exit {self.code}\n{self.stdout[-3000:]}{self.stderr[-3000:]}"
        return Path(match.group(1))

    @property
    def results(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.run_dir / "results.json").read_text())
        return loaded

    def outputs(self) -> Iterator[tuple[str, str]]:
        """(name, text) of stdout, stderr and every file the run wrote."""
        yield "stdout", self.stdout
        yield "stderr", self.stderr
        for path in sorted(self.report_dir.rglob("*")) if self.report_dir.exists() else []:
            if path.is_file():
                yield str(path), path.read_text(encoding="utf-8", errors="replace")


def _limit_memory() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))


def start_bounded(
    tmp: Path, args: list[str], env: dict[str, str], command: str = "run"
) -> tuple[subprocess.Popen[bytes], Path, Path, Path, float]:
    """Start `squarecheck <command> <args>` with output to files; (process, paths, start)."""
    reports = tmp / "reports"
    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    argv = [sys.executable, "-m", "squarecheck", command, *args]
    if command == "run":
        argv += ["--report-dir", str(reports)]
    with out.open("wb") as fo, err.open("wb") as fe:
        process = subprocess.Popen(
            argv, cwd=tmp, env=clean_env(**env), stdout=fo, stderr=fe, preexec_fn=_limit_memory
        )
    return process, reports, out, err, time.monotonic()


def wait_bounded(
    process: subprocess.Popen[bytes],
    reports: Path,
    out: Path,
    err: Path,
    started: float,
    timeout: float,
) -> Bounded:
    """Reap the child (killing it after `timeout` s) and measure it with wait4."""
    timed_out, status, usage = False, 0, None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            timed_out = True
            os.kill(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    return Bounded(
        code=None if timed_out else process.returncode,
        stdout=out.read_text(errors="replace"),
        stderr=err.read_text(errors="replace"),
        wall=wall,
        peak_rss=usage.ru_maxrss * 1024,
        report_dir=reports,
        timed_out=timed_out,
    )


def run_bounded(
    tmp: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 150.0
) -> Bounded:
    """Run `squarecheck run` and wait at most `timeout` seconds."""
    return wait_bounded(*start_bounded(tmp, list(args), env or {}), timeout=timeout)


# -- forms of a secret ----------------------------------------------------------------------


def json_escaped(secret: str) -> str:
    """Every character as a JSON \\uXXXX escape."""
    return "".join(f"\\u{ord(c):04X}" for c in secret)


def percent_encoded(secret: str) -> str:
    """Every byte percent-encoded (even unreserved characters)."""
    return "".join(f"%{b:02X}" for b in secret.encode("utf-8"))


_JSON_ESCAPE = re.compile(r"\\+u([0-9a-fA-F]{4})")


def decoded_views(text: str) -> list[str]:
    """`text` and what it reads as once JSON escapes, percent-encoding or entities are undone."""
    unjson = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text).replace("\\/", "/")
    views = [text, unjson, unquote(text), unquote(unjson), html.unescape(text)]
    views.append(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), html.unescape(text)))
    views.append(unquote(html.unescape(text)))
    return views


def leaks(secret: str, text: str) -> bool:
    """True if `secret` appears in `text` in any decoded view."""
    return any(secret in view for view in decoded_views(text)) or quote(secret) in text
