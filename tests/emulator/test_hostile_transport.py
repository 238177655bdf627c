"""Hostile requests at the transport: a bounded request head, and `serve --data ""` refused."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from typing import Any

import httpx
import pytest

from squarecheck.emulator.server import MAX_HEAD_BYTES, MAX_HEADERS, EmulatorServer
from tests.support.emulator import Api, error_of

GROUPS = "/v2/customers/groups"


def _head(server: EmulatorServer, size: int, headers: int = 0) -> bytes:
    """A GET head of exactly `size` bytes (padded in one header), with `headers` extra ones."""
    start = f"GET {GROUPS} HTTP/1.1\r\nHost: {server.host}\r\nAuthorization: Bearer t\r\n"
    extra = "".join(f"X-Extra-{index}: {index}\r\n" for index in range(headers))
    frame = f"{start}{extra}X-Padding: \r\n\r\n"
    padding = size - len(frame.encode())
    assert padding >= 0
    return f"{start}{extra}X-Padding: {'a' * padding}\r\n\r\n".encode()


def _exchange(server: EmulatorServer, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Send `raw` on a fresh connection; the status and JSON body of the answer."""
    with socket.create_connection((server.host, server.port), timeout=20) as sock:
        sock.sendall(raw)
        reader = sock.makefile("rb")
        status = int(reader.readline().split(b" ", 2)[1])
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, json.loads(reader.read(length))


def test_a_head_at_the_limit_is_served(server: EmulatorServer) -> None:
    """A request head of exactly MAX_HEAD_BYTES bytes is answered as usual."""
    status, body = _exchange(server, _head(server, MAX_HEAD_BYTES))
    assert status == 200, body


def test_a_head_one_byte_over_the_limit_is_431(server: EmulatorServer) -> None:
    """A request head of MAX_HEAD_BYTES + 1 bytes is 431 with a Square error envelope."""
    status, body = _exchange(server, _head(server, MAX_HEAD_BYTES + 1))
    assert status == 431
    (error,) = body["errors"]
    assert error["code"] == "BAD_REQUEST" and error["category"] == "INVALID_REQUEST_ERROR"
    assert str(MAX_HEAD_BYTES) in error["detail"]


def test_a_16_mib_header_is_431_and_the_server_keeps_serving(server: EmulatorServer) -> None:
    """A 16 MiB header is refused with 431 (not read and answered), and the next request works."""
    with httpx.Client(base_url=server.url, timeout=60) as http:
        response = http.get(GROUPS, headers={"Authorization": "Bearer t", "X-Big": "a" * 2**24})
    assert response.status_code == 431
    assert error_of(response)["code"] == "BAD_REQUEST"
    assert httpx.get(server.url + GROUPS, headers={"Authorization": "Bearer t"}).status_code == 200


@pytest.mark.parametrize(("count", "status"), [(MAX_HEADERS, 200), (MAX_HEADERS + 1, 431)])
def test_header_count_is_bounded(server: EmulatorServer, count: int, status: int) -> None:
    """MAX_HEADERS headers are served; one more is 431 naming the limit."""
    raw = _head(server, 4096, headers=count - 3)  # Host, Authorization and X-Padding count too
    answered, body = _exchange(server, raw)
    assert answered == status, body
    if status == 431:
        assert str(MAX_HEADERS) in body["errors"][0]["detail"]


def test_an_oversized_head_behind_a_pipelined_request_waits_for_its_answer(
    server: EmulatorServer,
) -> None:
    """A request sent ahead of an oversized head on one connection gets its whole 200, then the
    connection closes."""
    first = f"GET {GROUPS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n".encode()
    with socket.create_connection((server.host, server.port), timeout=20) as sock:
        sock.sendall(first + _head(server, MAX_HEAD_BYTES + 1024))
        reader = sock.makefile("rb")
        answer = reader.read()  # until the server closes the connection
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"431" not in rest and json.loads(rest) == {}


def test_the_limit_is_per_request_on_a_kept_alive_connection(new_api: Api) -> None:
    """Each request on one connection has its own head limit; bodies do not count against it."""
    padding = {"X-Padding": "a" * (MAX_HEAD_BYTES - 1024)}
    for index in range(3):
        assert new_api.request("GET", GROUPS, headers=padding).status_code == 200
        body = {"idempotency_key": f"k{index}", "group": {"name": "n" * 200_000}}
        response = new_api.request("POST", GROUPS, json=body)
        assert response.status_code != 431, response.text[:300]


def test_serve_with_an_empty_data_path_is_a_usage_error() -> None:
    """`serve --data ""` is one line on stderr and exit 2, not a silent in-memory store."""
    process = subprocess.run(
        [sys.executable, "-m", "squarecheck", "serve", "--port", "0", "--data", ""],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert process.stdout == ""
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr
    assert "--data" in process.stderr and "Traceback" not in process.stderr


def test_an_embedded_emulator_refuses_an_empty_data_path() -> None:
    """EmulatorServer(data="") refuses to start instead of keeping the state in memory."""
    from squarecheck.emulator.db.database import DataFileUnusable

    with pytest.raises(DataFileUnusable), EmulatorServer(port=0, data=""):
        pass
