"""Fixtures for the emulator's own tests: one server per test session (per xdist worker).

Every `api` is a fresh random bearer token, i.e. a fresh seller with no data, so tests never
see each other's groups and can run in any order or in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import NEW, VERSIONS, Api


@pytest.fixture(scope="session")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="session")
def lagged_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, search_lag=2.0) as running:
        yield running


@pytest.fixture(params=VERSIONS)
def version(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def api(server: EmulatorServer, version: str) -> Iterator[Api]:
    """A fresh seller talking to the shared emulator under the parametrized version."""
    client = Api(server.url, version)
    yield client
    client.close()


@pytest.fixture
def new_api(server: EmulatorServer) -> Iterator[Api]:
    """A fresh seller under 2022-03-16, for version-independent tests."""
    client = Api(server.url, NEW)
    yield client
    client.close()
