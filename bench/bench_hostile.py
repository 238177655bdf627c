"""Measure a default `squarecheck run` against three hostile targets.

Each target is a small TCP server on a loopback port: one answers the reachability probe and
then never again (`hang`), one answers 429 with `Retry-After: 20` forever (`429`), one sends a
body that never ends (`endless`), one answers the probe and then closes every connection
unanswered (`dead`). For each, prints the exit code, wall time and peak RSS of the run's
process (from wait4) and whether every report was written, with the ratios against the
5-minute and 1 GiB budgets.

    python bench/bench_hostile.py [--only hang] [-- extra squarecheck run options]
    python bench/bench_hostile.py --only dead -- --square-version all   # every release
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

BUDGET_SECONDS = 5 * 60
BUDGET_BYTES = 1024**3
Behave = Callable[[int, socket.socket, threading.Event], None]


def _head(status: str, **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", "Connection: close"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def hang(number: int, conn: socket.socket, stop: threading.Event) -> None:
    if number == 1:
        conn.sendall(_head("200 OK", Content_Length="2") + b"{}")
    else:
        stop.wait()


def rate_limited(number: int, conn: socket.socket, stop: threading.Event) -> None:
    body = b'{"errors": [{"code": "RATE_LIMITED", "category": "RATE_LIMIT_ERROR"}]}'
    conn.sendall(_head("429 Too Many Requests", Retry_After="20", Content_Length=str(len(body))))
    conn.sendall(body)


def endless(number: int, conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(_head("200 OK") + b'{"groups": [')
    while not stop.is_set():
        conn.sendall(b" " * 65536)


def dead(number: int, conn: socket.socket, stop: threading.Event) -> None:
    if number == 1:
        conn.sendall(_head("200 OK", Content_Length="2") + b"{}")


TARGETS: dict[str, Behave] = {
    "hang": hang,
    "429": rate_limited,
    "endless": endless,
    "dead": dead,
}


def serve(behave: Behave) -> tuple[socketserver.ThreadingTCPServer, threading.Event]:
    stop, counter, lock = threading.Event(), [0], threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                with lock:
                    counter[0] += 1
                    number = counter[0]
                behave(number, self.request, stop)
            except OSError:
                pass

    socketserver.ThreadingTCPServer.daemon_threads = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, stop


def measure(name: str, extra: list[str]) -> dict[str, object]:
    """One default run against target `name`: exit code, wall time, peak RSS, reports."""
    server, stop = serve(TARGETS[name])
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SQUARECHECK_", "SQUARE_"))}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "squarecheck", "run", "--target", url, "--token", "bench-t0k"]
        cmd += ["--report-dir", tmp, *extra]
        out_path = Path(tmp) / "stdout.txt"
        started = time.monotonic()
        with out_path.open("wb") as out:
            proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - started
        match = re.search(r"^reports: (.+)/ \(", out_path.read_text(), re.MULTILINE)
        run_dir = Path(match.group(1)) if match else Path(tmp) / "missing"
        names = ("results.json", "junit.xml", "report.html", "index.html")
        complete = all((run_dir / n).is_file() for n in names)
        doc = json.loads((run_dir / "results.json").read_text()) if complete else {}
    stop.set()
    server.shutdown()
    server.server_close()
    return {
        "target": name,
        "exit": proc.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "reports_complete": complete,
        "checks": len(doc.get("checks", [])),
        "stopped": doc.get("run", {}).get("stopped"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(TARGETS), action="append")
    parser.add_argument("extra", nargs="*", help="options passed to squarecheck run")
    args = parser.parse_args()
    for name in args.only or list(TARGETS):
        row = measure(name, args.extra)
        wall, rss = float(row["wall_s"]), float(row["peak_rss_mib"])  # type: ignore[arg-type]
        print(
            f"{name:8} exit {row['exit']}  wall {wall:6.1f} s ({wall / BUDGET_SECONDS:.0%} of 5m)"
            f"  peak RSS {rss:6.1f} MiB ({rss * 1024**2 / BUDGET_BYTES:.0%} of 1 GiB)"
            f"  reports {'complete' if row['reports_complete'] else 'MISSING'}"
            f"  {row['checks']} checks; {row['stopped']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
