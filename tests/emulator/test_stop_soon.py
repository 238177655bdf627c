"""`EmulatorServer.stop_soon`: the server shuts down while its caller does other work."""

from __future__ import annotations

import httpx
import pytest

from squarecheck.emulator.embedded import embedded_emulator
from squarecheck.emulator.server import EmulatorServer


def test_stop_soon_leaves_the_rest_to_stop() -> None:
    """After stop_soon the server stops serving on its own; stop then closes it at once."""
    server = EmulatorServer(port=0).start()
    url = f"{server.url}/v2/customers/groups"
    headers = {"Authorization": "Bearer sqc-emu-stopsoon"}
    assert httpx.get(url, headers=headers, timeout=5).status_code == 200
    server.stop_soon()
    assert server._thread is not None
    server._thread.join(5)
    assert not server._thread.is_alive()
    server.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(url, headers=headers, timeout=2)


def test_the_embedded_emulator_can_be_asked_to_stop_before_its_block_ends() -> None:
    """The run's emulator takes stop_soon and its block still ends cleanly after it."""
    with embedded_emulator() as embedded:
        headers = {"Authorization": f"Bearer {embedded.token}"}
        response = httpx.get(f"{embedded.url}/v2/customers/groups", headers=headers, timeout=5)
        assert response.status_code == 200
        embedded.stop_soon()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{embedded.url}/v2/customers/groups", headers=headers, timeout=2)
