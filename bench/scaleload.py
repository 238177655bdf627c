"""bench_scale's fixtures: seeding a data file through the store, and the servers it times.

Run as a script (`python bench/scaleload.py --serve-bare`) it is the bare Starlette server:
one route returning a fixed group body, served by uvicorn with the emulator's settings.
"""

from __future__ import annotations

import json
import random
import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

FIRST = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "Lucas",
    "Mia",
    "Mateo",
    "Amelia",
    "Ethan",
    "Harper",
    "Levi",
    "Evelyn",
    "Zoë",
    "Aurora",
    "Émile",
)
LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
)
#: group name -> share of the profiles in it (each profile drawn independently)
GROUPS = {"half": 0.5, "fifth": 0.2, "hundredth": 0.01}
BATCH = 10_000
LINE = re.compile(r"listening on (http://\S+)")


@dataclass
class Seller:
    """The seeded seller; `draw` decides memberships independently of names (seeded, so every
    run builds the same seller)."""

    token: str
    groups: dict[str, str] = field(default_factory=dict)
    profiles: int = 0
    sample_ids: list[str] = field(default_factory=list)
    draw: random.Random = field(default_factory=lambda: random.Random(20240118))


def seed(data: Path, seller: Seller, size: int) -> None:
    """Grow the seller to `size` profiles through the store API, BATCH per transaction."""
    from squarecheck.emulator.config import EmulatorConfig
    from squarecheck.emulator.customers.store import CustomerStore

    store = CustomerStore(EmulatorConfig(data=str(data)))
    try:
        if not seller.groups:
            for name in GROUPS:
                seller.groups[name] = store.create_group(seller.token, name, None)["id"]
        while seller.profiles < size:
            with store.batch():
                for index in range(seller.profiles, min(size, seller.profiles + BATCH)):
                    _profile(store, seller, index)
            seller.profiles = min(size, seller.profiles + BATCH)
    finally:
        store.close()


def _profile(store: object, seller: Seller, index: int) -> None:
    fields = {
        "given_name": FIRST[index % len(FIRST)],
        "family_name": f"{LAST[index // len(FIRST) % len(LAST)]}{index // 340}",
        "email_address": f"p{index}@example.com",
        "reference_id": f"ref-{index}",
    }
    customer = store.create_customer(seller.token, fields, None)["id"]  # type: ignore[attr-defined]
    for name, share in GROUPS.items():
        if seller.draw.random() < share:
            store.add_group(seller.token, customer, seller.groups[name])  # type: ignore[attr-defined]
    if index % 97 == 0 and len(seller.sample_ids) < 5000:
        seller.sample_ids.append(customer)


def started(command: list[str], quiet: bool = False) -> tuple[subprocess.Popen[str], str]:
    """Start a server that prints "... listening on URL"; (process, URL)."""
    stderr = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = LINE.search(line)
    if not match:
        process.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    return process, match.group(1)


def serve(*options: str) -> tuple[subprocess.Popen[str], str]:
    """`squarecheck serve --port 0 OPTIONS` in its own process; (process, base URL)."""
    return started([sys.executable, "-m", "squarecheck", "serve", "--port", "0", *options])


def bare_command() -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--serve-bare"]


def bare_server() -> tuple[subprocess.Popen[str], str]:
    return started(bare_command())


def stop(process: subprocess.Popen[str], timeout: float = 20) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wrk_rate(url: str, token: str, seconds: float) -> float:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c16",
            f"-d{max(1, int(seconds))}s",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else float("nan")


def _serve_bare() -> None:
    """A bare Starlette endpoint on uvicorn, set up like `EmulatorServer` (thread, socket, the
    protocol that bounds request heads)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from squarecheck.emulator.server import BoundedHttpTools

    group = {
        "id": "2TAT3CMH4Q0A9M87XJZED0WMR3",
        "name": "VIP",
        "created_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2024-01-01T00:00:00.000Z",
    }
    payload = json.dumps({"group": group}).encode()

    async def endpoint(request: Request) -> Response:
        return Response(
            payload, media_type="application/json", headers={"Square-Version": "2025-01-23"}
        )

    app = Starlette(routes=[Route("/v2/customers/groups/{group_id}", endpoint)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            http=BoundedHttpTools,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    thread.start()
    while not server.started:
        stopped.wait(0.01)
    print(f"bare starlette listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    while not stopped.wait(0.5):
        pass
    server.should_exit = True
    thread.join(5)


if __name__ == "__main__" and sys.argv[1:] == ["--serve-bare"]:
    _serve_bare()
