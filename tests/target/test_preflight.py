"""The preflight against real servers on loopback: each setup mistake gets one line naming
its fix, and a correct setup passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from squarecheck.emulator.server import EmulatorServer
from squarecheck.target.preflight import preflight
from squarecheck.target.resolve import resolve_target
from tests.support.suites import LocalServer, closed_port

VERSION = "2022-03-16"


def _run(url: str, token: str | None = "sqc-test-token") -> tuple[str | None, list[str]]:
    found = preflight(resolve_target(url), token, VERSION, 5.0)
    return found.diagnosis, found.notes


@pytest.fixture
def rewriting() -> Iterator[LocalServer]:
    """A server that answers 200 under another Square-Version than asked (a rewriting proxy)."""

    async def groups(request: Request) -> JSONResponse:
        return JSONResponse({"groups": []}, headers={"Square-Version": "2020-04-22"})

    with LocalServer(Starlette(routes=[Route("/v2/customers/groups", groups)])) as server:
        yield server


def test_correct_setup_passes(emulator: EmulatorServer) -> None:
    """The emulator with a plain token passes the preflight without a note."""
    assert _run(emulator.url) == (None, [])


def test_token_with_bearer_prefix_is_named(emulator: EmulatorServer) -> None:
    """A token pasted with `Bearer ` is recognised, and the fix is to drop the prefix."""
    diagnosis, _ = _run(emulator.url, "Bearer abc")
    assert diagnosis is not None and "'Bearer '" in diagnosis and "without it" in diagnosis
    assert "abc" not in diagnosis


def test_missing_token_is_a_401_naming_the_token(emulator: EmulatorServer) -> None:
    """No token at all: the 401 names --token as what to check."""
    diagnosis, _ = _run(emulator.url, None)
    assert diagnosis is not None and "401" in diagnosis and "--token" in diagnosis


def test_path_after_host_names_the_base_url(emulator: EmulatorServer) -> None:
    """A base URL ending in /v2 answers 404; the fix names the URL without the path."""
    diagnosis, _ = _run(emulator.url + "/v2")
    assert diagnosis is not None and f"use --target {emulator.url}" in diagnosis


def test_closed_port_asks_whether_the_server_runs() -> None:
    """A closed port is named with the address and the question to ask."""
    diagnosis, _ = _run(f"http://127.0.0.1:{closed_port()}")
    assert diagnosis is not None and "connection refused" in diagnosis
    assert "is the server running" in diagnosis


def test_https_to_a_plain_http_server_names_http(emulator: EmulatorServer) -> None:
    """https:// to a plain-HTTP server: the diagnosis gives the http:// URL to use."""
    diagnosis, _ = _run(emulator.url.replace("http://", "https://"))
    assert diagnosis is not None and f"use --target {emulator.url}" in diagnosis


def test_rewritten_version_is_a_note_not_a_stop(rewriting: LocalServer) -> None:
    """A different Square-Version in the answer is noted, and the run goes on."""
    diagnosis, notes = _run(rewriting.url)
    assert diagnosis is None
    assert notes and "2020-04-22" in notes[0] and VERSION in notes[0]
